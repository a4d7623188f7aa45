// HttpHeaders: header fields of a request or response in arrival order,
// looked up case-insensitively as HTTP requires.
// Thread-safety: a value type.
#ifndef INVTRACK_ADAPTERS_AWS_HTTP_HEADERS_H_
#define INVTRACK_ADAPTERS_AWS_HTTP_HEADERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace invtrack {

inline bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

struct HttpHeaders {
  std::vector<std::pair<std::string, std::string>> entries;

  void Add(std::string name, std::string value) {
    entries.emplace_back(std::move(name), std::move(value));
  }
  // The first value of `name`, if present.
  std::optional<std::string_view> Find(std::string_view name) const {
    for (const auto& [key, value] : entries) {
      if (HeaderNameEquals(key, name)) return std::string_view(value);
    }
    return std::nullopt;
  }
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_HTTP_HEADERS_H_
