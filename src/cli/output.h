// Rendering of stock levels and alerts for the terminal (table), for
// spreadsheets (csv) and for scripts (json: one object per line).
#ifndef INVTRACK_CLI_OUTPUT_H_
#define INVTRACK_CLI_OUTPUT_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/result.h"
#include "notify/delivery_store.h"
#include "runtime/local_pipeline.h"

namespace invtrack {

enum class OutputFormat { kTable, kCsv, kJson };

Result<OutputFormat> ParseOutputFormat(const std::string& name, bool csv_allowed);

struct StockFilter {
  std::optional<std::string> store;
  bool low = false;  // only items that are low or out
  bool out = false;  // only items that are out
};

// Writes the matching items in (store, item) order. The csv form is exactly
// the header "store,item,count" and one row per item.
Status PrintStock(LocalPipeline& pipeline, const StockFilter& filter, OutputFormat format,
                  std::ostream& out);

// Writes alerts oldest first; json objects carry kind, store, item, count,
// threshold, subject, message, time, id and sequence.
// Aligned columns under a header, for people (holds the rows in memory).
void PrintTable(std::vector<std::string> header, const std::vector<std::vector<std::string>>& rows,
                std::ostream& out);

// With `deliveries`, each alert also shows what became of its messages to
// subscribers (pending with the last error, sent, dead).
Status PrintAlerts(LocalPipeline& pipeline, DeliveryStore* deliveries, OutputFormat format,
                   size_t limit, std::ostream& out);

}  // namespace invtrack

#endif  // INVTRACK_CLI_OUTPUT_H_
