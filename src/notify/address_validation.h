// Address validation for subscriptions: refuses, at subscribe time and
// with a message a user can act on, an e-mail address, phone number or
// webhook URL that could never be delivered to, and tells whether a
// webhook URL points back at one of the server's own listeners (its admin
// interfaces), which must not be reachable through a subscription unless
// the config allows it. Pure functions: no DNS lookups, so a host name
// other than "localhost" is never taken for a local one.
#ifndef INVTRACK_NOTIFY_ADDRESS_VALIDATION_H_
#define INVTRACK_NOTIFY_ADDRESS_VALIDATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace invtrack {

// local@domain: a dot-atom local part of at most 64 characters and a
// domain of letter/digit/hyphen labels, 254 characters in all, ASCII only.
Status ValidateEmailAddress(std::string_view address);

// E.164: '+' and 8 to 15 digits, the first not 0, nothing else.
Status ValidatePhoneNumber(std::string_view number);

// An absolute http or https URL with a host, a valid port if any, and no
// user name, password, fragment, spaces or control characters.
Status ValidateWebhookUrl(std::string_view url);

// Whether `url` (which must pass ValidateWebhookUrl) addresses one of
// `listen_addresses` ("host:port", "[v6]:port"). Loopback hosts
// (127.0.0.0/8, ::1, localhost and *.localhost, ::ffff:127.x) are one
// machine; a listener on 0.0.0.0 or :: matches any host on its port, and
// a URL to 0.0.0.0 or :: reaches the local machine.
Result<bool> TargetsOwnListener(std::string_view url,
                                const std::vector<std::string>& listen_addresses);

}  // namespace invtrack

#endif  // INVTRACK_NOTIFY_ADDRESS_VALIDATION_H_
