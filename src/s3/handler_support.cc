#include "s3/handler_support.h"

#include <algorithm>
#include <cctype>

#include <openssl/evp.h>

#include "s3/http_time.h"
#include "s3/request_body.h"
#include "s3/text_codec.h"

namespace invtrack {

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::variant<DirBucket*, S3Error> FindBucket(const S3Call& call) {
  Result<DirBucket*> bucket = call.services.buckets->Find(call.bucket);
  if (!bucket.ok()) {
    if (bucket.status().IsNotFound() || bucket.status().IsInvalidArgument()) {
      return S3Error::NoSuchBucket();
    }
    return StorageError(bucket.status());
  }
  return *bucket;
}

std::variant<MultipartStore*, S3Error> FindMultipart(const S3Call& call) {
  Result<MultipartStore*> store = call.services.buckets->Multipart(call.bucket);
  if (!store.ok()) {
    if (store.status().IsNotFound() || store.status().IsInvalidArgument()) {
      return S3Error::NoSuchBucket();
    }
    return StorageError(store.status());
  }
  return *store;
}

S3Error StorageError(const Status& status) {
  if (status.IsNotFound()) return S3Error::NoSuchKey();
  if (status.IsInvalidArgument()) {
    if (status.message().starts_with("object larger than")) {
      return {400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"};
    }
    if (status.message().find("1024") != std::string::npos) {
      return {400, "KeyTooLongError", "Your key is too long"};
    }
    return S3Error::InvalidArgument(status.message());
  }
  if (status.IsUnavailable()) {
    return {503, "SlowDown", "Please reduce your request rate. (" + status.message() + ")"};
  }
  return S3Error::Internal(status.ToString());
}

PipelineNotice::PipelineNotice(const S3Call& call, std::string event_name)
    : pipeline_(call.services.pipeline) {
  const std::string& suffix = call.options.notify_suffix;
  std::string_view key = call.key;
  bool feeds = call.bucket == pipeline_->options().bucket && key.size() >= suffix.size() &&
               AsciiLower(key.substr(key.size() - suffix.size())) == AsciiLower(suffix);
  if (feeds) {
    hook_ = pipeline_->ObjectCreatedHook(call.caller.access_key_id,
                                         std::string(call.http.remote_address()),
                                         std::move(event_name), &invocation_id_);
  }
}

void PipelineNotice::Finish(HttpResponse* response) const {
  if (!hook_) return;
  pipeline_->NotifyUploaded();
  response->SetHeader("x-invtrack-invocation-id", std::to_string(invocation_id_));
}

std::string QuotedEtag(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string UnquotedEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

PutOptions PutOptionsFromHeaders(const HttpRequest& http) {
  PutOptions options;
  if (std::optional<std::string_view> type = http.Header("content-type")) {
    options.content_type = std::string(*type);
  }
  for (const auto& [name, value] : http.headers()) {
    std::string lower = AsciiLower(name);
    if (lower.starts_with("x-amz-meta-")) options.user_metadata[lower.substr(11)] = value;
  }
  return options;
}

std::variant<std::string, S3Error> ReadSmallBody(S3Call& call, size_t limit) {
  std::variant<std::unique_ptr<RequestBody>, S3Error> opened = RequestBody::Open(call);
  if (auto* error = std::get_if<S3Error>(&opened)) return *error;
  RequestBody& body = *std::get<std::unique_ptr<RequestBody>>(opened);
  std::string text;
  char buffer[16 * 1024];
  for (;;) {
    Result<size_t> n = body.source()->Read(buffer, sizeof(buffer));
    if (!n.ok()) return body.ErrorFor(n.status());
    if (*n == 0) break;
    text.append(buffer, *n);
    if (text.size() > limit) {
      return S3Error{400, "MaxMessageLengthExceeded", "Your request was too big."};
    }
  }
  if (body.content_md5_hex()) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
    if (HexEncode(std::string_view(reinterpret_cast<char*>(digest), length)) !=
        *body.content_md5_hex()) {
      return S3Error{400, "BadDigest",
                     "The Content-MD5 you specified did not match what we received."};
    }
  }
  return text;
}

void AddObjectHeaders(const StoredObject& object, HttpResponse* response) {
  response->SetHeader("ETag", QuotedEtag(object.info.etag));
  response->SetHeader("Last-Modified", FormatHttpDate(object.info.last_modified_ms));
  response->SetHeader("Content-Type", object.content_type);
  response->SetHeader("Accept-Ranges", "bytes");
  for (const auto& [name, value] : object.user_metadata) {
    response->SetHeader("x-amz-meta-" + name, value);
  }
}

}  // namespace invtrack
