#include "dashboard/first_admin.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "dashboard/password_hasher.h"

namespace invtrack {

Result<std::optional<std::filesystem::path>> CreateFirstAdminIfNone(
    UserStore& users, const std::filesystem::path& data_dir) {
  Result<bool> empty = users.Empty();
  if (!empty.ok()) return empty.status();
  if (!*empty) return std::optional<std::filesystem::path>();
  std::string password = PasswordHasher::RandomPassword();
  std::filesystem::path path = data_dir / "dashboard-admin-password";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + path.string(), std::strerror(errno));
  std::string line = password + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return Status::IOError("cannot write " + path.string());
  INVTRACK_RETURN_IF_ERROR(users.Add(kFirstAdminName, Role::kAdmin, {}, password,
                                     /*must_change_password=*/true));
  return std::optional<std::filesystem::path>(path);
}

}  // namespace invtrack
