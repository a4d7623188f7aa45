#include "s3/xml_writer.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace invtrack {
namespace {

TEST(XmlWriterTest, EscapesTextSoParsersGetItBack) {
  XmlWriter xml;
  xml.Open("Root", true);
  xml.Element("Key", "a<b>&\"c'\r\n\td");
  xml.Element("Size", uint64_t{42});
  xml.Element("Truncated", true);
  xml.Close("Root");
  std::string text = xml.Finish();
  EXPECT_NE(text.find("xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""), std::string::npos);
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(text.c_str()));
  EXPECT_STREQ(document.child("Root").child_value("Key"), "a<b>&\"c'\r\n\td");
  EXPECT_STREQ(document.child("Root").child_value("Size"), "42");
  EXPECT_STREQ(document.child("Root").child_value("Truncated"), "true");
}

TEST(XmlWriterTest, ControlCharactersBecomeReferences) {
  XmlWriter xml;
  xml.Element("Key", std::string_view("a\x01z", 3));
  EXPECT_NE(xml.Finish().find("a&#1;z"), std::string::npos);
}

}  // namespace
}  // namespace invtrack
