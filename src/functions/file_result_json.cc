// JSON form of Load-Inventory's results (declared in load_inventory.h).
#include <nlohmann/json.hpp>

#include "functions/load_inventory.h"

namespace invtrack {

namespace {

std::optional<FileOutcome> ParseOutcome(std::string_view name) {
  for (FileOutcome outcome :
       {FileOutcome::kApplied, FileOutcome::kRejected, FileOutcome::kAlreadyApplied,
        FileOutcome::kSuperseded, FileOutcome::kSkipped}) {
    if (name == FileOutcomeName(outcome)) return outcome;
  }
  return std::nullopt;
}

}  // namespace

std::string FileResultsToJson(std::span<const FileResult> results) {
  nlohmann::json files = nlohmann::json::array();
  for (const FileResult& r : results) {
    files.push_back({{"bucket", r.version.bucket},
                     {"key", r.version.key},
                     {"etag", r.version.etag},
                     {"sequencer", r.version.sequencer},
                     {"size", r.version.size},
                     {"uploader", r.version.uploader},
                     {"outcome", FileOutcomeName(r.outcome)},
                     {"rows", r.stats.rows},
                     {"changes", r.stats.changes},
                     {"problems", r.problems},
                     {"note", r.note}});
  }
  // Invalid UTF-8 in a key or problem must not make the dump throw.
  return nlohmann::json{{"files", files}}.dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
}

Result<std::vector<FileResult>> ParseFileResults(std::string_view json) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(json);
    std::vector<FileResult> results;
    for (const nlohmann::json& f : parsed.at("files")) {
      FileResult r;
      r.version.bucket = f.at("bucket").get<std::string>();
      r.version.key = f.at("key").get<std::string>();
      r.version.etag = f.value("etag", "");
      r.version.sequencer = f.value("sequencer", "");
      r.version.size = f.value("size", uint64_t{0});
      r.version.uploader = f.value("uploader", "");
      std::optional<FileOutcome> outcome = ParseOutcome(f.at("outcome").get<std::string>());
      if (!outcome) return Status::InvalidArgument("unknown file outcome", f.at("outcome").dump());
      r.outcome = *outcome;
      r.stats.rows = f.value("rows", uint64_t{0});
      r.stats.changes = f.value("changes", uint64_t{0});
      r.problems = f.value("problems", std::vector<std::string>{});
      r.note = f.value("note", "");
      results.push_back(std::move(r));
    }
    return results;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("malformed load result", e.what());
  }
}

}  // namespace invtrack
