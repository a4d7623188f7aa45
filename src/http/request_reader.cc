#include "http/request_reader.h"

// Beast settings must come before every Boost header.
// clang-format off
#include "http/beast_config.h"
// clang-format on

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

// GCC 12 with sanitizers reports a false maybe-uninitialized inside Beast
// 1.74's parser (an empty boost::optional). Silenced for Beast's lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop

#include "http/beast_socket_stream.h"

namespace invtrack {
namespace {

namespace http = boost::beast::http;
using boost::system::error_code;

// Beast reads at most 64 KiB per syscall, and only as much as the buffer
// has room for: reserve that much so header and chunked-body reads are large.
constexpr size_t kReadBufferBytes = 64 * 1024;

// Beast's parser with our callbacks: fields go straight into RequestHead in
// arrival order (Beast's own field container groups equal names), and
// decoded body bytes straight into the caller's buffer.
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(RequestHead& head) : head_(head) {}

  // Where the next decoded body bytes go.
  void SetOutput(char* out, size_t size) {
    out_ = out;
    out_size_ = size;
    produced_ = 0;
  }
  size_t produced() const { return produced_; }

 private:
  void on_request_impl(http::verb, std::string_view method, std::string_view target, int version,
                       error_code&) override {
    head_.method = std::string(method);
    head_.target = std::string(target);
    head_.version = static_cast<unsigned>(version);
  }
  void on_response_impl(int, std::string_view, int, error_code&) override {}
  void on_field_impl(http::field, std::string_view name, std::string_view value,
                     error_code&) override {
    head_.headers.emplace_back(std::string(name), std::string(value));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  size_t on_body_impl(std::string_view body, error_code& ec) override { return Take(body, ec); }
  void on_chunk_header_impl(std::uint64_t, std::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, std::string_view body, error_code& ec) override {
    return Take(body, ec);
  }
  void on_finish_impl(error_code&) override {}

  size_t Take(std::string_view body, error_code& ec) {
    size_t n = std::min(body.size(), out_size_ - produced_);
    if (n > 0) std::memcpy(out_ + produced_, body.data(), n);
    produced_ += n;
    if (n < body.size()) ec = http::error::need_buffer;  // the caller's buffer is full
    return n;
  }

  RequestHead& head_;
  char* out_ = nullptr;
  size_t out_size_ = 0;
  size_t produced_ = 0;
};

HeadReadOutcome ClassifyHeadError(const error_code& ec) {
  if (ec == http::error::header_limit) return HeadReadOutcome::kTooLarge;
  if (ec == boost::asio::error::timed_out) return HeadReadOutcome::kTimedOut;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return HeadReadOutcome::kClosed;
  }
  if (ec.category() == make_error_code(http::error::bad_method).category()) {
    return HeadReadOutcome::kMalformed;
  }
  return HeadReadOutcome::kClosed;  // a socket error
}

const std::string* FindField(const RequestHead& head, std::string_view name) {
  for (const auto& [field, value] : head.headers) {
    if (boost::beast::iequals(field, name)) return &value;
  }
  return nullptr;
}

bool HasField(const RequestHead& head, std::string_view name) {
  return FindField(head, name) != nullptr;
}

bool IsExpectContinue(const RequestHead& head) {
  const std::string* expect = FindField(head, "Expect");
  return head.version >= 11 && expect && boost::beast::iequals(*expect, "100-continue");
}

}  // namespace

struct RequestReader::Impl {
  Impl(SocketStream& socket, size_t max_header) : stream(socket), max_header_bytes(max_header) {
    buffer.reserve(kReadBufferBytes);
  }

  BeastSocketStream stream;
  size_t max_header_bytes;
  boost::beast::flat_buffer buffer;
  std::optional<RequestParser> parser;  // a Beast parser serves one message
};

RequestReader::RequestReader(SocketStream& stream, size_t max_header_bytes)
    : impl_(std::make_unique<Impl>(stream, max_header_bytes)) {}

RequestReader::~RequestReader() = default;

bool RequestReader::HasBufferedBytes() const { return impl_->buffer.size() > 0; }

HeadReadOutcome RequestReader::ReadHead(RequestHead& head) {
  head = RequestHead();
  RequestParser& parser = impl_->parser.emplace(head);
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(impl_->max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  // Bodies stream through and the handler decides how much it takes. (Not
  // boost::none: Beast 1.74 compares the length against an empty optional
  // and reports every body as too large.)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  error_code ec;
  http::read_header(impl_->stream, impl_->buffer, parser, ec);
  if (ec) return ClassifyHeadError(ec);

  head.chunked = parser.chunked();
  // A Transfer-Encoding without chunked last leaves the body's end unknown
  // (RFC 9112, 6.3): Beast would take the body for the next request.
  if (!head.chunked && HasField(head, "Transfer-Encoding")) return HeadReadOutcome::kMalformed;
  // A request with neither Content-Length nor chunked coding has no body.
  head.content_length = head.chunked ? std::nullopt : std::optional<uint64_t>(0);
  if (auto length = parser.content_length()) head.content_length = *length;
  head.keep_alive = parser.keep_alive();
  head.expect_continue = IsExpectContinue(head);
  return HeadReadOutcome::kOk;
}

size_t RequestReader::TakeBuffered(char* out, size_t size) {
  auto& buffer = impl_->buffer;
  size_t n = std::min(size, buffer.size());
  if (n == 0) return 0;
  std::memcpy(out, buffer.data().data(), n);
  buffer.consume(n);
  return n;
}

IoResult RequestReader::ReadChunkedBody(char* out, size_t size) {
  RequestParser& parser = *impl_->parser;
  while (!parser.is_done() && size > 0) {
    parser.SetOutput(out, size);
    error_code ec;
    http::read_some(impl_->stream, impl_->buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};  // `out` is full: that is progress
    if (ec) {
      if (ec.category() == boost::system::system_category()) return {0, ec.value()};
      if (ec == http::error::partial_message) return {0, ECONNABORTED};  // closed early
      return {0, EBADMSG};
    }
    if (parser.produced() > 0) return {parser.produced(), 0};
  }
  return {0, 0};
}

}  // namespace invtrack
