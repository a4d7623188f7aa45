#include "core/time_format.h"

#include <chrono>
#include <cstdio>

namespace invtrack {

std::string FormatIsoMillis(int64_t epoch_ms) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds{epoch_ms}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> tod{t - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(tod.hours().count()), static_cast<long>(tod.minutes().count()),
                static_cast<long long>(tod.seconds().count()));
  // Insert the milliseconds before the 'Z'.
  std::string s(out);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03lld", static_cast<long long>(tod.subseconds().count()));
  s.insert(s.size() - 1, millis);
  return s;
}

}  // namespace invtrack
