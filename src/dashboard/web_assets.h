// The dashboard's static files (web/ and the vendored Chart.js), compiled
// into the binary by CMake (see CMakeLists.txt), so `invtrack serve` needs
// no files beside it and loads nothing from the internet.
// Thread-safety: immutable data.
#ifndef INVTRACK_DASHBOARD_WEB_ASSETS_H_
#define INVTRACK_DASHBOARD_WEB_ASSETS_H_

#include <span>
#include <string_view>

namespace invtrack {

struct WebAsset {
  std::string_view path;  // URL path, e.g. "/app.js"
  std::string_view content_type;
  std::string_view body;
};

std::span<const WebAsset> WebAssets();

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_WEB_ASSETS_H_
