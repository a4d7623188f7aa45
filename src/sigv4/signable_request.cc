#include "sigv4/signable_request.h"

#include <strings.h>

namespace invtrack {

std::optional<std::string_view> SignableRequest::Header(std::string_view name) const {
  for (const auto& [header_name, value] : headers) {
    if (header_name.size() == name.size() &&
        ::strncasecmp(header_name.data(), name.data(), name.size()) == 0) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

}  // namespace invtrack
