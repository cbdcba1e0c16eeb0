#include "s3/object_lock.h"

#include <gtest/gtest.h>

namespace cairn::s3 {
namespace {

using storage::RetentionMode;

const TimePoint kNow = *ParseIso8601("2030-01-01T00:00:00Z");

Code CodeOf(const Status& s) { return s.code(); }

TEST(ObjectLockXmlTest, Configuration) {
  auto c = ParseObjectLockConfiguration(
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule>"
      "<DefaultRetention><Mode>GOVERNANCE</Mode><Days>30</Days></DefaultRetention></Rule>"
      "</ObjectLockConfiguration>");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->default_retention.mode, RetentionMode::kGovernance);
  EXPECT_EQ(c->default_retention.days, 30);
  auto bare = ParseObjectLockConfiguration(
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
      "</ObjectLockConfiguration>");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->default_retention.mode, RetentionMode::kNone);
  auto code = [](const char* xml) { return CodeOf(ParseObjectLockConfiguration(xml).status()); };
  const std::string head =
      "<ObjectLockConfiguration><ObjectLockEnabled>Enabled"
      "</ObjectLockEnabled><Rule><DefaultRetention>";
  const std::string tail = "</DefaultRetention></Rule></ObjectLockConfiguration>";
  EXPECT_EQ(code("<ObjectLockConfiguration/>"), Code::kMalformedXML);
  EXPECT_EQ(code("<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled>"
                 "</ObjectLockConfiguration>"),
            Code::kMalformedXML);
  EXPECT_EQ(code((head + "<Mode>COMPLIANCE</Mode><Days>1</Days><Years>1</Years>" + tail).c_str()),
            Code::kMalformedXML);
  EXPECT_EQ(code((head + "<Mode>COMPLIANCE</Mode>" + tail).c_str()), Code::kMalformedXML);
  EXPECT_EQ(code((head + "<Days>1</Days>" + tail).c_str()), Code::kMalformedXML);
  EXPECT_EQ(code((head + "<Mode>COMPLIANCE</Mode><Days>0</Days>" + tail).c_str()),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(code((head + "<Mode>COMPLIANCE</Mode><Years>x</Years>" + tail).c_str()),
            Code::kInvalidArgumentS3);
  auto years =
      ParseObjectLockConfiguration(head + "<Mode>COMPLIANCE</Mode><Years>2</Years>" + tail);
  ASSERT_TRUE(years.ok());
  EXPECT_EQ(years->default_retention.years, 2);
  // Rendering gives the same configuration back.
  storage::BucketInfo bucket;
  bucket.object_lock = true;
  bucket.default_retention = years->default_retention;
  auto again = ParseObjectLockConfiguration(RenderObjectLockConfiguration(bucket));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->default_retention, years->default_retention);
}

TEST(ObjectLockXmlTest, RetentionAndLegalHold) {
  auto r = ParseRetention(
      "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-02T00:00:00.000Z"
      "</RetainUntilDate></Retention>",
      kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mode, RetentionMode::kCompliance);
  EXPECT_EQ(r->retain_until, kNow + std::chrono::hours(24));
  EXPECT_EQ(ParseRetention("<Retention/>", kNow)->mode, RetentionMode::kNone);
  EXPECT_EQ(ParseRetention("<Retention><Mode>GOVERNANCE</Mode></Retention>", kNow).status().code(),
            Code::kMalformedXML);
  EXPECT_EQ(ParseRetention("<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2029-01-01T00:00:"
                           "00Z</RetainUntilDate></Retention>",
                           kNow)
                .status()
                .code(),
            Code::kInvalidArgumentS3);  // in the past
  EXPECT_TRUE(*ParseLegalHold("<LegalHold><Status>ON</Status></LegalHold>"));
  EXPECT_FALSE(*ParseLegalHold("<LegalHold><Status>OFF</Status></LegalHold>"));
  EXPECT_EQ(ParseLegalHold("<LegalHold><Status>on</Status></LegalHold>").status().code(),
            Code::kMalformedXML);
}

TEST(ObjectLockXmlTest, Headers) {
  Headers h;
  h.Add("x-amz-object-lock-mode", "GOVERNANCE");
  h.Add("x-amz-object-lock-retain-until-date", "2030-01-01T00:00:10Z");
  h.Add("x-amz-object-lock-legal-hold", "ON");
  auto lock = LockFromHeaders(h, kNow);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ(lock->mode, RetentionMode::kGovernance);
  EXPECT_TRUE(lock->legal_hold);
  Headers out;
  AddLockHeaders(*lock, out);
  EXPECT_EQ(out.Get("x-amz-object-lock-mode").value_or(""), "GOVERNANCE");
  EXPECT_EQ(out.Get("x-amz-object-lock-retain-until-date").value_or(""),
            "2030-01-01T00:00:10.000Z");
  EXPECT_EQ(out.Get("x-amz-object-lock-legal-hold").value_or(""), "ON");
  Headers retention_only, hold_only;
  AddLockHeaders(*lock, retention_only, /*retention=*/true, /*legal_hold=*/false);
  EXPECT_EQ(retention_only.Get("x-amz-object-lock-mode").value_or(""), "GOVERNANCE");
  EXPECT_FALSE(retention_only.Get("x-amz-object-lock-legal-hold").has_value());
  AddLockHeaders(*lock, hold_only, /*retention=*/false, /*legal_hold=*/true);
  EXPECT_FALSE(hold_only.Get("x-amz-object-lock-mode").has_value());
  EXPECT_FALSE(hold_only.Get("x-amz-object-lock-retain-until-date").has_value());
  EXPECT_EQ(hold_only.Get("x-amz-object-lock-legal-hold").value_or(""), "ON");
  EXPECT_EQ(LockFromFields("GOVERNANCE", "", "", kNow).status().code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(LockFromFields("", "2030-01-01T00:00:10Z", "", kNow).status().code(),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(LockFromFields("WORM", "2030-01-01T00:00:10Z", "", kNow).status().code(),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(LockFromFields("", "", "maybe", kNow).status().code(), Code::kInvalidArgumentS3);
  EXPECT_TRUE(LockFromFields("", "", "", kNow)->empty());
}

}  // namespace
}  // namespace cairn::s3
