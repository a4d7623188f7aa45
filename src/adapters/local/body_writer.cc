#include "adapters/local/body_writer.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "adapters/local/chunk_pipeline.h"
#include "adapters/local/dir_bucket_internal.h"

namespace invtrack::dir_bucket_internal {

namespace fs = std::filesystem;

namespace {

// Large chunks keep the per-chunk costs (syscalls, hand-overs) negligible.
// Two direct writes in flight got ~1.5x the throughput of one from this
// machine's disk; six buffers let the reader, the hasher and both writers
// each have one in hand with some to spare.
constexpr size_t kChunkSize = 1 << 20;
constexpr size_t kChunkBuffers = 6;
constexpr int kDirectWriters = 2;
// Writeback of cached writes is started every window.
constexpr uint64_t kWritebackWindow = 8 << 20;

// Starts writeback of each window as soon as it is written, so the disk
// works while the body is still arriving and the final fsync has little
// left. (Waiting for older windows too, to bound dirty memory, cost more
// CPU than it saved here.) Errors are ignored: this only schedules work, and
// the fsync that follows reports any write error.
class WritebackPacer {
 public:
  explicit WritebackPacer(int fd) : fd_(fd) {}

  void Wrote(uint64_t bytes) {
    written_ += bytes;
    while (written_ - started_ >= kWritebackWindow) {
      (void)::sync_file_range(fd_, static_cast<off_t>(started_), kWritebackWindow,
                              SYNC_FILE_RANGE_WRITE);
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

Status PWriteAll(int fd, const char* data, size_t size, uint64_t offset, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", path, errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::OK();
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

// Copies `source` (open as `in`) to the end of `out` through user space.
Status CopyThroughBuffer(const SourceFile& source, int in, uint64_t from, int out,
                         const fs::path& path, WritebackPacer* pacer) {
  auto buffer = std::make_unique_for_overwrite<char[]>(kChunkSize);
  for (uint64_t offset = from; offset < source.size;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunkSize, source.size - offset));
    ssize_t n = ::pread(in, buffer.get(), want, static_cast<off_t>(offset));
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
Status CopyInKernel(const SourceFile& source, int in, int out, WritebackPacer* pacer,
                    uint64_t* copied, bool* unsupported) {
  loff_t offset = 0;
  while (static_cast<uint64_t>(offset) < source.size) {
    size_t want = static_cast<size_t>(
        std::min<uint64_t>(kWritebackWindow, source.size - static_cast<uint64_t>(offset)));
    ssize_t n = ::copy_file_range(in, &offset, out, nullptr, want, 0);
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
  // A second descriptor that bypasses the page cache, where the file system
  // allows it: on this kind of VM copying a big body into the cache and
  // flushing it later costs more than the disk write itself.
  Result<UniqueFd> direct = OpenFile(path, O_WRONLY | O_DIRECT);
  const bool use_direct = direct.ok();
  // Declared after the descriptors: its writers finish before they close.
  ChunkPipeline pipeline(kChunkSize, kChunkBuffers, use_direct ? direct->get() : -1, kDirectWriters,
                         path);
  WritebackPacer pacer(fd->get());
  WrittenBody written;
  for (bool at_end = false; !at_end;) {
    Result<char*> buffer = pipeline.Acquire();
    if (!buffer.ok()) return buffer.status();
    Result<size_t> filled = Fill(body, *buffer, pipeline.chunk_size(), &at_end);
    if (!filled.ok()) return filled.status();
    if (*filled == 0) {
      pipeline.Submit(*buffer, 0, std::nullopt);
      break;
    }
    const uint64_t offset = written.size;
    written.size += *filled;
    if (max_size && written.size > *max_size) {
      return Status::InvalidArgument("object larger than " + std::to_string(*max_size) + " bytes");
    }
    // The first chunk goes through the cache (a small object is read again
    // right away, by Load-Inventory), and so does the unaligned tail; the
    // chunks between go straight to disk from the writer threads.
    if (use_direct && offset > 0 && *filled % ChunkPipeline::kBufferAlignment == 0) {
      pipeline.Submit(*buffer, *filled, offset);
      continue;
    }
    // Hashing and writing the same chunk overlap: both only read it.
    pipeline.Submit(*buffer, *filled, std::nullopt);
    INVTRACK_RETURN_IF_ERROR(PWriteAll(fd->get(), *buffer, *filled, offset, path));
    if (!use_direct) pacer.Wrote(*filled);
  }
  Result<std::string> hex = pipeline.Finish();
  if (!hex.ok()) return hex.status();
  INVTRACK_RETURN_IF_ERROR(Finish(std::move(*fd), path));
  if (use_direct) INVTRACK_RETURN_IF_ERROR(CloseFd(std::move(*direct), path));
  written.md5_hex = std::move(*hex);
  return written;
}

Status ConcatenateFiles(std::span<const SourceFile> sources, const fs::path& path) {
  Result<UniqueFd> fd = OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!fd.ok()) return fd.status();
  WritebackPacer pacer(fd->get());
  bool in_kernel = true;
  for (const SourceFile& source : sources) {
    Result<UniqueFd> in = OpenFile(source.path, O_RDONLY);
    if (!in.ok()) return in.status();
    uint64_t copied = 0;
    if (in_kernel) {
      bool unsupported = false;
      INVTRACK_RETURN_IF_ERROR(
          CopyInKernel(source, in->get(), fd->get(), &pacer, &copied, &unsupported));
      in_kernel = !unsupported;
    }
    if (copied < source.size) {
      INVTRACK_RETURN_IF_ERROR(
          CopyThroughBuffer(source, in->get(), copied, fd->get(), path, &pacer));
    }
  }
  return Finish(std::move(*fd), path);
}

}  // namespace invtrack::dir_bucket_internal
