#include "adapters/aws/s3_client.h"

#include <charconv>

#include <pugixml.hpp>

#include "adapters/aws/md5_digest.h"
#include "adapters/aws/s3_error.h"
#include "adapters/aws/s3_uri.h"

namespace invtrack {

namespace {

std::string Describe(std::string_view method, std::string_view bucket, std::string_view key = {}) {
  std::string what = std::string(method) + " s3://" + std::string(bucket);
  if (!key.empty()) what += "/" + std::string(key);
  return what;
}

bool IsS3Retryable(const AwsResponse& response) {
  if (response.status >= 500 || response.status == 429) return true;
  // S3 closes a slow upload with 400 RequestTimeout; SDKs retry it.
  return response.status == 400 &&
         response.body.find("<Code>RequestTimeout</Code>") != std::string::npos;
}

// Passes the body through MD5, so that the ETag can be checked afterwards.
class Md5TrackingBody final : public OutgoingBody {
 public:
  explicit Md5TrackingBody(OutgoingBody* inner) : inner_(inner) {}
  uint64_t size() const override { return inner_->size(); }
  Result<size_t> Read(char* buffer, size_t capacity) override {
    Result<size_t> n = inner_->Read(buffer, capacity);
    if (n.ok()) md5_.Update(std::string_view(buffer, *n));
    return n;
  }
  bool Rewind() override {
    if (!inner_->Rewind()) return false;
    md5_.Reset();
    return true;
  }
  std::optional<std::string> PayloadSha256() const override { return inner_->PayloadSha256(); }
  std::string FinishHex() { return Md5Digest::Hex(md5_.Finish()); }

 private:
  OutgoingBody* inner_;
  Md5Digest md5_;
};

bool IsMetadataName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsHeaderValue(std::string_view value) {
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) return false;
  }
  return true;
}

std::string_view Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

