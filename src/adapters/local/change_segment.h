// Change segments: the compact on-disk form of the inventory table's change
// stream. Instead of one row per change (a second B-tree insert for every
// row written), changes are appended to an in-memory segment and stored as
// one BLOB per few thousand records, in the same transaction as the rows.
// A record's sequence number is the segment's first sequence plus its index.
//
// Record layout: one flags byte (event kind, which images and thresholds are
// present, whether the store repeats the previous record's), then the
// varint-length store (unless repeated) and item, then varint counts and
// thresholds of the old and new images as present.
// Thread-safety: plain values; not synchronised.
#ifndef INVTRACK_ADAPTERS_LOCAL_CHANGE_SEGMENT_H_
#define INVTRACK_ADAPTERS_LOCAL_CHANGE_SEGMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/stream_record.h"

namespace invtrack {

// One side (old or new) of a change, without the key.
struct ItemState {
  int64_t count = 0;
  std::optional<int64_t> low_threshold;
};

class ChangeSegmentWriter {
 public:
  void Add(StreamEventName event, std::string_view store, std::string_view item,
           const std::optional<ItemState>& before, const std::optional<ItemState>& after);

  uint32_t record_count() const { return record_count_; }
  std::string_view bytes() const { return bytes_; }
  bool empty() const { return record_count_ == 0; }
  void Clear() {
    bytes_.clear();
    record_count_ = 0;
  }

 private:
  std::string bytes_;
  uint32_t record_count_ = 0;
  std::string last_store_;  // of the previous record, which a record may repeat
};

// Where a segment's records sit in the stream, and what to stamp on them.
struct SegmentPosition {
  uint64_t first_sequence = 1;
  int64_t created_ms = 0;
  std::string_view event_id_prefix;  // event ids are "<prefix><sequence>"
};

// Decodes every record of a segment, appending StreamRecords to *out.
// Corruption when the bytes do not hold exactly `record_count` records.
Status DecodeChangeSegment(std::string_view bytes, uint32_t record_count,
                           const SegmentPosition& position, std::vector<StreamRecord>* out);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_LOCAL_CHANGE_SEGMENT_H_
