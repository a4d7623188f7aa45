#include "dashboard/static_files.h"

namespace invtrack {

namespace {

constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

HttpResponse NotFound() {
  HttpResponse response;
  response.status = 404;
  response.SetHeader("Content-Type", "text/plain; charset=utf-8");
  response.body = "not found\n";
  return response;
}

}  // namespace

void AddSecurityHeaders(HttpResponse* response) {
  response->SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  response->SetHeader("X-Content-Type-Options", "nosniff");
  response->SetHeader("X-Frame-Options", "DENY");
  response->SetHeader("Referrer-Policy", "no-referrer");
  response->SetHeader("Cross-Origin-Opener-Policy", "same-origin");
}

StaticFiles::StaticFiles() {
  for (const WebAsset& asset : WebAssets()) by_path_[asset.path] = &asset;
}

HttpResponse StaticFiles::Serve(const HttpRequest& request) const {
  std::string_view method = request.method();
  if (method != "GET" && method != "HEAD") {
    HttpResponse response;
    response.status = 405;
    response.SetHeader("Allow", "GET, HEAD");
    return response;
  }
  std::string_view path = request.path();
  if (path == "/" || path == "/index.html") path = "/index.html";
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return NotFound();
  const WebAsset& asset = *it->second;
  HttpResponse response;
  response.SetHeader("Content-Type", std::string(asset.content_type));
  // Revalidate every time: the files change with the binary, not by date.
  response.SetHeader("Cache-Control", "no-cache");
  if (method == "HEAD") {
    response.head_content_length = asset.body.size();
  } else {
    response.body = std::string(asset.body);
  }
  return response;
}

}  // namespace invtrack
