#include "cli/encryption.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::cli {
namespace {

const std::string kKey(32, 'k');
// The same 32 bytes as mc takes them (base64 without padding), padded, and as hex.
const std::string kPadded = Base64Encode(kKey);
const std::string kRaw = kPadded.substr(0, kPadded.find('='));
const std::string kHex = HexEncode(kKey);

bool KnownAlias(std::string_view name) { return name == "local" || name == "other"; }

TEST(SseEntryTest, ParsesEachKind) {
  auto s3 = ParseSseEntry("local/bucket/dir/", SseKind::kS3);
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  EXPECT_EQ(s3->alias, "local");
  EXPECT_EQ(s3->prefix, "bucket/dir/");
  EXPECT_EQ(s3->Path(), "local/bucket/dir/");

  auto kms = ParseSseEntry("local/bucket/a=b/=my-key_2", SseKind::kKms);
  ASSERT_TRUE(kms.ok()) << kms.status().ToString();
  EXPECT_EQ(kms->prefix, "bucket/a=b/");  // the key is after the last '='
  EXPECT_EQ(kms->kms_key, "my-key_2");

  for (const std::string& text : {kRaw, kPadded, kHex}) {
    auto c = ParseSseEntry("local/bucket/=" + text, SseKind::kCustomer);
    ASSERT_TRUE(c.ok()) << text << ": " << c.status().ToString();
    EXPECT_EQ(c->prefix, "bucket/") << text;
    EXPECT_EQ(c->customer_key, kKey) << text;
  }
  EXPECT_EQ(kRaw.size(), 43u);
  EXPECT_EQ(kPadded.size(), 44u);

  // An alias alone covers every bucket.
  auto all = ParseSseEntry("local", SseKind::kS3);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->prefix, "");
  EXPECT_EQ(all->Path(), "local/");
}

TEST(SseEntryTest, RefusesMalformedEntries) {
  struct Case {
    std::string entry;
    SseKind kind;
    std::string message;
  };
  const Case cases[] = {
      {"local/bucket/", SseKind::kKms, "SSE key is missing"},
      {"local/bucket/=", SseKind::kKms, "SSE key is missing"},
      {"local/bucket/", SseKind::kCustomer, "SSE key is missing"},
      {"local/bucket/=", SseKind::kCustomer, "SSE key is missing"},
      {"local/bucket/=arn:aws:kms:k", SseKind::kKms, "badly formatted"},
      {"local/bucket/=-key", SseKind::kKms, "badly formatted"},
      {"local/bucket/=_", SseKind::kKms, "badly formatted"},
      {"local/bucket/=c2hvcnQ", SseKind::kCustomer, "should be 32 bytes"},
      {"local/bucket/=" + kRaw.substr(1), SseKind::kCustomer, "should be 32 bytes"},
      {"local/bucket/=" + kRaw.substr(2), SseKind::kCustomer, "neither base64"},
      {"local/bucket/=" + kRaw.substr(0, 42) + "!", SseKind::kCustomer, "neither base64"},
      {"local/bucket/=" + std::string(64, 'z'), SseKind::kCustomer, "neither base64"},
      {"local/bucket/=" + kRaw + "AAAA", SseKind::kCustomer, "should be 32 bytes"},
      {"/bucket/", SseKind::kS3, "has an invalid alias"},
      {"/bucket/=my-key", SseKind::kKms, "has an invalid alias"},
  };
  for (const auto& c : cases) {
    auto r = ParseSseEntry(c.entry, c.kind);
    ASSERT_FALSE(r.ok()) << c.entry;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << c.entry;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.entry << ": " << r.status().message();
  }
}

