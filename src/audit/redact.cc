#include "audit/redact.h"

#include "common/encoding.h"

namespace cairn::audit {

std::string RedactAuthorization(std::string_view value) {
  // SigV4: "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=<hex>"
  if (size_t at = value.find("Signature="); at != std::string_view::npos) {
    size_t start = at + 10;
    size_t end = value.find_first_of(", ", start);
    std::string out(value.substr(0, start));
    out += kRedacted;
    if (end != std::string_view::npos) out += value.substr(end);
    return out;
  }
  // SigV2: "AWS AKID:base64-signature"
  if (value.starts_with("AWS ")) {
    size_t colon = value.find(':');
    if (colon != std::string_view::npos) {
      return std::string(value.substr(0, colon + 1)) + std::string(kRedacted);
    }
  }
  // Anything else (a bearer token, Basic credentials) is a secret whole.
  return std::string(kRedacted);
}

namespace {

bool IsSecretHeader(std::string_view name) {
  if (name == "x-amz-security-token") return true;
  for (std::string_view key : {"x-amz-server-side-encryption-customer-key",
                               "x-amz-copy-source-server-side-encryption-customer-key"}) {
    if (name == key) return true;
  }
  return false;
}

bool IsSecretParameter(std::string_view name) {
  return EqualsIgnoreCase(name, "X-Amz-Signature") || EqualsIgnoreCase(name, "Signature") ||
         EqualsIgnoreCase(name, "X-Amz-Security-Token");
}

}  // namespace

Headers RedactHeaders(const Headers& headers) {
  Headers out;
  out.Reserve(headers.size());
  for (const auto& [name, value] : headers.fields()) {
    if (name == "cookie") continue;
    if (name == "authorization") {
      out.Add(name, RedactAuthorization(value));
    } else if (IsSecretHeader(name)) {
      out.Add(name, kRedacted);
    } else {
      out.Add(name, value);
    }
  }
  return out;
}

std::string RedactQuery(std::string_view raw_query) {
  std::string out;
  out.reserve(raw_query.size());
  size_t pos = 0;
  while (pos <= raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view pair = raw_query.substr(pos, amp - pos);
    if (!out.empty() || pos > 0) out += '&';
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string decoded = UriDecode(name, true).value_or(std::string(name));
    if (eq != std::string_view::npos && IsSecretParameter(decoded)) {
      out += name;
      out += '=';
      out += kRedacted;
    } else {
      out += pair;
    }
    pos = amp + 1;
  }
  if (raw_query.empty()) out.clear();
  return out;
}

}  // namespace cairn::audit
