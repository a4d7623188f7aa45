// Helpers shared by the unit tests: Status/Result assertions and temporary
// directories that clean up after themselves.
#ifndef INVTRACK_TESTS_TEST_UTIL_H_
#define INVTRACK_TESTS_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/result.h"
#include "core/status.h"

#define ASSERT_OK(expr)                                                          \
  do {                                                                           \
    const auto& invtrack_r_ = (expr);                                            \
    ASSERT_TRUE(invtrack_r_.ok()) << ::invtrack::testing::Describe(invtrack_r_); \
  } while (0)
#define EXPECT_OK(expr)                                                          \
  do {                                                                           \
    const auto& invtrack_r_ = (expr);                                            \
    EXPECT_TRUE(invtrack_r_.ok()) << ::invtrack::testing::Describe(invtrack_r_); \
  } while (0)

namespace invtrack::testing {

inline std::string Describe(const Status& s) { return s.ToString(); }
template <typename T>
std::string Describe(const Result<T>& r) {
  return r.status().ToString();
}

// Expects `result` to have failed with InvalidArgument whose message names
// `needle`: bad input must get a clear error.
template <typename T>
void ExpectInvalidArgument(const Result<T>& result, std::string_view needle) {
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInvalidArgument()) << result.status().ToString();
  EXPECT_NE(result.status().message().find(needle), std::string::npos)
      << "message \"" << result.status().message() << "\" does not mention \"" << needle << "\"";
}

#ifdef INVTRACK_SOURCE_DIR
// The contents of a file of the source tree, e.g. "tests/data/events/x.json".
inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(INVTRACK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << relative;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
#endif

// A fresh directory under the system temp dir, removed with its contents when
// the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "invtrack-test-XXXXXX").string();
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

inline TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace invtrack::testing

#endif  // INVTRACK_TESTS_TEST_UTIL_H_
