#include "cli/lifecycle.h"

#include <gtest/gtest.h>

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

TEST(CliLifecycleTest, XmlBecomesMcJsonAndBack) {
  std::string xml =
      "<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status>"
      "<Filter><And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
      "<Tag><Key>k2</Key><Value>v2</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
      "</And></Filter><Expiration><Days>30</Days></Expiration></Rule>"
      "<Rule><ID>b</ID><Status>Disabled</Status><Filter><Prefix></Prefix></Filter>"
      "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
      "<NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays>"
      "<NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>"
      "</Rule></LifecycleConfiguration>";
  Result<Json> json = LifecycleJsonFromXml(xml);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  const Json& rules = (*json)["Rules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["Expiration"]["Days"], 30);
  EXPECT_EQ(rules[0]["Filter"]["And"]["Tags"].size(), 2u);
  EXPECT_EQ(rules[0]["Filter"]["And"]["ObjectSizeGreaterThan"], 10);
  EXPECT_EQ(rules[1]["Expiration"]["ExpiredObjectDeleteMarker"], true);
  EXPECT_EQ(rules[1]["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"], 2);

  Result<std::string> back = LifecycleXmlFromJson(*json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  Result<Json> again = LifecycleJsonFromXml(*back);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *json);
  EXPECT_NE(back->find("<Tag><Key>k2</Key><Value>v2</Value></Tag>"), std::string::npos);
}

TEST(CliLifecycleTest, BadShapesAreRefused) {
  EXPECT_FALSE(LifecycleJsonFromXml("<nope").ok());
  EXPECT_FALSE(LifecycleJsonFromXml("<Other/>").ok());
  EXPECT_FALSE(LifecycleXmlFromJson(Json::array()).ok());
  EXPECT_FALSE(LifecycleXmlFromJson(Json{{"Rules", 3}}).ok());
  EXPECT_FALSE(LifecycleXmlFromJson(Json{{"Rules", {{{"ID", {1, 2}}}}}}).ok());
  Result<Json> empty = LifecycleJsonFromXml("<LifecycleConfiguration/>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE((*empty)["Rules"].empty());
}

TEST(CliLifecycleTest, RulesFromFlags) {
  RuleFlags f;
  EXPECT_FALSE(RuleFromFlags(f).ok());  // no action
  f.prefix = "temp/";
  f.expire_days = 30;
  Result<Json> r = RuleFromFlags(f);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["Filter"], (Json{{"Prefix", "temp/"}}));
  EXPECT_EQ((*r)["Expiration"]["Days"], 30);
  EXPECT_EQ((*r)["Status"], "Enabled");
  EXPECT_EQ((*r)["ID"].get<std::string>().size(), 20u);

  RuleFlags tag;
  tag.tags = "class=temp";
  tag.noncurrent_expire_days = 5;
  tag.noncurrent_expire_newer = 2;
  tag.id = "t";
  r = RuleFromFlags(tag);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["Filter"]["Tag"]["Key"], "class");
  EXPECT_EQ((*r)["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"], 2);
  EXPECT_FALSE(r->contains("Expiration"));

  RuleFlags both;
  both.prefix = "m/";
  both.tags = "a=1";
  both.size_gt = 100;
  both.expire_date = "2027-01-31";
  r = RuleFromFlags(both);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["Filter"]["And"]["Prefix"], "m/");
  EXPECT_EQ((*r)["Filter"]["And"]["ObjectSizeGreaterThan"], 100);
  EXPECT_EQ((*r)["Expiration"]["Date"], "2027-01-31T00:00:00Z");

  RuleFlags bad = both;
  bad.expire_date = "31/01/2027";
  EXPECT_FALSE(RuleFromFlags(bad).ok());
  bad = f;
  bad.expire_delete_marker = true;  // not with Days
  EXPECT_FALSE(RuleFromFlags(bad).ok());
  bad = f;
  bad.expire_days = 0;
  EXPECT_FALSE(RuleFromFlags(bad).ok());
  bad = tag;
  bad.noncurrent_expire_days.reset();
  EXPECT_FALSE(RuleFromFlags(bad).ok());  // --noncurrent-expire-newer alone
}

TEST(CliLifecycleTest, TableShowsEachRule) {
  Json config = {{"Rules",
                  {{{"ID", "temp"},
                    {"Status", "Enabled"},
                    {"Filter", {{"Prefix", "temp/"}}},
                    {"Expiration", {{"Days", 1}}},
                    {"AbortIncompleteMultipartUpload", {{"DaysAfterInitiation", 2}}}},
                   {{"ID", "dm"},
                    {"Status", "Disabled"},
                    {"Filter", {{"Tag", {{"Key", "a"}, {"Value", "b"}}}}},
                    {"Expiration", {{"ExpiredObjectDeleteMarker", true}}},
                    {"NoncurrentVersionExpiration",
                     {{"NoncurrentDays", 3}, {"NewerNoncurrentVersions", 1}}}}}}};
  std::string table = LifecycleTable(config);
  EXPECT_EQ(table,
            "ID    STATUS    PREFIX  TAGS  EXPIRY  NONCURRENT  ABORT-MPU\n"
            "temp  Enabled   temp/   -     1d      -           2d\n"
            "dm    Disabled  -       a=b   DM      3d keep 1   -");
}

}  // namespace
}  // namespace cairn::cli
