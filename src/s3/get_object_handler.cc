// GetObject and HeadObject: conditional requests, ranges, and bodies sent
// straight from the data file with sendfile(2) (small objects stored inline
// are sent from memory).
#include "s3/handler_support.h"
#include "s3/http_time.h"
#include "s3/object_range.h"
#include "s3/s3_handlers.h"

namespace invtrack {

namespace {

bool EtagMatches(std::string_view header, std::string_view etag) {
  // A list of entity tags, or "*".
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || UnquotedEtag(item) == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

// 304 or 412 when a condition fails, in the order RFC 7232 gives them.
std::optional<int> FailedCondition(const HttpRequest& http, const StoredObject& object) {
  int64_t modified_s = object.info.last_modified_ms / 1000;
  std::optional<std::string_view> if_match = http.Header("if-match");
  if (if_match && !EtagMatches(*if_match, object.info.etag)) return 412;
  if (!if_match) {
    if (auto since = http.Header("if-unmodified-since")) {
      std::optional<int64_t> t = ParseHttpDate(*since);
      if (t && modified_s > *t) return 412;
    }
  }
  std::optional<std::string_view> if_none_match = http.Header("if-none-match");
  if (if_none_match && EtagMatches(*if_none_match, object.info.etag)) return 304;
  if (!if_none_match) {
    if (auto since = http.Header("if-modified-since")) {
      std::optional<int64_t> t = ParseHttpDate(*since);
      if (t && modified_s <= *t) return 304;
    }
  }
  return std::nullopt;
}

void ReplaceHeader(HttpResponse* response, std::string_view name, std::string value) {
  for (auto& [existing, old] : response->headers) {
    if (existing == name) {
      old = std::move(value);
      return;
    }
  }
  response->SetHeader(std::string(name), std::move(value));
}

// GetObject's response-* query parameters override response headers.
void ApplyResponseOverrides(const QueryParams& query, HttpResponse* response) {
  static constexpr std::pair<const char*, const char*> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"}};
  for (const auto& [parameter, header] : kOverrides) {
    if (auto value = query.Get(parameter)) ReplaceHeader(response, header, std::string(*value));
  }
}

}  // namespace

HttpResponse GetObject(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  DirBucket* dir = std::get<DirBucket*>(bucket);

  std::optional<OpenedObject> opened;
  StoredObject object;
  if (call.is_head()) {
    Result<StoredObject> head = dir->Head(call.key);
    if (!head.ok()) return call.Fail(StorageError(head.status()));
    object = std::move(head).value();
  } else {
    Result<OpenedObject> open = dir->OpenForRead(call.key);
    if (!open.ok()) return call.Fail(StorageError(open.status()));
    opened = std::move(open).value();
    object = opened->object;
  }
  // Owns the descriptor from here on, whatever the outcome.
  std::shared_ptr<FileHandle> file =
      opened && !opened->inline_body ? std::make_shared<FileHandle>(opened->fd) : nullptr;

  HttpResponse response = call.Ok();
  AddObjectHeaders(object, &response);
  if (std::optional<int> status = FailedCondition(call.http, object)) {
    if (*status == 412) {
      return call.Fail({412, "PreconditionFailed",
                        "At least one of the pre-conditions you specified did not hold"});
    }
    response.status = 304;
    response.head_content_length = 0;
    return response;
  }
  if (!call.is_head()) ApplyResponseOverrides(call.query, &response);

  uint64_t size = object.info.size;
  ByteRange range{0, size};
  if (std::optional<std::string_view> header = call.http.Header("range")) {
    auto parsed = ParseRange(*header, size);
    if (std::holds_alternative<UnsatisfiableRange>(parsed)) {
      HttpResponse failure =
          call.Fail({416, "InvalidRange", "The requested range is not satisfiable"});
      failure.SetHeader("Content-Range", "bytes */" + std::to_string(size));
      return failure;
    }
    if (const ByteRange* r = std::get_if<ByteRange>(&parsed)) {
      range = *r;
      response.status = 206;
      response.SetHeader("Content-Range", "bytes " + std::to_string(r->first) + "-" +
                                              std::to_string(r->first + r->length - 1) + "/" +
                                              std::to_string(size));
    }
  }
  if (call.is_head()) {
    response.head_content_length = range.length;
    return response;
  }
  if (opened->inline_body) {
    response.body = opened->inline_body->substr(range.first, range.length);
    return response;
  }
  response.file = HttpResponse::FileRange{std::move(file), range.first, range.length};
  return response;
}

}  // namespace invtrack
