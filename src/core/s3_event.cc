#include "core/s3_event.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "core/url_codec.h"

namespace invtrack {
namespace {

using nlohmann::json;

// Parsing helpers. `path` is the JSON path used in error messages, e.g.
// "Records[2].s3.object.key", so a caller can tell which record failed.

Status Invalid(const std::string& path, std::string_view problem) {
  return Status::InvalidArgument("S3 event: " + path + ": " + std::string(problem));
}

std::string TypeName(const json& v) { return v.type_name(); }

// The member `name` of `obj`, or nullptr when absent or JSON null (S3
// documents versionId as "null" for unversioned buckets).
const json* Member(const json& obj, const char* name) {
  const auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// Descends into a nested object; absent is fine (nullptr), a non-object is not.
Result<const json*> OptionalObject(const json* parent, const char* name, const std::string& path) {
  if (parent == nullptr) return static_cast<const json*>(nullptr);
  const json* v = Member(*parent, name);
  if (v != nullptr && !v->is_object()) {
    return Invalid(path, "expected an object, got " + TypeName(*v));
  }
  return v;
}

// Reads an optional string member into `out` (left empty when absent).
Status ReadString(const json* parent, const char* name, const std::string& path, std::string* out) {
  out->clear();
  if (parent == nullptr) return Status::OK();
  const json* v = Member(*parent, name);
  if (v == nullptr) return Status::OK();
  if (!v->is_string()) return Invalid(path, "expected a string, got " + TypeName(*v));
  *out = v->get<std::string>();
  return Status::OK();
}

Status ReadRequiredString(const json* parent, const char* name, const std::string& path,
                          std::string* out) {
  if (parent == nullptr || Member(*parent, name) == nullptr) {
    return Invalid(path, "missing required field");
  }
  return ReadString(parent, name, path, out);
}

// Strict UTF-8 check (no overlongs, surrogates or code points past U+10FFFF):
// S3 keys are UTF-8, and a key that is not would break JSON output later.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

Result<S3EventRecord> ParseRecord(const json& rec, const std::string& at) {
  if (!rec.is_object()) return Invalid(at, "expected an object, got " + TypeName(rec));
  S3EventRecord r;
  INVTRACK_RETURN_IF_ERROR(ReadString(&rec, "eventName", at + ".eventName", &r.event_name));
  INVTRACK_RETURN_IF_ERROR(ReadString(&rec, "eventTime", at + ".eventTime", &r.event_time));
  INVTRACK_RETURN_IF_ERROR(ReadString(&rec, "awsRegion", at + ".awsRegion", &r.aws_region));

  auto identity = OptionalObject(&rec, "userIdentity", at + ".userIdentity");
  if (!identity.ok()) return identity.status();
  INVTRACK_RETURN_IF_ERROR(
      ReadString(*identity, "principalId", at + ".userIdentity.principalId", &r.principal_id));

  auto request = OptionalObject(&rec, "requestParameters", at + ".requestParameters");
  if (!request.ok()) return request.status();
  INVTRACK_RETURN_IF_ERROR(ReadString(*request, "sourceIPAddress",
                                      at + ".requestParameters.sourceIPAddress", &r.source_ip));

  auto s3 = OptionalObject(&rec, "s3", at + ".s3");
  if (!s3.ok()) return s3.status();
  auto bucket = OptionalObject(*s3, "bucket", at + ".s3.bucket");
  if (!bucket.ok()) return bucket.status();
  INVTRACK_RETURN_IF_ERROR(ReadRequiredString(*bucket, "name", at + ".s3.bucket.name", &r.bucket));
  if (r.bucket.empty()) return Invalid(at + ".s3.bucket.name", "is empty");

  auto object = OptionalObject(*s3, "object", at + ".s3.object");
  if (!object.ok()) return object.status();
  const std::string key_path = at + ".s3.object.key";
  std::string encoded_key;
  INVTRACK_RETURN_IF_ERROR(ReadRequiredString(*object, "key", key_path, &encoded_key));
  auto key = FormUrlDecode(encoded_key);
  if (!key.ok()) return Invalid(key_path, key.status().message());
  if (key->empty()) return Invalid(key_path, "is empty");
  if (!IsValidUtf8(*key)) return Invalid(key_path, "decodes to bytes that are not valid UTF-8");
  r.key = std::move(key).value();

  // size is absent on some event types (e.g. ObjectRemoved); 0 then.
  if (const json* size = Member(**object, "size"); size != nullptr) {
    if (!size->is_number_unsigned()) {
      return Invalid(at + ".s3.object.size",
                     "expected a non-negative integer, got " + size->dump());
    }
    r.size = size->get<uint64_t>();
  }
  INVTRACK_RETURN_IF_ERROR(ReadString(*object, "eTag", at + ".s3.object.eTag", &r.etag));
  INVTRACK_RETURN_IF_ERROR(
      ReadString(*object, "versionId", at + ".s3.object.versionId", &r.version_id));
  INVTRACK_RETURN_IF_ERROR(
      ReadString(*object, "sequencer", at + ".s3.object.sequencer", &r.sequencer));
  return r;
}

// A stable 64-bit FNV-1a hash, so generated request ids are deterministic.
uint64_t Fnv1a(std::string_view data, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llX", static_cast<unsigned long long>(v));
  return buf;
}

// S3 upper-cases hex; we compare case-insensitively so local sequencers in
// either case order the same way.
char UpperHex(char c) { return (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

Result<std::vector<S3EventRecord>> ParseS3Event(std::string_view json_text) {
  try {
    json doc;
    try {
      doc = json::parse(json_text.begin(), json_text.end());
    } catch (const json::parse_error& e) {
      return Status::InvalidArgument("S3 event: not valid JSON", e.what());
    }
    if (!doc.is_object()) {
      return Status::InvalidArgument("S3 event: expected a JSON object, got " + TypeName(doc));
    }
    std::vector<S3EventRecord> records;
    const auto it = doc.find("Records");
    if (it == doc.end()) return records;  // e.g. {"Event":"s3:TestEvent",...}
    if (!it->is_array()) {
      return Status::InvalidArgument("S3 event: Records: expected an array, got " + TypeName(*it));
    }
    records.reserve(it->size());
    for (size_t i = 0; i < it->size(); ++i) {
      auto rec = ParseRecord((*it)[i], "Records[" + std::to_string(i) + "]");
      if (!rec.ok()) return rec.status();
      records.push_back(std::move(rec).value());
    }
    return records;
  } catch (const std::exception& e) {
    // Defensive: the checks above should leave nothing for nlohmann to throw.
    return Status::InvalidArgument("S3 event: malformed", e.what());
  }
}

std::string S3EventToJson(std::span<const S3EventRecord> records) {
  using ojson = nlohmann::ordered_json;  // keeps S3's field order for readers
  ojson out_records = ojson::array();
  for (const S3EventRecord& r : records) {
    // S3 has ids for the request that caused the event; we derive stable
    // stand-ins from what identifies the object version.
    const std::string identity = r.bucket + '\n' + r.key + '\n' + r.sequencer + '\n' + r.etag;
    ojson object = {
        {"key", FormUrlEncodeKey(r.key)},
        {"size", r.size},
        {"eTag", r.etag},
    };
    if (!r.version_id.empty()) object["versionId"] = r.version_id;
    if (!r.sequencer.empty()) object["sequencer"] = r.sequencer;
    out_records.push_back(ojson{
        {"eventVersion", "2.1"},
        {"eventSource", "aws:s3"},
        {"awsRegion", r.aws_region},
        {"eventTime", r.event_time},
        {"eventName", r.event_name},
        {"userIdentity", {{"principalId", r.principal_id}}},
        {"requestParameters", {{"sourceIPAddress", r.source_ip}}},
        {"responseElements",
         {{"x-amz-request-id", Hex16(Fnv1a(identity, 1))},
          {"x-amz-id-2", Hex16(Fnv1a(identity, 2)) + Hex16(Fnv1a(identity, 3))}}},
        {"s3",
         {{"s3SchemaVersion", "1.0"},
          {"configurationId", "invtrack-load-inventory"},
          {"bucket",
           {{"name", r.bucket},
            {"ownerIdentity", {{"principalId", "invtrack"}}},
            {"arn", "arn:aws:s3:::" + r.bucket}}},
          {"object", std::move(object)}}},
    });
  }
  // Invalid UTF-8 in a field is replaced rather than thrown: this cannot fail.
  return ojson{{"Records", std::move(out_records)}}.dump(-1, ' ', false,
                                                         ojson::error_handler_t::replace);
}

int CompareSequencers(std::string_view a, std::string_view b) {
  // AWS: "to compare these values, first right pad the shorter value with
  // zeros, and then do a lexicographical comparison" (the user guide said
  // "left pad" until mid-2021; sequencers share a time-ordered prefix).
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const char ca = i < a.size() ? UpperHex(a[i]) : '0';
    const char cb = i < b.size() ? UpperHex(b[i]) : '0';
    if (ca != cb) return static_cast<unsigned char>(ca) < static_cast<unsigned char>(cb) ? -1 : 1;
  }
  return 0;
}

}  // namespace invtrack
