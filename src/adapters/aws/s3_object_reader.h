// S3ObjectReader: the ObjectReader port over S3, for Load-Inventory as a
// Lambda function. Open() asks HeadObject for the version's ETag and size,
// then streams GetObject on a background thread into a bounded buffer (1 MiB)
// that the CSV reader drains, so a large file never sits in memory. The
// ETag of the GET is checked against the HEAD's before the end of the stream
// is reported: if the key was overwritten in between, the read fails
// (Unavailable) instead of loading a mix of versions.
//
// S3 clients (one connection each) are pooled: a stream borrows one and
// gives it back when destroyed, so warm invocations reuse the connection.
// Thread-safety: Open may be called concurrently; each stream is used by
// one thread.
#ifndef INVTRACK_ADAPTERS_AWS_S3_OBJECT_READER_H_
#define INVTRACK_ADAPTERS_AWS_S3_OBJECT_READER_H_

#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "adapters/aws/s3_client.h"
#include "functions/object_reader.h"

namespace invtrack {

class S3ObjectReader final : public ObjectReader {
 public:
  // `options` as for S3Client::Create; checked here (InvalidArgument).
  static Result<std::unique_ptr<S3ObjectReader>> Create(AwsClientOptions options);

  Result<std::unique_ptr<ObjectStream>> Open(std::string_view bucket,
                                             std::string_view key) override;

  // Pool hand-back (used by the streams).
  void Return(std::unique_ptr<S3Client> client);

 private:
  explicit S3ObjectReader(AwsClientOptions options) : options_(std::move(options)) {}
  Result<std::unique_ptr<S3Client>> Borrow();

  AwsClientOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<S3Client>> idle_;  // guarded by mutex_
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_S3_OBJECT_READER_H_
