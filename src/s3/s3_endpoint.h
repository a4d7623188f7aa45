// S3Endpoint: the S3-compatible API of `invtrack serve` (path-style
// addressing, SigV4). Uploads of `.csv` objects to the pipeline's bucket go
// through LocalPipeline, so the object and its ObjectCreated event commit
// together; other buckets are plain storage.
// Thread-safety: Start/Stop from one thread; requests are served
// concurrently on the HTTP server's threads.
#ifndef INVTRACK_S3_S3_ENDPOINT_H_
#define INVTRACK_S3_S3_ENDPOINT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/local/bucket_registry.h"
#include "core/result.h"
#include "http/http_server.h"
#include "runtime/local_pipeline.h"
#include "s3/access_key_store.h"

namespace invtrack {

struct S3EndpointOptions {
  HttpServerOptions http;  // address, limits and timeouts
  std::string region = "us-east-1";
  // Objects in the pipeline's bucket whose key ends with this suffix
  // (ASCII case-insensitively) raise ObjectCreated events.
  std::string notify_suffix = ".csv";
  uint64_t max_object_bytes = uint64_t{5} << 30;
  uint64_t min_part_bytes = uint64_t{5} << 20;  // S3's multipart minimum (but the last part)
  std::chrono::seconds max_clock_skew{15 * 60};
};

struct S3Services {
  LocalPipeline* pipeline = nullptr;
  BucketRegistry* buckets = nullptr;
  AccessKeyStore* keys = nullptr;
};

class S3Endpoint {
 public:
  static Result<std::unique_ptr<S3Endpoint>> Start(S3EndpointOptions options, S3Services services);
  ~S3Endpoint();
  S3Endpoint(const S3Endpoint&) = delete;
  S3Endpoint& operator=(const S3Endpoint&) = delete;

  uint16_t port() const;
  void Stop();

 private:
  S3Endpoint(S3EndpointOptions options, S3Services services);
  S3EndpointOptions options_;
  S3Services services_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace invtrack

#endif  // INVTRACK_S3_S3_ENDPOINT_H_
