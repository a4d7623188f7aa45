#include "core/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/byte_source.h"
#include "test_util.h"

namespace invtrack {
namespace {

struct Rec {
  std::vector<std::string> fields;
  uint64_t line = 0;
  bool operator==(const Rec&) const = default;
};

void PrintTo(const Rec& r, std::ostream* os) {
  *os << "{line " << r.line << ":";
  for (const std::string& f : r.fields) *os << " [" << ::testing::PrintToString(f) << "]";
  *os << "}";
}

// Everything a reader produced: the records, then how it stopped.
struct Outcome {
  std::vector<Rec> records;
  Status status;  // OK when the input ended cleanly

  std::string error() const { return status.message(); }
};

Outcome ReadAll(ByteSource* source, const CsvReaderOptions& options) {
  Outcome out;
  CsvReader reader(source, options);
  CsvRecord record;
  for (;;) {
    Result<bool> more = reader.Next(&record);
    if (!more.ok()) {
      out.status = more.status();
      // An error is final: asking again gives the same answer.
      Result<bool> again = reader.Next(&record);
      EXPECT_FALSE(again.ok());
      EXPECT_EQ(again.status().ToString(), out.status.ToString());
      return out;
    }
    if (!*more) return out;
    Rec rec;
    rec.line = record.line;
    for (std::string_view f : record.fields) rec.fields.emplace_back(f);
    out.records.push_back(std::move(rec));
  }
}

// Reads `input` with several chunk sizes, so that every record and field
// boundary falls across a refill at least once, and expects the same outcome
// from each. Returns it.
Outcome Read(std::string_view input, CsvReaderOptions options = {}) {
  StringByteSource whole(input);
  const Outcome expected = ReadAll(&whole, options);
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    SCOPED_TRACE("chunk_bytes=" + std::to_string(chunk));
    CsvReaderOptions small = options;
    small.chunk_bytes = chunk;
    StringByteSource source(input);
    const Outcome got = ReadAll(&source, small);
    EXPECT_EQ(got.records, expected.records);
    EXPECT_EQ(got.status.ToString(), expected.status.ToString());
  }
  return expected;
}

std::vector<Rec> Records(std::string_view input, CsvReaderOptions options = {}) {
  Outcome out = Read(input, options);
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  return out.records;
}

// Expects `input` to fail with InvalidArgument, message "line N: ...text...".
void ExpectError(std::string_view input, uint64_t line, std::string_view text,
                 CsvReaderOptions options = {}) {
  SCOPED_TRACE(::testing::Message() << "input: " << ::testing::PrintToString(std::string(input)));
  Outcome out = Read(input, options);
  ASSERT_FALSE(out.status.ok());
  EXPECT_TRUE(out.status.IsInvalidArgument()) << out.status.ToString();
  const std::string prefix = "line " + std::to_string(line) + ": ";
  EXPECT_EQ(out.error().substr(0, prefix.size()), prefix) << out.error();
  EXPECT_NE(out.error().find(text), std::string::npos) << out.error();
}

Rec R(uint64_t line, std::vector<std::string> fields) { return Rec{std::move(fields), line}; }

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(Records("").empty());
  EXPECT_TRUE(Records("\n\n\r\n\r").empty());
}

TEST(CsvReaderTest, LabFormat) {
  EXPECT_EQ(
      Records("store,item,count\nBerlin,Echo Plus,0\n"),
      (std::vector<Rec>{R(1, {"store", "item", "count"}), R(2, {"Berlin", "Echo Plus", "0"})}));
}

TEST(CsvReaderTest, LastLineWithoutLineEnd) {
  EXPECT_EQ(Records("a,b\nc,d"), (std::vector<Rec>{R(1, {"a", "b"}), R(2, {"c", "d"})}));
}

