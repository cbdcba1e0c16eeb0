#include "console/proxy.h"

#include <gtest/gtest.h>

#include "auth/sigv4.h"
#include "console_test_util.h"

namespace cairn::console {
namespace {

TEST(ConsoleProxy, ApiPathFor) {
  EXPECT_EQ(ApiPathFor("/api/s3"), "/");
  EXPECT_EQ(ApiPathFor("/api/s3/"), "/");
  EXPECT_EQ(ApiPathFor("/api/s3/bucket"), "/bucket");
  EXPECT_EQ(ApiPathFor("/api/s3/bucket/a%20b/c%2Fd"), "/bucket/a%20b/c%2Fd");
  EXPECT_EQ(ApiPathFor("/api/admin/users"), "/cairn/admin/v1/users");
  EXPECT_EQ(ApiPathFor("/api/admin"), "/cairn/admin/v1/");
  EXPECT_FALSE(ApiPathFor("/api/s3x/bucket").has_value());
  EXPECT_FALSE(ApiPathFor("/api/login").has_value());
  EXPECT_FALSE(ApiPathFor("/bucket").has_value());
}

TEST(ConsoleProxy, ForwardedHeaders) {
  EXPECT_TRUE(ForwardedHeader("content-type", "text/plain"));
  EXPECT_TRUE(ForwardedHeader("content-length", "5"));
  EXPECT_TRUE(ForwardedHeader("range", "bytes=0-1"));
  EXPECT_TRUE(ForwardedHeader("if-none-match", "*"));
  EXPECT_TRUE(ForwardedHeader("x-amz-checksum-mode", "ENABLED"));
  EXPECT_TRUE(ForwardedHeader("x-amz-meta-color", "red"));
  EXPECT_TRUE(ForwardedHeader("content-encoding", "gzip"));
  EXPECT_FALSE(ForwardedHeader("content-encoding", "aws-chunked"));
  for (const char* name : {"cookie", "origin", "referer", "authorization", "x-cairn-csrf", "host",
                           "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
                           "x-amz-decoded-content-length", "user-agent", "accept"}) {
    EXPECT_FALSE(ForwardedHeader(name, "v")) << name;
  }
}

TEST(ConsoleProxy, RequestIsResignedAsTheSessionUser) {
  http::Request browser = MakeRequest("PUT", "/api/s3/photos/a%20b/c.txt?x-id=PutObject");
  browser.headers.Add("cookie", "cairn_session=secret-cookie");
  browser.headers.Add("origin", "http://127.0.0.1:9001");
  browser.headers.Add("x-cairn-csrf", "token");
  browser.headers.Add("authorization", "AWS4-HMAC-SHA256 forged");
  browser.headers.Add("x-amz-date", "20000101T000000Z");
  browser.headers.Add("content-type", "text/plain");
  browser.headers.Add("content-length", "5");
  browser.headers.Add("x-amz-meta-note", "hi");
  browser.content_length = 5;
  browser.remote_ip = "10.1.2.3";

  auth::SigningParams params{"alice", "alice-secret-key", "us-east-1", "s3"};
  TimePoint now = Now();
  std::string api_path = *ApiPathFor(browser.path);
  http::Request proxied = BuildProxiedRequest(browser, api_path, "127.0.0.1:9000", params, now);

  EXPECT_EQ(proxied.method, "PUT");
  EXPECT_EQ(proxied.path, "/photos/a%20b/c.txt");
  EXPECT_EQ(proxied.query, "x-id=PutObject");
  EXPECT_EQ(proxied.target, "/photos/a%20b/c.txt?x-id=PutObject");
  EXPECT_EQ(proxied.content_length, 5u);
  EXPECT_EQ(proxied.remote_ip, "10.1.2.3");
  EXPECT_EQ(proxied.headers.Get("host"), "127.0.0.1:9000");
  EXPECT_FALSE(proxied.headers.Has("cookie"));
  EXPECT_FALSE(proxied.headers.Has("origin"));
  EXPECT_FALSE(proxied.headers.Has("x-cairn-csrf"));
  EXPECT_EQ(proxied.headers.Get("x-amz-meta-note"), "hi");
  EXPECT_EQ(proxied.headers.Get("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_NE(proxied.headers.Get("x-amz-date"), "20000101T000000Z");

  // The API's own verifier accepts it as alice, with an unsigned (streamed) payload.
  FakeCredentials keys;
  keys.keys["alice"] = "alice-secret-key";
  auth::Verifier verifier(keys);
  auth::RequestView view{proxied.method, proxied.path, proxied.query, &proxied.headers};
  auto identity = verifier.Verify(view, now);
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_FALSE(identity->anonymous);
  EXPECT_EQ(identity->access_key, "alice");
  EXPECT_EQ(identity->payload, auth::PayloadMode::kUnsigned);

  // Signed with another user's secret, it would not verify: the signature is the user's.
  keys.keys["alice"] = "changed-secret";
  EXPECT_FALSE(verifier.Verify(view, now).ok());
}

TEST(ConsoleProxy, WriterAddsSandboxAndDropsCookies) {
  RecordingWriter out;
  ProxiedResponseWriter writer(out);
  Headers headers;
  headers.Add("content-type", "text/html");
  headers.Add("set-cookie", "evil=1");
  ASSERT_TRUE(writer.Send(200, headers, "<script>x</script>").ok());
  EXPECT_TRUE(writer.sent());
  EXPECT_EQ(out.status, 200);
  EXPECT_FALSE(out.headers.Has("set-cookie"));
  EXPECT_TRUE(std::string(*out.headers.Get("content-security-policy")).starts_with("sandbox"));
  EXPECT_EQ(out.headers.Get("x-content-type-options"), "nosniff");
  EXPECT_EQ(out.headers.Get("content-type"), "text/html");
}

}  // namespace
}  // namespace cairn::console
