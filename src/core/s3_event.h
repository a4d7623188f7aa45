// S3 event notification model: the JSON that S3 sends to Lambda on
// ObjectCreated (the shape documented under "Event message structure",
// eventVersion 2.1), and its conversion to and from typed records.
// Keys arrive URL-encoded with '+' for space; the parsed key is decoded.
// Thread-safety: plain values and pure functions.
#ifndef INVTRACK_CORE_S3_EVENT_H_
#define INVTRACK_CORE_S3_EVENT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace invtrack {

struct S3EventRecord {
  std::string event_name = "ObjectCreated:Put";  // as in the JSON, no "s3:" prefix
  std::string event_time;                        // ISO-8601 UTC, e.g. 2026-11-25T16:03:16.123Z
  std::string aws_region = "us-east-1";
  std::string principal_id;  // userIdentity.principalId: who uploaded
  std::string source_ip;     // requestParameters.sourceIPAddress
  std::string bucket;
  std::string key;  // decoded: "stores/Berlin/inventory berlin.csv"
  uint64_t size = 0;
  std::string etag;  // hex MD5 (or multipart form), no quotes
  std::string version_id;
  std::string sequencer;  // hex string; see CompareSequencers

  bool IsObjectCreated() const { return event_name.rfind("ObjectCreated:", 0) == 0; }
  bool operator==(const S3EventRecord&) const = default;
};

// Parses {"Records":[...]}. Records of any event type are returned (the
// handler skips what it does not handle); an "s3:TestEvent" message, which
// has no Records, yields an empty vector. Malformed JSON, a missing required
// field (bucket name, object key) or a key with an invalid %-escape is an
// InvalidArgument naming the record index and field.
Result<std::vector<S3EventRecord>> ParseS3Event(std::string_view json);

// Renders records as S3 would deliver them (key URL-encoded, '+' for space).
std::string S3EventToJson(std::span<const S3EventRecord> records);

// Orders two S3 sequencers: hex strings compared after left-padding the
// shorter with zeros (S3's documented rule). Returns <0, 0 or >0.
int CompareSequencers(std::string_view a, std::string_view b);

}  // namespace invtrack

#endif  // INVTRACK_CORE_S3_EVENT_H_
