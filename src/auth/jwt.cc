#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "common/encoding.h"

namespace cairn::auth {

namespace {

std::string HmacSha512(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

Status Refused(const std::string& why) {
  return Status(Code::kAccessDenied, "the bearer token is not valid: " + why);
}

}  // namespace

std::string Base64UrlEncode(std::string_view raw) {
  std::string s = Base64Encode(raw);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string s(text);
  for (char& c : s) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;  // the standard alphabet is not url
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s.push_back('=');
  return Base64Decode(s);
}

std::string SignPrometheusToken(const Credentials& credentials, int64_t expires_unix) {
  nlohmann::json claims{{"exp", expires_unix},
                        {"sub", credentials.access_key},
                        {"iss", std::string(kPrometheusIssuer)}};
  std::string signing_input =
      Base64UrlEncode(R"({"alg":"HS512","typ":"JWT"})") + "." + Base64UrlEncode(claims.dump());
  return signing_input + "." + Base64UrlEncode(HmacSha512(credentials.secret_key, signing_input));
}

Result<std::string> VerifyPrometheusToken(std::string_view token, const CredentialLookup& keys,
                                          int64_t now_unix) {
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Refused("not a JWT");
  }
  auto header_bytes = Base64UrlDecode(token.substr(0, first));
  auto claims_bytes = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!header_bytes || !claims_bytes || !signature) return Refused("not base64url");
  nlohmann::json header = nlohmann::json::parse(*header_bytes, nullptr, /*allow_exceptions=*/false);
  nlohmann::json claims = nlohmann::json::parse(*claims_bytes, nullptr, false);
  if (!header.is_object() || !claims.is_object()) return Refused("not JSON objects");
  // Only the algorithm MinIO signs with: never "none", never one chosen by the token.
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || *alg != "HS512") {
    return Refused("the algorithm is not HS512");
  }
  auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string() || *iss != kPrometheusIssuer) {
    return Refused("the issuer is not prometheus");
  }
  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) return Refused("no expiry");
  if (exp->get<double>() <= static_cast<double>(now_unix)) return Refused("expired");
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get<std::string>().empty()) {
    return Refused("no subject");
  }
  const std::string access_key = sub->get<std::string>();
  CAIRN_ASSIGN_OR_RETURN(Credentials credentials, keys.Lookup(access_key));
  std::string want = HmacSha512(credentials.secret_key, token.substr(0, second));
  if (want.size() != signature->size() ||
      CRYPTO_memcmp(want.data(), signature->data(), want.size()) != 0) {
    return Refused("the signature does not match");
  }
  return access_key;
}

}  // namespace cairn::auth
