// Throughput of the CSV reader on lab-shaped inventory files. The target is
// >= 500 MB/s for the reader on rows like `Store0042,Item-000123,57`, so a
// 1 GiB upload is parsed in about two seconds.
#include <cstdio>
#include <random>
#include <string>

#include <benchmark/benchmark.h>

#include "core/byte_source.h"
#include "core/csv_reader.h"
#include "core/inventory_csv.h"
#include "core/stock_row.h"

namespace invtrack {
namespace {

constexpr int kRows = 1'000'000;

// `store,item,count` then kRows rows of about 26 bytes. With `quoted`, every
// item is quoted and one in eight holds a doubled quote, to show the cost of
// the slower paths.
std::string MakeInventory(bool quoted) {
  std::mt19937 rng(42);
  std::string out = "store,item,count\n";
  out.reserve(static_cast<size_t>(kRows) * 30);
  char line[96];
  for (int i = 0; i < kRows; ++i) {
    const unsigned store = rng() % 10000;
    const unsigned item = rng() % 1000000;
    const unsigned count = rng() % 1000;
    if (!quoted) {
      std::snprintf(line, sizeof(line), "Store%04u,Item-%06u,%u\n", store, item, count);
    } else if (i % 8 == 0) {
      std::snprintf(line, sizeof(line), "Store%04u,\"Item \"\"%06u\"\"\",%u\n", store, item, count);
    } else {
      std::snprintf(line, sizeof(line), "Store%04u,\"Item, %06u\",%u\n", store, item, count);
    }
    out.append(line);
  }
  return out;
}

const std::string& PlainInventory() {
  static const std::string* data = new std::string(MakeInventory(/*quoted=*/false));
  return *data;
}

const std::string& QuotedInventory() {
  static const std::string* data = new std::string(MakeInventory(/*quoted=*/true));
  return *data;
}

void ReadAll(benchmark::State& state, const std::string& data) {
  size_t records = 0;
  for (auto _ : state) {
    StringByteSource source(data);
    CsvReader reader(&source);
    CsvRecord record;
    records = 0;
    for (;;) {
      Result<bool> more = reader.Next(&record);
      if (!more.ok()) {
        state.SkipWithError(more.status().ToString().c_str());
        return;
      }
      if (!*more) break;
      benchmark::DoNotOptimize(record.fields.data());
      ++records;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
  state.counters["records"] = static_cast<double>(records);
}

void BM_CsvReader(benchmark::State& state) { ReadAll(state, PlainInventory()); }
BENCHMARK(BM_CsvReader)->Unit(benchmark::kMillisecond);

void BM_CsvReaderQuoted(benchmark::State& state) { ReadAll(state, QuotedInventory()); }
BENCHMARK(BM_CsvReaderQuoted)->Unit(benchmark::kMillisecond);

// The load function's whole per-row cost: read, then map onto a StockRow.
void BM_CsvReaderParseRow(benchmark::State& state) {
  const std::string& data = PlainInventory();
  for (auto _ : state) {
    StringByteSource source(data);
    CsvReader reader(&source);
    CsvRecord record;
    Result<bool> more = reader.Next(&record);
    if (!more.ok() || !*more) {
      state.SkipWithError("no header");
      return;
    }
    Result<InventoryCsvSchema> schema = InventoryCsvSchema::FromHeader(record, std::nullopt);
    if (!schema.ok()) {
      state.SkipWithError(schema.status().ToString().c_str());
      return;
    }
    StockRow row;
    std::string problem;
    int64_t total = 0;
    for (;;) {
      more = reader.Next(&record);
      if (!more.ok()) {
        state.SkipWithError(more.status().ToString().c_str());
        return;
      }
      if (!*more) break;
      if (!schema->ParseRow(record, &row, &problem)) {
        state.SkipWithError(problem.c_str());
        return;
      }
      total += row.count;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_CsvReaderParseRow)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace invtrack
