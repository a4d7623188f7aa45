#include "s3/s3_endpoint.h"

#include <chrono>
#include <exception>
#include <set>
#include <variant>

#include <openssl/rand.h>

#include "core/url_codec.h"
#include "runtime/json_log.h"
#include "s3/access_policy.h"
#include "s3/s3_call.h"
#include "s3/s3_handlers.h"
#include "s3/text_codec.h"
#include "s3/xml_writer.h"

namespace invtrack {

namespace {

using Handler = HttpResponse (*)(S3Call&);

// What a request asks for, and which permission that needs.
enum class Scope { kService, kAdminOnly, kInspectBucket, kList, kObject, kPerObjectInHandler };

struct Route {
  Route(const char* operation, Handler handler, Scope scope)
      : operation(operation), handler(handler), scope(scope) {}
  // A request for something not implemented: 501 naming `what`.
  static Route Unsupported(std::string what) {
    Route route("Unsupported", nullptr, Scope::kAdminOnly);
    route.unsupported = std::move(what);
    return route;
  }

  const char* operation;
  Handler handler;
  Scope scope;
  std::string unsupported;
};

// Subresources S3 has but invtrack does not implement: answering 501 (not
// treating them as a plain GET/PUT) keeps a client from misreading, e.g.,
// an ACL request as an object download.
const std::set<std::string, std::less<>>& UnsupportedSubresources() {
  static const std::set<std::string, std::less<>> names = {"accelerate",
                                                           "acl",
                                                           "analytics",
                                                           "attributes",
                                                           "cors",
                                                           "encryption",
                                                           "intelligent-tiering",
                                                           "inventory",
                                                           "legal-hold",
                                                           "lifecycle",
                                                           "logging",
                                                           "metrics",
                                                           "notification",
                                                           "object-lock",
                                                           "ownershipControls",
                                                           "policy",
                                                           "policyStatus",
                                                           "publicAccessBlock",
                                                           "replication",
                                                           "requestPayment",
                                                           "restore",
                                                           "retention",
                                                           "select",
                                                           "tagging",
                                                           "torrent",
                                                           "versions",
                                                           "website"};
  return names;
}

std::string FirstUnsupported(const QueryParams& query) {
  for (const auto& [name, value] : query.all()) {
    if (UnsupportedSubresources().count(name)) return name;
  }
  return {};
}

Route RouteRequest(std::string_view method, const S3Call& call) {
  const QueryParams& q = call.query;
  std::string unsupported = FirstUnsupported(q);
  if (!unsupported.empty()) return Route::Unsupported("?" + unsupported);
  if (call.bucket.empty()) {
    if (method == "GET") return Route("ListBuckets", ListBuckets, Scope::kService);
    return Route::Unsupported(std::string(method) + " /");
  }
  if (call.key.empty()) {
    if (method == "GET") {
      if (q.Has("location"))
        return Route("GetBucketLocation", GetBucketLocation, Scope::kInspectBucket);
      if (q.Has("versioning")) {
        return Route("GetBucketVersioning", GetBucketVersioning, Scope::kInspectBucket);
      }
      if (q.Has("uploads"))
        return Route("ListMultipartUploads", ListMultipartUploads, Scope::kList);
      return Route("ListObjects", ListObjects, Scope::kList);
    }
    if (method == "HEAD") return Route("HeadBucket", HeadBucket, Scope::kInspectBucket);
    // PutBucketVersioning and the like must not create or delete the bucket.
    // (Newer SDKs tag requests with x-id=<operation>, which is harmless.)
    if (method == "PUT" || method == "DELETE") {
      for (const auto& [name, value] : q.all()) {
        if (name != "x-id") return Route::Unsupported(std::string(method) + " ?" + name);
      }
    }
    if (method == "PUT") return Route("CreateBucket", CreateBucket, Scope::kAdminOnly);
    if (method == "DELETE") return Route("DeleteBucket", DeleteBucket, Scope::kAdminOnly);
    if (method == "POST" && q.Has("delete")) {
      return Route("DeleteObjects", DeleteObjects, Scope::kPerObjectInHandler);
    }
    return Route::Unsupported(std::string(method) + " on a bucket");
  }
  bool has_upload_id = q.Has("uploadId");
  if (method == "GET") {
    if (has_upload_id) return Route("ListParts", ListParts, Scope::kObject);
    return Route("GetObject", GetObject, Scope::kObject);
  }
  if (method == "HEAD") return Route("HeadObject", GetObject, Scope::kObject);
  if (method == "PUT") {
    bool copy = call.http.Header("x-amz-copy-source").has_value();
    if (has_upload_id || q.Has("partNumber")) {
      if (copy) return Route::Unsupported("UploadPartCopy");
      return Route("UploadPart", UploadPart, Scope::kObject);
    }
    if (copy) return Route("CopyObject", CopyObject, Scope::kObject);
    return Route("PutObject", PutObject, Scope::kObject);
  }
  if (method == "DELETE") {
    if (has_upload_id) return Route("AbortMultipartUpload", AbortMultipartUpload, Scope::kObject);
    return Route("DeleteObject", DeleteObject, Scope::kObject);
  }
  if (method == "POST") {
    if (q.Has("uploads"))
      return Route("CreateMultipartUpload", CreateMultipartUpload, Scope::kObject);
    if (has_upload_id) {
      return Route("CompleteMultipartUpload", CompleteMultipartUpload, Scope::kObject);
    }
  }
  return Route::Unsupported(std::string(method) + " on an object");
}

bool Permitted(const Route& route, const S3Call& call) {
  const AccessKey& caller = call.caller;
  const std::string& pipeline_bucket = call.services.pipeline->options().bucket;
  switch (route.scope) {
    case Scope::kService:
    case Scope::kAdminOnly:
      return caller.admin();
    case Scope::kInspectBucket:
      return MayInspectBucket(caller, pipeline_bucket, call.bucket);
    case Scope::kList:
      return MayListPrefix(caller, pipeline_bucket, call.bucket, call.query.GetOr("prefix", ""));
    case Scope::kObject:
      return MayAccessObject(caller, pipeline_bucket, call.bucket, call.key);
    case Scope::kPerObjectInHandler:
      return caller.admin() || call.bucket == pipeline_bucket;
  }
  return false;
}

std::string NewRequestId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "0000000000000000";
  std::string hex = HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex;
}

SignableRequest ToSignable(const HttpRequest& http) {
  SignableRequest signable;
  signable.method = std::string(http.method());
  signable.path = std::string(http.path());
  signable.query = std::string(http.query());
  signable.headers = http.headers();
  return signable;
}

// Splits "/bucket/key..." (path-style). The key keeps every byte after the
// bucket's slash: "/b//x" addresses key "/x".
std::optional<S3Error> ParseTarget(std::string_view path, S3Call* call) {
  if (path.empty() || path[0] != '/') return S3Error::InvalidRequest("the path must start with /");
  path.remove_prefix(1);
  size_t slash = path.find('/');
  Result<std::string> bucket = PercentDecode(path.substr(0, slash), false);
  Result<std::string> key = slash == std::string_view::npos
                                ? std::string()
                                : PercentDecode(path.substr(slash + 1), false);
  if (!bucket.ok() || !key.ok())
    return S3Error::InvalidArgument("malformed percent-escape in the path");
  call->bucket = std::move(*bucket);
  call->key = std::move(*key);
  return std::nullopt;
}

std::optional<S3Error> Authenticate(const S3EndpointOptions& options, const S3Services& services,
                                    S3Call* call) {
  SignableRequest signable = ToSignable(call->http);
  std::variant<ParsedAuthorization, AuthError> parsed = ParseAuthorization(signable);
  if (const AuthError* error = std::get_if<AuthError>(&parsed)) {
    return S3Error{error->http_status, error->code, error->message};
  }
  call->auth = std::move(std::get<ParsedAuthorization>(parsed));
  Result<AccessKey> key = services.keys->Find(call->auth.access_key_id);
  if (!key.ok()) {
    if (key.status().IsNotFound()) {
      return S3Error{403, "InvalidAccessKeyId",
                     "The AWS Access Key Id you provided does not exist in our records."};
    }
    return S3Error::Internal("cannot look up the access key: " + key.status().ToString());
  }
  std::optional<AuthError> refused =
      VerifySignature(call->auth, key->secret_access_key, signable,
                      std::chrono::system_clock::now(), VerifyOptions{options.max_clock_skew});
  if (refused) return S3Error{refused->http_status, refused->code, refused->message};
  call->caller = std::move(*key);
  return std::nullopt;
}

HttpResponse Serve(const S3EndpointOptions& options, const S3Services& services,
                   HttpRequest& http) {
  auto started = std::chrono::steady_clock::now();
  S3Call call{http, options, services, NewRequestId(), {}, {}, {}, {}, {}};
  const char* operation = "Unknown";
  HttpResponse response = [&]() -> HttpResponse {
    std::optional<QueryParams> query = QueryParams::Parse(http.query());
    if (!query) return call.Fail(S3Error::InvalidArgument("malformed percent-escape in the query"));
    call.query = std::move(*query);
    if (std::optional<S3Error> bad = ParseTarget(http.path(), &call)) return call.Fail(*bad);
    if (std::optional<S3Error> refused = Authenticate(options, services, &call)) {
      return call.Fail(*refused);
    }
    Route route = RouteRequest(http.method(), call);
    operation = route.operation;
    if (!route.handler) return call.Fail(S3Error::NotImplemented(route.unsupported));
    if (!Permitted(route, call)) return call.Fail(S3Error::AccessDenied());
    try {
      return route.handler(call);
    } catch (const std::exception& e) {
      return call.Fail(S3Error::Internal(e.what()));
    }
  }();
  response.SetHeader("x-amz-request-id", call.request_id);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  LogJson(response.status >= 500 ? spdlog::level::warn : spdlog::level::debug, "s3.request",
          {{"op", operation},
           {"method", http.method()},
           {"bucket", call.bucket},
           {"key", call.key},
           {"status", response.status},
           {"access_key", call.auth.access_key_id},
           {"request_id", call.request_id},
           {"us", micros}});
  return response;
}

}  // namespace

HttpResponse S3Call::Ok() const {
  HttpResponse response;
  return response;
}

HttpResponse S3Call::Xml(std::string body) const {
  HttpResponse response;
  response.SetHeader("Content-Type", "application/xml");
  response.body = std::move(body);
  return response;
}

S3Endpoint::S3Endpoint(S3EndpointOptions options, S3Services services)
    : options_(std::move(options)), services_(services) {}

S3Endpoint::~S3Endpoint() { Stop(); }

Result<std::unique_ptr<S3Endpoint>> S3Endpoint::Start(S3EndpointOptions options,
                                                      S3Services services) {
  std::unique_ptr<S3Endpoint> endpoint(new S3Endpoint(std::move(options), services));
  S3Endpoint* self = endpoint.get();
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      self->options_.http,
      [self](HttpRequest& request) { return Serve(self->options_, self->services_, request); });
  if (!server.ok()) return server.status();
  endpoint->server_ = std::move(server).value();
  return endpoint;
}

uint16_t S3Endpoint::port() const { return server_ ? server_->port() : 0; }

void S3Endpoint::Stop() {
  if (server_) server_->Stop();
}

}  // namespace invtrack