TEST(SseRulesTest, CommaSeparatedAndRepeatedEntries) {
  SseFlags flags;
  flags.s3 = {"local/a/,local/b/"};
  flags.kms = {"local/c/=k1", "local/d/=k2"};
  flags.customer = {"other/e/=" + kRaw + ",other/f/=" + kHex};
  auto rules = SseRules::Parse(flags);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->rules().size(), 6u);
  EXPECT_EQ(rules->Find("local", "a", "x")->kind, SseKind::kS3);
  EXPECT_EQ(rules->Find("local", "d", "x")->kms_key, "k2");
  EXPECT_EQ(rules->Find("other", "f", "y")->customer_key, kKey);
  EXPECT_EQ(rules->Find("local", "e", "y"), nullptr);  // another alias
}

TEST(SseRulesTest, LongestPrefixDecides) {
  SseFlags flags;
  flags.s3 = {"local/bucket"};
  flags.customer = {"local/bucket/secret/=" + kRaw};
  flags.kms = {"local/bucket/secret/kms/=my-key"};
  auto rules = SseRules::Parse(flags);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->Find("local", "bucket", "notes.txt")->kind, SseKind::kS3);
  EXPECT_EQ(rules->Find("local", "bucket", "")->kind, SseKind::kS3);
  EXPECT_EQ(rules->Find("local", "bucket", "secret/a")->kind, SseKind::kCustomer);
  EXPECT_EQ(rules->Find("local", "bucket", "secret/kms/a")->kind, SseKind::kKms);
  // A prefix is a string prefix, as mc matches it: "local/bucket" covers "bucket2" too.
  EXPECT_EQ(rules->Find("local", "bucket2", "x")->kind, SseKind::kS3);
  EXPECT_EQ(rules->Find("local", "buck", "x"), nullptr);
}

TEST(SseRulesTest, TheSamePrefixTwiceIsAnError) {
  SseFlags flags;
  flags.s3 = {"local/bucket/"};
  flags.kms = {"local/bucket/=my-key"};
  auto rules = SseRules::Parse(flags);
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.status().message().find("overlaps with"), std::string::npos);
  // An error in any entry fails the whole set.
  flags.kms = {"local/other/=my-key,local/x/"};
  EXPECT_EQ(SseRules::Parse(flags).status().code(), Code::kInvalidArgument);
}

TEST(SseRulesTest, ChecksPrefixesAgainstTheArguments) {
  SseFlags flags;
  flags.s3 = {"local/bucket/dir/"};
  auto rules = SseRules::Parse(flags);
  ASSERT_TRUE(rules.ok());
  // The prefix starts an argument, or an argument (a folder target) starts the prefix.
  EXPECT_TRUE(rules->CheckAgainst({"a.txt", "local/bucket/dir/a.txt"}, KnownAlias).ok());
  EXPECT_TRUE(rules->CheckAgainst({"a.txt", "local/bucket"}, KnownAlias).ok());
  Status s = rules->CheckAgainst({"a.txt", "local/bucket/other/"}, KnownAlias);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("SSE prefixes do not match any object paths."), std::string::npos);
  s = rules->CheckAgainst({"a.txt", "other/bucket/dir/"}, KnownAlias);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);

  flags.s3 = {"nowhere/bucket/"};
  rules = SseRules::Parse(flags);
  ASSERT_TRUE(rules.ok());
  s = rules->CheckAgainst({"a.txt", "nowhere/bucket/a"}, KnownAlias);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("SSE prefix nowhere/bucket/ has an invalid alias."), std::string::npos)
      << s.message();
}

