#include "core/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

// SSE2 is part of x86-64, so this is the path on every x86 build; other
// targets (and builds with INVTRACK_CSV_PORTABLE_SCAN, to test that path
// here) summarize bytes through the class table.
#if defined(__SSE2__) && !defined(INVTRACK_CSV_PORTABLE_SCAN)
#define INVTRACK_CSV_SSE2 1
#include <emmintrin.h>
#endif

namespace invtrack {
namespace {

// What a byte means to the scanner. Everything but kPlain stops the scan, so
// ASCII text never reaches the UTF-8 validator.
enum ByteClass : uint8_t {
  kPlain = 0,
  kDelimiter,
  kLineFeed,
  kCarriageReturn,
  kQuote,
  kNul,       // also the sentinel written just past the buffered data
  kNonAscii,  // first byte of a multi-byte UTF-8 sequence (or garbage)
};

// Bytes allocated past the data: the NUL sentinel, plus slack so that
// SpecialBytes may summarize 64 bytes starting at the sentinel itself.
constexpr size_t kPadding = 64;

// Where the scan stands in a 64-byte summary of the buffer: bit i of `bits`
// is set when block[i] needs attention (delimiter, LF, CR, quote, NUL or a
// byte >= 0x80). Walking the set bits finds the next field end with a shift
// and a count-trailing-zeros; with fields of ~8 bytes, that keeps the work
// carried from one field to the next to a few cycles, where re-scanning
// bytes (or even re-loading 16 at a time) would serialize on memory loads.
struct SpecialBytes {
  uintptr_t block = 0;  // address of the summarized bytes; 0 = none yet
  uint64_t bits = 0;
};

// Builds and walks SpecialBytes summaries. Made once per reader: building the
// delimiter's 16-byte splat on every call cost a store-forwarding stall per
// record (a byte store read back as a wider load).
class SpecialByteFinder {
 public:
  SpecialByteFinder(char delimiter, const uint8_t* byte_class) : byte_class_(byte_class) {
#if defined(INVTRACK_CSV_SSE2)
    delimiter_ = _mm_set1_epi8(delimiter);
#else
    static_cast<void>(delimiter);
#endif
  }

  // The first byte at or after p that needs attention. The NUL sentinel at
  // the end of the data bounds the search. REQUIRES: p never moves backwards
  // within one buffer while `state` is in use.
  char* Next(char* p, SpecialBytes* state) const {
    for (;;) {
      const uintptr_t offset = reinterpret_cast<uintptr_t>(p) - state->block;
      if (offset < 64) {
        const uint64_t rest = state->bits >> offset;
        if (rest != 0) return p + __builtin_ctzll(rest);
        p += 64 - offset;  // nothing more in this block
      }
      state->block = reinterpret_cast<uintptr_t>(p);
      state->bits = Summarize(p);
    }
  }

 private:
  // Summarizes the 64 bytes at p (all readable: see kPadding).
  uint64_t Summarize(const char* p) const {
#if defined(INVTRACK_CSV_SSE2)
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i zero = _mm_setzero_si128();
    uint64_t bits = 0;
    for (int i = 0; i < 4; ++i) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const __m128i hit =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, delimiter_), _mm_cmpeq_epi8(v, lf)),
                       _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)),
                                    _mm_cmpeq_epi8(v, zero)));
      // The movemask of v itself flags the bytes >= 0x80.
      const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit) | _mm_movemask_epi8(v));
      bits |= static_cast<uint64_t>(mask) << (16 * i);
    }
    return bits;
#else
    uint64_t bits = 0;
    for (int i = 0; i < 64; ++i) {
      bits |= static_cast<uint64_t>(byte_class_[static_cast<unsigned char>(p[i])] != 0) << i;
    }
    return bits;
#endif
  }

  [[maybe_unused]] const uint8_t* byte_class_;
#if defined(INVTRACK_CSV_SSE2)
  __m128i delimiter_;
#endif
};

enum class Utf8Check { kValid, kInvalid, kTruncated };

