// CORS configuration parsing/validation and the preflight / response matcher, table-driven.
#include "s3/cors.h"

#include <gtest/gtest.h>

namespace cairn::s3 {
namespace {

std::string Config(std::string_view rules) {
  return "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
         std::string(rules) + "</CORSConfiguration>";
}

TEST(CorsTest, ParseValidatesLikeS3) {
  struct Case {
    std::string xml;
    Code want;
  } cases[] = {
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "</CORSRule>"),
       Code::kOk},
      {Config("<CORSRule><ID>r1</ID><AllowedOrigin>http://*.example.com</AllowedOrigin>"
              "<AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>"
              "<AllowedHeader>x-amz-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>"
              "<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>"),
       Code::kOk},
      {"not xml <", Code::kMalformedXML},
      {"<Other/>", Code::kMalformedXML},
      {Config(""), Code::kMalformedXML},
      {Config("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>"), Code::kMalformedXML},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>"), Code::kMalformedXML},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>"
              "</CORSRule>"),
       Code::kInvalidRequest},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod>"
              "</CORSRule>"),
       Code::kInvalidRequest},
      {Config("<CORSRule><AllowedOrigin>http://*.*.com</AllowedOrigin>"
              "<AllowedMethod>GET</AllowedMethod></CORSRule>"),
       Code::kInvalidRequest},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "<AllowedHeader>**</AllowedHeader></CORSRule>"),
       Code::kInvalidRequest},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "<ExposeHeader>*</ExposeHeader></CORSRule>"),
       Code::kInvalidRequest},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "<MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule>"),
       Code::kMalformedXML},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "<MaxAgeSeconds>ten</MaxAgeSeconds></CORSRule>"),
       Code::kMalformedXML},
      {Config("<CORSRule><ID>" + std::string(256, 'i') +
              "</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "</CORSRule>"),
       Code::kMalformedXML},
      {Config("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
              "<Bogus/></CORSRule>"),
       Code::kMalformedXML},
  };
  for (const Case& c : cases) {
    Result<CorsConfig> parsed = ParseCorsConfig(c.xml);
    EXPECT_EQ(parsed.status().code(), c.want) << c.xml << ": " << parsed.status().ToString();
  }
  std::string rule =
      "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";
  std::string hundred, hundred_one;
  for (int i = 0; i < 100; ++i) hundred += rule;
  hundred_one = hundred + rule;
  EXPECT_TRUE(ParseCorsConfig(Config(hundred)).ok());
  EXPECT_EQ(ParseCorsConfig(Config(hundred_one)).status().code(), Code::kMalformedXML);
}

TEST(CorsTest, RendersWhatItParsed) {
  std::string xml = Config(
      "<CORSRule><ID>r1</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod>"
      "<AllowedOrigin>http://a.test</AllowedOrigin><ExposeHeader>ETag</ExposeHeader>"
      "<MaxAgeSeconds>60</MaxAgeSeconds></CORSRule>");
  Result<CorsConfig> parsed = ParseCorsConfig(xml);
  ASSERT_TRUE(parsed.ok());
  Result<CorsConfig> again = ParseCorsConfig(CorsConfigXml(*parsed));
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->rules.size(), 1u);
  EXPECT_EQ(again->rules[0].id, "r1");
  EXPECT_EQ(again->rules[0].allowed_origins, std::vector<std::string>{"http://a.test"});
  EXPECT_EQ(again->rules[0].expose_headers, std::vector<std::string>{"ETag"});
  EXPECT_EQ(again->rules[0].max_age_seconds, 60);
}

