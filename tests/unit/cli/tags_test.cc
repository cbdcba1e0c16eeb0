#include "cli/tags.h"

#include <gtest/gtest.h>

namespace cairn::cli {
namespace {

TEST(TagsTest, ParsesMcArgument) {
  auto tags = ParseTagsArgument("k1=v1&k2=two%20words&k3=a%26b&k4=&k5&x+y=1+2");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  TagList want = {{"k1", "v1"}, {"k2", "two words"}, {"k3", "a&b"},
                  {"k4", ""},   {"k5", ""},          {"x y", "1 2"}};
  EXPECT_EQ(*tags, want);
  // Empty pieces are skipped; '=' inside a value stays.
  tags = ParseTagsArgument("a=1&&b=c=d&");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (TagList{{"a", "1"}, {"b", "c=d"}}));
}

TEST(TagsTest, RefusesWhatNoServerWouldTake) {
  for (const char* bad : {"", "&", "=v", "a=1&a=2", "a=%zz", "%=1"}) {
    EXPECT_EQ(ParseTagsArgument(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(TagsTest, XmlRoundTripEscapes) {
  TagList tags = {{"a<b", "x&y"}, {"é", ""}};
  std::string xml = TaggingXml(tags);
  EXPECT_EQ(xml.find("<?xml"), std::string::npos);
  EXPECT_NE(xml.find("<Key>a&lt;b</Key>"), std::string::npos) << xml;
  auto back = ParseTaggingXml(xml);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, tags);
  auto none = ParseTaggingXml("<Tagging xmlns=\"x\"><TagSet/></Tagging>");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(ParseTaggingXml("<Error/>").status().code(), Code::kMalformedXML);
  EXPECT_EQ(ParseTaggingXml("<x").status().code(), Code::kMalformedXML);
}

TEST(TagsTest, ListTextIsMcs) {
  EXPECT_EQ(TagListText("local/b/k", {{"team", "x"}, {"a", "1"}}),
            "Name : local/b/k\n"
            "a    : 1\n"
            "team : x");
  EXPECT_EQ(TagListText("local/b", {{"classification", "p"}}),
            "Name           : local/b\n"
            "classification : p");
  EXPECT_EQ(TagListText("local/b", {}), "Name : local/b");
}

}  // namespace
}  // namespace cairn::cli