// Validates the multi-byte sequence starting at p (*p >= 0x80) per Unicode
// Table 3-7, which rules out overlong forms, UTF-16 surrogates and code
// points above U+10FFFF. kTruncated: the bytes up to `end` are a valid prefix.
Utf8Check CheckUtf8Sequence(const unsigned char* p, const unsigned char* end, size_t* length) {
  const unsigned char lead = p[0];
  size_t need;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xBF;
  if (lead < 0xC2) {
    return Utf8Check::kInvalid;  // a continuation byte, or overlong C0/C1
  } else if (lead < 0xE0) {
    need = 2;
  } else if (lead < 0xF0) {
    need = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates D800..DFFF
  } else if (lead < 0xF5) {
    need = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return Utf8Check::kInvalid;
  }
  const size_t available = static_cast<size_t>(end - p);
  for (size_t i = 1; i < need; ++i) {
    if (i >= available) return Utf8Check::kTruncated;
    const unsigned char b = p[i];
    const bool ok = i == 1 ? (b >= lo && b <= hi) : (b & 0xC0) == 0x80;
    if (!ok) return Utf8Check::kInvalid;
  }
  *length = need;
  return Utf8Check::kValid;
}

std::string DescribeByte(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x21 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 0xF];
}

}  // namespace

class CsvReader::Impl {
 public:
  Impl(ByteSource* source, const CsvReaderOptions& options, uint64_t* bytes_read);

  Result<bool> Next(CsvRecord* record);

 private:
  // Scans one record starting at pos_ (not a line end). Sets pos_ past it.
  Result<bool> ScanRecord(CsvRecord* record);

  // Keeps the unconsumed bytes [pos_, end_), moves them to the front of the
  // buffer (growing it if a chunk would not fit after them), and reads one
  // chunk after them. pos_ becomes 0. False (status_ set) on a read error.
  bool Refill();

  // Refill() while a record is in progress: enforces the record size limit
  // and re-points the fields already found at the moved bytes.
  bool RefillRecord(CsvRecord* record);

  // Ends the record that starts at `record_start` at p: a line end, or the
  // end of input when `at_eof`. Checks the size limit and moves pos_ on.
  // `special` is the scan's summary state, kept for the next record.
  Result<bool> FinishRecord(const char* record_start, const char* p, bool at_eof, uint64_t line,
                            const SpecialBytes& special);

  // The limit errors; out of line to keep string building off the hot path.
  [[gnu::noinline]] Status RecordTooLong(uint64_t line);
  [[gnu::noinline]] Status TooManyFields(uint64_t line);

  // Records the error so that every later call returns it; returns it too.
  const Status& Fail(uint64_t line, std::string_view what);

  ByteSource* source_;
  uint64_t* bytes_read_;  // the owning CsvReader's counter
  const size_t max_record_bytes_;
  const size_t max_fields_;
  const size_t chunk_bytes_;
  const char delimiter_;

  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;   // usable bytes, excluding kPadding
  size_t pos_ = 0;        // next unconsumed byte
  size_t end_ = 0;        // end of buffered data; buf_[end_] is a NUL sentinel
  uint64_t line_ = 1;     // physical line of the byte at pos_
  bool prev_cr_ = false;  // the last record ended with CR: a following LF pairs with it
  bool started_ = false;  // the BOM check has been done
  bool eof_ = false;
  Status status_;
  std::vector<size_t> field_offsets_;  // scratch for RefillRecord

  SpecialBytes special_;  // reset whenever the buffer's bytes move
  uint8_t byte_class_[256];
  SpecialByteFinder finder_;
};

