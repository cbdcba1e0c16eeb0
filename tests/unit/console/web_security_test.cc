#include "console/web_security.h"

#include <gtest/gtest.h>

#include "console_test_util.h"

namespace cairn::console {
namespace {

TEST(ConsoleWebSecurity, CookieValueFindsTheNamedCookie) {
  Headers h;
  h.Add("cookie", "a=1; cairn_session=abc123;b=2");
  EXPECT_EQ(CookieValue(h, "cairn_session"), "abc123");
  EXPECT_EQ(CookieValue(h, "a"), "1");
  EXPECT_EQ(CookieValue(h, "b"), "2");
  EXPECT_FALSE(CookieValue(h, "cairn").has_value());
  EXPECT_FALSE(CookieValue(h, "session").has_value());
}

TEST(ConsoleWebSecurity, CookieValueAcrossHeadersAndQuotes) {
  Headers h;
  h.Add("cookie", "x=1");
  h.Add("cookie", "cairn_session=\"q\"");
  EXPECT_EQ(CookieValue(h, "cairn_session"), "q");
  Headers none;
  EXPECT_FALSE(CookieValue(none, "cairn_session").has_value());
  Headers junk;
  junk.Add("cookie", ";;=;novalue; cairn_session");
  EXPECT_FALSE(CookieValue(junk, "cairn_session").has_value());
}

TEST(ConsoleWebSecurity, SessionCookieAttributes) {
  std::string plain = SessionCookie("id1", false, std::chrono::seconds(3600));
  EXPECT_EQ(plain, "cairn_session=id1; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
  std::string tls = SessionCookie("id1", true, std::chrono::seconds(60));
  EXPECT_NE(tls.find("; Secure"), std::string::npos);
  EXPECT_NE(tls.find("HttpOnly"), std::string::npos);
  EXPECT_NE(ClearedSessionCookie(false).find("Max-Age=0"), std::string::npos);
  EXPECT_NE(ClearedSessionCookie(true).find("Secure"), std::string::npos);
}

http::Request Post(std::string_view origin, std::string_view token) {
  http::Request r = MakeRequest("POST", "/api/s3/b?delete");
  if (!origin.empty()) r.headers.Add("origin", origin);
  if (!token.empty()) r.headers.Add("x-cairn-csrf", token);
  return r;
}

TEST(ConsoleWebSecurity, CsrfNeedsSameOriginAndTheSessionToken) {
  EXPECT_TRUE(CsrfCheckPasses(Post("http://127.0.0.1:9001", "tok"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(Post("http://127.0.0.1:9001", "other"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(Post("http://127.0.0.1:9001", ""), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(Post("http://evil.example", "tok"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(Post("http://127.0.0.1:9000", "tok"), "tok"))
      << "the API port is another origin (it may serve user files)";
  EXPECT_FALSE(CsrfCheckPasses(Post("https://127.0.0.1:9001", "tok"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(Post("", "tok"), "tok")) << "Origin is required";
  EXPECT_FALSE(CsrfCheckPasses(Post("null", "tok"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(Post("http://127.0.0.1:9001", ""), ""));
}

TEST(ConsoleWebSecurity, CsrfLetsReadsThrough) {
  EXPECT_TRUE(CsrfCheckPasses(MakeRequest("GET", "/api/s3/b"), "tok"));
  EXPECT_TRUE(CsrfCheckPasses(MakeRequest("HEAD", "/api/s3/b/k"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(MakeRequest("DELETE", "/api/s3/b/k"), "tok"));
  EXPECT_FALSE(CsrfCheckPasses(MakeRequest("PUT", "/api/s3/b/k"), "tok"));
}

TEST(ConsoleWebSecurity, OriginMatchesDefaultPortAndScheme) {
  http::Request r = MakeRequest("POST", "/api/logout");
  r.headers.Set("host", "console.example.com:443");
  r.secure = true;
  r.headers.Add("origin", "https://console.example.com");
  r.headers.Add("x-cairn-csrf", "t");
  EXPECT_TRUE(CsrfCheckPasses(r, "t"));
  r.secure = false;
  EXPECT_FALSE(CsrfCheckPasses(r, "t"));
}

TEST(ConsoleWebSecurity, LoginNeedsSameOriginAndJson) {
  http::Request r = MakeRequest("POST", "/api/login");
  r.headers.Add("origin", "http://127.0.0.1:9001");
  EXPECT_FALSE(LoginCsrfCheckPasses(r)) << "a form post is not JSON";
  r.headers.Add("content-type", "application/json; charset=utf-8");
  EXPECT_TRUE(LoginCsrfCheckPasses(r));
  r.headers.Set("origin", "http://attacker.test");
  EXPECT_FALSE(LoginCsrfCheckPasses(r));
  r.headers.Set("content-type", "text/plain");
  r.headers.Set("origin", "http://127.0.0.1:9001");
  EXPECT_FALSE(LoginCsrfCheckPasses(r));
}

TEST(ConsoleWebSecurity, PagePolicyForbidsInlineScriptAndFraming) {
  Headers h;
  AddPageSecurityHeaders(h);
  std::string csp(*h.Get("content-security-policy"));
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(h.Get("x-content-type-options"), "nosniff");
  EXPECT_EQ(h.Get("x-frame-options"), "DENY");
}

TEST(ConsoleWebSecurity, ProxiedContentIsSandboxed) {
  Headers h;
  AddProxiedSecurityHeaders(h);
  std::string csp(*h.Get("content-security-policy"));
  EXPECT_TRUE(csp.starts_with("sandbox;"));
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(h.Get("x-content-type-options"), "nosniff");
}

TEST(ConsoleWebSecurity, HostWithoutPort) {
  EXPECT_EQ(HostWithoutPort("example.com:9001"), "example.com");
  EXPECT_EQ(HostWithoutPort("example.com"), "example.com");
  EXPECT_EQ(HostWithoutPort("[::1]:9001"), "[::1]");
  EXPECT_EQ(HostWithoutPort("[::1]"), "[::1]");
  EXPECT_EQ(HostWithoutPort("127.0.0.1:1"), "127.0.0.1");
  EXPECT_EQ(HostWithoutPort(""), "");
}

}  // namespace
}  // namespace cairn::console
