#include "adapters/local/body_writer.h"

#include <algorithm>
#include <memory>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "adapters/local/background_md5.h"
#include "adapters/local/dir_bucket_internal.h"

namespace invtrack::dir_bucket_internal {

namespace fs = std::filesystem;

namespace {

// Large chunks keep the per-chunk costs (syscalls, hand-over to the hasher)
// negligible; four of them let reading, writing and hashing each have one
// in hand with one to spare.
constexpr size_t kChunkSize = 1 << 20;
constexpr size_t kChunkBuffers = 4;
// Writeback is started per window and waited for kWaitLag windows later.
constexpr uint64_t kWritebackWindow = 8 << 20;
constexpr uint64_t kWaitLag = 4;

// Starts writeback of each window as soon as it is written and waits for
// older windows, so the disk works while the body is still arriving and the
// final fsync has little left. Errors are ignored here: this only schedules
// work, and the fsync that follows reports any write error.
class WritebackPacer {
 public:
  explicit WritebackPacer(int fd) : fd_(fd) {}

  void Wrote(uint64_t bytes) {
    written_ += bytes;
    while (written_ - started_ >= kWritebackWindow) {
      (void)::sync_file_range(fd_, static_cast<off_t>(started_), kWritebackWindow,
                              SYNC_FILE_RANGE_WRITE);
      if (started_ >= kWaitLag * kWritebackWindow) {
        (void)::sync_file_range(
            fd_, static_cast<off_t>(started_ - kWaitLag * kWritebackWindow), kWritebackWindow,
            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
      }
      started_ += kWritebackWindow;
    }
  }

 private:
  int fd_;
  uint64_t written_ = 0;
  uint64_t started_ = 0;  // writeback was started for [0, started_)
};

Status Finish(UniqueFd fd, const fs::path& path) {
  INVTRACK_RETURN_IF_ERROR(SyncFd(fd.get(), path));
  return CloseFd(std::move(fd), path);
}

// Reads until `buffer` is full or the body ends: a source may yield a few
// bytes at a time, and full chunks keep the per-chunk costs low.
Result<size_t> Fill(ByteSource* body, char* buffer, size_t capacity, bool* at_end) {
  size_t filled = 0;
  while (filled < capacity) {
    Result<size_t> n = body->Read(buffer + filled, capacity - filled);
    if (!n.ok()) return n.status();
    if (*n == 0) {
      *at_end = true;
      break;
    }
    if (*n > capacity - filled) {
      return Status::Internal("byte source returned more bytes than asked for");
    }
    filled += *n;
  }
  return filled;
}

// Copies `source` to the end of `out` through user space.
Status CopyThroughBuffer(const SourceFile& source, uint64_t from, int out, const fs::path& path,
                         WritebackPacer* pacer) {
  auto buffer = std::make_unique_for_overwrite<char[]>(kChunkSize);
  for (uint64_t offset = from; offset < source.size;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunkSize, source.size - offset));
    ssize_t n = ::pread(source.fd, buffer.get(), want, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot read", source.path, errno);
    }
    if (n == 0) return Status::Corruption("file is shorter than recorded", source.path.string());
    INVTRACK_RETURN_IF_ERROR(WriteAll(out, buffer.get(), static_cast<size_t>(n), path));
    offset += static_cast<uint64_t>(n);
    pacer->Wrote(static_cast<uint64_t>(n));
  }
  return Status::OK();
}

// Copies `source` to the end of `out` in the kernel. Sets *copied to how far
// it got; *unsupported when the file systems cannot do it at all.
Status CopyInKernel(const SourceFile& source, int out, WritebackPacer* pacer, uint64_t* copied,
                    bool* unsupported) {
  loff_t offset = 0;
  while (static_cast<uint64_t>(offset) < source.size) {
    size_t want = static_cast<size_t>(
        std::min<uint64_t>(kWritebackWindow, source.size - static_cast<uint64_t>(offset)));
    ssize_t n = ::copy_file_range(source.fd, &offset, out, nullptr, want, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
        *unsupported = true;
        *copied = static_cast<uint64_t>(offset);
        return Status::OK();
      }
      return ErrnoStatus("cannot copy", source.path, errno);
    }
    if (n == 0) return Status::Corruption("file is shorter than recorded", source.path.string());
    pacer->Wrote(static_cast<uint64_t>(n));
  }
  *copied = static_cast<uint64_t>(offset);
  return Status::OK();
}

}  // namespace

Result<WrittenBody> WriteBody(ByteSource* body, std::optional<uint64_t> max_size,
                              const fs::path& path) {
  Result<UniqueFd> fd = OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!fd.ok()) return fd.status();
  BackgroundMd5 md5(kChunkSize, kChunkBuffers);
  WritebackPacer pacer(fd->get());
  WrittenBody written;
  for (bool at_end = false; !at_end;) {
    char* buffer = md5.Acquire();
    Result<size_t> filled = Fill(body, buffer, md5.chunk_size(), &at_end);
    if (!filled.ok()) return filled.status();
    written.size += *filled;
    if (max_size && written.size > *max_size) {
      return Status::InvalidArgument("object larger than " + std::to_string(*max_size) + " bytes");
    }
    // Hashing and writing the same chunk overlap: both only read it.
    md5.Submit(buffer, *filled);
    INVTRACK_RETURN_IF_ERROR(WriteAll(fd->get(), buffer, *filled, path));
    pacer.Wrote(*filled);
  }
  INVTRACK_RETURN_IF_ERROR(Finish(std::move(*fd), path));
  Result<std::string> hex = md5.FinishHex();
  if (!hex.ok()) return hex.status();
  written.md5_hex = std::move(*hex);
  return written;
}

Status ConcatenateFiles(std::span<const SourceFile> sources, const fs::path& path) {
  Result<UniqueFd> fd = OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!fd.ok()) return fd.status();
  WritebackPacer pacer(fd->get());
  bool in_kernel = true;
  for (const SourceFile& source : sources) {
    uint64_t copied = 0;
    if (in_kernel) {
      bool unsupported = false;
      INVTRACK_RETURN_IF_ERROR(CopyInKernel(source, fd->get(), &pacer, &copied, &unsupported));
      in_kernel = !unsupported;
    }
    if (copied < source.size) {
      INVTRACK_RETURN_IF_ERROR(CopyThroughBuffer(source, copied, fd->get(), path, &pacer));
    }
  }
  return Finish(std::move(*fd), path);
}

}  // namespace invtrack::dir_bucket_internal
