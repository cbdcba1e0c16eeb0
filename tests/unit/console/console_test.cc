#include "console/console.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/sigv4.h"
#include "common/encoding.h"
#include "console_test_util.h"

namespace cairn::console {
namespace {

using json = nlohmann::json;

constexpr const char* kOrigin = "http://127.0.0.1:9001";

// Stands in for the API port's handler: verifies the signature as the real API would and
// records who called what, answering with the caller's key.
struct FakeApi {
  explicit FakeApi(const auth::CredentialLookup& keys) : verifier(keys) {}
  void operator()(const http::Request& request, ByteSource& body, http::ResponseWriter& out) {
    auth::RequestView view{request.method, request.path, request.query, &request.headers};
    auto identity = verifier.Verify(view, Now());
    std::string received;
    char buf[1024];
    while (true) {
      auto n = body.Read(buf, sizeof buf);
      if (!n.ok() || *n == 0) break;
      received.append(buf, *n);
    }
    calls.push_back({request.method + " " + request.target,
                     identity.ok() ? identity->access_key : "<bad signature>", received});
    Headers headers;
    headers.Add("set-cookie", "from-api=1");
    out.Send(200, headers, "ok").IgnoreError();
  }
  struct Call {
    std::string what;
    std::string who;
    std::string body;
  };
  auth::Verifier verifier;
  std::vector<Call> calls;
};

const unsigned char kIndex[] = "<html></html>";
const Asset kAssets[] = {{"/index.html", "\"e\"", kIndex, sizeof kIndex - 1}};

class ConsoleTest : public ::testing::Test {
 protected:
  ConsoleTest() : api_(keys_) {
    keys_.keys["root"] = "rootsecret123";
    keys_.keys["reader"] = "readersecret1";
    ConsoleOptions options;
    options.api_host = "127.0.0.1:9000";
    options.api_port = 9000;
    console_ = std::make_unique<Console>(
        options, keys_,
        [this](const http::Request& r, ByteSource& b, http::ResponseWriter& o) { api_(r, b, o); },
        kAssets);
  }

  RecordingWriter Call(http::Request request, std::string_view body = "") {
    if (!body.empty()) request.content_length = body.size();
    MemorySource source(body.data(), body.size());
    RecordingWriter out;
    console_->Handle(request, source, out);
    return out;
  }

  http::Request Login(std::string_view key, std::string_view secret, std::string* body) {
    http::Request r = MakeRequest("POST", "/api/login");
    r.headers.Add("origin", kOrigin);
    r.headers.Add("content-type", "application/json");
    *body = json{{"accessKey", key}, {"secretKey", secret}}.dump();
    return r;
  }

  // Signs in; returns {cookie header value, csrf token}.
  std::pair<std::string, std::string> SignIn(std::string_view key, std::string_view secret) {
    std::string body;
    http::Request out_request = Login(key, secret, &body);
    RecordingWriter out = Call(out_request, body);
    EXPECT_EQ(out.status, 200) << out.body;
    std::string cookie(out.headers.Get("set-cookie").value_or(""));
    std::string pair = cookie.substr(0, cookie.find(';'));
    return {pair, json::parse(out.body)["csrfToken"].get<std::string>()};
  }

  http::Request With(http::Request r, const std::pair<std::string, std::string>& session,
                     bool csrf = true) {
    r.headers.Add("cookie", session.first);
    if (csrf) {
      r.headers.Add("origin", kOrigin);
      r.headers.Add("x-cairn-csrf", session.second);
    }
    return r;
  }

