#include "s3/query_params.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(QueryParamsTest, ParsesValuedAndValuelessParameters) {
  std::optional<QueryParams> q =
      QueryParams::Parse("uploads&prefix=a%2Fb+c&max-keys=10&delimiter=");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->Has("uploads"));
  EXPECT_EQ(q->Get("uploads"), "");
  EXPECT_EQ(q->Get("prefix"), "a/b c");
  EXPECT_EQ(q->GetOr("max-keys", "1000"), "10");
  EXPECT_EQ(q->Get("delimiter"), "");
  EXPECT_FALSE(q->Has("marker"));
  EXPECT_EQ(q->GetOr("marker", "none"), "none");
}

TEST(QueryParamsTest, EmptyAndRepeated) {
  std::optional<QueryParams> empty = QueryParams::Parse("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->all().empty());
  std::optional<QueryParams> repeated = QueryParams::Parse("a=1&&a=2");
  ASSERT_TRUE(repeated);
  EXPECT_EQ(repeated->Get("a"), "1");
}

TEST(QueryParamsTest, RejectsMalformedEscapes) {
  EXPECT_FALSE(QueryParams::Parse("prefix=%zz"));
  EXPECT_FALSE(QueryParams::Parse("%=1"));
}

}  // namespace
}  // namespace invtrack
