// Helpers shared by the unit tests: Status/Result assertions and temporary
// directories that clean up after themselves.
#ifndef INVTRACK_TESTS_TEST_UTIL_H_
#define INVTRACK_TESTS_TEST_UTIL_H_

#include <filesystem>
#include <string>

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
