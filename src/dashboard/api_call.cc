#include "dashboard/api_call.h"

#include <algorithm>

namespace invtrack {

std::string JsonDump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.SetHeader("Content-Type", "application/json; charset=utf-8");
  response.SetHeader("Cache-Control", "no-store");
  response.body = JsonDump(body);
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  return JsonResponse(status, {{"error", code}, {"message", message}});
}

HttpResponse NoContent() {
  HttpResponse response;
  response.status = 204;
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

HttpResponse StatusResponse(const Status& status) {
  if (status.IsInvalidArgument()) return ErrorResponse(400, "invalid", status.message());
  if (status.IsNotFound()) return ErrorResponse(404, "not_found", status.message());
  if (status.IsAlreadyExists()) return ErrorResponse(409, "conflict", status.message());
  if (status.IsPermissionDenied()) return ErrorResponse(403, "forbidden", status.message());
  if (status.IsUnavailable()) return ErrorResponse(503, "unavailable", status.message());
  return ErrorResponse(500, "internal", status.message());
}

std::optional<nlohmann::json> ReadJsonObject(ApiCall& call, HttpResponse* error, size_t limit) {
  std::string type(call.http.Header("content-type").value_or(""));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (type.substr(0, type.find(';')) != "application/json") {
    *error = ErrorResponse(415, "unsupported_media_type", "send Content-Type: application/json");
    return std::nullopt;
  }
  if (call.http.content_length() && *call.http.content_length() > limit) {
    *error =
        ErrorResponse(413, "too_large", "the body is over " + std::to_string(limit) + " bytes");
    return std::nullopt;
  }
  std::string body;
  char buffer[16 * 1024];
  while (true) {
    Result<size_t> n = call.http.body().Read(buffer, sizeof buffer);
    if (!n.ok()) {
      *error = ErrorResponse(400, "bad_body", n.status().message());
      return std::nullopt;
    }
    if (*n == 0) break;
    body.append(buffer, *n);
    if (body.size() > limit) {
      *error =
          ErrorResponse(413, "too_large", "the body is over " + std::to_string(limit) + " bytes");
      return std::nullopt;
    }
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    *error = ErrorResponse(400, "malformed_json", "the body must be a JSON object");
    return std::nullopt;
  }
  return parsed;
}

}  // namespace invtrack
