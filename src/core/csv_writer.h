// RFC 4180 output: a field is quoted only when it holds a delimiter, a
// quote, a line break or leading/trailing spaces, with quotes doubled.
#ifndef INVTRACK_CORE_CSV_WRITER_H_
#define INVTRACK_CORE_CSV_WRITER_H_

#include <string>
#include <string_view>

namespace invtrack {

// Appends `field` to *out, quoted if needed.
void AppendCsvField(std::string* out, std::string_view field);

}  // namespace invtrack

#endif  // INVTRACK_CORE_CSV_WRITER_H_
