// What `invtrack load` and `invtrack upload` share: the default object key of
// a file (from the store it names) and the printed verdict of each load, so
// both commands read the same to people and scripts.
#ifndef INVTRACK_CLI_LOAD_REPORT_H_
#define INVTRACK_CLI_LOAD_REPORT_H_

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "functions/load_inventory.h"

namespace invtrack {

// The store named on the first data row of a CSV file, if it can be told
// (a readable file with a `store` column and a name without '/').
std::optional<std::string> PeekStore(const std::filesystem::path& path);

// `stores/<store>/<file name>` with the store from `store_flag` or else the
// file's first row; the plain file name when neither names one (the
// pipeline's report then says what is wrong with the file).
std::string DefaultObjectKey(const std::filesystem::path& file, const std::string& store_flag);

// One load result: a line of text ("FILE: applied N rows, M changed (KEY)",
// or the rejection with its problems), or one JSON object per line with
// file, key, etag, outcome, rows, changes, problems and note.
void PrintLoadResult(const std::string& file, const FileResult& result, bool json,
                     std::ostream& out);

}  // namespace invtrack

#endif  // INVTRACK_CLI_LOAD_REPORT_H_