TEST(CsvReaderTest, CrLfAndLoneCrLineEnds) {
  const std::vector<Rec> want = {R(1, {"a", "b"}), R(2, {"c", "d"}), R(3, {"e"})};
  EXPECT_EQ(Records("a,b\r\nc,d\r\ne\r\n"), want);
  EXPECT_EQ(Records("a,b\rc,d\re\r"), want);
  EXPECT_EQ(Records("a,b\nc,d\r\ne\r"), want);
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  EXPECT_EQ(Records("\n\na,b\n\r\n\nc\n\n"), (std::vector<Rec>{R(3, {"a", "b"}), R(6, {"c"})}));
  // CR CR LF: a lone CR, then a CRLF, so one blank line.
  EXPECT_EQ(Records("a\r\r\nb\n"), (std::vector<Rec>{R(1, {"a"}), R(3, {"b"})}));
  EXPECT_EQ(Records("a\n\r\rb"), (std::vector<Rec>{R(1, {"a"}), R(4, {"b"})}));
}

TEST(CsvReaderTest, WhitespaceOnlyLineIsARecord) {
  EXPECT_EQ(Records("a\n  \n"), (std::vector<Rec>{R(1, {"a"}), R(2, {"  "})}));
}

TEST(CsvReaderTest, EmptyFields) {
  EXPECT_EQ(Records(",\n"), (std::vector<Rec>{R(1, {"", ""})}));
  EXPECT_EQ(Records("a,,b\n"), (std::vector<Rec>{R(1, {"a", "", "b"})}));
  EXPECT_EQ(Records("a,"), (std::vector<Rec>{R(1, {"a", ""})}));
  EXPECT_EQ(Records(",,\r\n"), (std::vector<Rec>{R(1, {"", "", ""})}));
}

TEST(CsvReaderTest, QuotedFields) {
  EXPECT_EQ(Records("\"a,b\",\"c\"\"d\",\"\"\n"), (std::vector<Rec>{R(1, {"a,b", "c\"d", ""})}));
  EXPECT_EQ(Records("\"\"\n"), (std::vector<Rec>{R(1, {""})}));
  EXPECT_EQ(Records("\"\"\"\"\n"), (std::vector<Rec>{R(1, {"\""})}));
  EXPECT_EQ(Records("\"x\"\"\"\"y\"\"\",z"), (std::vector<Rec>{R(1, {"x\"\"y\"", "z"})}));
  EXPECT_EQ(Records("a,\"b\""), (std::vector<Rec>{R(1, {"a", "b"})}));
  EXPECT_EQ(Records("\"a\",\n"), (std::vector<Rec>{R(1, {"a", ""})}));
  EXPECT_EQ(Records("\"a\"\r\n\"b\"\r"), (std::vector<Rec>{R(1, {"a"}), R(2, {"b"})}));
}

TEST(CsvReaderTest, QuotedLineBreaksKeepLineNumbersRight) {
  EXPECT_EQ(Records("\"a\nb\",c\nd\n"), (std::vector<Rec>{R(1, {"a\nb", "c"}), R(3, {"d"})}));
  EXPECT_EQ(Records("\"a\r\nb\r\n\"\r\n\r\nc\r\n"),
            (std::vector<Rec>{R(1, {"a\r\nb\r\n"}), R(5, {"c"})}));
  EXPECT_EQ(Records("x,\"1\r2\n\n3\"\ny"),
            (std::vector<Rec>{R(1, {"x", "1\r2\n\n3"}), R(5, {"y"})}));
  // A quoted field that is only a line break.
  EXPECT_EQ(Records("\"\r\"\n\"\n\"\nz"),
            (std::vector<Rec>{R(1, {"\r"}), R(3, {"\n"}), R(5, {"z"})}));
}

