// Request building: what goes on the wire, checked against the server's own SigV4 verifier.
#include <gtest/gtest.h>

#include "auth/sigv4.h"
#include "cli/commands_internal.h"
#include "cli/s3_client.h"

namespace cairn::cli {
namespace {

class OneKey : public auth::CredentialLookup {
 public:
  Result<auth::Credentials> Lookup(std::string_view access_key) const override {
    if (access_key != "minioadmin") return Status(Code::kInvalidAccessKeyId, "no");
    return auth::Credentials{"minioadmin", "minioadmin123"};
  }
};

Alias TestAlias() {
  Alias a;
  a.url = "http://127.0.0.1:9000";
  a.access_key = "minioadmin";
  a.secret_key = "minioadmin123";
  return a;
}

auth::Identity Verify(const PreparedRequest& p, const std::string& path, TimePoint now) {
  OneKey keys;
  auth::Verifier verifier(keys);
  std::string query;
  size_t q = p.url.find('?');
  if (q != std::string::npos) query = p.url.substr(q + 1);
  auth::RequestView view{"PUT", path, query, &p.headers};
  auto identity = verifier.Verify(view, now);
  EXPECT_TRUE(identity.ok()) << identity.status().message();
  return identity.ok() ? *identity : auth::Identity{};
}

TEST(RequestTest, PathsAndQueries) {
  EXPECT_EQ(ObjectPath("b"), "/b");
  EXPECT_EQ(ObjectPath("b", "dir/a b+c.txt"), "/b/dir/a%20b%2Bc.txt");
  EXPECT_EQ(EncodeQuery({{"uploadId", "x/y"}, {"partNumber", "2"}}), "partNumber=2&uploadId=x%2Fy");
  EXPECT_EQ(EncodeQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(HostOf("http://127.0.0.1:9000"), "127.0.0.1:9000");
}

TEST(RequestTest, SmallBodyIsSignedWithItsHash) {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath("b", "k 1");
  req.query = {{"policy", ""}};
  req.body = "{\"x\":1}";
  TimePoint now = Now();
  PreparedRequest p = PrepareRequest(TestAlias(), req, now);
  EXPECT_EQ(p.url, "http://127.0.0.1:9000/b/k%201?policy=");
  EXPECT_EQ(p.headers.Get("host").value_or(""), "127.0.0.1:9000");
  EXPECT_EQ(p.headers.Get("x-amz-content-sha256").value_or(""),
            "5041bf1f713df204784353e82f6a4a535931cb64f1f4b4a5aeaffcb720918b22");
  EXPECT_TRUE(p.headers.Has("authorization"));
  auth::Identity id = Verify(p, req.path, now);
  EXPECT_EQ(id.access_key, "minioadmin");
  EXPECT_EQ(id.payload, auth::PayloadMode::kSha256);
}

TEST(RequestTest, StreamedBodyIsUnsignedPayload) {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath("b", "big.bin");
  req.query = {{"partNumber", "3"}, {"uploadId", "abc"}};
  req.reader = [](char*, size_t) -> size_t { return 0; };
  req.content_length = 16 << 20;
  req.headers.Set("x-amz-meta-owner", "ana");
  TimePoint now = Now();
  PreparedRequest p = PrepareRequest(TestAlias(), req, now);
  EXPECT_EQ(p.headers.Get("x-amz-content-sha256").value_or(""), "UNSIGNED-PAYLOAD");
  EXPECT_NE(p.headers.Get("authorization").value_or("").find("x-amz-meta-owner"),
            std::string::npos);
  auth::Identity id = Verify(p, req.path, now);
  EXPECT_EQ(id.payload, auth::PayloadMode::kUnsigned);
}

TEST(RequestTest, AnonymousAliasSendsNoSignature) {
  Alias a = TestAlias();
  a.access_key.clear();
  HttpRequest req;
  PreparedRequest p = PrepareRequest(a, req, Now());
  EXPECT_FALSE(p.headers.Has("authorization"));
}

TEST(RequestTest, PresignedUrlCarriesExpiry) {
  S3Client client(TestAlias());
  std::string url = client.Presign("GET", "b", "a b.png", std::chrono::hours(1));
  EXPECT_EQ(url.rfind("http://127.0.0.1:9000/b/a%20b.png?", 0), 0u);
  EXPECT_NE(url.find("X-Amz-Expires=3600"), std::string::npos);
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
}

TEST(RequestTest, Attributes) {
  auto h = ParseAttributes("Content-Type=text/plain; owner=ana;x-amz-meta-Team = blue;");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->Get("content-type").value_or(""), "text/plain");
  EXPECT_EQ(h->Get("x-amz-meta-owner").value_or(""), "ana");
  EXPECT_EQ(h->Get("x-amz-meta-team").value_or(""), "blue");
  EXPECT_FALSE(ParseAttributes("novalue").ok());
  EXPECT_TRUE(ParseAttributes("").value().empty());
  EXPECT_EQ(GuessContentType("x/thumb.PNG"), "image/png");
  EXPECT_EQ(GuessContentType("noext"), "");
}

}  // namespace
}  // namespace cairn::cli
