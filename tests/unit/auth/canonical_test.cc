#include "auth/canonical.h"

#include <gtest/gtest.h>

#include "auth_test_util.h"
#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::auth {
namespace {

using testing::ParseRawRequest;
using testing::ReadFile;

// ---- The generic AWS SigV4 test suite, recomputed piece by piece ----

class SuiteTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SuiteTest, SignatureMatchesPublishedValue) {
  std::string text = ReadFile(std::string(CAIRN_SIGV4_DATA_DIR) + "/suite/" + GetParam() + ".txt");
  ASSERT_FALSE(text.empty()) << GetParam();
  testing::RawRequest req = ParseRawRequest(text);
  Result<ParsedAuthorization> auth = ParseAuthorization(*req.headers.Get("authorization"));
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->credential.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(auth->credential.service, "service");

  // These "unnormalized" vectors need neither path normalisation nor double encoding (their
  // paths hold no '%'), so S3's canonical URI gives the generic service's answer.
  Result<std::string> headers = CanonicalHeaders(req.headers, auth->signed_headers);
  ASSERT_TRUE(headers.ok()) << headers.status().ToString();
  std::string canonical =
      CanonicalRequest(req.method, CanonicalUri(req.raw_path), CanonicalQuery(req.raw_query, false),
                       *headers, JoinSignedHeaders(auth->signed_headers), Sha256Hex(req.body));
  std::string key = DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830",
                                     "us-east-1", "service");
  std::string sts = StringToSign("20150830T123600Z", auth->credential.Scope(), canonical);
  EXPECT_EQ(SignatureHex(key, sts), auth->signature) << canonical;
}

