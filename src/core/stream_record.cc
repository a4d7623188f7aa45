#include "core/stream_record.h"

#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

namespace invtrack {
namespace {

using nlohmann::json;

// `path` in the helpers below is the JSON path for error messages, e.g.
// "Records[3].dynamodb.NewImage.Count".

Status Invalid(const std::string& path, std::string_view problem) {
  return Status::InvalidArgument("stream event: " + path + ": " + std::string(problem));
}

// The member `name` of `obj`, or nullptr when absent or JSON null.
const json* Member(const json& obj, const char* name) {
  const auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status ReadOptionalString(const json& parent, const char* name, const std::string& path,
                          std::string* out) {
  out->clear();
  const json* v = Member(parent, name);
  if (v == nullptr) return Status::OK();
  if (!v->is_string()) {
    return Invalid(path, std::string("expected a string, got ") + v->type_name());
  }
  *out = v->get<std::string>();
  return Status::OK();
}

// The type tag of an attribute value: the first member that is not null.
// (Some SDKs serialise every tag, unused ones as null: {"S":"x","N":null,...}.)
std::string AttributeType(const json& attr) {
  for (const auto& [tag, value] : attr.items()) {
    if (!value.is_null()) return tag;
  }
  return "nothing";
}

// The string payload of a typed attribute value ({"S":".."} or {"N":".."}).
Result<std::string> TypedString(const json& attr, const char* type, const std::string& path) {
  if (!attr.is_object()) {
    return Invalid(path,
                   std::string("expected an attribute value object, got ") + attr.type_name());
  }
  const json* v = Member(attr, type);
  if (v == nullptr) {
    return Invalid(path, std::string("expected type ") + type + ", got " + AttributeType(attr));
  }
  if (!v->is_string()) {
    return Invalid(
        path, std::string("the ") + type + " value must be a JSON string, got " + v->type_name());
  }
  return v->get<std::string>();
}

// DynamoDB numbers are decimal strings; inventory counts must be plain
// integers. Only an optional '-' and digits are accepted: "1.5", "1e3" and
// "+2" are refused rather than guessed at.
Result<int64_t> ParseIntegerN(const std::string& text, const std::string& path) {
  const size_t digits_from = (!text.empty() && text[0] == '-') ? 1 : 0;
  bool ok = text.size() > digits_from;
  for (size_t i = digits_from; ok && i < text.size(); ++i) ok = text[i] >= '0' && text[i] <= '9';
  if (!ok) return Invalid(path, "expected an integer N value, got \"" + text + "\"");
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return Invalid(path, "N value \"" + text + "\" is out of range for a 64-bit integer");
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Invalid(path, "expected an integer N value, got \"" + text + "\"");
  }
  return value;
}

Result<ItemImage> ParseImage(const json& image, const std::string& path) {
  if (!image.is_object()) {
    return Invalid(path, std::string("expected an object, got ") + image.type_name());
  }
  ItemImage out;
  for (const auto& [name, target] : {std::pair<const char*, std::string*>{"Store", &out.store},
                                     std::pair<const char*, std::string*>{"Item", &out.item}}) {
    const json* attr = Member(image, name);
    if (attr == nullptr) return Invalid(path + "." + name, "missing attribute");
    auto s = TypedString(*attr, "S", path + "." + name);
    if (!s.ok()) return s.status();
    *target = std::move(s).value();
  }

  const json* count = Member(image, "Count");
  if (count == nullptr) return Invalid(path + ".Count", "missing attribute");
  auto count_text = TypedString(*count, "N", path + ".Count");
  if (!count_text.ok()) return count_text.status();
  auto count_value = ParseIntegerN(*count_text, path + ".Count");
  if (!count_value.ok()) return count_value.status();
  out.count = *count_value;

  // LowThreshold is optional; an explicit {"NULL":true} also means "none".
  if (const json* low = Member(image, "LowThreshold"); low != nullptr) {
    const json* null_tag = low->is_object() ? Member(*low, "NULL") : nullptr;
    if (null_tag == nullptr || !null_tag->is_boolean() || !null_tag->get<bool>()) {
      auto low_text = TypedString(*low, "N", path + ".LowThreshold");
      if (!low_text.ok()) return low_text.status();
      auto low_value = ParseIntegerN(*low_text, path + ".LowThreshold");
      if (!low_value.ok()) return low_value.status();
      out.low_threshold = *low_value;
    }
  }
  return out;
}

bool IsDecimalDigits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<StreamEventName> ParseEventName(const json& rec, const std::string& path) {
  const json* v = Member(rec, "eventName");
  if (v == nullptr) return Invalid(path, "missing required field");
  if (!v->is_string()) {
    return Invalid(path, std::string("expected a string, got ") + v->type_name());
  }
  const std::string& name = v->get_ref<const std::string&>();
  if (name == "INSERT") return StreamEventName::kInsert;
  if (name == "MODIFY") return StreamEventName::kModify;
  if (name == "REMOVE") return StreamEventName::kRemove;
  return Invalid(path, "unknown eventName \"" + name + "\" (expected INSERT, MODIFY or REMOVE)");
}

// ApproximateCreationDateTime: epoch seconds, sometimes serialised with a
// fraction (1568013979.0); rounded down, as DynamoDB documents it.
Result<int64_t> ParseCreationTime(const json& v, const std::string& path) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(u);
    }
  } else if (v.is_number_float()) {
    const double d = std::floor(v.get<double>());
    // 2^63 is exactly representable; anything at or past it would overflow.
    if (std::isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
      return static_cast<int64_t>(d);
    }
  } else {
    return Invalid(path, std::string("expected a number, got ") + v.type_name());
  }
  return Invalid(path, "out of range: " + v.dump());
}

