#include "core/inventory_csv.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/byte_source.h"
#include "core/csv_reader.h"
#include "test_util.h"

namespace invtrack {
namespace {

// A record as the reader would hand it out; `storage` owns the bytes.
struct OwnedRecord {
  std::vector<std::string> storage;
  CsvRecord record;

  OwnedRecord(uint64_t line, std::vector<std::string> fields) : storage(std::move(fields)) {
    record.line = line;
    for (const std::string& f : storage) record.fields.emplace_back(f);
  }
  OwnedRecord(const OwnedRecord&) = delete;
  OwnedRecord& operator=(const OwnedRecord&) = delete;
};

Result<InventoryCsvSchema> Schema(std::vector<std::string> header,
                                  std::optional<std::string> key_store = std::nullopt) {
  OwnedRecord r(1, std::move(header));
  return InventoryCsvSchema::FromHeader(r.record, std::move(key_store));
}

InventoryCsvSchema LabSchema(std::optional<std::string> key_store = std::nullopt) {
  Result<InventoryCsvSchema> schema = Schema({"store", "item", "count"}, std::move(key_store));
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return std::move(schema).value();
}

// Parses a row and expects success.
StockRow Row(const InventoryCsvSchema& schema, std::vector<std::string> fields) {
  OwnedRecord r(2, std::move(fields));
  StockRow row;
  std::string problem;
  EXPECT_TRUE(schema.ParseRow(r.record, &row, &problem)) << problem;
  return row;
}

// Parses a row on line 2 and returns the problem ("" when it was accepted).
std::string Problem(const InventoryCsvSchema& schema, std::vector<std::string> fields) {
  OwnedRecord r(2, std::move(fields));
  StockRow row;
  std::string problem;
  if (schema.ParseRow(r.record, &row, &problem)) return "";
  return problem;
}

std::string HeaderError(std::vector<std::string> header,
                        std::optional<std::string> key_store = std::nullopt) {
  Result<InventoryCsvSchema> schema = Schema(std::move(header), std::move(key_store));
  if (schema.ok()) return "";
  EXPECT_TRUE(schema.status().IsInvalidArgument());
  return schema.status().message();
}

StockRow Stock(std::string store, std::string item, int64_t count,
               std::optional<int64_t> low = std::nullopt) {
  return StockRow{std::move(store), std::move(item), count, low};
}

// --- Header ------------------------------------------------------------------

TEST(InventoryCsvTest, LabHeaderAndRow) {
  InventoryCsvSchema schema = LabSchema();
  EXPECT_FALSE(schema.has_low_threshold());
  EXPECT_EQ(Row(schema, {"Berlin", "Echo Plus", "0"}), Stock("Berlin", "Echo Plus", 0));
}

TEST(InventoryCsvTest, HeaderNamesAreCaseInsensitiveAndTrimmed) {
  Result<InventoryCsvSchema> schema = Schema({" Store ", "\tITEM", "Count  "});
  ASSERT_OK(schema);
  EXPECT_EQ(Row(*schema, {"Berlin", "Echo", "3"}), Stock("Berlin", "Echo", 3));
}

TEST(InventoryCsvTest, HeaderWithLeftoverByteOrderMark) {
  Result<InventoryCsvSchema> schema = Schema({"\xEF\xBB\xBFstore", "item", "count"});
  ASSERT_OK(schema);
  EXPECT_EQ(Row(*schema, {"Berlin", "Echo", "3"}), Stock("Berlin", "Echo", 3));
  ASSERT_OK(Schema({" \xEF\xBB\xBF Store", "item", "count"}));
}

TEST(InventoryCsvTest, ColumnsInAnyOrderAndExtraColumnsIgnored) {
  Result<InventoryCsvSchema> schema = Schema({"sku", "count", "Notes", "item", "store", "sku"});
  ASSERT_OK(schema);
  EXPECT_EQ(Row(*schema, {"X-1", "12", "whatever", "Echo", "Berlin", "X-2"}),
            Stock("Berlin", "Echo", 12));
}

TEST(InventoryCsvTest, LowThresholdColumn) {
  Result<InventoryCsvSchema> schema = Schema({"store", "item", "count", "low_threshold"});
  ASSERT_OK(schema);
  EXPECT_TRUE(schema->has_low_threshold());
  EXPECT_EQ(Row(*schema, {"B", "E", "3", "5"}), Stock("B", "E", 3, 5));
  EXPECT_EQ(Row(*schema, {"B", "E", "3", ""}), Stock("B", "E", 3));
  EXPECT_EQ(Row(*schema, {"B", "E", "3", "  "}), Stock("B", "E", 3));
  EXPECT_EQ(Row(*schema, {"B", "E", "3", " 007 "}), Stock("B", "E", 3, 7));
  EXPECT_EQ(Problem(*schema, {"B", "E", "3", "-1"}),
            "line 2: low_threshold '-1' is not a whole number >= 0");
  EXPECT_EQ(Problem(*schema, {"B", "E", "3", "2.5"}),
            "line 2: low_threshold '2.5' is not a whole number >= 0");
  EXPECT_EQ(Problem(*schema, {"B", "E", "3", "+2"}),
            "line 2: low_threshold '+2' is not a whole number >= 0");
  EXPECT_NE(Problem(*schema, {"B", "E", "3", "9007199254740992"}).find("above the maximum"),
            std::string::npos);
}

TEST(InventoryCsvTest, DuplicateKnownColumnIsRejected) {
  EXPECT_EQ(HeaderError({"store", "item", "count", "COUNT"}),
            "line 1: duplicate column 'count' (columns 3 and 4)");
  EXPECT_EQ(HeaderError({"item", "store", "count", " Item "}),
            "line 1: duplicate column 'item' (columns 1 and 4)");
  EXPECT_NE(HeaderError({"store", "item", "count", "low_threshold", "low_threshold"}), "");
  EXPECT_NE(HeaderError({"store", "store", "item", "count"}, "Berlin"), "");
}

TEST(InventoryCsvTest, MissingColumnsAreNamedWithTheHeaderFound) {
  EXPECT_EQ(HeaderError({"store", "sku", "count"}),
            "line 1: missing required column(s) 'item'; header found: 'store,sku,count'");
  EXPECT_EQ(HeaderError({"store", "name", "qty"}),
            "line 1: missing required column(s) 'item', 'count'; header found: 'store,name,qty'");
  EXPECT_EQ(HeaderError({"item", "count"}),
            "line 1: missing required column(s) 'store'; header found: 'item,count'");
  // A data row mistaken for a header.
  EXPECT_EQ(HeaderError({"Berlin", "Echo Plus", "0"}),
            "line 1: missing required column(s) 'store', 'item', 'count'; header found: "
            "'Berlin,Echo Plus,0'");
}

TEST(InventoryCsvTest, StoreColumnOptionalWhenTheKeyNamesTheStore) {
  Result<InventoryCsvSchema> schema = Schema({"item", "count"}, "Berlin");
  ASSERT_OK(schema);
  EXPECT_EQ(Row(*schema, {"Echo", "4"}), Stock("Berlin", "Echo", 4));
  EXPECT_NE(HeaderError({"count"}, "Berlin").find("'item'"), std::string::npos);
}

// --- Rows --------------------------------------------------------------------

TEST(InventoryCsvTest, ValuesAreTrimmedOfSpacesAndTabs) {
  EXPECT_EQ(Row(LabSchema(), {" \tBerlin ", "  Echo Plus\t", " 7 "}),
            Stock("Berlin", "Echo Plus", 7));
  // Inner spaces are part of the value.
  EXPECT_EQ(Row(LabSchema(), {"New  York", "Echo\tDot", "1"}), Stock("New  York", "Echo\tDot", 1));
}

TEST(InventoryCsvTest, WrongNumberOfFields) {
  EXPECT_EQ(Problem(LabSchema(), {"Berlin", "Echo"}), "line 2: expected 3 fields, found 2");
  EXPECT_EQ(Problem(LabSchema(), {"Berlin", "Echo", "1", ""}),
            "line 2: expected 3 fields, found 4");
}

TEST(InventoryCsvTest, EmptyStoreOrItem) {
  EXPECT_EQ(Problem(LabSchema(), {"", "Echo", "1"}), "line 2: store is empty");
  EXPECT_EQ(Problem(LabSchema(), {" \t", "Echo", "1"}), "line 2: store is empty");
  EXPECT_EQ(Problem(LabSchema(), {"Berlin", "", "1"}), "line 2: item is empty");
  EXPECT_EQ(Problem(LabSchema(), {"Berlin", "  ", "1"}), "line 2: item is empty");
}

TEST(InventoryCsvTest, NameLengthLimits) {
  const std::string store_max(kMaxStoreNameBytes, 's');
  const std::string item_max(kMaxItemNameBytes, 'i');
  EXPECT_EQ(Row(LabSchema(), {store_max, item_max, "1"}), Stock(store_max, item_max, 1));
  const std::string long_store = store_max + "s";
  EXPECT_EQ(Problem(LabSchema(), {long_store, "Echo", "1"}),
            "line 2: store '" + std::string(60, 's') + "...' is longer than 256 bytes");
  const std::string long_item = item_max + "i";
  EXPECT_EQ(Problem(LabSchema(), {"Berlin", long_item, "1"}),
            "line 2: item '" + std::string(60, 'i') + "...' is longer than 1024 bytes");
}

TEST(InventoryCsvTest, QuotedValuesAreCutAtACharacterBoundary) {
  // 'a' then two-byte characters: byte 60 is in the middle of one.
  std::string item = "a";
  for (int i = 0; i < 600; ++i) item += "\xC3\xA9";
  const std::string problem = Problem(LabSchema(), {"Berlin", item, "1"});
  std::string want_quote = "'a";
  for (int i = 0; i < 29; ++i) want_quote += "\xC3\xA9";
  want_quote += "...'";
  EXPECT_NE(problem.find(want_quote), std::string::npos) << problem;
  // A count that is merely long is quoted in full up to the limit.
  const std::string count(61, '1');
  EXPECT_EQ(Problem(LabSchema(), {"B", "E", count + "x"}),
            "line 2: count '" + std::string(60, '1') + "...' is not a whole number >= 0");
}

TEST(InventoryCsvTest, CountMustBeAWholeNumber) {
  const InventoryCsvSchema schema = LabSchema();
  EXPECT_EQ(Problem(schema, {"B", "E", "1.5"}), "line 2: count '1.5' is not a whole number >= 0");
  EXPECT_EQ(Problem(schema, {"B", "E", ""}), "line 2: count is empty");
  EXPECT_EQ(Problem(schema, {"B", "E", "  "}), "line 2: count is empty");
  for (const char* bad : {"-1", "+1", "-0", "1e3", "abc", "1 2", "0x10", "1,000", "1.0", ".5",
                          "\xD9\xA3", "NaN", "inf", "1_000"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Problem(schema, {"B", "E", bad}),
              std::string("line 2: count '") + bad + "' is not a whole number >= 0");
  }
}

TEST(InventoryCsvTest, CountRange) {
  const InventoryCsvSchema schema = LabSchema();
  EXPECT_EQ(Row(schema, {"B", "E", "0"}).count, 0);
  EXPECT_EQ(Row(schema, {"B", "E", "007"}).count, 7);
  EXPECT_EQ(Row(schema, {"B", "E", "000000000000000000000000000001"}).count, 1);
  EXPECT_EQ(Row(schema, {"B", "E", "9007199254740991"}).count, kMaxCount);
  EXPECT_EQ(Problem(schema, {"B", "E", "9007199254740992"}),
            "line 2: count '9007199254740992' is above the maximum of 9007199254740991");
  EXPECT_NE(Problem(schema, {"B", "E", "99999999999999999999999999"}).find("above the maximum"),
            std::string::npos);
  EXPECT_NE(Problem(schema, {"B", "E", "18446744073709551617"}).find("above the maximum"),
            std::string::npos);
}

TEST(InventoryCsvTest, StoreMustMatchTheKeysStore) {
  const InventoryCsvSchema schema = LabSchema("Berlin");
  EXPECT_EQ(Row(schema, {"Berlin", "Echo", "1"}), Stock("Berlin", "Echo", 1));
  EXPECT_EQ(Row(schema, {" Berlin\t", "Echo", "1"}), Stock("Berlin", "Echo", 1));
  EXPECT_EQ(Problem(schema, {"Paris", "Echo", "1"}),
            "line 2: store 'Paris' does not match the key's store 'Berlin'");
  // Store names are compared exactly.
  EXPECT_NE(Problem(schema, {"berlin", "Echo", "1"}), "");
}

TEST(InventoryCsvTest, RejectedRowLeavesTheRowUntouched) {
  const InventoryCsvSchema schema = LabSchema();
  OwnedRecord bad(2, {"Paris", "Echo", "x"});
  StockRow row = Stock("Old", "Thing", 9, 3);
  std::string problem;
  EXPECT_FALSE(schema.ParseRow(bad.record, &row, &problem));
  EXPECT_EQ(row, Stock("Old", "Thing", 9, 3));
  // And a good row after a threshold row clears the old threshold.
  Result<InventoryCsvSchema> with_low = Schema({"store", "item", "count", "low_threshold"});
  ASSERT_OK(with_low);
  OwnedRecord good(3, {"B", "E", "1", ""});
  EXPECT_TRUE(with_low->ParseRow(good.record, &row, &problem)) << problem;
  EXPECT_EQ(row, Stock("B", "E", 1));
}

TEST(InventoryCsvTest, ProblemsNameTheRecordsLine) {
  OwnedRecord r(1234, {"B", "E", "-3"});
  StockRow row;
  std::string problem;
  EXPECT_FALSE(LabSchema().ParseRow(r.record, &row, &problem));
  EXPECT_EQ(problem, "line 1234: count '-3' is not a whole number >= 0");
}

// --- With the reader -----------------------------------------------------------

struct Parsed {
  std::vector<StockRow> rows;
  std::vector<std::string> problems;
};

Parsed ParseFile(std::string_view csv, std::optional<std::string> key_store = std::nullopt) {
  Parsed out;
  StringByteSource source(csv);
  CsvReader reader(&source);
  CsvRecord record;
  Result<bool> more = reader.Next(&record);
  EXPECT_TRUE(more.ok() && *more);
  Result<InventoryCsvSchema> schema = InventoryCsvSchema::FromHeader(record, std::move(key_store));
  if (!schema.ok()) {
    out.problems.push_back(schema.status().message());
    return out;
  }
  for (;;) {
    more = reader.Next(&record);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    StockRow row;
    std::string problem;
    if (schema->ParseRow(record, &row, &problem)) {
      out.rows.push_back(row);
    } else {
      out.problems.push_back(problem);
    }
  }
  return out;
}

TEST(InventoryCsvTest, LabFileEndToEnd) {
  const Parsed parsed = ParseFile(
      "\xEF\xBB\xBFStore,Item,Count\r\nBerlin,Echo Plus,0\r\nBerlin,\"Echo, 4th gen\",12\r\n\r\n"
      "Berlin,\"The \"\"Dot\"\"\",3\r\n");
  EXPECT_TRUE(parsed.problems.empty());
  EXPECT_EQ(parsed.rows, (std::vector<StockRow>{Stock("Berlin", "Echo Plus", 0),
                                                Stock("Berlin", "Echo, 4th gen", 12),
                                                Stock("Berlin", "The \"Dot\"", 3)}));
}

TEST(InventoryCsvTest, FileProblemsCarryPhysicalLineNumbers) {
  const Parsed parsed = ParseFile(
      "store,item,count\n"
      "Berlin,\"Echo\nPlus\",1\n"  // lines 2-3
      "\n"                         // line 4
      "Paris,Echo,2\n"             // line 5
      "Berlin,Dot,-1\n",           // line 6
      "Berlin");
  EXPECT_EQ(parsed.rows, (std::vector<StockRow>{Stock("Berlin", "Echo\nPlus", 1)}));
  EXPECT_EQ(parsed.problems, (std::vector<std::string>{
                                 "line 5: store 'Paris' does not match the key's store 'Berlin'",
                                 "line 6: count '-1' is not a whole number >= 0"}));
}

TEST(InventoryCsvTest, KeyStoreFileWithoutStoreColumn) {
  const Parsed parsed = ParseFile("item,count,low_threshold,sku\nEcho,0,2,A1\nDot,5,,A2\n", "Lyon");
  EXPECT_TRUE(parsed.problems.empty());
  EXPECT_EQ(parsed.rows,
            (std::vector<StockRow>{Stock("Lyon", "Echo", 0, 2), Stock("Lyon", "Dot", 5)}));
}

// --- StoreFromKey --------------------------------------------------------------

TEST(InventoryCsvStoreFromKeyTest, StorePrefix) {
  EXPECT_EQ(StoreFromKey("stores/Berlin/inventory.csv"), "Berlin");
  EXPECT_EQ(StoreFromKey("stores/Berlin/2024/06/a.csv"), "Berlin");
  EXPECT_EQ(StoreFromKey("stores/New York/x"), "New York");
}

TEST(InventoryCsvStoreFromKeyTest, AnythingElseHasNoStore) {
  for (const char* key : {"", "inventory.csv", "stores", "stores/", "stores//x.csv",
                          "stores/Berlin", "stores/Berlin/", "Stores/Berlin/x.csv",
                          "x/stores/Berlin/a.csv", "/stores/Berlin/a.csv", "store/Berlin/a"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(StoreFromKey(key), std::nullopt);
  }
}

}  // namespace
}  // namespace invtrack
