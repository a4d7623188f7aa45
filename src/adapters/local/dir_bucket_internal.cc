#include "adapters/local/dir_bucket_internal.h"

#include <charconv>
#include <system_error>

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace invtrack::dir_bucket_internal {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

std::string ToHex(const unsigned char* bytes, size_t size) {
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return out;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void UniqueFd::Reset() {
  // No retry on EINTR: on Linux the descriptor is released regardless.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status ErrnoStatus(std::string_view what, const std::filesystem::path& path, int err) {
  std::string message(what);
  message.append(" ");
  message.append(path.string());
  std::string detail = std::system_category().message(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(message, detail);
    case EEXIST:
      return Status::AlreadyExists(message, detail);
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::PermissionDenied(message, detail);
    default:
      return Status::IOError(message, detail);
  }
}

Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags, mode_t mode) {
  for (;;) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) return ErrnoStatus("cannot open", path, errno);
  }
}

Status WriteAll(int fd, const char* data, size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", path, errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Result<size_t> ReadSome(int fd, char* buffer, size_t capacity, const std::filesystem::path& path) {
  for (;;) {
    ssize_t n = ::read(fd, buffer, capacity);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return ErrnoStatus("cannot read", path, errno);
  }
}

Status SyncFd(int fd, const std::filesystem::path& path) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return ErrnoStatus("cannot fsync", path, errno);
  }
  return Status::OK();
}

Status CloseFd(UniqueFd fd, const std::filesystem::path& path) {
  if (::close(fd.Release()) != 0 && errno != EINTR) {
    return ErrnoStatus("cannot close", path, errno);
  }
  return Status::OK();
}

Status SyncDir(const std::filesystem::path& dir) {
  Result<UniqueFd> fd = OpenFile(dir, O_RDONLY | O_DIRECTORY);
  if (!fd.ok()) return fd.status();
  return SyncFd(fd->get(), dir);
}

Status MakeDir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
  int err = errno;
  struct stat st;
  if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
  return ErrnoStatus("cannot create directory", dir, err);
}

Status RemoveFile(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Status::OK();
  return ErrnoStatus("cannot remove", path, errno);
}

Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return Status::OK();
  return ErrnoStatus("cannot rename " + from.string() + " to", to, errno);
}

Result<std::string> RandomHexId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return Status::Internal("RAND_bytes failed: the OpenSSL random generator is unavailable");
  }
  return ToHex(bytes, sizeof(bytes));
}

bool IsHexId(std::string_view name) {
  if (name.size() != 32) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Md5::Md5() : ctx_(EVP_MD_CTX_new()), ok_(false) {
  ok_ = ctx_ != nullptr && EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr) == 1;
}

Md5::~Md5() { EVP_MD_CTX_free(ctx_); }

Status Md5::Update(const char* data, size_t size) {
  if (!ok_) return Status::Internal("MD5 is unavailable (OpenSSL EVP)");
  if (EVP_DigestUpdate(ctx_, data, size) != 1) {
    ok_ = false;
    return Status::Internal("EVP_DigestUpdate(MD5) failed");
  }
  return Status::OK();
}

Result<std::string> Md5::FinalHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_, digest, &size) != 1) {
    ok_ = false;
    return Status::Internal("EVP_DigestFinal_ex(MD5) failed");
  }
  ok_ = false;
  return ToHex(digest, size);
}

size_t FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t code_point;
    uint32_t least;  // smallest code point that needs `length` bytes
    if ((lead & 0xe0) == 0xc0) {
      length = 2, code_point = lead & 0x1f, least = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3, code_point = lead & 0x0f, least = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4, code_point = lead & 0x07, least = 0x10000;
    } else {
      return i;  // a continuation byte or 0xf8..0xff cannot start a sequence
    }
    if (text.size() - i < length) return i;
    for (size_t j = 1; j < length; ++j) {
      auto next = static_cast<unsigned char>(text[i + j]);
      if ((next & 0xc0) != 0x80) return i;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    if (code_point < least || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

std::optional<std::string> PrefixUpperBound(std::string_view prefix) {
  std::string upper(prefix);
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (upper.empty()) return std::nullopt;
  upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  return upper;
}

std::string FormatSequencer(uint64_t value) {
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = kHexDigits[value & 0xf];
  return out;
}

std::optional<uint64_t> ParseSequencer(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace invtrack::dir_bucket_internal