CsvReader::Impl::Impl(ByteSource* source, const CsvReaderOptions& options, uint64_t* bytes_read)
    : source_(source),
      bytes_read_(bytes_read),
      max_record_bytes_(options.max_record_bytes),
      max_fields_(options.max_fields),
      chunk_bytes_(std::max<size_t>(options.chunk_bytes, 1)),
      delimiter_(options.delimiter),
      capacity_(chunk_bytes_),
      finder_(options.delimiter, byte_class_) {
  // Value-initialised: the sentinel and padding start out as zero bytes.
  buf_ = std::make_unique<char[]>(capacity_ + kPadding);

  std::memset(byte_class_, kPlain, sizeof(byte_class_));
  for (int c = 0x80; c < 0x100; ++c) byte_class_[c] = kNonAscii;
  byte_class_[static_cast<unsigned char>('\n')] = kLineFeed;
  byte_class_[static_cast<unsigned char>('\r')] = kCarriageReturn;
  byte_class_[static_cast<unsigned char>('"')] = kQuote;
  byte_class_[0] = kNul;

  const auto delimiter = static_cast<unsigned char>(options.delimiter);
  if (byte_class_[delimiter] != kPlain) {
    status_ = Status::InvalidArgument(
        "CSV delimiter must be an ASCII character other than quote, CR, LF and NUL");
    return;
  }
  byte_class_[delimiter] = kDelimiter;
}

const Status& CsvReader::Impl::Fail(uint64_t line, std::string_view what) {
  std::string message = "line " + std::to_string(line) + ": ";
  message.append(what);
  status_ = Status::InvalidArgument(message);
  return status_;
}

bool CsvReader::Impl::Refill() {
  special_ = SpecialBytes{};  // the bytes are about to move
  char* base = buf_.get();
  const size_t keep = end_ - pos_;
  if (pos_ > 0 && keep > 0) std::memmove(base, base + pos_, keep);
  pos_ = 0;
  end_ = keep;
  if (capacity_ - end_ < chunk_bytes_) {
    // Only a record longer than the free space gets here; doubling keeps the
    // copying linear in the record's size.
    const size_t new_capacity = std::max(capacity_ * 2, end_ + chunk_bytes_);
    auto bigger = std::make_unique<char[]>(new_capacity + kPadding);
    std::memcpy(bigger.get(), base, end_);
    buf_ = std::move(bigger);
    capacity_ = new_capacity;
  }
  Result<size_t> got = source_->Read(buf_.get() + end_, chunk_bytes_);
  if (!got.ok()) {
    status_ = got.status();  // passed through unchanged
    return false;
  }
  if (*got > chunk_bytes_) {
    status_ = Status::Internal("byte source returned more bytes than asked for");
    return false;
  }
  if (*got == 0) eof_ = true;
  end_ += *got;
  *bytes_read_ += *got;
  buf_[end_] = '\0';
  return true;
}

Status CsvReader::Impl::RecordTooLong(uint64_t line) {
  return Fail(line,
              "record is longer than the limit of " + std::to_string(max_record_bytes_) + " bytes");
}

Status CsvReader::Impl::TooManyFields(uint64_t line) {
  return Fail(line, "record has more than " + std::to_string(max_fields_) + " fields");
}

inline Result<bool> CsvReader::Impl::FinishRecord(const char* record_start, const char* p,
                                                  bool at_eof, uint64_t line,
                                                  const SpecialBytes& special) {
  if (static_cast<size_t>(p - record_start) > max_record_bytes_) [[unlikely]] {
    return RecordTooLong(line);
  }
  special_ = special;
  if (at_eof) {
    pos_ = end_;
  } else {
    ++line_;
    prev_cr_ = *p == '\r';
    pos_ = static_cast<size_t>(p + 1 - buf_.get());
  }
  return true;
}

bool CsvReader::Impl::RefillRecord(CsvRecord* record) {
  if (end_ - pos_ > max_record_bytes_) {
    static_cast<void>(RecordTooLong(record->line));
    return false;
  }
  const char* old_record = buf_.get() + pos_;
  field_offsets_.clear();
  for (std::string_view f : record->fields) field_offsets_.push_back(f.data() - old_record);
  if (!Refill()) return false;
  for (size_t i = 0; i < field_offsets_.size(); ++i) {
    record->fields[i] = std::string_view(buf_.get() + field_offsets_[i], record->fields[i].size());
  }
  return true;
}