INSTANTIATE_TEST_SUITE_P(
    AwsSigV4Suite, SuiteTest,
    ::testing::Values("get-vanilla", "get-vanilla-query-order-key-case", "get-header-value-trim",
                      "post-x-www-form-urlencoded", "get-utf8", "get-space-unnormalized",
                      "get-unreserved", "get-vanilla-utf8-query", "get-vanilla-query-unreserved",
                      "get-header-key-duplicate", "get-header-value-order",
                      "get-slashes-unnormalized", "get-relative-relative-unnormalized",
                      "get-slash-dot-slash-unnormalized", "get-vanilla-empty-query-key"),
    [](const ::testing::TestParamInfo<const char*>& info) {
      std::string name = info.param;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(SigningKey, MatchesPublishedDerivation) {
  // From the AWS SigV4 documentation ("Examples of how to derive a signing key").
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                       "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(StringToSign, GetVanillaPublishedForm) {
  std::string canonical =
      CanonicalRequest("GET", "/", "", "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n",
                       "host;x-amz-date", kEmptySha256Hex);
  EXPECT_EQ(Sha256Hex(canonical),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

// ---- Canonical URI (S3: no normalisation, canonical percent-encoding) ----

TEST(CanonicalUri, KeepsPathSegmentsAsSent) {
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/"), "/");
  EXPECT_EQ(CanonicalUri("/a/../b"), "/a/../b");
  EXPECT_EQ(CanonicalUri("//x//"), "//x//");
  EXPECT_EQ(CanonicalUri("/./"), "/./");
}

TEST(CanonicalUri, ReencodesEscapesAndRawBytes) {
  EXPECT_EQ(CanonicalUri("/b/a b"), "/b/a%20b");
  EXPECT_EQ(CanonicalUri("/b/a%20b"), "/b/a%20b");
  EXPECT_EQ(CanonicalUri("/b/%7e%7E~"), "/b/~~~");
  EXPECT_EQ(CanonicalUri("/b/%41"), "/b/A");
  EXPECT_EQ(CanonicalUri("/b/a+b"), "/b/a%2Bb");  // '+' in a path is a plus, not a space
  EXPECT_EQ(CanonicalUri("/b/a%2bb"), "/b/a%2Bb");
  EXPECT_EQ(CanonicalUri("/b/100%"), "/b/100%25");  // a stray '%' cannot fail
  EXPECT_EQ(CanonicalUri("/b/%zz"), "/b/%25zz");
  EXPECT_EQ(CanonicalUri("/b/x%2Fy"), "/b/x%2Fy");  // an escaped slash stays escaped
  EXPECT_EQ(CanonicalUri("/b/!'()*=&$"), "/b/%21%27%28%29%2A%3D%26%24");
  EXPECT_EQ(CanonicalUri("/b/\xF0\x9F\x98\x80"), "/b/%F0%9F%98%80");
  EXPECT_EQ(CanonicalUri("/b/%f0%9f%98%80"), "/b/%F0%9F%98%80");
}

// ---- Canonical query ----

TEST(CanonicalQuery, SortsAndEncodes) {
  EXPECT_EQ(CanonicalQuery("", false), "");
  EXPECT_EQ(CanonicalQuery("lifecycle", false), "lifecycle=");
  EXPECT_EQ(CanonicalQuery("prefix=J&max-keys=2", false), "max-keys=2&prefix=J");
  EXPECT_EQ(CanonicalQuery("b=2&a=1&A=0", false), "A=0&a=1&b=2");
  EXPECT_EQ(CanonicalQuery("a=2&a=1", false), "a=1&a=2");
  EXPECT_EQ(CanonicalQuery("p=a b", false), "p=a%20b");
  EXPECT_EQ(CanonicalQuery("p=a+b", false), "p=a%20b");  // form encoding: '+' is a space
  EXPECT_EQ(CanonicalQuery("p=a%2Bb", false), "p=a%2Bb");
  EXPECT_EQ(CanonicalQuery("p=a%2fb", false), "p=a%2Fb");
  EXPECT_EQ(CanonicalQuery("p=~%7E", false), "p=~~");
  EXPECT_EQ(CanonicalQuery("&&x=1&", false), "x=1");
  EXPECT_EQ(CanonicalQuery("uploads&prefix=", false), "prefix=&uploads=");
}

TEST(CanonicalQuery, PresignedSkipsSignatureOnly) {
  EXPECT_EQ(CanonicalQuery("X-Amz-Signature=abc&X-Amz-Date=1&x=2", true), "X-Amz-Date=1&x=2");
  EXPECT_EQ(CanonicalQuery("X-Amz-Signature=abc&X-Amz-Date=1", false),
            "X-Amz-Date=1&X-Amz-Signature=abc");
}

// ---- Canonical headers ----

TEST(CanonicalHeaders, TrimsCollapsesAndJoins) {
  Headers h;
  h.Add("Host", "example.com");
  h.Add("X-Amz-Meta-A", "  a   b  c ");
  h.Add("x-amz-meta-a", "second");
  h.Add("X-Amz-Date", "20130524T000000Z");
  Result<std::string> c = CanonicalHeaders(h, {"host", "x-amz-date", "x-amz-meta-a"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "host:example.com\nx-amz-date:20130524T000000Z\nx-amz-meta-a:a b c,second\n");
}

TEST(CanonicalHeaders, MissingSignedHeaderFails) {
  Headers h;
  h.Add("Host", "example.com");
  EXPECT_EQ(CanonicalHeaders(h, {"host", "range"}).status().code(), Code::kSignatureDoesNotMatch);
  // An HTTP server may swallow Expect; clients that signed it sent 100-continue.
  Result<std::string> c = CanonicalHeaders(h, {"expect", "host"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "expect:100-continue\nhost:example.com\n");
}

// ---- Authorization header parsing ----

TEST(ParseAuthorization, AcceptsSpacingVariants) {
  const char* variants[] = {
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;range;x-amz-date, Signature=",
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;range;x-amz-date,Signature=",
      "AWS4-HMAC-SHA256   Credential=AK/20130524/us-east-1/s3/aws4_request ,  "
      "SignedHeaders=host;range;x-amz-date ,\tSignature=",
      "  AWS4-HMAC-SHA256 SignedHeaders=host;range;x-amz-date, Signature=SIG, "
      "Credential=AK/20130524/us-east-1/s3/aws4_request",
  };
  std::string sig(64, 'a');
  for (std::string v : variants) {
    if (size_t p = v.find("SIG"); p != std::string::npos) {
      v.replace(p, 3, sig);
    } else {
      v += sig;
    }
    Result<ParsedAuthorization> a = ParseAuthorization(v);
    ASSERT_TRUE(a.ok()) << v << ": " << a.status().ToString();
    EXPECT_EQ(a->credential.access_key, "AK");
    EXPECT_EQ(a->credential.date8, "20130524");
    EXPECT_EQ(a->credential.region, "us-east-1");
    EXPECT_EQ(a->credential.service, "s3");
    EXPECT_EQ(a->credential.Scope(), "20130524/us-east-1/s3/aws4_request");
    EXPECT_EQ(JoinSignedHeaders(a->signed_headers), "host;range;x-amz-date");
    EXPECT_EQ(a->signature, sig);
  }
}

TEST(ParseAuthorization, AccessKeyMayContainSlash) {
  Result<ParsedAuthorization> a = ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=a/b/20130524/r/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
      std::string(64, '0'));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->credential.access_key, "a/b");
}

TEST(ParseAuthorization, RejectsMalformed) {
  std::string sig(64, 'a');
  const std::string cases[] = {
      "",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA1 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
          sig,
      "AWS4-HMAC-SHA256Credential=AK/20130524/us-east-1/s3/aws4_request,SignedHeaders=host,"
      "Signature=" +
          sig,
      "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" + sig,
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, Signature=" + sig,
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host",
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=abc",
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
          std::string(64, 'g'),
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3, SignedHeaders=host, Signature=" + sig,
      "AWS4-HMAC-SHA256 Credential=AK/2013052/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
          sig,
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws5_request, SignedHeaders=host, "
      "Signature=" +
          sig,
      "AWS4-HMAC-SHA256 Credential=/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
          sig,
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;;a, "
      "Signature=" +
          sig,
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
          sig + ", Signature=" + sig,
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature=" +
          sig + ", Foo=bar",
      "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
      "Signature",
  };
  for (const std::string& c : cases) {
    EXPECT_EQ(ParseAuthorization(c).status().code(), Code::kAuthorizationHeaderMalformed) << c;
  }
}

TEST(ChunkSignature, MatchesAwsChunkedUploadExample) {
  // "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
  // Chunks": 65536 + 1024 bytes of 'a', then the empty chunk.
  std::string key = DeriveSigningKey(testing::kDocSecret, "20130524", "us-east-1", "s3");
  const char* scope = "20130524/us-east-1/s3/aws4_request";
  std::string s1 =
      ChunkSignature(key, "20130524T000000Z", scope,
                     "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
                     Sha256Hex(std::string(65536, 'a')));
  EXPECT_EQ(s1, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  std::string s2 =
      ChunkSignature(key, "20130524T000000Z", scope, s1, Sha256Hex(std::string(1024, 'a')));
  EXPECT_EQ(s2, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  EXPECT_EQ(ChunkSignature(key, "20130524T000000Z", scope, s2, kEmptySha256Hex),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

}  // namespace
}  // namespace cairn::auth