// A single-part upload's ETag is the hex MD5; a multipart one has "-N".
bool IsPlainMd5(std::string_view etag) {
  if (etag.size() != 32) return false;
  for (char c : etag) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

bool SameHex(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

uint64_t ParseUint(std::string_view text) {
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

S3ObjectMetadata MetadataOf(AwsResponse& response) {
  S3ObjectMetadata metadata;
  metadata.content_length = ParseUint(response.headers.Find("Content-Length").value_or("0"));
  metadata.etag = std::string(response.headers.Find("ETag").value_or(""));
  metadata.content_type = std::string(response.headers.Find("Content-Type").value_or(""));
  metadata.last_modified = std::string(response.headers.Find("Last-Modified").value_or(""));
  metadata.headers = std::move(response.headers);
  return metadata;
}

}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(AwsClientOptions options) {
  options.retry.retryable_response = IsS3Retryable;
  Result<std::unique_ptr<AwsHttpClient>> http = AwsHttpClient::Create(std::move(options));
  if (!http.ok()) return http.status();
  return std::unique_ptr<S3Client>(new S3Client(std::move(http).value()));
}

Result<AwsResponse> S3Client::Call(AwsRequest& request, std::string_view what) {
  Result<AwsResponse> response = http_->Send(request);
  if (!response.ok()) {
    last_error_ = http_->last_error();
    return response.status();
  }
  if (!response->ok()) {
    last_error_ = ParseS3Error(*response);
    return S3ErrorStatus(what, last_error_);
  }
  last_error_ = AwsCallError{};
  return response;
}

Result<PutObjectResult> S3Client::PutObjectFromFile(std::string_view bucket, std::string_view key,
                                                    const std::filesystem::path& path,
                                                    const PutObjectOptions& options) {
  Result<std::unique_ptr<FileOutgoingBody>> file = FileOutgoingBody::Open(path);
  if (!file.ok()) return file.status();
  if (options.content_md5 || !options.compute_content_md5) {
    return PutObjectBody(bucket, key, file->get(), options);
  }
  // A first pass over the file, so that the server can check what arrives.
  Result<std::string> md5 = FileContentMd5(path);
  if (!md5.ok()) return md5.status();
  PutObjectOptions with_md5 = options;
  with_md5.content_md5 = *md5;
  return PutObjectBody(bucket, key, file->get(), with_md5);
}

Result<PutObjectResult> S3Client::PutObject(std::string_view bucket, std::string_view key,
                                            ByteSource* body, uint64_t size,
                                            const PutObjectOptions& options) {
  SourceOutgoingBody source(body, size);
  return PutObjectBody(bucket, key, &source, options);
}

Result<PutObjectResult> S3Client::PutObjectFromString(std::string_view bucket, std::string_view key,
                                                      std::string_view bytes,
                                                      const PutObjectOptions& options) {
  StringOutgoingBody body(bytes);
  if (options.content_md5 || !options.compute_content_md5) {
    return PutObjectBody(bucket, key, &body, options);
  }
  Md5Digest md5;
  md5.Update(bytes);
  PutObjectOptions with_md5 = options;
  with_md5.content_md5 = Md5Digest::Base64(md5.Finish());
  return PutObjectBody(bucket, key, &body, with_md5);
}

Result<PutObjectResult> S3Client::PutObjectBody(std::string_view bucket, std::string_view key,
                                                OutgoingBody* body,
                                                const PutObjectOptions& options) {
  AwsRequest request;
  request.method = "PUT";
  request.path = S3ObjectPath(bucket, key);
  if (!options.content_type.empty()) {
    if (!IsHeaderValue(options.content_type)) {
      return Status::InvalidArgument("content type has control characters");
    }
    request.headers.Add("Content-Type", options.content_type);
  }
  if (options.content_md5) request.headers.Add("Content-MD5", *options.content_md5);
  for (const auto& [name, value] : options.metadata) {
    if (!IsMetadataName(name) || !IsHeaderValue(value)) {
      return Status::InvalidArgument("metadata '" + name + "' is not a valid header",
                                     "names: letters, digits, '-', '_', '.'");
    }
    request.headers.Add("x-amz-meta-" + name, value);
  }
  std::optional<Md5TrackingBody> tracking;
  if (!options.content_md5 && options.verify_etag) {
    tracking.emplace(body);
    request.body = &*tracking;
  } else {
    request.body = body;
  }
  request.on_upload_progress = options.on_progress;

  std::string what = Describe("PUT", bucket, key);
  Result<AwsResponse> response = Call(request, what);
  if (!response.ok()) return response.status();
  PutObjectResult result;
  result.etag = std::string(response->headers.Find("ETag").value_or(""));
  result.headers = std::move(response->headers);
  if (tracking) {
    std::string sent = tracking->FinishHex();
    std::string_view etag = Unquote(result.etag);
    if (IsPlainMd5(etag) && !SameHex(etag, sent)) {
      return Status::Corruption(what + ": the server's ETag " + std::string(etag) +
                                " is not the MD5 " + sent + " of the bytes sent");
    }
  }
  return result;
}

Result<S3ObjectMetadata> S3Client::GetObject(std::string_view bucket, std::string_view key,
                                             ResponseSink* sink) {
  AwsRequest request;
  request.method = "GET";
  request.path = S3ObjectPath(bucket, key);
  request.sink = sink;
  Result<AwsResponse> response = Call(request, Describe("GET", bucket, key));
  if (!response.ok()) return response.status();
  return MetadataOf(*response);
}

Result<S3ObjectMetadata> S3Client::GetObjectToFile(std::string_view bucket, std::string_view key,
                                                   const std::filesystem::path& path) {
  Result<std::unique_ptr<FileResponseSink>> file = FileResponseSink::Create(path);
  if (!file.ok()) return file.status();
  Result<S3ObjectMetadata> metadata = GetObject(bucket, key, file->get());
  Status closed = (*file)->Finish();
  if (!metadata.ok()) return metadata.status();
  if (!closed.ok()) return closed;
  return metadata;
}

Result<S3ObjectMetadata> S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  AwsRequest request;
  request.method = "HEAD";
  request.path = S3ObjectPath(bucket, key);
  Result<AwsResponse> response = Call(request, Describe("HEAD", bucket, key));
  if (!response.ok()) return response.status();
  return MetadataOf(*response);
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key) {
  AwsRequest request;
  request.method = "DELETE";
  request.path = S3ObjectPath(bucket, key);
  Result<AwsResponse> response = Call(request, Describe("DELETE", bucket, key));
  if (!response.ok() && last_error_.code == "NoSuchKey") {
    last_error_ = AwsCallError{};
    return Status::OK();
  }
  return response.status();
}

Status S3Client::CreateBucket(std::string_view bucket) {
  AwsRequest request;
  request.method = "PUT";
  request.path = "/" + S3EncodePath(bucket);
  // us-east-1 is the default location; anywhere else must be named.
  std::string configuration;
  const std::string& region = http_->options().scope.region;
  if (region != "us-east-1") {
    configuration =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  StringOutgoingBody body(configuration);
  if (!configuration.empty()) request.body = &body;
  Result<AwsResponse> response = Call(request, Describe("CreateBucket", bucket));
  if (!response.ok() && last_error_.code == "BucketAlreadyOwnedByYou") {
    last_error_ = AwsCallError{};
    return Status::OK();
  }
  return response.status();
}

Result<ListObjectsV2Result> S3Client::ListObjectsV2(std::string_view bucket,
                                                    const ListObjectsV2Request& list) {
  // Parameters in sorted order: the query is signed as written.
  std::string query;
  auto add = [&query](std::string_view name, std::string_view value) {
    if (!query.empty()) query += "&";
    query += std::string(name) + "=" + S3EncodeQueryValue(value);
  };
  if (!list.continuation_token.empty()) add("continuation-token", list.continuation_token);
  if (!list.delimiter.empty()) add("delimiter", list.delimiter);
  add("list-type", "2");
  if (list.max_keys > 0) add("max-keys", std::to_string(list.max_keys));
  if (!list.prefix.empty()) add("prefix", list.prefix);
  if (!list.start_after.empty()) add("start-after", list.start_after);

  AwsRequest request;
  request.method = "GET";
  request.path = "/" + S3EncodePath(bucket);
  request.query = query;
  Result<AwsResponse> response = Call(request, Describe("ListObjectsV2", bucket));
  if (!response.ok()) return response.status();
  pugi::xml_document document;
  pugi::xml_node root;
  if (document.load_buffer(response->body.data(), response->body.size())) {
    root = document.child("ListBucketResult");
  }
  if (!root) {
    return Status::Corruption(Describe("ListObjectsV2", bucket) +
                              ": the answer is not a ListBucketResult");
  }
  ListObjectsV2Result result;
  for (pugi::xml_node contents : root.children("Contents")) {
    S3ListedObject object;
    object.key = contents.child_value("Key");
    object.size = ParseUint(contents.child_value("Size"));
    object.etag = contents.child_value("ETag");
    object.last_modified = contents.child_value("LastModified");
    result.objects.push_back(std::move(object));
  }
  for (pugi::xml_node prefixes : root.children("CommonPrefixes")) {
    result.common_prefixes.push_back(prefixes.child_value("Prefix"));
  }
  result.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
  result.next_continuation_token = root.child_value("NextContinuationToken");
  return result;
}

}  // namespace invtrack
