// Helpers private to DirBucket: POSIX file calls that retry on EINTR and
// report errno as a Status naming the path, MD5 hashing, random ids, and
// the key checks. Declared here (not in an anonymous namespace) so the unit
// tests can reach the pure functions directly.
// Thread-safety: free functions are thread-safe; Md5 and UniqueFd objects
// are used by one thread at a time.
#ifndef INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_INTERNAL_H_
#define INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/evp.h>
#include <sys/types.h>

#include "core/result.h"
#include "core/status.h"

namespace invtrack::dir_bucket_internal {

// Owns a file descriptor; closes it (ignoring errors) when destroyed.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset();

 private:
  int fd_ = -1;
};

// The one place errno becomes a Status: "<what> <path>: <strerror>", with
// ENOENT -> NotFound, EEXIST -> AlreadyExists, EACCES/EPERM/EROFS ->
// PermissionDenied and anything else -> IOError.
Status ErrnoStatus(std::string_view what, const std::filesystem::path& path, int err);

Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags, mode_t mode = 0);
// Writes all of `data`, resuming after EINTR and short writes.
Status WriteAll(int fd, const char* data, size_t size, const std::filesystem::path& path);
// One read(2), resumed after EINTR; 0 means end of file.
Result<size_t> ReadSome(int fd, char* buffer, size_t capacity, const std::filesystem::path& path);
Status SyncFd(int fd, const std::filesystem::path& path);
// Closes `fd` and reports close(2) errors (a deferred write error shows here).
Status CloseFd(UniqueFd fd, const std::filesystem::path& path);
// fsync(2) on a directory, so a rename or unlink inside it is durable.
Status SyncDir(const std::filesystem::path& dir);
Status MakeDir(const std::filesystem::path& dir);      // OK when it exists already
Status RemoveFile(const std::filesystem::path& path);  // OK when it is absent
Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to);

// 128 random bits from the OpenSSL CSPRNG as 32 lower-case hex digits.
Result<std::string> RandomHexId();
// True for exactly what RandomHexId() produces.
bool IsHexId(std::string_view name);

// Incremental MD5 (OpenSSL EVP), for S3-style ETags.
class Md5 {
 public:
  Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  ~Md5();

  Status Update(const char* data, size_t size);
  // Lower-case hex digest. The hasher cannot be updated afterwards.
  Result<std::string> FinalHex();

 private:
  EVP_MD_CTX* ctx_;
  bool ok_;
};

// Offset of the first byte that is not part of a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are
// ill-formed), or std::string_view::npos when `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

// The least string greater than every string that starts with `prefix`,
// in byte order: the prefix without its trailing 0xFF bytes and with its
// last byte incremented. nullopt when there is none (empty or all 0xFF),
// i.e. the range has no upper end.
std::optional<std::string> PrefixUpperBound(std::string_view prefix);

// A sequencer as 16 lower-case hex digits, so string order is numeric order.
std::string FormatSequencer(uint64_t value);
std::optional<uint64_t> ParseSequencer(std::string_view text);

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_DIR_BUCKET_INTERNAL_H_