Result<StreamRecord> ParseRecord(const json& rec, const std::string& at) {
  if (!rec.is_object()) {
    return Invalid(at, std::string("expected an object, got ") + rec.type_name());
  }
  StreamRecord r;
  auto name = ParseEventName(rec, at + ".eventName");
  if (!name.ok()) return name.status();
  r.event_name = *name;
  INVTRACK_RETURN_IF_ERROR(ReadOptionalString(rec, "eventID", at + ".eventID", &r.event_id));
  INVTRACK_RETURN_IF_ERROR(
      ReadOptionalString(rec, "eventSourceARN", at + ".eventSourceARN", &r.event_source_arn));

  const std::string ddb_path = at + ".dynamodb";
  const json* ddb = Member(rec, "dynamodb");
  if (ddb == nullptr) return Invalid(ddb_path, "missing required field");
  if (!ddb->is_object()) {
    return Invalid(ddb_path, std::string("expected an object, got ") + ddb->type_name());
  }

  const std::string seq_path = ddb_path + ".SequenceNumber";
  const json* seq = Member(*ddb, "SequenceNumber");
  if (seq == nullptr) return Invalid(seq_path, "missing required field");
  if (!seq->is_string()) {
    return Invalid(seq_path, std::string("expected a string, got ") + seq->type_name());
  }
  r.sequence_number = seq->get<std::string>();
  if (!IsDecimalDigits(r.sequence_number)) {
    return Invalid(seq_path, "expected decimal digits, got \"" + r.sequence_number + "\"");
  }

  if (const json* t = Member(*ddb, "ApproximateCreationDateTime"); t != nullptr) {
    auto seconds = ParseCreationTime(*t, ddb_path + ".ApproximateCreationDateTime");
    if (!seconds.ok()) return seconds.status();
    r.approximate_creation_time = *seconds;
  }

  for (const auto& [field, target] :
       {std::pair<const char*, std::optional<ItemImage>*>{"NewImage", &r.new_image},
        std::pair<const char*, std::optional<ItemImage>*>{"OldImage", &r.old_image}}) {
    const json* image = Member(*ddb, field);
    if (image == nullptr) continue;
    auto parsed = ParseImage(*image, ddb_path + "." + field);
    if (!parsed.ok()) return parsed.status();
    *target = std::move(parsed).value();
  }
  // The images the table's NEW_AND_OLD_IMAGES stream always carries; without
  // them the record has no Store/Item and no transition can be judged.
  const bool needs_new = r.event_name != StreamEventName::kRemove;
  const bool needs_old = r.event_name != StreamEventName::kInsert;
  const std::string event = std::string(StreamEventNameToString(r.event_name));
  static constexpr char kImagesHint[] =
      " records (the stream must use StreamViewType NEW_AND_OLD_IMAGES)";
  if (needs_new && !r.new_image) {
    return Invalid(ddb_path + ".NewImage", "required for " + event + kImagesHint);
  }
  if (needs_old && !r.old_image) {
    return Invalid(ddb_path + ".OldImage", "required for " + event + kImagesHint);
  }
  return r;
}

using ojson = nlohmann::ordered_json;

ojson ImageToJson(const ItemImage& image) {
  ojson out = {
      {"Store", {{"S", image.store}}},
      {"Item", {{"S", image.item}}},
      {"Count", {{"N", std::to_string(image.count)}}},
  };
  if (image.low_threshold) out["LowThreshold"] = {{"N", std::to_string(*image.low_threshold)}};
  return out;
}

