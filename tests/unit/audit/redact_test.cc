#include "audit/redact.h"

#include <gtest/gtest.h>

namespace cairn::audit {
namespace {

TEST(RedactTest, SigV4AuthorizationKeepsCredentialDropsSignature) {
  std::string v = RedactAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef");
  EXPECT_EQ(v,
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=*REDACTED*");
}

TEST(RedactTest, SigV2AndOtherSchemes) {
  EXPECT_EQ(RedactAuthorization("AWS AKID:c2lnbmF0dXJl"), "AWS AKID:*REDACTED*");
  EXPECT_EQ(RedactAuthorization("Bearer secret-token"), "*REDACTED*");
}

TEST(RedactTest, SecretHeadersReplacedCookieDropped) {
  Headers h;
  h.Add("x-amz-security-token", "sessiontoken");
  h.Add("x-amz-server-side-encryption-customer-key", "c2VjcmV0a2V5");
  h.Add("x-amz-server-side-encryption-customer-key-md5", "bWQ1");
  h.Add("x-amz-copy-source-server-side-encryption-customer-key", "Y29weWtleQ==");
  h.Add("cookie", "session=abc");
  h.Add("content-type", "text/plain");
  Headers out = RedactHeaders(h);
  EXPECT_EQ(out.Get("x-amz-security-token").value(), kRedacted);
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-customer-key").value(), kRedacted);
  EXPECT_EQ(out.Get("x-amz-copy-source-server-side-encryption-customer-key").value(), kRedacted);
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-customer-key-md5").value(), "bWQ1");
  EXPECT_FALSE(out.Has("cookie"));
  EXPECT_EQ(out.Get("content-type").value(), "text/plain");
}

TEST(RedactTest, PresignedQuerySignatureAndTokenReplaced) {
  std::string q = RedactQuery(
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3&"
      "X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok&Signature=v2sig&prefix=a");
  EXPECT_EQ(q,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3&"
            "X-Amz-Signature=*REDACTED*&X-Amz-Security-Token=*REDACTED*&Signature=*REDACTED*&"
            "prefix=a");
  EXPECT_EQ(RedactQuery(""), "");
  EXPECT_EQ(RedactQuery("uploads"), "uploads");
  EXPECT_EQ(RedactQuery("a=1&b"), "a=1&b");
}

}  // namespace
}  // namespace cairn::audit
