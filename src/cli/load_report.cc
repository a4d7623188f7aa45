#include "cli/load_report.h"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "adapters/local/file_byte_source.h"
#include "core/csv_reader.h"

namespace invtrack {

namespace {

std::string Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

}  // namespace

std::optional<std::string> PeekStore(const std::filesystem::path& path) {
  Result<std::unique_ptr<FileByteSource>> file = FileByteSource::Open(path);
  if (!file.ok()) return std::nullopt;
  CsvReader reader(file->get(), CsvReaderOptions{.chunk_bytes = 64 * 1024});
  CsvRecord record;
  Result<bool> header = reader.Next(&record);
  if (!header.ok() || !*header) return std::nullopt;
  std::optional<size_t> column;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    std::string name = Trim(record.fields[i]);
    if (name.size() >= 3 && name.compare(0, 3, "\xEF\xBB\xBF") == 0) name.erase(0, 3);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    if (name == "store") column = i;
  }
  if (!column) return std::nullopt;
  Result<bool> row = reader.Next(&record);
  if (!row.ok() || !*row || *column >= record.fields.size()) return std::nullopt;
  std::string store = Trim(record.fields[*column]);
  if (store.empty() || store.find('/') != std::string::npos) return std::nullopt;
  return store;
}

std::string DefaultObjectKey(const std::filesystem::path& file, const std::string& store_flag) {
  std::optional<std::string> store =
      store_flag.empty() ? PeekStore(file) : std::optional<std::string>(store_flag);
  std::string name = file.filename().string();
  return store ? "stores/" + *store + "/" + name : name;
}

void PrintLoadResult(const std::string& file, const FileResult& r, bool json, std::ostream& out) {
  if (json) {
    nlohmann::json line = {{"file", file},           {"key", r.version.key},
                           {"etag", r.version.etag}, {"outcome", FileOutcomeName(r.outcome)},
                           {"rows", r.stats.rows},   {"changes", r.stats.changes},
                           {"problems", r.problems}};
    if (!r.note.empty()) line["note"] = r.note;
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return;
  }
  switch (r.outcome) {
    case FileOutcome::kApplied:
      out << file << ": applied " << r.stats.rows << " rows, " << r.stats.changes << " changed ("
          << r.version.key << ")\n";
      break;
    case FileOutcome::kRejected:
      out << file << ": rejected, nothing applied (" << r.version.key << ")\n";
      for (const std::string& problem : r.problems) out << "  " << problem << '\n';
      break;
    default:
      out << file << ": " << FileOutcomeName(r.outcome) << ": " << r.note << '\n';
      break;
  }
}

}  // namespace invtrack
