// ListenAddress: "HOST:PORT" from the configuration ("127.0.0.1:9000",
// "[::1]:9000", "localhost:0").
#ifndef INVTRACK_CLI_LISTEN_ADDRESS_H_
#define INVTRACK_CLI_LISTEN_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

struct ListenAddress {
  std::string host;  // without brackets
  uint16_t port = 0;
};

// InvalidArgument naming `setting` when `text` is not HOST:PORT.
Result<ListenAddress> ParseListenAddress(std::string_view text, std::string_view setting);

// "http://HOST:PORT/" form without the slash, brackets around IPv6.
std::string EndpointUrl(std::string_view host, uint16_t port);

}  // namespace invtrack

#endif  // INVTRACK_CLI_LISTEN_ADDRESS_H_