TEST(SseHeadersTest, WriteReadAndCopySourceHeaders) {
  SseFlags flags;
  flags.s3 = {"local/s3/"};
  flags.kms = {"local/kms/=my-key"};
  flags.customer = {"local/c/=" + kRaw};
  auto rules = SseRules::Parse(flags);
  ASSERT_TRUE(rules.ok());
  const SseRule* s3 = rules->Find("local", "s3", "x");
  const SseRule* kms = rules->Find("local", "kms", "x");
  const SseRule* c = rules->Find("local", "c", "x");

  EXPECT_TRUE(SseWriteHeaders(nullptr).empty());
  Headers h = SseWriteHeaders(s3);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.Get("x-amz-server-side-encryption"), "AES256");
  h = SseWriteHeaders(kms);
  EXPECT_EQ(h.Get("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(h.Get("x-amz-server-side-encryption-aws-kms-key-id"), "my-key");

  const std::string key_b64 = Base64Encode(kKey);
  const std::string md5_b64 = Base64Encode(Md5(kKey));
  h = SseWriteHeaders(c);
  EXPECT_FALSE(h.Has("x-amz-server-side-encryption"));
  EXPECT_EQ(h.Get("x-amz-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_EQ(h.Get("x-amz-server-side-encryption-customer-key"), key_b64);
  EXPECT_EQ(h.Get("x-amz-server-side-encryption-customer-key-md5"), md5_b64);

  // Reads need headers only for SSE-C.
  EXPECT_TRUE(SseReadHeaders(s3).empty());
  EXPECT_TRUE(SseReadHeaders(kms).empty());
  EXPECT_EQ(SseReadHeaders(c).Get("x-amz-server-side-encryption-customer-key"), key_b64);
  EXPECT_TRUE(SseCopySourceHeaders(s3).empty());
  h = SseCopySourceHeaders(c);
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.Get("x-amz-copy-source-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_EQ(h.Get("x-amz-copy-source-server-side-encryption-customer-key"), key_b64);
  EXPECT_EQ(h.Get("x-amz-copy-source-server-side-encryption-customer-key-md5"), md5_b64);
}

TEST(ObjectEncryptionTest, FromResponseHeaders) {
  Headers none;
  none.Set("etag", "\"x\"");
  EXPECT_EQ(EncryptionFromHeaders(none).kind, "");
  EXPECT_EQ(EncryptionText(EncryptionFromHeaders(none)), "");

  Headers s3;
  s3.Set("x-amz-server-side-encryption", "AES256");
  EXPECT_EQ(EncryptionText(EncryptionFromHeaders(s3)), "SSE-S3");

  Headers kms;
  kms.Set("x-amz-server-side-encryption", "aws:kms");
  kms.Set("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:my-key");
  ObjectEncryption enc = EncryptionFromHeaders(kms);
  EXPECT_EQ(enc.kind, "SSE-KMS");
  EXPECT_EQ(enc.kms_key_id, "arn:aws:kms:my-key");
  EXPECT_EQ(EncryptionText(enc), "SSE-KMS (arn:aws:kms:my-key)");

  Headers c;
  c.Set("x-amz-server-side-encryption-customer-algorithm", "AES256");
  c.Set("x-amz-server-side-encryption-customer-key-MD5", "bWQ1");
  enc = EncryptionFromHeaders(c);
  EXPECT_EQ(enc.kind, "SSE-C");
  EXPECT_EQ(enc.customer_key_md5, "bWQ1");
  EXPECT_EQ(EncryptionText(enc), "SSE-C");
}

TEST(BucketEncryptionTest, XmlRoundTrip) {
  std::string xml = BucketEncryptionXml({"aws:kms", "my-key"});
  EXPECT_NE(xml.find("<ServerSideEncryptionConfiguration"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
                     "</SSEAlgorithm><KMSMasterKeyID>my-key</KMSMasterKeyID>"),
            std::string::npos)
      << xml;
  auto back = ParseBucketEncryptionXml(xml);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->algorithm, "aws:kms");
  EXPECT_EQ(back->kms_key_id, "my-key");

  xml = BucketEncryptionXml({"AES256", ""});
  EXPECT_EQ(xml.find("KMSMasterKeyID"), std::string::npos) << xml;
  back = ParseBucketEncryptionXml(xml);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->algorithm, "AES256");
  EXPECT_EQ(back->kms_key_id, "");

  EXPECT_EQ(ParseBucketEncryptionXml("<x").status().code(), Code::kMalformedXML);
  EXPECT_EQ(ParseBucketEncryptionXml("<ServerSideEncryptionConfiguration/>").status().code(),
            Code::kMalformedXML);
}

}  // namespace
}  // namespace cairn::cli
