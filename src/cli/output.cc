#include "cli/output.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv_writer.h"
#include "core/time_format.h"
#include "notify/notify_json.h"

namespace invtrack {

namespace {

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Collects rows, then prints them with each column as wide as its widest
// cell. Table output is for people, so holding it in memory is fine.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) {
    // A name may hold line breaks or tabs; in a table they must not break
    // the layout, so show them escaped.
    for (std::string& cell : row) {
      if (cell.find_first_of("\n\r\t") == std::string::npos) continue;
      std::string escaped;
      for (char c : cell) {
        if (c == '\n')
          escaped += "\\n";
        else if (c == '\r')
          escaped += "\\r";
        else if (c == '\t')
          escaped += "\\t";
        else
          escaped.push_back(c);
      }
      cell = std::move(escaped);
    }
    rows_.push_back(std::move(row));
  }
  void Print(std::ostream& out) const {
    std::vector<size_t> widths(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows_) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
      }
      out << line << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

void PrintTable(std::vector<std::string> header, const std::vector<std::vector<std::string>>& rows,
                std::ostream& out) {
  TextTable table(std::move(header));
  for (const std::vector<std::string>& row : rows) table.Add(row);
  table.Print(out);
}

Result<OutputFormat> ParseOutputFormat(const std::string& name, bool csv_allowed) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv" && csv_allowed) return OutputFormat::kCsv;
  return Status::InvalidArgument("unknown format '" + name + "'",
                                 csv_allowed ? "use table, csv or json" : "use table or json");
}

Status PrintStock(LocalPipeline& pipeline, const StockFilter& filter, OutputFormat format,
                  std::ostream& out) {
  const StockPolicy policy = pipeline.CurrentPolicy();
  TextTable table({"STORE", "ITEM", "COUNT", "LEVEL"});
  std::string line;
  if (format == OutputFormat::kCsv) out << "store,item,count\n";
  Status scanned =
      pipeline.table().ScanItems(ItemQuery{filter.store}, [&](const InventoryItem& item) {
        int64_t threshold = policy.ThresholdFor(item.store, item.item, item.low_threshold);
        StockLevel level = StockPolicy::LevelOf(item.count, threshold);
        if (filter.out && level != StockLevel::kOut) return true;
        if (filter.low && !filter.out && level == StockLevel::kInStock) return true;
        switch (format) {
          case OutputFormat::kCsv:
            line.clear();
            AppendCsvField(&line, item.store);
            line.push_back(',');
            AppendCsvField(&line, item.item);
            line.append(",").append(std::to_string(item.count)).push_back('\n');
            out << line;
            break;
          case OutputFormat::kJson:
            out << DumpJson({{"store", item.store},
                             {"item", item.item},
                             {"count", item.count},
                             {"level", StockLevelName(level)},
                             {"low_threshold", threshold},
                             {"updated_at", FormatIsoMillis(item.updated_ms)},
                             {"source_key", item.source_key}})
                << '\n';
            break;
          case OutputFormat::kTable:
            table.Add({item.store, item.item, std::to_string(item.count),
                       std::string(StockLevelName(level))});
            break;
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (format == OutputFormat::kTable) table.Print(out);
  return Status::OK();
}

namespace {

// "email ops@example.com: pending, 2 attempts, last error: HTTP 503".
std::string DeliverySummary(const DeliveryView& v) {
  const Delivery& d = v.delivery;
  std::string text = std::string(ChannelName(v.channel)) + " " + v.address + ": " +
                     std::string(DeliveryStateName(d.state));
  if (d.state != DeliveryState::kSent && d.attempts > 0) {
    text += ", " + std::to_string(d.attempts) + (d.attempts == 1 ? " attempt" : " attempts");
  }
  if (d.state != DeliveryState::kSent && !d.last_error.empty()) {
    text += ", last error: " + d.last_error;
  }
  return text;
}

}  // namespace

Status PrintAlerts(LocalPipeline& pipeline, DeliveryStore* deliveries, OutputFormat format,
                   size_t limit, std::ostream& out) {
  Result<std::vector<StoredAlert>> alerts = pipeline.topic().List(0, limit);
  if (!alerts.ok()) return alerts.status();
  std::map<int64_t, std::vector<DeliveryView>> sent_to;
  if (deliveries != nullptr) {
    std::vector<int64_t> positions;
    for (const StoredAlert& stored : *alerts) positions.push_back(stored.position);
    Result<std::map<int64_t, std::vector<DeliveryView>>> found = deliveries->ForAlerts(positions);
    if (!found.ok()) return found.status();
    sent_to = std::move(found).value();
  }
  std::vector<std::string> header = {"TIME", "KIND", "STORE", "ITEM", "COUNT", "MESSAGE"};
  if (deliveries != nullptr) header.push_back("DELIVERIES");
  TextTable table(header);
  for (const StoredAlert& stored : *alerts) {
    const Alert& a = stored.alert;
    auto views = sent_to.find(stored.position);
    if (format == OutputFormat::kJson) {
      nlohmann::json json = {{"id", a.id},
                             {"kind", AlertKindName(a.kind)},
                             {"store", a.store},
                             {"item", a.item},
                             {"count", a.count},
                             {"threshold", a.threshold},
                             {"subject", a.subject},
                             {"message", a.message},
                             {"time", FormatIsoMillis(a.time_ms)},
                             {"sequence", a.source_sequence}};
      if (deliveries != nullptr) {
        json["deliveries"] = nlohmann::json::array();
        if (views != sent_to.end()) {
          for (const DeliveryView& v : views->second) json["deliveries"].push_back(DeliveryJson(v));
        }
      }
      out << DumpJson(json) << '\n';
      continue;
    }
    std::vector<std::string> row = {FormatIsoMillis(a.time_ms),
                                    std::string(AlertKindName(a.kind)),
                                    a.store,
                                    a.item,
                                    std::to_string(a.count),
                                    a.message};
    if (deliveries != nullptr) {
      std::string summary;
      if (views != sent_to.end()) {
        for (const DeliveryView& v : views->second) {
          summary += (summary.empty() ? "" : "; ") + DeliverySummary(v);
        }
      }
      row.push_back(summary.empty() ? "-" : summary);
    }
    table.Add(std::move(row));
  }
  if (format == OutputFormat::kTable) table.Print(out);
  return Status::OK();
}

}  // namespace invtrack
