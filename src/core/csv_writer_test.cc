#include "core/csv_writer.h"

#include <gtest/gtest.h>

#include "core/csv_reader.h"

namespace invtrack {
namespace {

std::string Field(std::string_view s) {
  std::string out;
  AppendCsvField(&out, s);
  return out;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Field("Echo Dot"), "Echo Dot");
  EXPECT_EQ(Field("Echo, Dot"), "\"Echo, Dot\"");
  EXPECT_EQ(Field("12\" screen"), "\"12\"\" screen\"");
  EXPECT_EQ(Field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Field(" padded"), "\" padded\"");
  EXPECT_EQ(Field(""), "");
}

TEST(CsvWriterTest, ReaderReadsBackWhatWriterWrote) {
  const std::string fields[] = {"plain", "a,b", "q\"uote", "line\r\nbreak", " sp ", "é"};
  std::string line;
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i) line.push_back(',');
    AppendCsvField(&line, fields[i]);
  }
  line.push_back('\n');
  StringByteSource source(line);
  CsvReader reader(&source);
  CsvRecord record;
  Result<bool> got = reader.Next(&record);
  ASSERT_TRUE(got.ok() && *got) << got.status().ToString();
  ASSERT_EQ(record.fields.size(), std::size(fields));
  for (size_t i = 0; i < std::size(fields); ++i) EXPECT_EQ(record.fields[i], fields[i]);
}

}  // namespace
}  // namespace invtrack
