// Secret tokens for sessions, CSRF and API (bearer) tokens: random bytes
// from libsodium, hex-encoded, and their SHA-256 for storage (the database
// never holds a usable token), compared in constant time.
// Thread-safety: pure functions (libsodium's RNG is thread-safe).
#ifndef INVTRACK_DASHBOARD_SECRET_TOKEN_H_
#define INVTRACK_DASHBOARD_SECRET_TOKEN_H_

#include <string>
#include <string_view>

namespace invtrack {

// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string RandomHexToken(size_t bytes = 32);

// Lowercase hex SHA-256 of `token`: what is stored and looked up.
std::string TokenDigest(std::string_view token);

// Equal contents, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_SECRET_TOKEN_H_
