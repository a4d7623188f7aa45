// GET /api/uploads (ingestion history) and POST /api/uploads (a CSV from
// the browser). A browser upload takes the same path as an S3 PutObject:
// the object and its ObjectCreated event commit together in the bucket,
// the event runtime loads it, and the reply waits for the load's result.
#include "core/url_codec.h"
#include "dashboard/api_handlers.h"

namespace invtrack {

namespace {

// The store a key names (`stores/<store>/...`), if it names one.
std::optional<std::string> StoreOfKey(std::string_view key) {
  if (!key.starts_with("stores/")) return std::nullopt;
  key.remove_prefix(7);
  size_t slash = key.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  return std::string(key.substr(0, slash));
}

nlohmann::json ResultJson(const FileResult& result) {
  return {{"key", result.version.key},
          {"etag", result.version.etag},
          {"size", result.version.size},
          {"uploader", result.version.uploader},
          {"outcome", FileOutcomeName(result.outcome)},
          {"rows", result.stats.rows},
          {"changes", result.stats.changes},
          {"problems", result.problems},
          {"note", result.note}};
}

// A file name for the object key: its last path part, without control
// characters; empty when nothing usable is left.
std::string CleanFileName(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string clean;
  for (unsigned char c : name) {
    if (c >= 0x20 && c != 0x7f) clean.push_back(static_cast<char>(c));
  }
  if (clean == "." || clean == ".." || clean.size() > 200) return "";
  return clean;
}

// The request body, counted: more than `limit` bytes fails the read.
class LimitedSource final : public ByteSource {
 public:
  LimitedSource(ByteSource& inner, uint64_t limit) : inner_(inner), limit_(limit) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    Result<size_t> n = inner_.Read(buffer, capacity);
    if (!n.ok()) return n;
    total_ += *n;
    if (total_ > limit_) {
      exceeded_ = true;
      return Status::InvalidArgument("the file is over the upload limit");
    }
    return n;
  }
  bool exceeded() const { return exceeded_; }

 private:
  ByteSource& inner_;
  uint64_t limit_;
  uint64_t total_ = 0;
  bool exceeded_ = false;
};

}  // namespace

HttpResponse ListUploads(ApiCall& call) {
  std::string limit_text = call.Query("limit", "100");
  int64_t limit = 0;
  try {
    size_t used = 0;
    limit = std::stoll(limit_text, &used);
    if (used != limit_text.size()) limit = 0;
  } catch (const std::exception&) {
    limit = 0;
  }
  if (limit < 1 || limit > 1000) return ErrorResponse(400, "invalid", "limit must be 1-1000");
  std::string store_filter = call.Query("store");
  if (!store_filter.empty()) {
    if (auto denied = DenyUnlessVisible(call, store_filter)) return *denied;
  }
  bool admin = call.user->role == Role::kAdmin;
  // Viewers and store filters look further back to find `limit` of theirs.
  size_t window = admin && store_filter.empty() ? static_cast<size_t>(limit) : 5000;
  Result<std::vector<UploadRecord>> uploads = call.services.pipeline->table().ListUploads(window);
  if (!uploads.ok()) return StatusResponse(uploads.status());
  nlohmann::json out = nlohmann::json::array();
  for (const UploadRecord& upload : *uploads) {
    std::optional<std::string> store = StoreOfKey(upload.version.key);
    if (!store_filter.empty() && store != store_filter) continue;
    if (!admin && !(store && call.user->MaySee(*store))) continue;
    out.push_back({{"id", upload.id},
                   {"key", upload.version.key},
                   {"store", store ? nlohmann::json(*store) : nlohmann::json(nullptr)},
                   {"etag", upload.version.etag},
                   {"size", upload.version.size},
                   {"uploader", upload.version.uploader},
                   {"status", upload.status},
                   {"rows", upload.rows},
                   {"changes", upload.changes},
                   {"problems", upload.problems},
                   {"time_ms", upload.time_ms}});
    if (static_cast<int64_t>(out.size()) >= limit) break;
  }
  return JsonResponse(200, {{"uploads", std::move(out)}});
}

HttpResponse CreateUpload(ApiCall& call) {
  std::string store = call.Query("store");
  if (store.empty()) return ErrorResponse(400, "invalid", "the store query parameter is required");
  if (store.find('/') != std::string::npos || ValidateStoreName(store).ok() == false) {
    return ErrorResponse(400, "invalid", "store: 1-256 bytes, no '/' or control characters");
  }
  if (auto denied = DenyUnlessVisible(call, store)) return *denied;
  std::string name = CleanFileName(call.Query("name", "upload.csv"));
  if (name.empty()) return ErrorResponse(400, "invalid", "name: a file name is required");
  const DashboardOptions& options = *call.services.options;
  std::optional<uint64_t> length = call.http.content_length();
  if (length && *length > options.max_upload_bytes) {
    HttpResponse response = ErrorResponse(
        413, "too_large", "files over " + std::to_string(options.max_upload_bytes) + " bytes");
    response.close_connection = true;
    return response;
  }

  LocalPipeline& pipeline = *call.services.pipeline;
  std::string key = "stores/" + store + "/" + name;
  int64_t invocation_id = 0;
  DirBucket::CommitHook hook = pipeline.ObjectCreatedHook("dashboard:" + call.user->name,
                                                          std::string(call.http.remote_address()),
                                                          "ObjectCreated:Put", &invocation_id);
  LimitedSource body(call.http.body(), options.max_upload_bytes);
  PutOptions put;
  put.content_type = "text/csv";
  Result<StoredObject> stored = pipeline.bucket().Put(key, &body, put, hook);
  if (!stored.ok()) {
    if (body.exceeded()) {
      HttpResponse response = ErrorResponse(413, "too_large", stored.status().message());
      response.close_connection = true;
      return response;
    }
    return StatusResponse(stored.status());
  }
  pipeline.NotifyUploaded();
  Result<std::vector<FileResult>> results =
      pipeline.WaitForLoad(invocation_id, options.upload_wait);
  if (!results.ok()) {
    return JsonResponse(
        202, {{"key", key}, {"outcome", "pending"}, {"message", results.status().message()}});
  }
  if (results->empty()) return ErrorResponse(500, "internal", "the load reported nothing");
  nlohmann::json result = ResultJson(results->front());
  return JsonResponse(200, result);
}

}  // namespace invtrack
