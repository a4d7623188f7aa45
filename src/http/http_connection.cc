#include "http/http_connection.h"

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "http/request_body.h"
#include "http/request_reader.h"
#include "http/response_writer.h"

namespace invtrack {
namespace {

// A body left unread by the handler is drained, to keep the connection,
// only when this small; a larger rest costs less as a new connection.
constexpr size_t kMaxDrainBytes = 64 * 1024;
// Bounds the discard-until-close that keeps a TCP reset from destroying a
// final response (see SocketStream::FinishWithLinger).
constexpr std::chrono::milliseconds kMaxLinger{1'000};
constexpr size_t kMaxLingerBytes = 1024 * 1024;

class ParsedRequest final : public HttpRequest {
 public:
  ParsedRequest(const RequestHead& head, const std::string& remote_address, RequestBody& body)
      : head_(head), remote_address_(remote_address), body_(body) {}

  std::string_view method() const override { return head_.method; }
  std::string_view target() const override { return head_.target; }
  const std::vector<std::pair<std::string, std::string>>& headers() const override {
    return head_.headers;
  }
  std::string_view remote_address() const override { return remote_address_; }
  std::optional<uint64_t> content_length() const override { return head_.content_length; }
  ByteSource& body() override { return body_; }

 private:
  const RequestHead& head_;
  const std::string& remote_address_;
  RequestBody& body_;
};

std::optional<int> ErrorStatusFor(HeadReadOutcome outcome) {
  switch (outcome) {
    case HeadReadOutcome::kTimedOut:
      return 408;
    case HeadReadOutcome::kTooLarge:
      return 431;
    case HeadReadOutcome::kMalformed:
      return 400;
    case HeadReadOutcome::kOk:
    case HeadReadOutcome::kClosed:
      break;
  }
  return std::nullopt;
}

HttpResponse CallHandler(const HttpHandler& handler, HttpRequest& request) {
  try {
    HttpResponse response = handler(request);
    if (ValidateResponse(response).ok()) return response;
  } catch (...) {
    // A handler bug must cost one request, not the server.
  }
  return MakeErrorResponse(500);
}

}  // namespace

void HttpConnection::Serve() {
  RequestReader reader(stream_, options_.max_header_bytes);
  ResponseWriter writer(stream_, options_.server_name);
  for (bool first = true; !stopping_.load(std::memory_order_relaxed); first = false) {
    // Between requests the client may stay silent up to keep_alive_timeout;
    // once a request starts, its whole header must come within header_timeout.
    if (!first && !reader.HasBufferedBytes() &&
        !stream_.WaitReadable(options_.keep_alive_timeout)) {
      return;
    }
    stream_.SetReadDeadline(SocketStream::Clock::now() + options_.header_timeout);
    RequestHead head;
    HeadReadOutcome outcome = reader.ReadHead(head);
    if (outcome != HeadReadOutcome::kOk) {
      if (std::optional<int> status = ErrorStatusFor(outcome)) {
        Status sent = writer.Send(MakeErrorResponse(*status), /*head_request=*/false,
                                  /*version=*/11, /*keep_alive=*/false);
        if (sent.ok()) stream_.FinishWithLinger(kMaxLinger, kMaxLingerBytes);
      }
      return;
    }

    stream_.SetReadIdleTimeout(options_.read_timeout);
    RequestBody body(stream_, reader, head);
    ParsedRequest request(head, remote_address_, body);
    HttpResponse response = CallHandler(handler_, request);

    const bool head_request = head.method == "HEAD";
    bool keep_alive =
        head.keep_alive && !ResponseClosesConnection(response, head.version, head_request);
    // A client still waiting for "100 Continue" may or may not send its
    // body now; a large unread body is cheaper to cut off than to drain.
    if (keep_alive && !body.complete() && !body.DiscardRest(kMaxDrainBytes)) keep_alive = false;
    // botocore takes a final answer that came without "100 Continue" for an
    // early refusal and then misreads the next response on the connection
    // until its read timeout (boto/botocore#3755): a connection that stays
    // open answers the expectation first, even for an empty body.
    if (keep_alive && !body.AnswerContinue().ok()) return;
    keep_alive = keep_alive && !stopping_.load(std::memory_order_relaxed);

    if (!writer.Send(response, head_request, head.version, keep_alive).ok()) return;
    if (!keep_alive) {
      if (body.complete() && !reader.HasBufferedBytes()) {
        stream_.ShutdownWrite();
      } else {
        stream_.FinishWithLinger(kMaxLinger, kMaxLingerBytes);
      }
      return;
    }
  }
}

}  // namespace invtrack