// DynamoDB's item-size rule, roughly: attribute name bytes plus value bytes
// (strings: UTF-8 length; numbers: about one byte per two digits, plus one).
int64_t ApproximateSize(const ItemImage& image) {
  const auto number = [](int64_t v) {
    return static_cast<int64_t>(std::to_string(v).size() + 1) / 2 + 1;
  };
  int64_t size = 5 + static_cast<int64_t>(image.store.size()) + 4 +
                 static_cast<int64_t>(image.item.size()) + 5 + number(image.count);
  if (image.low_threshold) size += 12 + number(*image.low_threshold);
  return size;
}

}  // namespace

std::string_view StreamEventNameToString(StreamEventName name) {
  switch (name) {
    case StreamEventName::kInsert:
      return "INSERT";
    case StreamEventName::kModify:
      return "MODIFY";
    case StreamEventName::kRemove:
      return "REMOVE";
  }
  return "UNKNOWN";
}

Result<std::vector<StreamRecord>> ParseStreamEvent(std::string_view json_text) {
  try {
    json doc;
    try {
      doc = json::parse(json_text.begin(), json_text.end());
    } catch (const json::parse_error& e) {
      return Status::InvalidArgument("stream event: not valid JSON", e.what());
    }
    if (!doc.is_object()) {
      return Status::InvalidArgument(std::string("stream event: expected a JSON object, got ") +
                                     doc.type_name());
    }
    const json* records = Member(doc, "Records");
    if (records == nullptr) return Invalid("Records", "missing required field");
    if (!records->is_array()) {
      return Invalid("Records", std::string("expected an array, got ") + records->type_name());
    }
    std::vector<StreamRecord> out;
    out.reserve(records->size());
    for (size_t i = 0; i < records->size(); ++i) {
      auto rec = ParseRecord((*records)[i], "Records[" + std::to_string(i) + "]");
      if (!rec.ok()) return rec.status();
      out.push_back(std::move(rec).value());
    }
    return out;
  } catch (const std::exception& e) {
    // Defensive: the checks above should leave nothing for nlohmann to throw.
    return Status::InvalidArgument("stream event: malformed", e.what());
  }
}

std::string StreamEventToJson(std::span<const StreamRecord> records, std::string_view aws_region) {
  ojson out_records = ojson::array();
  for (const StreamRecord& r : records) {
    ojson ddb = {{"ApproximateCreationDateTime", r.approximate_creation_time}};
    // Keys come from whichever image exists; a record with neither is invalid
    // and is rendered with empty Keys rather than crashing.
    const ItemImage* key_image =
        r.new_image ? &*r.new_image : (r.old_image ? &*r.old_image : nullptr);
    ojson keys = ojson::object();
    int64_t size = 0;
    if (key_image != nullptr) {
      keys = {{"Store", {{"S", key_image->store}}}, {"Item", {{"S", key_image->item}}}};
      size += 9 + static_cast<int64_t>(key_image->store.size() + key_image->item.size());
    }
    ddb["Keys"] = std::move(keys);
    if (r.new_image) {
      ddb["NewImage"] = ImageToJson(*r.new_image);
      size += ApproximateSize(*r.new_image);
    }
    if (r.old_image) {
      ddb["OldImage"] = ImageToJson(*r.old_image);
      size += ApproximateSize(*r.old_image);
    }
    ddb["SequenceNumber"] = r.sequence_number;
    ddb["SizeBytes"] = size > 0 ? size : 1;  // DynamoDB: minimum 1
    ddb["StreamViewType"] = "NEW_AND_OLD_IMAGES";
    out_records.push_back(ojson{
        {"eventID", r.event_id},
        {"eventName", StreamEventNameToString(r.event_name)},
        {"eventVersion", "1.1"},
        {"eventSource", "aws:dynamodb"},
        {"awsRegion", aws_region},
        {"dynamodb", std::move(ddb)},
        {"eventSourceARN", r.event_source_arn},
    });
  }
  // Invalid UTF-8 in an item name is replaced rather than thrown.
  return ojson{{"Records", std::move(out_records)}}.dump(-1, ' ', false,
                                                         ojson::error_handler_t::replace);
}

int CompareSequenceNumbers(std::string_view a, std::string_view b) {
  const auto strip = [](std::string_view s) {
    const size_t first = s.find_first_not_of('0');
    return first == std::string_view::npos ? std::string_view() : s.substr(first);
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace invtrack
