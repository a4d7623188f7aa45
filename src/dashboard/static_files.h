// StaticFiles: answers GET/HEAD for the dashboard's pages, scripts and
// styles from the compiled-in assets; "/" is index.html. Every response of
// the dashboard also gets the security headers (AddSecurityHeaders): a
// Content-Security-Policy that allows scripts, styles and connections only
// from the dashboard itself (no inline script), no framing, no sniffing.
// Thread-safety: stateless after construction.
#ifndef INVTRACK_DASHBOARD_STATIC_FILES_H_
#define INVTRACK_DASHBOARD_STATIC_FILES_H_

#include <map>
#include <string_view>

#include "dashboard/web_assets.h"
#include "http/http_request.h"
#include "http/http_response.h"

namespace invtrack {

class StaticFiles {
 public:
  StaticFiles();
  HttpResponse Serve(const HttpRequest& request) const;

 private:
  std::map<std::string_view, const WebAsset*> by_path_;
};

void AddSecurityHeaders(HttpResponse* response);

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_STATIC_FILES_H_
