#include "dashboard/password_hasher.h"

#include <condition_variable>
#include <mutex>

#include <sodium.h>

namespace invtrack {

namespace {

// Bounds concurrent hash computations (each takes memlimit bytes).
class HashSlots {
 public:
  void Acquire() {
    std::unique_lock lock(mutex_);
    free_.wait(lock, [this] { return in_use_ < kSlots; });
    ++in_use_;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      --in_use_;
    }
    free_.notify_one();
  }

 private:
  static constexpr int kSlots = 2;
  std::mutex mutex_;
  std::condition_variable free_;
  int in_use_ = 0;
};

HashSlots& Slots() {
  static HashSlots slots;
  return slots;
}

struct SlotGuard {
  SlotGuard() { Slots().Acquire(); }
  ~SlotGuard() { Slots().Release(); }
};

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<std::string> PasswordHasher::Hash(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Status::InvalidArgument("password too short: at least " +
                                   std::to_string(kMinPasswordBytes) + " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("password too long: at most " +
                                   std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (!SodiumReady()) return Status::Internal("libsodium failed to initialise");
  char hash[crypto_pwhash_STRBYTES];
  SlotGuard slot;
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("out of memory while hashing a password");
  }
  return std::string(hash);
}

bool PasswordHasher::Verify(std::string_view password, const std::string& stored_hash) {
  if (password.size() > kMaxPasswordBytes || !SodiumReady()) return false;
  if (stored_hash.rfind("$argon2id$", 0) != 0) return false;
  SlotGuard slot;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

std::string PasswordHasher::RandomPassword() {
  static constexpr char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr uint32_t kSize = sizeof kAlphabet - 1;
  SodiumReady();
  std::string password;
  for (int i = 0; i < 20; ++i) password.push_back(kAlphabet[randombytes_uniform(kSize)]);
  return password;
}

}  // namespace invtrack
