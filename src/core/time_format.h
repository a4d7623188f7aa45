// Time stamps as AWS writes them: ISO-8601 UTC with milliseconds,
// e.g. "2026-11-25T16:03:16.123Z". Pure functions.
#ifndef INVTRACK_CORE_TIME_FORMAT_H_
#define INVTRACK_CORE_TIME_FORMAT_H_

#include <cstdint>
#include <string>

namespace invtrack {

std::string FormatIsoMillis(int64_t epoch_ms);

}  // namespace invtrack

#endif  // INVTRACK_CORE_TIME_FORMAT_H_
