// CsvReader: a streaming RFC 4180 reader. It pulls bytes from a ByteSource in
// large chunks and hands out one record at a time as string_views, so memory
// stays bounded whatever the input size.
//
// Accepts: a UTF-8 BOM at the start, LF or CRLF line ends (a lone CR too),
// quoted fields with embedded delimiters, doubled quotes and line breaks;
// blank lines are skipped. Rejects (as an InvalidArgument Status whose message
// starts with "line N: "): a NUL byte (binary data), invalid UTF-8 (overlong
// forms, surrogates, truncated sequences, code points above U+10FFFF), an
// unterminated quoted field, a stray quote inside an unquoted field, text
// after a closing quote, a record over max_record_bytes or with more than
// max_fields fields. Errors from the ByteSource are returned unchanged.
// Thread-safety: not thread-safe.
#ifndef INVTRACK_CORE_CSV_READER_H_
#define INVTRACK_CORE_CSV_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_source.h"
#include "core/result.h"

namespace invtrack {

struct CsvRecord {
  // Field contents with quotes removed and doubled quotes collapsed. The
  // views stay valid until the next call to CsvReader::Next.
  std::vector<std::string_view> fields;
  // 1-based physical line on which the record starts (a quoted line break
  // makes a record span several lines).
  uint64_t line = 0;
};

struct CsvReaderOptions {
  char delimiter = ',';               // ASCII, not '"', CR, LF or NUL; else Next fails
  size_t max_record_bytes = 1 << 20;  // one record, all fields together
  size_t max_fields = 1024;
  size_t chunk_bytes = 256 * 1024;  // how much is pulled from the source at once
};

class CsvReader {
 public:
  // `source` must outlive the reader.
  explicit CsvReader(ByteSource* source, CsvReaderOptions options = {});
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  ~CsvReader();

  // Reads the next non-blank record into *record. Returns true when a record
  // was read, false at the end of input. After an error Status, further
  // calls return the same error.
  Result<bool> Next(CsvRecord* record);

  // Bytes consumed from the source so far (for progress reporting).
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  class Impl;
  Impl* impl_;  // owned; pimpl keeps the scanner's buffers out of the header
  uint64_t bytes_read_ = 0;
  friend class Impl;
};

}  // namespace invtrack

#endif  // INVTRACK_CORE_CSV_READER_H_
