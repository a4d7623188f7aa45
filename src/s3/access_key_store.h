// AccessKeyStore: the S3 endpoint's access keys (id + secret), each either
// an admin key (may do anything) or bound to one store (may read and write
// only under `stores/<store>/`). Kept in <data>/keys.db (SQLite, mode 0600:
// SigV4 needs the plain secret to recompute signatures, so the file is the
// secret). Keys created or revoked by another process (`invtrack keys ...`
// while `serve` runs) take effect on the next request.
// Thread-safety: all methods may be called from any thread.
#ifndef INVTRACK_S3_ACCESS_KEY_STORE_H_
#define INVTRACK_S3_ACCESS_KEY_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace invtrack {

struct AccessKey {
  std::string access_key_id;         // "IT" + 18 upper-case letters/digits
  std::string secret_access_key;     // 40 characters, base64-like
  std::optional<std::string> store;  // nullopt: admin key
  std::string description;           // free text, e.g. "created by keys create"
  int64_t created_ms = 0;

  bool admin() const { return !store.has_value(); }
};

class AccessKeyStore {
 public:
  static Result<std::unique_ptr<AccessKeyStore>> Open(const std::filesystem::path& db_path);
  ~AccessKeyStore();
  AccessKeyStore(const AccessKeyStore&) = delete;
  AccessKeyStore& operator=(const AccessKeyStore&) = delete;

  // A new key with a random id and secret. `store` nullopt makes an admin
  // key; a store name must be non-empty and contain no '/'.
  Result<AccessKey> Create(std::optional<std::string> store, std::string description);
  // NotFound for an unknown (or revoked) id.
  Result<AccessKey> Find(std::string_view access_key_id) const;
  Result<std::vector<AccessKey>> List() const;  // secrets included; callers decide what to show
  // NotFound if there is no such key.
  Status Revoke(std::string_view access_key_id);

  // The admin key this machine's own `invtrack upload` uses when no AWS_*
  // credentials are set; created on first use (description "local-cli").
  Result<AccessKey> LocalCliKey();

 private:
  class Impl;
  explicit AccessKeyStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace invtrack

#endif  // INVTRACK_S3_ACCESS_KEY_STORE_H_