  FakeCredentials keys_;
  FakeApi api_;
  std::unique_ptr<Console> console_;
};

TEST_F(ConsoleTest, WrongSecretOrUnknownKeyIsRefusedAlike) {
  std::string body;
  http::Request wrong_request = Login("root", "nope", &body);
  RecordingWriter wrong = Call(wrong_request, body);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_FALSE(wrong.headers.Has("set-cookie"));
  http::Request unknown_request = Login("ghost", "rootsecret123", &body);
  RecordingWriter unknown = Call(unknown_request, body);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(json::parse(wrong.body)["Code"], json::parse(unknown.body)["Code"]);
  EXPECT_EQ(console_->sessions().size(), 0u);
}

TEST_F(ConsoleTest, LoginFromAnotherOriginIsRefused) {
  std::string body;
  http::Request r = Login("root", "rootsecret123", &body);
  r.headers.Set("origin", "http://evil.test");
  EXPECT_EQ(Call(r, body).status, 403);
  r.headers.Remove("origin");
  EXPECT_EQ(Call(r, body).status, 403);
}

TEST_F(ConsoleTest, LoginSetsAStrictHttpOnlyCookieAndNeverEchoesTheSecret) {
  std::string body;
  http::Request out_request = Login("root", "rootsecret123", &body);
  RecordingWriter out = Call(out_request, body);
  ASSERT_EQ(out.status, 200);
  std::string cookie(*out.headers.Get("set-cookie"));
  EXPECT_TRUE(cookie.starts_with("cairn_session="));
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(out.body.find("rootsecret123"), std::string::npos);
  EXPECT_EQ(json::parse(out.body)["accessKey"], "root");
}

TEST_F(ConsoleTest, SessionEndpoint) {
  EXPECT_EQ(Call(MakeRequest("GET", "/api/session")).status, 401);
  auto session = SignIn("root", "rootsecret123");
  RecordingWriter out = Call(With(MakeRequest("GET", "/api/session"), session, false));
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(json::parse(out.body)["csrfToken"], session.second);
}

TEST_F(ConsoleTest, ProxiesAsTheSignedInUser) {
  auto session = SignIn("reader", "readersecret1");
  RecordingWriter out = Call(With(MakeRequest("GET", "/api/s3/photos?list-type=2"), session));
  EXPECT_EQ(out.status, 200);
  ASSERT_EQ(api_.calls.size(), 1u);
  EXPECT_EQ(api_.calls[0].what, "GET /photos?list-type=2");
  EXPECT_EQ(api_.calls[0].who, "reader");
  EXPECT_FALSE(out.headers.Has("set-cookie")) << "the API cannot set console cookies";
  EXPECT_TRUE(std::string(*out.headers.Get("content-security-policy")).starts_with("sandbox"));

  RecordingWriter admin = Call(With(MakeRequest("GET", "/api/admin/users"), session));
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(api_.calls.back().what, "GET /cairn/admin/v1/users");
}

TEST_F(ConsoleTest, BodiesStreamThrough) {
  auto session = SignIn("root", "rootsecret123");
  std::string data(200000, 'x');
  RecordingWriter out = Call(With(MakeRequest("PUT", "/api/s3/b/big.bin"), session), data);
  EXPECT_EQ(out.status, 200);
  ASSERT_EQ(api_.calls.size(), 1u);
  EXPECT_EQ(api_.calls[0].who, "root");
  EXPECT_EQ(api_.calls[0].body, data);
}

TEST_F(ConsoleTest, NoSessionNoProxy) {
  EXPECT_EQ(Call(MakeRequest("GET", "/api/s3/")).status, 401);
  http::Request forged = MakeRequest("GET", "/api/s3/");
  forged.headers.Add("cookie", "cairn_session=0123456789abcdef");
  EXPECT_EQ(Call(forged).status, 401);
  EXPECT_TRUE(api_.calls.empty());
}

TEST_F(ConsoleTest, WritesNeedTheCsrfTokenAndOrigin) {
  auto session = SignIn("root", "rootsecret123");
  EXPECT_EQ(Call(With(MakeRequest("DELETE", "/api/s3/b/k"), session, false)).status, 403);
  http::Request wrong_token = MakeRequest("DELETE", "/api/s3/b/k");
  wrong_token.headers.Add("cookie", session.first);
  wrong_token.headers.Add("origin", kOrigin);
  wrong_token.headers.Add("x-cairn-csrf", "guess");
  EXPECT_EQ(Call(wrong_token).status, 403);
  http::Request cross_origin = MakeRequest("DELETE", "/api/s3/b/k");
  cross_origin.headers.Add("cookie", session.first);
  cross_origin.headers.Add("origin", "http://127.0.0.1:9000");
  cross_origin.headers.Add("x-cairn-csrf", session.second);
  EXPECT_EQ(Call(cross_origin).status, 403);
  EXPECT_TRUE(api_.calls.empty());
  EXPECT_EQ(Call(With(MakeRequest("DELETE", "/api/s3/b/k"), session)).status, 200);
  EXPECT_EQ(api_.calls.size(), 1u);
}

TEST_F(ConsoleTest, ChangedOrRemovedKeyEndsTheSession) {
  auto session = SignIn("reader", "readersecret1");
  keys_.keys["reader"] = "a-new-secret";
  EXPECT_EQ(Call(With(MakeRequest("GET", "/api/s3/"), session)).status, 401);
  keys_.keys["reader"] = "readersecret1";
  EXPECT_EQ(Call(With(MakeRequest("GET", "/api/s3/"), session)).status, 401)
      << "the session was dropped, not suspended";
  auto again = SignIn("reader", "readersecret1");
  keys_.keys.erase("reader");
  EXPECT_EQ(Call(With(MakeRequest("GET", "/api/s3/"), again)).status, 401);
  EXPECT_TRUE(api_.calls.empty());
}

TEST_F(ConsoleTest, LogoutEndsTheSession) {
  auto session = SignIn("root", "rootsecret123");
  EXPECT_EQ(Call(With(MakeRequest("POST", "/api/logout"), session, false)).status, 403);
  RecordingWriter out = Call(With(MakeRequest("POST", "/api/logout"), session));
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(std::string(*out.headers.Get("set-cookie")).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call(With(MakeRequest("GET", "/api/session"), session)).status, 401);
}

TEST_F(ConsoleTest, ShareLinkIsPresignedForTheApiPort) {
  auto session = SignIn("reader", "readersecret1");
  std::string body =
      json{{"bucket", "photos"}, {"key", "a b/c.jpg"}, {"expiresSeconds", 3600}}.dump();
  http::Request r = With(MakeRequest("POST", "/api/share"), session);
  r.headers.Add("content-type", "application/json");
  RecordingWriter out = Call(r, body);
  ASSERT_EQ(out.status, 200) << out.body;
  std::string url = json::parse(out.body)["url"];
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:9000/photos/a%20b/c.jpg?")) << url;
  EXPECT_NE(url.find("X-Amz-Credential=reader%2F"), std::string::npos);
  EXPECT_NE(url.find("X-Amz-Expires=3600"), std::string::npos);

  // The API's verifier accepts the link as the reader's.
  std::string target = url.substr(std::string("http://127.0.0.1:9000").size());
  size_t q = target.find('?');
  Headers headers;
  headers.Add("host", "127.0.0.1:9000");
  auth::Verifier verifier(keys_);
  std::string path = target.substr(0, q);
  std::string query = target.substr(q + 1);
  auth::RequestView view{"GET", path, query, &headers};
  auto identity = verifier.Verify(view, Now());
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->access_key, "reader");

