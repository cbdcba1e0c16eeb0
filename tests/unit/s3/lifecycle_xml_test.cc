// PutBucketLifecycleConfiguration bodies: what parses, what AWS refuses and with which error.
#include "s3/lifecycle_xml.h"

#include <gtest/gtest.h>

namespace cairn::s3 {
namespace {

std::string Config(const std::string& rules) {
  return "<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>";
}
std::string Rule(const std::string& body) { return "<Rule>" + body + "</Rule>"; }
Code ErrorOf(const std::string& xml) { return ParseLifecycleConfiguration(xml).status().code(); }

TEST(LifecycleXmlTest, ParsesEveryActionAndFilterForm) {
  auto c = ParseLifecycleConfiguration(Config(
      Rule("<ID>temp</ID><Filter><Prefix>temp/</Prefix></Filter><Status>Enabled</Status>"
           "<Expiration><Days>30</Days></Expiration>") +
      Rule(
          "<ID>and</ID><Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag>"
          "<Tag><Key>b</Key><Value>2</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
          "<ObjectSizeLessThan>99</ObjectSizeLessThan></And></Filter><Status>Disabled</Status>"
          "<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays>"
          "<NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>") +
      Rule("<ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status>"
           "<Expiration><Date>2026-12-23T00:00:00Z</Date></Expiration>"
           "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation>"
           "</AbortIncompleteMultipartUpload>") +
      Rule(
          "<Filter></Filter><Status>Enabled</Status>"
          "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->rules.size(), 4u);
  EXPECT_EQ(c->rules[0].filter.prefix, "temp/");
  EXPECT_EQ(c->rules[0].expiration_days, std::optional<int>(30));
  const auto& a = c->rules[1];
  EXPECT_FALSE(a.enabled);
  EXPECT_EQ(a.filter.form, storage::LifecycleFilterForm::kAnd);
  EXPECT_EQ(a.filter.tags.size(), 2u);
  EXPECT_EQ(a.filter.size_greater_than, std::optional<uint64_t>(10));
  EXPECT_EQ(a.filter.size_less_than, std::optional<uint64_t>(99));
  EXPECT_EQ(a.noncurrent_days, std::optional<int>(3));
  EXPECT_EQ(a.newer_noncurrent_versions, std::optional<int>(2));
  EXPECT_EQ(c->rules[2].filter.form, storage::LifecycleFilterForm::kLegacyPrefix);
  EXPECT_EQ(c->rules[2].expiration_date, ParseIso8601("2026-12-23T00:00:00Z"));
  EXPECT_EQ(c->rules[2].abort_days, std::optional<int>(7));
  EXPECT_TRUE(c->rules[3].expired_object_delete_marker);
  EXPECT_FALSE(c->rules[3].id.empty());  // generated, as AWS does

  // What renders parses back to the same rules.
  auto again = ParseLifecycleConfiguration(RenderLifecycleConfiguration(*c));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ(again->rules.size(), 4u);
  EXPECT_EQ(again->rules[1].filter.tags, a.filter.tags);
  EXPECT_EQ(again->rules[2].filter.form, storage::LifecycleFilterForm::kLegacyPrefix);
  EXPECT_EQ(again->rules[3].id, c->rules[3].id);
  std::string xml = RenderLifecycleConfiguration(*c);
  EXPECT_NE(xml.find("<Date>2026-12-23T00:00:00.000Z</Date>"), std::string::npos) << xml;
}

TEST(LifecycleXmlTest, RefusesWhatAwsRefuses) {
  const std::string ok_action = "<Expiration><Days>1</Days></Expiration>";
  const std::string filter = "<Filter><Prefix></Prefix></Filter>";
  EXPECT_EQ(ErrorOf("not xml"), Code::kMalformedXML);
  EXPECT_EQ(ErrorOf("<Other/>"), Code::kMalformedXML);
  EXPECT_EQ(ErrorOf(Config("")), Code::kMalformedXML);
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>On</Status>" + ok_action))), Code::kMalformedXML);
  EXPECT_EQ(ErrorOf(Config(Rule(filter + ok_action))), Code::kMalformedXML);  // no Status
  EXPECT_EQ(ErrorOf(Config(Rule("<Status>Enabled</Status>" + ok_action))),
            Code::kMalformedXML);  // neither Filter nor Prefix
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Prefix/><Status>Enabled</Status>" + ok_action))),
            Code::kMalformedXML);  // both
  EXPECT_EQ(ErrorOf(Config(Rule("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value>"
                                "</Tag></Filter><Status>Enabled</Status>" +
                                ok_action))),
            Code::kMalformedXML);  // two conditions without And
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><Bogus/>" + ok_action))),
            Code::kMalformedXML);
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><Expiration><Days>1</Days>"
                                         "<Date>2026-12-23T00:00:00Z</Date></Expiration>"))),
            Code::kMalformedXML);
  EXPECT_EQ(
      ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><Expiration><Days>1</Days>"
                                   "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"
                                   "</Expiration>"))),
      Code::kMalformedXML);
  EXPECT_EQ(ErrorOf(Config(Rule("<ID>" + std::string(256, 'i') + "</ID>" + filter +
                                "<Status>Enabled</Status>" + ok_action))),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(ErrorOf(Config(Rule("<ID>" + std::string(255, 'i') + "</ID>" + filter +
                                "<Status>Enabled</Status>" + ok_action))),
            Code::kOk);
  const std::string same = Rule("<ID>x</ID>" + filter + "<Status>Enabled</Status>" + ok_action);
  EXPECT_EQ(ErrorOf(Config(same + same)), Code::kInvalidArgumentS3);
  for (const char* days : {"0", "-1", "x", "1.5"}) {
    EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><Expiration><Days>" + days +
                                  "</Days></Expiration>"))),
              Code::kInvalidArgumentS3)
        << days;
  }
  EXPECT_EQ(
      ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><Expiration><Date>2026-12-23T10:00:00Z"
                                   "</Date></Expiration>"))),
      Code::kInvalidArgumentS3);  // not midnight
  EXPECT_EQ(
      ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><NoncurrentVersionExpiration>"
                                   "<NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101"
                                   "</NewerNoncurrentVersions></NoncurrentVersionExpiration>"))),
      Code::kInvalidArgumentS3);
  EXPECT_EQ(ErrorOf(Config(Rule("<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
                                "<ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>"
                                "<Status>Enabled</Status>" +
                                ok_action))),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>Enabled</Status>"))), Code::kInvalidRequest);
  EXPECT_EQ(ErrorOf(Config(Rule("<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k"
                                "</Key><Value>2</Value></Tag></And></Filter>"
                                "<Status>Enabled</Status>" +
                                ok_action))),
            Code::kInvalidRequest);
  EXPECT_EQ(ErrorOf(Config(Rule("<Filter><Tag><Key>k</Key><Value>1</Value></Tag></Filter>"
                                "<Status>Enabled</Status><AbortIncompleteMultipartUpload>"
                                "<DaysAfterInitiation>1</DaysAfterInitiation>"
                                "</AbortIncompleteMultipartUpload>"))),
            Code::kInvalidRequest);
  // Transitions are refused, never stored and ignored.
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><Transition><Days>30</Days>"
                                         "<StorageClass>GLACIER</StorageClass></Transition>"))),
            Code::kNotImplemented);
  EXPECT_EQ(ErrorOf(Config(Rule(filter + "<Status>Enabled</Status><NoncurrentVersionTransition>"
                                         "<NoncurrentDays>30</NoncurrentDays><StorageClass>GLACIER"
                                         "</StorageClass></NoncurrentVersionTransition>"))),
            Code::kNotImplemented);
}

}  // namespace
}  // namespace cairn::s3
