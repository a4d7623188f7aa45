// What the S3 handlers share: finding the addressed bucket, turning storage
// errors into S3 errors, the object headers of GET/HEAD/PUT responses, and
// whether an upload feeds the inventory pipeline.
#ifndef INVTRACK_S3_HANDLER_SUPPORT_H_
#define INVTRACK_S3_HANDLER_SUPPORT_H_

#include <map>
#include <string>
#include <variant>

#include "adapters/local/dir_bucket.h"
#include "adapters/local/multipart_store.h"
#include "s3/s3_call.h"

namespace invtrack {

// The addressed bucket, or NoSuchBucket.
std::variant<DirBucket*, S3Error> FindBucket(const S3Call& call);
std::variant<MultipartStore*, S3Error> FindMultipart(const S3Call& call);

// A storage failure as the S3 error a client should see: NotFound ->
// NoSuchKey, a bad key -> KeyTooLongError / InvalidArgument, a busy
// database -> 503 SlowDown, anything else -> 500 InternalError.
S3Error StorageError(const Status& status);

// The ObjectCreated event of a new version of call.key, when that key feeds
// the pipeline (the pipeline's bucket, a key with the notification suffix):
// hook() queues it in the version's commit; Finish() wakes the runtime and
// names the queued event in the response (x-invtrack-invocation-id).
class PipelineNotice {
 public:
  PipelineNotice(const S3Call& call, std::string event_name);
  // The hook writes into this object: it stays where it was made.
  PipelineNotice(const PipelineNotice&) = delete;
  PipelineNotice& operator=(const PipelineNotice&) = delete;

  // Empty when the key feeds no pipeline.
  const DirBucket::CommitHook& hook() const { return hook_; }
  // Call once the commit succeeded.
  void Finish(HttpResponse* response) const;

 private:
  LocalPipeline* pipeline_;
  int64_t invocation_id_ = 0;  // set by the hook
  DirBucket::CommitHook hook_;
};

std::string QuotedEtag(std::string_view etag);  // "\"<etag>\""
std::string UnquotedEtag(std::string_view etag);

// `text` with ASCII letters lower-cased (header names, checksum names).
std::string AsciiLower(std::string_view text);

// Content-Type and x-amz-meta-* of a request (names lower-cased, prefix
// stripped), for PutObject, CopyObject (REPLACE) and CreateMultipartUpload.
PutOptions PutOptionsFromHeaders(const HttpRequest& http);

// The whole body of a request that carries an XML document (at most
// `limit` bytes), with its Content-MD5, checksums and signature checked.
std::variant<std::string, S3Error> ReadSmallBody(S3Call& call, size_t limit = 2 << 20);

// ETag, Last-Modified, Content-Type and x-amz-meta-* of a stored object.
void AddObjectHeaders(const StoredObject& object, HttpResponse* response);

}  // namespace invtrack

#endif  // INVTRACK_S3_HANDLER_SUPPORT_H_
