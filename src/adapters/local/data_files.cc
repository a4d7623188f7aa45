#include "adapters/local/data_files.h"

#include <system_error>

#include "adapters/local/dir_bucket_internal.h"

namespace invtrack::dir_bucket_internal {

namespace fs = std::filesystem;

namespace {

// Calls `fn` for each entry of `dir`, stopping at the first error.
template <typename Fn>
Status ForEachEntry(const fs::path& dir, Fn fn) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    INVTRACK_RETURN_IF_ERROR(fn(*it));
  }
  if (ec) return ErrnoStatus("cannot list", dir, ec.value());
  return Status::OK();
}

bool IsDirectory(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.symlink_status(ec).type() == fs::file_type::directory;
}

}  // namespace

fs::path DataFiles::TmpPath(std::string_view id) const {
  return root_ / "tmp" / (std::string(id) + ".tmp");
}

fs::path DataFiles::DataPath(std::string_view id) const {
  return root_ / "data" / std::string(id.substr(0, 2)) / std::string(id);
}

Status DataFiles::Publish(std::string_view id) const {
  fs::path tmp_path = TmpPath(id);
  fs::path data_path = DataPath(id);
  Status renamed = RenameFile(tmp_path, data_path);
  if (renamed.IsNotFound()) {
    // The fan-out directories are made on first use: an empty bucket stays small.
    INVTRACK_RETURN_IF_ERROR(MakeDir(data_path.parent_path()));
    INVTRACK_RETURN_IF_ERROR(SyncDir(data_path.parent_path().parent_path()));
    renamed = RenameFile(tmp_path, data_path);
  }
  INVTRACK_RETURN_IF_ERROR(renamed);
  Status synced = SyncDir(data_path.parent_path());
  if (!synced.ok()) RemoveQuietly(id);
  return synced;
}

void DataFiles::RemoveQuietly(std::string_view id) const { (void)RemoveFile(DataPath(id)); }

Status DataFiles::RemoveAllTemporaries() const {
  return ForEachEntry(root_ / "tmp", [](const fs::directory_entry& entry) {
    return IsDirectory(entry) ? Status::OK() : RemoveFile(entry.path());
  });
}

Result<std::unordered_set<std::string>> DataFiles::ListDataIds() const {
  std::unordered_set<std::string> ids;
  Status listed = ForEachEntry(root_ / "data", [&](const fs::directory_entry& sub) {
    if (!IsDirectory(sub)) return Status::OK();
    std::string fan = sub.path().filename().string();
    return ForEachEntry(sub.path(), [&](const fs::directory_entry& file) {
      std::string id = file.path().filename().string();
      if (IsHexId(id) && id.compare(0, 2, fan) == 0) ids.insert(std::move(id));
      return Status::OK();
    });
  });
  if (!listed.ok()) return listed;
  return ids;
}

RemoveOnExit::~RemoveOnExit() {
  if (armed_) (void)RemoveFile(path_);
}

}  // namespace invtrack::dir_bucket_internal
