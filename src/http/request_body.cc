#include "http/request_body.h"

#include <cerrno>
#include <string>

namespace invtrack {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

RequestBody::RequestBody(SocketStream& stream, RequestReader& reader, const RequestHead& head)
    : stream_(stream),
      reader_(reader),
      chunked_(head.chunked),
      remaining_(head.content_length.value_or(0)),
      continue_pending_(head.expect_continue),
      complete_(!head.chunked && remaining_ == 0) {}

Result<size_t> RequestBody::Fail(Status status) {
  failure_ = status;
  return status;
}

Status RequestBody::AnswerContinue() {
  if (!continue_pending_) return Status::OK();
  continue_pending_ = false;
  return stream_.WriteAll({kContinue});
}

Result<size_t> RequestBody::Read(char* buffer, size_t capacity) {
  if (!failure_.ok()) return failure_;
  if (capacity == 0) return size_t{0};
  // The client asked to be told before it sends the body: now is the time,
  // even for an empty one.
  if (Status sent = AnswerContinue(); !sent.ok()) return Fail(sent);
  if (complete_) return size_t{0};
  return chunked_ ? ReadChunked(buffer, capacity) : ReadWithLength(buffer, capacity);
}

Result<size_t> RequestBody::ReadWithLength(char* buffer, size_t capacity) {
  size_t wanted = capacity < remaining_ ? capacity : static_cast<size_t>(remaining_);
  size_t n = reader_.TakeBuffered(buffer, wanted);
  if (n == 0) {
    IoResult read = stream_.ReadSome(buffer, wanted);
    if (read.error != 0 || read.bytes == 0) {
      return Fail(SocketError("reading the request body after " + std::to_string(received_) +
                                  " of " + std::to_string(received_ + remaining_) + " bytes",
                              read.error));
    }
    n = read.bytes;
  }
  remaining_ -= n;
  received_ += n;
  complete_ = remaining_ == 0;
  return n;
}

Result<size_t> RequestBody::ReadChunked(char* buffer, size_t capacity) {
  IoResult read = reader_.ReadChunkedBody(buffer, capacity);
  if (read.error == EBADMSG) {
    return Fail(Status::InvalidArgument("malformed chunked request body"));
  }
  if (read.error != 0) {
    // ECONNABORTED: the client closed before the last chunk.
    return Fail(SocketError(
        "reading the chunked request body after " + std::to_string(received_) + " bytes",
        read.error == ECONNABORTED ? 0 : read.error));
  }
  if (read.bytes == 0) {
    complete_ = true;
    return size_t{0};
  }
  received_ += read.bytes;
  return read.bytes;
}

bool RequestBody::DiscardRest(size_t limit) {
  if (complete_) return true;
  if (!failure_.ok() || continue_pending_) return false;
  if (!chunked_ && remaining_ > limit) return false;
  char sink[16 * 1024];
  size_t discarded = 0;
  while (!complete_ && discarded <= limit) {
    Result<size_t> n = Read(sink, sizeof(sink));
    if (!n.ok()) return false;
    discarded += *n;
  }
  return complete_;
}

}  // namespace invtrack
