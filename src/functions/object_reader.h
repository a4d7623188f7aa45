// ObjectReader: the port through which Load-Inventory reads an uploaded
// object (the local directory bucket, or S3 GetObject on AWS).
// Thread-safety: implementations must allow concurrent Open calls; each
// returned ObjectStream is used by one thread.
#ifndef INVTRACK_FUNCTIONS_OBJECT_READER_H_
#define INVTRACK_FUNCTIONS_OBJECT_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/byte_source.h"
#include "core/result.h"

namespace invtrack {

struct ObjectInfo {
  std::string etag;  // hex, no quotes
  uint64_t size = 0;
  int64_t last_modified_ms = 0;
  std::string sequencer;  // of the upload that wrote this version, if known
};

// The body of one object version, read front to back.
class ObjectStream : public ByteSource {
 public:
  virtual const ObjectInfo& info() const = 0;
};

class ObjectReader {
 public:
  ObjectReader() = default;
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;
  virtual ~ObjectReader() = default;

  // Opens the current version of bucket/key. NotFound when there is none;
  // IOError/Unavailable when it could not be read (the caller may retry).
  virtual Result<std::unique_ptr<ObjectStream>> Open(std::string_view bucket,
                                                     std::string_view key) = 0;
};

}  // namespace invtrack

#endif  // INVTRACK_FUNCTIONS_OBJECT_READER_H_