  std::string too_long = json{{"bucket", "b"}, {"key", "k"}, {"expiresSeconds", 604801}}.dump();
  EXPECT_EQ(Call(With(MakeRequest("POST", "/api/share"), session), too_long).status, 400);
}

TEST_F(ConsoleTest, ServesTheAppAndUnknownApiPaths) {
  RecordingWriter page = Call(MakeRequest("GET", "/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html></html>");
  EXPECT_EQ(Call(MakeRequest("GET", "/api/nothing")).status, 404);
  EXPECT_EQ(Call(MakeRequest("GET", "/api/login")).status, 405);
}

TEST(ConsoleRedirect, BrowsersAtTheApiRootGoToTheConsole) {
  http::Request r = MakeRequest("GET", "/");
  r.headers.Set("host", "s3.example.com:9000");
  r.headers.Add("accept", "text/html,application/xhtml+xml");
  RecordingWriter out;
  ASSERT_TRUE(RedirectBrowserToConsole(r, 9001, out));
  EXPECT_EQ(out.status, 307);
  EXPECT_EQ(out.headers.Get("location"), "http://s3.example.com:9001/");
}

TEST(ConsoleRedirect, ApiClientsAreLeftAlone) {
  RecordingWriter out;
  http::Request sdk = MakeRequest("GET", "/");
  sdk.headers.Add("accept", "*/*");
  EXPECT_FALSE(RedirectBrowserToConsole(sdk, 9001, out));
  http::Request signed_html = MakeRequest("GET", "/");
  signed_html.headers.Add("accept", "text/html");
  signed_html.headers.Add("authorization", "AWS4-HMAC-SHA256 ...");
  EXPECT_FALSE(RedirectBrowserToConsole(signed_html, 9001, out));
  http::Request bucket = MakeRequest("GET", "/photos");
  bucket.headers.Add("accept", "text/html");
  EXPECT_FALSE(RedirectBrowserToConsole(bucket, 9001, out));
  http::Request presigned = MakeRequest("GET", "/?X-Amz-Signature=x");
  presigned.headers.Add("accept", "text/html");
  EXPECT_FALSE(RedirectBrowserToConsole(presigned, 9001, out));
  EXPECT_FALSE(out.sent());
}

}  // namespace
}  // namespace cairn::console