Result<bool> CsvReader::Impl::Next(CsvRecord* record) {
  if (!status_.ok()) return status_;
  record->fields.clear();
  if (!started_) {
    while (end_ - pos_ < 3 && !eof_) {
      if (!Refill()) return status_;
    }
    if (end_ - pos_ >= 3 && std::memcmp(buf_.get() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
    started_ = true;
  }
  // Skip blank lines; CRLF, LF and a lone CR each end one physical line.
  for (;;) {
    if (pos_ == end_) {
      if (eof_) return false;
      if (!Refill()) return status_;
      continue;
    }
    const char c = buf_[pos_];
    if (c == '\n') {
      if (!prev_cr_) ++line_;
      prev_cr_ = false;
    } else if (c == '\r') {
      ++line_;
      prev_cr_ = true;
    } else {
      break;
    }
    ++pos_;
  }
  prev_cr_ = false;
  record->line = line_;
  return ScanRecord(record);
}

// Pulls more input in the middle of a record. The record moves to the front of
// a possibly new buffer, so the scan pointers are re-derived from offsets.
#define INVTRACK_CSV_MORE_INPUT()                     \
  do {                                                \
    const size_t p_offset = p - record_start;         \
    const size_t field_offset = field - record_start; \
    if (!RefillRecord(record)) return status_;        \
    record_start = buf_.get();                        \
    end = record_start + end_;                        \
    p = record_start + p_offset;                      \
    field = record_start + field_offset;              \
    special = SpecialBytes{};                         \
  } while (0)

Result<bool> CsvReader::Impl::ScanRecord(CsvRecord* record) {
  std::vector<std::string_view>& fields = record->fields;
  char* record_start = buf_.get() + pos_;
  char* end = buf_.get() + end_;
  char* p = record_start;
  const uint8_t* byte_class = byte_class_;
  const char delimiter = delimiter_;
  // A local copy, so that it lives in registers rather than being reloaded
  // after every store into `fields`.
  SpecialBytes special = special_;
  const SpecialByteFinder& finder = finder_;

  for (;;) {  // one iteration per field
    char* field = p;
    if (p == end) {
      if (!eof_) {
        INVTRACK_CSV_MORE_INPUT();
        continue;
      }
      // The input ends right after a delimiter: a last, empty field.
      if (fields.size() >= max_fields_) return TooManyFields(record->line);
      fields.emplace_back(p, 0);
      return FinishRecord(record_start, p, /*at_eof=*/true, record->line, special);
    }

    if (*p != '"') {
      for (;;) {
        p = finder.Next(p, &special);
        // Compare the byte itself for the common stops: a table lookup here
        // would add a dependent load to every field.
        const char ch = *p;
        if (ch == delimiter) {
          if (fields.size() >= max_fields_) return TooManyFields(record->line);
          fields.emplace_back(field, p - field);
          ++p;
          break;
        }
        if (ch == '\n' || ch == '\r') {
          if (fields.size() >= max_fields_) return TooManyFields(record->line);
          fields.emplace_back(field, p - field);
          return FinishRecord(record_start, p, /*at_eof=*/false, record->line, special);
        }
        const uint8_t c = byte_class[static_cast<unsigned char>(ch)];
        if (c == kNonAscii) {
          size_t length = 0;
          const Utf8Check check =
              CheckUtf8Sequence(reinterpret_cast<const unsigned char*>(p),
                                reinterpret_cast<const unsigned char*>(end), &length);
          if (check == Utf8Check::kValid) {
            p += length;
            continue;
          }
          if (check == Utf8Check::kTruncated && !eof_) {
            INVTRACK_CSV_MORE_INPUT();
            continue;
          }
          return Fail(line_, "invalid UTF-8 (" + DescribeByte(*p) + ")");
        }
        if (c == kQuote) {
          return Fail(line_,
                      "quote inside an unquoted field (a field that contains quotes must be "
                      "enclosed in quotes, with each quote doubled)");
        }
        // kNul: the sentinel or a real NUL byte.
        if (p != end) return Fail(line_, "NUL byte (binary data, not CSV text)");
        if (!eof_) {
          INVTRACK_CSV_MORE_INPUT();
          continue;
        }
        if (fields.size() >= max_fields_) return TooManyFields(record->line);
        fields.emplace_back(field, p - field);
        return FinishRecord(record_start, p, /*at_eof=*/true, record->line, special);
      }
      continue;
    }

    // A quoted field: `field` points at the opening quote.
    const uint64_t open_line = line_;
    bool has_doubled_quote = false;
    ++p;
    for (;;) {
      p = finder.Next(p, &special);
      const uint8_t c = byte_class[static_cast<unsigned char>(*p)];
      if (c == kDelimiter) {  // just text inside quotes
        ++p;
        continue;
      }
      if (c == kQuote) {
        // Whether this quote closes the field depends on the next byte.
        if (p + 1 == end && !eof_) {
          INVTRACK_CSV_MORE_INPUT();
          continue;
        }
        if (p[1] == '"') {
          has_doubled_quote = true;
          p += 2;
          continue;
        }
        break;
      }
      if (c == kLineFeed) {
        if (p[-1] != '\r') ++line_;  // p[-1] is at worst the opening quote
        ++p;
        continue;
      }
      if (c == kCarriageReturn) {
        ++line_;
        ++p;
        continue;
      }
      if (c == kNonAscii) {
        size_t length = 0;
        const Utf8Check check =
            CheckUtf8Sequence(reinterpret_cast<const unsigned char*>(p),
                              reinterpret_cast<const unsigned char*>(end), &length);
        if (check == Utf8Check::kValid) {
          p += length;
          continue;
        }
        if (check == Utf8Check::kTruncated && !eof_) {
          INVTRACK_CSV_MORE_INPUT();
          continue;
        }
        return Fail(line_, "invalid UTF-8 (" + DescribeByte(*p) + ")");
      }
      // kNul: the sentinel or a real NUL byte.
      if (p != end) return Fail(line_, "NUL byte (binary data, not CSV text)");
      if (eof_) return Fail(open_line, "quoted field is not closed before the end of the input");
      INVTRACK_CSV_MORE_INPUT();
    }

    // p is at the closing quote.
    char* content = field + 1;
    size_t size = static_cast<size_t>(p - content);
    if (has_doubled_quote) {
      // Collapse "" to " in place: the result is shorter than the raw bytes,
      // and the scan never revisits them, so no scratch buffer is needed.
      char* out = content;
      for (const char* in = content; in < p; ++in) {
        *out++ = *in;
        if (*in == '"') ++in;
      }
      size = static_cast<size_t>(out - content);
    }
    if (fields.size() >= max_fields_) return TooManyFields(record->line);
    fields.emplace_back(content, size);
    ++p;
    const uint8_t after = byte_class[static_cast<unsigned char>(*p)];
    if (after == kDelimiter) {
      ++p;
      continue;
    }
    if (after == kLineFeed || after == kCarriageReturn) {
      return FinishRecord(record_start, p, /*at_eof=*/false, record->line, special);
    }
    // The peek above pulled more input if there was any, so p == end is EOF.
    if (p == end) return FinishRecord(record_start, p, /*at_eof=*/true, record->line, special);
    if (*p == '\0') return Fail(line_, "NUL byte (binary data, not CSV text)");
    return Fail(line_, "unexpected " + DescribeByte(*p) +
                           " after a closing quote (expected a delimiter or a line end)");
  }
}

#undef INVTRACK_CSV_MORE_INPUT

CsvReader::CsvReader(ByteSource* source, CsvReaderOptions options)
    : impl_(new Impl(source, options, &bytes_read_)) {}

CsvReader::~CsvReader() { delete impl_; }

Result<bool> CsvReader::Next(CsvRecord* record) { return impl_->Next(record); }

}  // namespace invtrack
