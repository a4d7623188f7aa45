// ListObjects (V1) and ListObjectsV2: prefix, delimiter (common prefixes),
// max-keys, marker / continuation-token / start-after, encoding-type=url.
#include <charconv>

#include "core/time_format.h"
#include "core/url_codec.h"
#include "s3/handler_support.h"
#include "s3/s3_handlers.h"
#include "s3/text_codec.h"
#include "s3/xml_writer.h"

namespace invtrack {

namespace {

constexpr size_t kMaxKeys = 1000;
constexpr size_t kPageSize = 1000;
// Greater than every byte of UTF-8 text: "p" + kAfterAll sorts after every
// key starting with "p", which skips a whole common prefix at once.
constexpr char kAfterAll[] = "\xFF";

struct Listing {
  std::vector<StoredObject> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last;  // the last key or common prefix returned
};

// Entries (objects and common prefixes, in key order) after `start`.
Result<Listing> Collect(const DirBucket& bucket, const std::string& prefix,
                        const std::string& delimiter, const std::string& start, size_t max_keys) {
  Listing listing;
  std::string cursor = start;
  // A common prefix at or before `start` was returned by an earlier page.
  if (!delimiter.empty() && start.starts_with(prefix)) {
    size_t found = start.find(delimiter, prefix.size());
    if (found != std::string::npos) {
      std::string group = start.substr(0, found + delimiter.size());
      if (group == start) cursor = group + kAfterAll;
    }
  }
  if (max_keys == 0) return listing;
  for (;;) {
    Result<std::vector<StoredObject>> page = bucket.List(prefix, cursor, kPageSize);
    if (!page.ok()) return page.status();
    if (page->empty()) return listing;
    bool jumped = false;
    for (StoredObject& object : *page) {
      bool full = listing.objects.size() + listing.common_prefixes.size() >= max_keys;
      size_t found =
          delimiter.empty() ? std::string::npos : object.key.find(delimiter, prefix.size());
      if (full) {
        listing.truncated = true;
        return listing;
      }
      if (found != std::string::npos) {
        std::string group = object.key.substr(0, found + delimiter.size());
        listing.common_prefixes.push_back(group);
        listing.last = group;
        cursor = group + kAfterAll;
        jumped = true;
        break;  // re-read from after the whole group
      }
      cursor = object.key;
      listing.last = object.key;
      listing.objects.push_back(std::move(object));
    }
    if (!jumped && page->size() < kPageSize) return listing;
  }
}

std::optional<size_t> ParseMaxKeys(const QueryParams& query) {
  std::optional<std::string_view> text = query.Get("max-keys");
  if (!text) return kMaxKeys;
  size_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value < kMaxKeys ? value : kMaxKeys;
}

}  // namespace

HttpResponse ListObjects(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  const QueryParams& q = call.query;
  const bool v2 = q.GetOr("list-type", "1") == "2";
  std::string prefix = q.GetOr("prefix", "");
  std::string delimiter = q.GetOr("delimiter", "");
  std::optional<size_t> max_keys = ParseMaxKeys(q);
  if (!max_keys)
    return call.Fail(
        S3Error::InvalidArgument("Provided max-keys not an integer or within integer range"));
  std::optional<std::string_view> encoding = q.Get("encoding-type");
  if (encoding && *encoding != "url") {
    return call.Fail(S3Error::InvalidArgument("Invalid Encoding Method specified in Request"));
  }
  auto encode = [&](std::string_view text) {
    return encoding ? PercentEncode(text, true) : std::string(text);
  };

  std::string start;
  if (v2) {
    if (std::optional<std::string_view> token = q.Get("continuation-token")) {
      std::optional<std::string> decoded = Base64Decode(*token);
      if (!decoded || token->empty()) {
        return call.Fail(S3Error::InvalidArgument("The continuation token provided is incorrect"));
      }
      start = *decoded;
    } else {
      start = q.GetOr("start-after", "");
    }
  } else {
    start = q.GetOr("marker", "");
  }

  Result<Listing> listing =
      Collect(*std::get<DirBucket*>(bucket), prefix, delimiter, start, *max_keys);
  if (!listing.ok()) return call.Fail(StorageError(listing.status()));

  XmlWriter xml;
  xml.Open("ListBucketResult", true);
  xml.Element("Name", call.bucket);
  xml.Element("Prefix", encode(prefix));
  if (v2) {
    if (auto token = q.Get("continuation-token")) xml.Element("ContinuationToken", *token);
    if (auto after = q.Get("start-after")) xml.Element("StartAfter", encode(*after));
    xml.Element("KeyCount", listing->objects.size() + listing->common_prefixes.size());
  } else {
    xml.Element("Marker", encode(q.GetOr("marker", "")));
  }
  xml.Element("MaxKeys", *max_keys);
  if (!delimiter.empty()) xml.Element("Delimiter", encode(delimiter));
  if (encoding) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", listing->truncated);
  if (listing->truncated) {
    if (v2) {
      xml.Element("NextContinuationToken", Base64Encode(listing->last));
    } else {
      xml.Element("NextMarker", encode(listing->last));
    }
  }
  bool with_owner = !v2 || q.GetOr("fetch-owner", "false") == "true";
  for (const StoredObject& object : listing->objects) {
    xml.Open("Contents");
    xml.Element("Key", encode(object.key));
    xml.Element("LastModified", FormatIsoMillis(object.info.last_modified_ms));
    xml.Element("ETag", QuotedEtag(object.info.etag));
    xml.Element("Size", object.info.size);
    xml.Element("StorageClass", "STANDARD");
    if (with_owner) {
      xml.Open("Owner");
      xml.Element("ID", "invtrack");
      xml.Element("DisplayName", "invtrack");
      xml.Close("Owner");
    }
    xml.Close("Contents");
  }
  for (const std::string& group : listing->common_prefixes) {
    xml.Open("CommonPrefixes");
    xml.Element("Prefix", encode(group));
    xml.Close("CommonPrefixes");
  }
  xml.Close("ListBucketResult");
  return call.Xml(xml.Finish());
}

}  // namespace invtrack
