#include "adapters/aws/xml_text.h"

#include <gtest/gtest.h>

namespace invtrack {
namespace {

TEST(XmlTextTest, FindsElementsByExactName) {
  std::string_view xml =
      "<R><KeyCount>2</KeyCount><Contents><Key>a</Key></Contents>"
      "<Contents ><Key>b&lt;&gt;&amp;&quot;&apos;&#233;&#x1F600;</Key></Contents><Empty/></R>";
  std::vector<std::string_view> contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlElementText(contents[0], "Key"), "a");
  EXPECT_EQ(XmlElementText(contents[1], "Key"), "b<>&\"'\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(XmlElementText(xml, "KeyCount"), "2");
  EXPECT_EQ(XmlElementText(xml, "Empty"), "");
  EXPECT_FALSE(XmlElementText(xml, "Missing").has_value());
}

TEST(XmlTextTest, KeepsUnknownOrBrokenEntities) {
  EXPECT_EQ(XmlUnescape("a &nbsp; & b &#xZZ; &"), "a &nbsp; & b &#xZZ; &");
}

TEST(XmlTextTest, ToleratesTruncatedDocuments) {
  EXPECT_TRUE(XmlElements("<Error><Code>Access", "Code").empty());
  EXPECT_TRUE(XmlElements("<Code", "Code").empty());
}

}  // namespace
}  // namespace invtrack
