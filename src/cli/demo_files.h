// The demo inventory files (demo/*.csv in the source tree, in the lab's
// format), compiled into the binary so `invtrack serve` can show a working
// system on first start from anywhere.
#ifndef INVTRACK_CLI_DEMO_FILES_H_
#define INVTRACK_CLI_DEMO_FILES_H_

#include <string_view>
#include <vector>

namespace invtrack {

struct DemoFile {
  std::string_view name;  // e.g. "inventory-berlin.csv"
  std::string_view content;
};

const std::vector<DemoFile>& DemoFiles();

}  // namespace invtrack

#endif  // INVTRACK_CLI_DEMO_FILES_H_