TEST(CorsTest, WildcardMatch) {
  struct Case {
    const char* pattern;
    const char* value;
    bool ignore_case;
    bool want;
  } cases[] = {
      {"*", "", false, true},
      {"*", "http://x", false, true},
      {"http://a.test", "http://a.test", false, true},
      {"http://a.test", "http://a.test:80", false, false},
      {"http://*.a.test", "http://b.a.test", false, true},
      {"http://*.a.test", "http://a.test", false, false},
      {"http://*.a.test", "https://b.a.test", false, false},
      {"http://A.test", "http://a.test", false, false},
      {"x-amz-*", "X-AMZ-DATE", true, true},
      {"x-amz-*", "x-am", true, false},
      {"*-id", "x-request-id", true, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(WildcardMatch(c.pattern, c.value, c.ignore_case), c.want)
        << c.pattern << " ~ " << c.value;
  }
}

CorsConfig TwoRules() {
  return *ParseCorsConfig(Config(
      "<CORSRule><AllowedOrigin>http://app.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
      "<AllowedMethod>PUT</AllowedMethod><AllowedHeader>content-type</AllowedHeader>"
      "<AllowedHeader>x-amz-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>"
      "<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>"
      "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod>"
      "<AllowedMethod>GET</AllowedMethod></CORSRule>"));
}

TEST(CorsTest, PreflightAgainstRules) {
  CorsConfig config = TwoRules();
  struct Case {
    const char* origin;
    const char* method;
    const char* headers;
    Code want;
    const char* allow_origin;
  } cases[] = {
      {"http://app.test", "PUT", "", Code::kOk, "http://app.test"},
      {"http://app.test", "PUT", "Content-Type, X-Amz-Date", Code::kOk, "http://app.test"},
      {"http://app.test", "PUT", "x-custom", Code::kCorsForbidden, ""},
      {"http://app.test", "DELETE", "", Code::kCorsForbidden, ""},
      {"http://evil.test", "PUT", "", Code::kCorsForbidden, ""},
      {"http://evil.test", "GET", "", Code::kOk, "*"},
      {"http://evil.test", "GET", "x-amz-date", Code::kCorsForbidden, ""},
      {"", "GET", "", Code::kInvalidRequest, ""},
      {"http://app.test", "", "", Code::kInvalidRequest, ""},
  };
  for (const Case& c : cases) {
    Headers request;
    if (*c.origin) request.Add("Origin", c.origin);
    if (*c.method) request.Add("Access-Control-Request-Method", c.method);
    if (*c.headers) request.Add("Access-Control-Request-Headers", c.headers);
    Result<Headers> got = CorsPreflight(&config, request);
    EXPECT_EQ(got.status().code(), c.want) << c.origin << " " << c.method << " " << c.headers;
    if (!got.ok()) continue;
    EXPECT_EQ(got->Get("access-control-allow-origin"), c.allow_origin);
    EXPECT_EQ(got->Get("vary").value_or("").substr(0, 6), "Origin");
  }
  Headers request;
  request.Add("Origin", "http://app.test");
  request.Add("Access-Control-Request-Method", "PUT");
  request.Add("Access-Control-Request-Headers", "content-type,x-amz-meta-a");
  Result<Headers> got = CorsPreflight(&config, request);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->Get("access-control-allow-methods"), "GET, PUT");
  EXPECT_EQ(got->Get("access-control-allow-headers"), "content-type, x-amz-meta-a");
  EXPECT_EQ(got->Get("access-control-max-age"), "600");
  EXPECT_EQ(got->Get("access-control-expose-headers"), "ETag");
  EXPECT_EQ(got->Get("access-control-allow-credentials"), "true");
}

TEST(CorsTest, DefaultAllowsEveryOrigin) {
  Headers request;
  request.Add("Origin", "http://anything.test:8080");
  request.Add("Access-Control-Request-Method", "PUT");
  request.Add("Access-Control-Request-Headers", "content-type, x-amz-date, authorization");
  Result<Headers> got = CorsPreflight(nullptr, request);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->Get("access-control-allow-origin"), "http://anything.test:8080");
  EXPECT_EQ(got->Get("access-control-allow-headers"), "content-type, x-amz-date, authorization");
  request.Set("Access-Control-Request-Method", "TRACE");
  EXPECT_EQ(CorsPreflight(nullptr, request).status().code(), Code::kCorsForbidden);

  Headers out;
  AddCorsResponseHeaders(nullptr, "http://x.test", "GET", out);
  EXPECT_EQ(out.Get("access-control-allow-origin"), "http://x.test");
  EXPECT_NE(out.Get("access-control-expose-headers")->find("ETag"), std::string_view::npos);
  EXPECT_NE(out.Get("access-control-expose-headers")->find("x-amz-version-id"),
            std::string_view::npos);
  EXPECT_EQ(out.Get("vary"), "Origin");
}

TEST(CorsTest, ResponseHeadersOnlyForMatchingOrigins) {
  CorsConfig config = TwoRules();
  struct Case {
    const char* origin;
    const char* method;
    const char* allow_origin;  // "" = no Access-Control-Allow-Origin
  } cases[] = {
      {"http://app.test", "PUT", "http://app.test"},
      {"http://app.test", "GET", "http://app.test"},
      {"http://other.test", "GET", "*"},
      {"http://other.test", "PUT", ""},
      {"http://app.test", "DELETE", ""},
  };
  for (const Case& c : cases) {
    Headers out;
    AddCorsResponseHeaders(&config, c.origin, c.method, out);
    EXPECT_EQ(out.Get("access-control-allow-origin").value_or(""), c.allow_origin)
        << c.origin << " " << c.method;
    EXPECT_EQ(out.Get("vary"), "Origin");
  }
}

TEST(CorsTest, SplitHeaderList) {
  EXPECT_EQ(SplitHeaderList(" A, b ,,C"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(SplitHeaderList("").empty());
}

}  // namespace
}  // namespace cairn::s3
