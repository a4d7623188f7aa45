#include "cli/listen_address.h"

#include <charconv>

namespace invtrack {

Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view setting) {
  auto invalid = [&] {
    return Status::InvalidArgument(
        std::string(setting) + " must be HOST:PORT (e.g. 127.0.0.1:9000)",
        "got '" + std::string(text) + "'");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return invalid();
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return invalid();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid();  // an IPv6 address needs brackets
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return invalid();
  }
  return ListenAddress{std::string(host), static_cast<uint16_t>(port)};
}

std::string EndpointUrl(std::string_view host, uint16_t port) {
  bool ipv6 = host.find(':') != std::string_view::npos;
  return "http://" + std::string(ipv6 ? "[" : "") + std::string(host) +
         std::string(ipv6 ? "]" : "") + ":" + std::to_string(port);
}

}  // namespace invtrack
