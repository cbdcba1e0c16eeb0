// Prometheus bearer tokens: the shape MinIO signs, and every way a token must be refused.
#include "auth/jwt.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

namespace cairn::auth {
namespace {

class Keys final : public CredentialLookup {
 public:
  Result<Credentials> Lookup(std::string_view access_key) const override {
    auto it = keys.find(std::string(access_key));
    if (it == keys.end()) return Status(Code::kInvalidAccessKeyId, "no such key");
    return Credentials{it->first, it->second};
  }
  std::map<std::string, std::string> keys{{"prom", "prom-secret-123"}, {"other", "x-secret"}};
};

constexpr int64_t kNow = 1'800'000'000;

TEST(JwtTest, SignedTokenVerifiesAndHasMinioClaims) {
  Keys keys;
  std::string token = SignPrometheusToken({"prom", "prom-secret-123"}, kNow + 60);
  auto who = VerifyPrometheusToken(token, keys, kNow);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(*who, "prom");
  size_t dot = token.find('.');
  auto header = nlohmann::json::parse(*Base64UrlDecode(token.substr(0, dot)));
  EXPECT_EQ(header["alg"], "HS512");
  auto claims =
      nlohmann::json::parse(*Base64UrlDecode(token.substr(dot + 1, token.rfind('.') - dot - 1)));
  EXPECT_EQ(claims["iss"], "prometheus");
  EXPECT_EQ(claims["sub"], "prom");
  EXPECT_EQ(claims["exp"], kNow + 60);
  EXPECT_EQ(token.find('='), std::string::npos);  // base64url without padding
}

TEST(JwtTest, RefusesExpiredWrongSecretUnknownKeyAndTampering) {
  Keys keys;
  EXPECT_EQ(
      VerifyPrometheusToken(SignPrometheusToken({"prom", "prom-secret-123"}, kNow - 1), keys, kNow)
          .status()
          .code(),
      Code::kAccessDenied);
  EXPECT_EQ(VerifyPrometheusToken(SignPrometheusToken({"prom", "wrong"}, kNow + 60), keys, kNow)
                .status()
                .code(),
            Code::kAccessDenied);
  EXPECT_EQ(VerifyPrometheusToken(SignPrometheusToken({"ghost", "s"}, kNow + 60), keys, kNow)
                .status()
                .code(),
            Code::kInvalidAccessKeyId);
  // Another key's secret cannot sign for "prom".
  EXPECT_FALSE(
      VerifyPrometheusToken(SignPrometheusToken({"prom", "x-secret"}, kNow + 60), keys, kNow).ok());
  std::string token = SignPrometheusToken({"prom", "prom-secret-123"}, kNow + 60);
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPrometheusToken(tampered, keys, kNow).ok());
  for (const char* junk : {"", "a.b", "a.b.c.d", "!!.??.**"}) {
    EXPECT_EQ(VerifyPrometheusToken(junk, keys, kNow).status().code(), Code::kAccessDenied) << junk;
  }
}

TEST(JwtTest, RefusesOtherAlgorithmsAndIssuers) {
  Keys keys;
  auto make = [](const nlohmann::json& header, const nlohmann::json& claims) {
    // The signature never gets checked: the header or claims are refused first.
    std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
    return input + "." + Base64UrlEncode("sig");
  };
  nlohmann::json claims{{"exp", kNow + 60}, {"sub", "prom"}, {"iss", "prometheus"}};
  EXPECT_FALSE(VerifyPrometheusToken(make({{"alg", "none"}}, claims), keys, kNow).ok());
  EXPECT_FALSE(VerifyPrometheusToken(make({{"alg", "HS256"}}, claims), keys, kNow).ok());
  nlohmann::json issuer = claims;
  issuer["iss"] = "someone";
  auto r = VerifyPrometheusToken(make({{"alg", "HS512"}}, issuer), keys, kNow);
  EXPECT_EQ(r.status().code(), Code::kAccessDenied);
  EXPECT_NE(r.status().message().find("issuer"), std::string::npos);
  nlohmann::json no_exp{{"sub", "prom"}, {"iss", "prometheus"}};
  EXPECT_NE(VerifyPrometheusToken(make({{"alg", "HS512"}}, no_exp), keys, kNow)
                .status()
                .message()
                .find("expiry"),
            std::string::npos);
}

TEST(JwtTest, Base64UrlRoundTrip) {
  for (std::string s : {"", "f", "fo", "foo", "\xff\xfe\xfd\x00 ?"}) {
    auto back = Base64UrlDecode(Base64UrlEncode(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(Base64UrlDecode("a+b/").has_value());
}

}  // namespace
}  // namespace cairn::auth
