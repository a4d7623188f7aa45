// Writing a bucket's data files durably and fast: a body streamed from a
// ByteSource (hashed with MD5 on a second thread while this one reads and
// writes), or the concatenation of existing files (multipart Complete).
// A streamed body bypasses the page cache after its first MiB (O_DIRECT,
// where the file system allows, with two writes in flight); whatever goes
// through the cache has its writeback started every few MiB
// (sync_file_range), so the final fsync finds little left to do. Both end with fsync + close: the
// file is durable when they return OK. Memory is bounded (a few MiB) whatever the size.
// Thread-safety: free functions; each call works on its own file.
#ifndef INVTRACK_ADAPTERS_LOCAL_BODY_WRITER_H_
#define INVTRACK_ADAPTERS_LOCAL_BODY_WRITER_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "core/byte_source.h"
#include "core/result.h"

namespace invtrack::dir_bucket_internal {

struct WrittenBody {
  std::string md5_hex;
  uint64_t size = 0;
};

// Copies `body` into a new file at `path` (which must not exist). Fails with
// InvalidArgument "object larger than N bytes" once more than `max_size`
// bytes arrive. The caller removes the file on failure.
Result<WrittenBody> WriteBody(ByteSource* body, std::optional<uint64_t> max_size,
                              const std::filesystem::path& path);

struct SourceFile {
  std::filesystem::path path;
  uint64_t size = 0;  // how many bytes to take from it
};

// Writes the sources one after the other into a new file at `path`, with
// copy_file_range(2) where the file system allows it (no copy through user
// space), else through a bounded buffer. Each source is opened only while
// it is copied, so any number of them may be given. A missing source is
// NotFound, one shorter than its `size` Corruption. The caller removes the
// file on failure.
Status ConcatenateFiles(std::span<const SourceFile> sources, const std::filesystem::path& path);

}  // namespace invtrack::dir_bucket_internal

#endif  // INVTRACK_ADAPTERS_LOCAL_BODY_WRITER_H_
