// PasswordHasher: argon2id password hashes in libsodium's self-describing
// string form ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so the cost
// can be raised later without breaking stored hashes. Each hash needs
// `memlimit` bytes of RAM, so at most two run at once: a burst of sign-ins
// cannot exhaust memory.
// Thread-safety: safe from any thread.
#ifndef INVTRACK_DASHBOARD_PASSWORD_HASHER_H_
#define INVTRACK_DASHBOARD_PASSWORD_HASHER_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace invtrack {

class PasswordHasher {
 public:
  // Passwords longer than this are refused (argon2 accepts them, but a
  // megabyte "password" is a denial-of-service attempt, not a secret).
  static constexpr size_t kMaxPasswordBytes = 1024;
  static constexpr size_t kMinPasswordBytes = 8;

  // InvalidArgument for a password outside the length limits.
  static Result<std::string> Hash(std::string_view password);
  // Whether `password` matches `stored_hash` (false for a malformed hash).
  static bool Verify(std::string_view password, const std::string& stored_hash);
  // A random password for a new account (20 characters, ~119 bits).
  static std::string RandomPassword();
};

}  // namespace invtrack

#endif  // INVTRACK_DASHBOARD_PASSWORD_HASHER_H_
