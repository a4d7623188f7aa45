// RequestBody: the body of one request as a ByteSource, read only when the
// handler asks. The first Read answers `Expect: 100-continue`, so a handler
// that refuses the request never makes the client send its body. A body
// with Content-Length is read straight from the socket into the caller's
// buffer (no copy, one syscall per Read); a chunked body is decoded by
// Beast through RequestReader.
// Thread-safety: used by the handler's thread only.
#ifndef INVTRACK_HTTP_REQUEST_BODY_H_
#define INVTRACK_HTTP_REQUEST_BODY_H_

#include <cstddef>
#include <cstdint>

#include "core/byte_source.h"
#include "http/request_reader.h"
#include "http/socket_stream.h"

namespace invtrack {

class RequestBody final : public ByteSource {
 public:
  // `head` is the parsed header; `reader` holds the bytes read past it.
  RequestBody(SocketStream& stream, RequestReader& reader, const RequestHead& head);

  Result<size_t> Read(char* buffer, size_t capacity) override;

  // The whole body was read: the connection can carry another request.
  bool complete() const { return complete_; }
  // Sends "100 Continue" if the client asked for it and has not had it yet
  // (the first Read does it too).
  Status AnswerContinue();
  bool failed() const { return !failure_.ok(); }

  // Reads and discards the rest of the body if it is at most `limit` bytes.
  // Returns true when the body is now complete.
  bool DiscardRest(size_t limit);

 private:
  Result<size_t> ReadWithLength(char* buffer, size_t capacity);
  Result<size_t> ReadChunked(char* buffer, size_t capacity);
  Result<size_t> Fail(Status status);

  SocketStream& stream_;
  RequestReader& reader_;
  bool chunked_;
  uint64_t remaining_;  // bytes left of a body with Content-Length
  uint64_t received_ = 0;
  bool continue_pending_;
  bool complete_;
  Status failure_;
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_REQUEST_BODY_H_
