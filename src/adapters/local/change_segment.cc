#include "adapters/local/change_segment.h"

#include <algorithm>

namespace invtrack {

namespace {

constexpr uint8_t kEventMask = 0x03;
constexpr uint8_t kHasOld = 0x04;
constexpr uint8_t kOldHasThreshold = 0x08;
constexpr uint8_t kHasNew = 0x10;
constexpr uint8_t kNewHasThreshold = 0x20;
// The store is the previous record's and is not repeated: files are usually
// one store, so this saves about a third of a segment's bytes.
constexpr uint8_t kSameStore = 0x40;

// Whether `flags` describe a record the writer can produce: a known event
// kind with exactly the images it needs, thresholds only on present images,
// no unknown bits. Anything else is damage, and would otherwise decode into
// a record without the image its kind promises.
bool ValidFlags(uint8_t flags) {
  if ((flags & ~uint8_t{0x7f}) != 0) return false;
  const bool has_old = (flags & kHasOld) != 0;
  const bool has_new = (flags & kHasNew) != 0;
  if (((flags & kOldHasThreshold) && !has_old) || ((flags & kNewHasThreshold) && !has_new)) {
    return false;
  }
  switch (static_cast<StreamEventName>(flags & kEventMask)) {
    case StreamEventName::kInsert:
      return !has_old && has_new;
    case StreamEventName::kModify:
      return has_old && has_new;
    case StreamEventName::kRemove:
      return has_old && !has_new;
  }
  return false;  // event kind 3
}

void PutVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

// Reads from a byte range, remembering the first failure.
class SegmentCursor {
 public:
  explicit SegmentCursor(std::string_view bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool at_end() const { return p_ == end_; }
  bool failed() const { return failed_; }

  uint8_t Byte() {
    if (p_ == end_) return Fail();
    return static_cast<uint8_t>(*p_++);
  }
  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (p_ == end_) return Fail();
      uint8_t byte = static_cast<uint8_t>(*p_++);
      value |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return Fail();
  }
  std::string_view String() {
    uint64_t size = Varint();
    if (failed_ || size > static_cast<uint64_t>(end_ - p_)) {
      Fail();
      return {};
    }
    std::string_view s(p_, size);
    p_ += size;
    return s;
  }

 private:
  uint8_t Fail() {
    failed_ = true;
    p_ = end_;
    return 0;
  }
  const char* p_;
  const char* end_;
  bool failed_ = false;
};

void PutState(std::string* out, const ItemState& state) {
  PutVarint(out, static_cast<uint64_t>(state.count));
  if (state.low_threshold) PutVarint(out, static_cast<uint64_t>(*state.low_threshold));
}

ItemImage ReadImage(SegmentCursor* cursor, std::string_view store, std::string_view item,
                    bool has_threshold) {
  ItemImage image;
  image.store.assign(store);
  image.item.assign(item);
  image.count = static_cast<int64_t>(cursor->Varint());
  if (has_threshold) image.low_threshold = static_cast<int64_t>(cursor->Varint());
  return image;
}

}  // namespace

void ChangeSegmentWriter::Add(StreamEventName event, std::string_view store, std::string_view item,
                              const std::optional<ItemState>& before,
                              const std::optional<ItemState>& after) {
  uint8_t flags = static_cast<uint8_t>(event);
  if (before) flags |= kHasOld | (before->low_threshold ? kOldHasThreshold : 0);
  if (after) flags |= kHasNew | (after->low_threshold ? kNewHasThreshold : 0);
  bool same_store = record_count_ > 0 && store == last_store_;
  if (same_store) flags |= kSameStore;
  bytes_.push_back(static_cast<char>(flags));
  if (!same_store) {
    PutString(&bytes_, store);
    last_store_.assign(store);
  }
  PutString(&bytes_, item);
  if (before) PutState(&bytes_, *before);
  if (after) PutState(&bytes_, *after);
  ++record_count_;
}

Status DecodeChangeSegment(std::string_view bytes, uint32_t record_count,
                           const SegmentPosition& position, std::vector<StreamRecord>* out) {
  SegmentCursor cursor(bytes);
  // Every record takes at least one byte: a damaged record_count must not
  // make us allocate for billions of records.
  out->reserve(out->size() + std::min<size_t>(record_count, bytes.size()));
  uint32_t decoded = 0;
  std::string_view store;
  for (uint32_t i = 0; i < record_count; ++i, ++decoded) {
    uint8_t flags = cursor.Byte();
    if (flags & kSameStore) {
      if (i == 0) break;  // nothing to repeat: damage
    } else {
      store = cursor.String();
    }
    std::string_view item = cursor.String();
    if (cursor.failed() || !ValidFlags(flags)) break;
    StreamRecord& record = out->emplace_back();
    uint64_t sequence = position.first_sequence + i;
    record.sequence_number = std::to_string(sequence);
    record.event_id.reserve(position.event_id_prefix.size() + record.sequence_number.size());
    record.event_id.append(position.event_id_prefix).append(record.sequence_number);
    record.event_name = static_cast<StreamEventName>(flags & kEventMask);
    record.approximate_creation_time = position.created_ms / 1000;
    if (flags & kHasOld)
      record.old_image = ReadImage(&cursor, store, item, flags & kOldHasThreshold);
    if (flags & kHasNew)
      record.new_image = ReadImage(&cursor, store, item, flags & kNewHasThreshold);
  }
  if (decoded != record_count || cursor.failed() || !cursor.at_end()) {
    return Status::Corruption("change segment starting at sequence " +
                              std::to_string(position.first_sequence) + " is damaged");
  }
  return Status::OK();
}

}  // namespace invtrack