TEST(CsvReaderTest, ByteOrderMarkIsStrippedAtTheStartOnly) {
  EXPECT_EQ(Records("\xEF\xBB\xBFstore,item\n"), (std::vector<Rec>{R(1, {"store", "item"})}));
  EXPECT_EQ(Records("\xEF\xBB\xBF\"store\"\n"), (std::vector<Rec>{R(1, {"store"})}));
  EXPECT_TRUE(Records("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(Records("\xEF\xBB\xBF\r\n").empty());
  // Later on, U+FEFF is ordinary (valid) text.
  EXPECT_EQ(Records("a\n\xEF\xBB\xBF"
                    "b\n"),
            (std::vector<Rec>{R(1, {"a"}), R(2, {"\xEF\xBB\xBF"
                                                 "b"})}));
  // Only one BOM is stripped.
  EXPECT_EQ(Records("\xEF\xBB\xBF\xEF\xBB\xBFx"), (std::vector<Rec>{R(1, {"\xEF\xBB\xBFx"})}));
  // A cut-off BOM is not a BOM but broken UTF-8.
  ExpectError("\xEF\xBB", 1, "invalid UTF-8");
}

TEST(CsvReaderTest, ValidUtf8PassesThrough) {
  const std::string text = "Caf\xC3\xA9,\xE6\x97\xA5\xE6\x9C\xAC,\xF0\x9F\x98\x80";
  EXPECT_EQ(Records(text + "\n\"" + text + "\"\n"),
            (std::vector<Rec>{R(1, {"Caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80"}),
                              R(2, {text})}));
  // The edges of each range of Unicode Table 3-7.
  for (const char* edge :
       {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xE0\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80",
        "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF3\xBF\xBF\xBF", "\xF4\x8F\xBF\xBF"}) {
    SCOPED_TRACE(::testing::PrintToString(std::string(edge)));
    EXPECT_EQ(Records(std::string("x") + edge + "," + edge),
              (std::vector<Rec>{R(1, {std::string("x") + edge, edge})}));
  }
  // A long run of multi-byte text, crossing the scanner's 64-byte blocks.
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "\xE6\x97\xA5\xC3\xA9\xF0\x9F\x98\x80";
  EXPECT_EQ(Records(long_text + "," + long_text + "\n"),
            (std::vector<Rec>{R(1, {long_text, long_text})}));
}

TEST(CsvReaderTest, InvalidUtf8IsRejected) {
  for (const char* bad : {
           "\x80",              // continuation byte without a lead
           "\xBF",              //
           "\xC0\xAF",          // overlong '/'
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong
           "\xE0\x9F\xBF",      // overlong
           "\xED\xA0\x80",      // surrogate U+D800
           "\xED\xBF\xBF",      // surrogate U+DFFF
           "\xF0\x8F\xBF\xBF",  // overlong
           "\xF4\x90\x80\x80",  // U+110000
           "\xF5\x80\x80\x80",  // lead beyond U+10FFFF
           "\xFF",              //
           "\xC3",              // truncated at the end of input
           "\xE6\x97",          //
           "\xF0\x9F\x98",      //
           "\xC3z",             // truncated, followed by ASCII
           "\xE6\x97,",         // truncated by a delimiter
           "\xC3\n",            // truncated by a line end
           "\xC3\xA9\xA9",      // one continuation too many
       }) {
    SCOPED_TRACE(::testing::PrintToString(std::string(bad)));
    ExpectError(std::string("ok\nab") + bad + "cd,e\n", 2, "invalid UTF-8");
    ExpectError(std::string("ok\n\"ab") + bad + "cd\",e\n", 2, "invalid UTF-8");
    ExpectError(std::string(bad), 1, "invalid UTF-8");
  }
  // In a quoted field the error names the physical line of the bad byte.
  ExpectError("\"a\nb\n\xFF\"", 3, "invalid UTF-8");
}

TEST(CsvReaderTest, NulByteIsBinaryData) {
  using std::string_literals::operator""s;
  ExpectError("a\0b\n"s, 1, "binary data");
  ExpectError("a\nb,\"x\0\"\n"s, 2, "binary data");
  ExpectError("a\n\"x\"\0\n"s, 2, "binary data");
  ExpectError("\0"s, 1, "binary data");
  ExpectError("x\n\n\0\n"s, 3, "binary data");
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheLineItOpened) {
  ExpectError("a,\"bc\n\nd", 1, "not closed");
  ExpectError("x\ny,\"abc", 2, "not closed");
  ExpectError("\"", 1, "not closed");
  ExpectError("\"a\"\"", 1, "not closed");
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsRejected) {
  ExpectError("ab\"c\n", 1, "quote inside an unquoted field");
  ExpectError("a\nb,c\"\n", 2, "quote inside an unquoted field");
  ExpectError("a \"b\"\n", 1, "quote inside an unquoted field");
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsRejected) {
  ExpectError("\"a\"b\n", 1, "after a closing quote");
  ExpectError("x\n\"a\" ,b\n", 2, "after a closing quote");
  ExpectError("\"a\"\"\"x", 1, "after a closing quote");
}

TEST(CsvReaderTest, RecordSizeLimit) {
  CsvReaderOptions options;
  options.max_record_bytes = 10;
  EXPECT_EQ(Records("0123456789\n\"12345678\"", options),
            (std::vector<Rec>{R(1, {"0123456789"}), R(2, {"12345678"})}));
  ExpectError("ok\n01234567890\n", 2, "record is longer than the limit of 10 bytes", options);
  ExpectError("ok\n\"123456789\"", 2, "longer than the limit", options);
  // Far beyond the limit: caught while the record is still being buffered.
  ExpectError("a\n\n" + std::string(100000, 'x') + "\n", 3, "longer than the limit", options);
  ExpectError("a\n\"" + std::string(100000, 'x'), 2, "longer than the limit", options);
}

TEST(CsvReaderTest, RecordsLargerThanAChunk) {
  CsvReaderOptions options;
  options.chunk_bytes = 5;
  const std::string big(5000, 'q');
  const std::string input = "a," + big + ",b\n\"" + big + "\"\"\"\nend";
  StringByteSource source(input);  // holds a view: the string must outlive it
  const Outcome out = ReadAll(&source, options);
  ASSERT_OK(out.status);
  EXPECT_EQ(out.records,
            (std::vector<Rec>{R(1, {"a", big, "b"}), R(2, {big + "\""}), R(3, {"end"})}));
  // And one larger than the default chunk, read with the default options.
  const std::string huge(600 * 1024, 'h');
  const std::string huge_input = "x\n" + huge + ",y\n";
  StringByteSource huge_source(huge_input);
  const Outcome huge_out = ReadAll(&huge_source, {});
  ASSERT_OK(huge_out.status);
  EXPECT_EQ(huge_out.records, (std::vector<Rec>{R(1, {"x"}), R(2, {huge, "y"})}));
}

TEST(CsvReaderTest, FieldCountLimit) {
  CsvReaderOptions options;
  options.max_fields = 3;
  EXPECT_EQ(Records("a,b,c\n\"a\",\"b\",\"c\"", options),
            (std::vector<Rec>{R(1, {"a", "b", "c"}), R(2, {"a", "b", "c"})}));
  ExpectError("a,b,c\n\na,b,c,d\n", 3, "more than 3 fields", options);
  ExpectError("a,b,c,", 1, "more than 3 fields", options);
  ExpectError("a,b,c,\"d\"", 1, "more than 3 fields", options);
}

TEST(CsvReaderTest, OtherDelimiters) {
  CsvReaderOptions options;
  options.delimiter = ';';
  EXPECT_EQ(Records("a;b,c;\"d;e\"\n", options), (std::vector<Rec>{R(1, {"a", "b,c", "d;e"})}));
  options.delimiter = '\t';
  EXPECT_EQ(Records("a\tb \t\"c\td\"\n", options), (std::vector<Rec>{R(1, {"a", "b ", "c\td"})}));
}

TEST(CsvReaderTest, DelimiterThatCannotWorkIsRejected) {
  for (char bad : {'"', '\n', '\r', '\0', '\xC3'}) {
    CsvReaderOptions options;
    options.delimiter = bad;
    StringByteSource source("a,b\n");
    CsvReader reader(&source, options);
    CsvRecord record;
    Result<bool> more = reader.Next(&record);
    ASSERT_FALSE(more.ok());
    EXPECT_TRUE(more.status().IsInvalidArgument());
  }
}

TEST(CsvReaderTest, FieldViewsStayValidUntilNextCall) {
  // Records straddle 3-byte chunks, so the views must follow the moved bytes.
  CsvReaderOptions options;
  options.chunk_bytes = 3;
  StringByteSource source("first,\"se\"\"cond\",third\nx,y\n");
  CsvReader reader(&source, options);
  CsvRecord record;
  Result<bool> more = reader.Next(&record);
  ASSERT_OK(more);
  ASSERT_TRUE(*more);
  ASSERT_EQ(record.fields.size(), 3u);
  EXPECT_EQ(record.fields[0], "first");
  EXPECT_EQ(record.fields[1], "se\"cond");
  EXPECT_EQ(record.fields[2], "third");
}

TEST(CsvReaderTest, BytesReadCountsEverythingConsumed) {
  const std::string input =
      "\xEF\xBB\xBF"
      "a,b\nc\n";
  StringByteSource source(input);
  CsvReaderOptions options;
  options.chunk_bytes = 2;
  CsvReader reader(&source, options);
  CsvRecord record;
  while (true) {
    Result<bool> more = reader.Next(&record);
    ASSERT_OK(more);
    if (!*more) break;
  }
  EXPECT_EQ(reader.bytes_read(), input.size());
}

// Hands out `data` in pieces of irregular size, then fails.
class FailingByteSource final : public ByteSource {
 public:
  explicit FailingByteSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    if (offset_ == data_.size()) return Status::IOError("connection reset", "reading body");
    const size_t n = std::min({capacity, data_.size() - offset_, size_t{1} + offset_ % 5});
    std::memcpy(buffer, data_.data() + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t offset_ = 0;
};

TEST(CsvReaderTest, SourceErrorIsPassedThrough) {
  for (size_t chunk : {size_t{1}, size_t{4}, size_t{256 * 1024}}) {
    SCOPED_TRACE(chunk);
    FailingByteSource source("a,b\nc,d\n\"e,");
    CsvReaderOptions options;
    options.chunk_bytes = chunk;
    const Outcome out = ReadAll(&source, options);
    EXPECT_EQ(out.records, (std::vector<Rec>{R(1, {"a", "b"}), R(2, {"c", "d"})}));
    EXPECT_TRUE(out.status.IsIOError()) << out.status.ToString();
    EXPECT_EQ(out.status.message(), "connection reset: reading body");
  }
}

TEST(CsvReaderTest, SourceErrorBeforeAnyData) {
  FailingByteSource source("");
  const Outcome out = ReadAll(&source, {});
  EXPECT_TRUE(out.records.empty());
  EXPECT_TRUE(out.status.IsIOError());
}

TEST(CsvReaderTest, IrregularShortReads) {
  // FailingByteSource returns 1..5 bytes at a time; every record arrives
  // before its final error.
  std::string input;
  for (int i = 0; i < 50; ++i) {
    input += "row" + std::to_string(i) + ",\"q\"\"" + std::to_string(i) + "\"\r\n";
  }
  FailingByteSource source(input);
  const Outcome out = ReadAll(&source, {});
  ASSERT_EQ(out.records.size(), 50u);
  EXPECT_EQ(out.records[49], R(50, {"row49", "q\"49"}));
  EXPECT_TRUE(out.status.IsIOError());
}

// --- Randomized round trip ---------------------------------------------------

std::string RandomField(std::mt19937& rng, int max_pieces) {
  static const char* const kPieces[] = {"a",
                                        "Z",
                                        "0",
                                        " ",
                                        ",",
                                        "\"",
                                        "\n",
                                        "\r",
                                        "\r\n",
                                        ";",
                                        "\t",
                                        "x y",
                                        "\xC3\xA9",
                                        "\xE6\x97\xA5",
                                        "\xF0\x9F\x98\x80",
                                        "''",
                                        "\xEF\xBB\xBF"};
  std::string out;
  const int pieces = static_cast<int>(rng() % (max_pieces + 1));
  for (int i = 0; i < pieces; ++i) out += kPieces[rng() % std::size(kPieces)];
  return out;
}

std::string EncodeField(const std::string& field, std::mt19937& rng) {
  const bool needs_quotes = field.empty() || field.find_first_of(",\"\r\n") != std::string::npos;
  if (!needs_quotes && rng() % 2 == 0) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A random CSV text and the records it encodes, line numbers included.
struct RandomCsv {
  std::string text;
  std::vector<Rec> records;
};

RandomCsv MakeRandomCsv(std::mt19937& rng, int records, int max_pieces) {
  static const char* const kLineEnds[] = {"\n", "\r\n", "\r"};
  RandomCsv out;
  std::string& csv = out.text;
  uint64_t line_ends = 0;  // in csv[0, counted)
  size_t counted = 0;
  // The line of the next byte appended. Counts CRLF, LF and a lone CR once
  // each, independently of the reader's own bookkeeping.
  auto line_of_next_byte = [&]() {
    for (; counted < csv.size(); ++counted) {
      const char c = csv[counted];
      if (c == '\r' || (c == '\n' && (counted == 0 || csv[counted - 1] != '\r'))) ++line_ends;
    }
    return line_ends + 1;
  };
  for (int r = 0; r < records; ++r) {
    while (rng() % 4 == 0) csv += kLineEnds[rng() % 3];  // blank lines
    Rec rec;
    std::string encoded;
    const int fields = 1 + static_cast<int>(rng() % 6);
    for (int f = 0; f < fields; ++f) {
      rec.fields.push_back(RandomField(rng, max_pieces));
      if (f > 0) encoded += ',';
      encoded += EncodeField(rec.fields.back(), rng);
    }
    // A bare BOM at the very start would be stripped as the file's BOM.
    if (csv.empty() && encoded.rfind("\xEF\xBB\xBF", 0) == 0) csv += "\n";
    rec.line = line_of_next_byte();
    csv += encoded;
    out.records.push_back(std::move(rec));
    if (r + 1 < records || rng() % 2 == 0) csv += kLineEnds[rng() % 3];
  }
  return out;
}

TEST(CsvReaderTest, RandomRoundTrip) {
  std::mt19937 rng(20240611);
  for (int file = 0; file < 300; ++file) {
    const RandomCsv csv = MakeRandomCsv(rng, 1 + static_cast<int>(rng() % 12), 7);
    SCOPED_TRACE(::testing::Message()
                 << "file " << file << ": " << ::testing::PrintToString(csv.text));
    const Outcome out = Read(csv.text);
    ASSERT_OK(out.status);
    ASSERT_EQ(out.records, csv.records);
  }
}

TEST(CsvReaderTest, RandomRoundTripLargeFile) {
  // Long enough that refills land at every offset within the scanner's
  // 64-byte blocks, with fields both shorter and longer than a block.
  std::mt19937 rng(7);
  const RandomCsv csv = MakeRandomCsv(rng, 4000, 40);
  for (size_t chunk : {size_t{1}, size_t{61}, size_t{4096}, size_t{256 * 1024}}) {
    SCOPED_TRACE(chunk);
    CsvReaderOptions options;
    options.chunk_bytes = chunk;
    StringByteSource source(csv.text);
    const Outcome out = ReadAll(&source, options);
    ASSERT_OK(out.status);
    ASSERT_EQ(out.records.size(), csv.records.size());
    for (size_t i = 0; i < csv.records.size(); ++i) ASSERT_EQ(out.records[i], csv.records[i]) << i;
  }
}

}  // namespace
}  // namespace invtrack
