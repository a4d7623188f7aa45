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
// field (bucket name, object key), a present field of the wrong type, or a
// key with an invalid %-escape or that decodes to invalid UTF-8 is an
// InvalidArgument naming the record index and field. Absent optional fields
// (and "versionId": null) leave the member empty; unknown fields are ignored.
// Never throws.
Result<std::vector<S3EventRecord>> ParseS3Event(std::string_view json);

// Renders records as S3 would deliver them (eventVersion 2.1, key URL-encoded
// with '+' for space). Fields the struct does not carry are filled with
// stable stand-ins: responseElements ids hashed from bucket/key/sequencer/
// eTag, configurationId "invtrack-load-inventory", bucket owner "invtrack".
// versionId and sequencer are omitted when empty. Round trip: parsing the
// output gives the records back for any non-empty bucket and UTF-8 key.
std::string S3EventToJson(std::span<const S3EventRecord> records);

// Orders two S3 sequencers for the same key: hex strings compared after
// RIGHT-padding the shorter with zeros, case-insensitively. This is S3's
// documented rule since mid-2021 (the user guide said "left pad" before), so
// "0055AED6DCD90281E5" == "0055AED6DCD90281E500". Local sequencers should be
// fixed-width, where both rules agree. Returns <0, 0 or >0.
int CompareSequencers(std::string_view a, std::string_view b);

}  // namespace invtrack

#endif  // INVTRACK_CORE_S3_EVENT_H_
