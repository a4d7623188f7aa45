// MultipartStore: S3 multipart uploads into one DirBucket. Uploads and
// their parts are rows in the bucket's bucket.db; part bodies are data
// files under the bucket's data/ (so OpenDir's garbage collection keeps
// them while a row names them). Complete concatenates the parts into a new
// object version and commits it exactly as DirBucket::Put does (same
// atomicity, same CommitHook), deleting the upload in the same transaction;
// part files are removed afterwards.
//
// Errors a client caused are NotFound (kNoSuchUpload) or InvalidArgument,
// and their message starts with the S3 error code followed by ": " (e.g.
// "InvalidPart: part 2 has another ETag"); MultipartErrorOf() recovers the
// MultipartError from such a Status. Other failures (I/O, a body larger
// than max_size, Content-MD5 mismatch) are as for DirBucket::Put.
// Thread-safety: safe for concurrent use by several threads (and
// processes, through another DirBucket on the same root).
#ifndef INVTRACK_ADAPTERS_LOCAL_MULTIPART_STORE_H_
#define INVTRACK_ADAPTERS_LOCAL_MULTIPART_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/local/dir_bucket.h"
#include "core/byte_source.h"
#include "core/result.h"

namespace invtrack {

struct MultipartUpload {
  std::string upload_id;  // URL-safe (hex digits); sorts by initiation time
  std::string key;
  int64_t initiated_ms = 0;
  PutOptions options;  // content_type and user_metadata (names lower-cased)
  std::string initiator;
};

struct UploadedPart {
  int part_number = 0;
  std::string etag;  // hex MD5 of the part, no quotes
  uint64_t size = 0;
  int64_t last_modified_ms = 0;
};

struct CompletedPartRef {
  int part_number = 0;
  std::string etag;  // as the client sent it: quotes and upper case allowed
};

enum class MultipartError {
  kNoSuchUpload,      // NotFound
  kInvalidPart,       // InvalidArgument
  kInvalidPartOrder,  // InvalidArgument
  kEntityTooSmall,    // InvalidArgument
  kInvalidArgument,   // InvalidArgument (e.g. part number out of range)
};

// The S3 error code, e.g. "InvalidPartOrder".
std::string_view MultipartErrorCode(MultipartError error);
// Which client error `status` reports, or nullopt for any other status.
std::optional<MultipartError> MultipartErrorOf(const Status& status);

class MultipartStore {
 public:
  static constexpr int kMaxPartNumber = 10000;
  static constexpr uint64_t kDefaultMinPartSize = uint64_t{5} << 20;

  // `bucket` must outlive the store.
  explicit MultipartStore(DirBucket* bucket) : bucket_(bucket) {}

  // Starts an upload of `key` (validated as by DirBucket::Put).
  Result<MultipartUpload> Create(std::string_view key, const PutOptions& options,
                                 std::string_view initiator);

  // Stores part `part_number` (1..10000) of the upload, replacing a part
  // with the same number. Durable when it returns.
  Result<UploadedPart> PutPart(std::string_view upload_id, int part_number, ByteSource* body,
                               std::optional<std::string> expected_md5_hex,
                               std::optional<uint64_t> max_size);

  // Parts numbered above `part_number_marker`, ascending, at most
  // `max_parts` (ask for one more to learn whether the list is truncated).
  Result<std::vector<UploadedPart>> ListParts(std::string_view upload_id, int part_number_marker,
                                              size_t max_parts) const;

  // Uploads in progress whose key starts with `prefix`, ordered by key and
  // then upload id, after (key_marker, upload_id_marker) as S3 defines it:
  // without an upload id marker, keys after key_marker; with one, also the
  // uploads of key_marker itself whose id sorts after it.
  Result<std::vector<MultipartUpload>> ListUploads(std::string_view prefix,
                                                   std::string_view key_marker,
                                                   std::string_view upload_id_marker,
                                                   size_t max_uploads) const;

  // Forgets the upload and removes its part files.
  Status Abort(std::string_view upload_id);

  // Parts must be listed in strictly ascending order (kInvalidPartOrder),
  // each must exist with the given ETag (kInvalidPart), and all but the last
  // must be at least `min_part_size` bytes (kEntityTooSmall). The object's
  // ETag is hex(md5(binary part MD5s)) + "-" + count. On failure (including
  // the hook failing) the upload, its parts and the previous version of the
  // key stay as they were. Parts not listed are discarded with the upload.
  Result<StoredObject> Complete(std::string_view upload_id,
                                const std::vector<CompletedPartRef>& parts,
                                const DirBucket::CommitHook& on_commit = {},
                                uint64_t min_part_size = kDefaultMinPartSize);

 private:
  DirBucket* bucket_;
};

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_MULTIPART_STORE_H_
