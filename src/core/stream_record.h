// DynamoDB Streams record model: the JSON Lambda receives from a table's
// stream (eventName INSERT/MODIFY/REMOVE, dynamodb.Keys/NewImage/OldImage in
// attribute-value form, SequenceNumber), typed for the inventory table.
// Thread-safety: plain values and pure functions.
#ifndef INVTRACK_CORE_STREAM_RECORD_H_
#define INVTRACK_CORE_STREAM_RECORD_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace invtrack {

// One version of an inventory item as the stream shows it. In attribute-value
// JSON: {"Store":{"S":..},"Item":{"S":..},"Count":{"N":".."},
// "LowThreshold":{"N":".."} (optional)}. Other attributes are ignored.
struct ItemImage {
  std::string store;
  std::string item;
  int64_t count = 0;
  std::optional<int64_t> low_threshold;

  bool operator==(const ItemImage&) const = default;
};

enum class StreamEventName { kInsert, kModify, kRemove };

std::string_view StreamEventNameToString(StreamEventName name);  // "INSERT", ...

struct StreamRecord {
  std::string event_id;
  StreamEventName event_name = StreamEventName::kInsert;
  std::string sequence_number;            // decimal digits, as DynamoDB writes them
  int64_t approximate_creation_time = 0;  // seconds since the epoch
  std::string event_source_arn;
  std::optional<ItemImage> old_image;  // absent for INSERT
  std::optional<ItemImage> new_image;  // absent for REMOVE

  // Store and Item of the record (from whichever image is present).
  const std::string& store() const { return new_image ? new_image->store : old_image->store; }
  const std::string& item() const { return new_image ? new_image->item : old_image->item; }

  bool operator==(const StreamRecord&) const = default;
};

// Parses {"Records":[...]} as Lambda delivers it. Malformed JSON, a missing
// Records array, an unknown eventName, a missing or non-decimal
// SequenceNumber, a missing image (INSERT needs NewImage, REMOVE OldImage,
// MODIFY both), an image without Store/Item (S) or Count (N), or a Count or
// LowThreshold that is not an integer N value ('-'? digits, int64 range) are
// InvalidArgument naming the record index and attribute. A LowThreshold of
// type NULL means none. Keys and other attributes are ignored, as are unused
// type tags set to null ({"S":"x","N":null}, as some SDKs write them).
// ApproximateCreationDateTime may be fractional (rounded down) or absent (0).
// Never throws.
Result<std::vector<StreamRecord>> ParseStreamEvent(std::string_view json);

// Renders records in the same shape (eventSource "aws:dynamodb",
// eventVersion "1.1", awsRegion, StreamViewType NEW_AND_OLD_IMAGES,
// Keys {"Store":{"S":..},"Item":{"S":..}}, an approximate SizeBytes).
// ParseStreamEvent(StreamEventToJson(r)) == r for valid records.
std::string StreamEventToJson(std::span<const StreamRecord> records,
                              std::string_view aws_region = "us-east-1");

// Orders two DynamoDB sequence numbers (decimal strings of any length).
int CompareSequenceNumbers(std::string_view a, std::string_view b);

}  // namespace invtrack

#endif  // INVTRACK_CORE_STREAM_RECORD_H_
