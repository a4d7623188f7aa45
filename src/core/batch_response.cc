#include "core/batch_response.h"

#include <exception>
#include <string>

#include <nlohmann/json.hpp>

namespace invtrack {

std::string BatchResponseToJson(const BatchResponse& response) {
  nlohmann::json failures = nlohmann::json::array();
  for (const std::string& id : response.failed_item_identifiers) {
    failures.push_back({{"itemIdentifier", id}});
  }
  return nlohmann::json{{"batchItemFailures", std::move(failures)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<BatchResponse> ParseBatchResponse(std::string_view json_text) {
  using nlohmann::json;
  try {
    json doc;
    try {
      doc = json::parse(json_text.begin(), json_text.end());
    } catch (const json::parse_error& e) {
      return Status::InvalidArgument("batch response: not valid JSON", e.what());
    }
    BatchResponse out;
    // Lambda counts a null response, {} and a null or empty list as success.
    if (doc.is_null()) return out;
    if (!doc.is_object()) {
      return Status::InvalidArgument(std::string("batch response: expected a JSON object, got ") +
                                     doc.type_name());
    }
    const auto list = doc.find("batchItemFailures");
    if (list == doc.end() || list->is_null()) return out;
    if (!list->is_array()) {
      return Status::InvalidArgument(
          std::string("batch response: batchItemFailures: expected an array, got ") +
          list->type_name());
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const json& entry = (*list)[i];
      const std::string at = "batch response: batchItemFailures[" + std::to_string(i) + "]";
      if (!entry.is_object()) {
        return Status::InvalidArgument(at + ": expected an object, got " + entry.type_name());
      }
      // Lambda treats a missing, null or empty itemIdentifier as a failure of
      // the whole batch; the caller learns that from this error.
      const auto id = entry.find("itemIdentifier");
      if (id == entry.end() || id->is_null()) {
        return Status::InvalidArgument(at + ".itemIdentifier: missing (Lambda fails the batch)");
      }
      if (!id->is_string()) {
        return Status::InvalidArgument(at + ".itemIdentifier: expected a string, got " +
                                       id->type_name());
      }
      std::string value = id->get<std::string>();
      if (value.empty()) {
        return Status::InvalidArgument(at + ".itemIdentifier: empty (Lambda fails the batch)");
      }
      out.failed_item_identifiers.push_back(std::move(value));
    }
    return out;
  } catch (const std::exception& e) {
    // Defensive: the checks above should leave nothing for nlohmann to throw.
    return Status::InvalidArgument("batch response: malformed", e.what());
  }
}

}  // namespace invtrack
