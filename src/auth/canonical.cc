#include "auth/canonical.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::auth {

namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void AppendEncoded(std::string& out, unsigned char c) {
  if (IsUnreserved(c)) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back('%');
    out.push_back(kHexUpper[c >> 4]);
    out.push_back(kHexUpper[c & 15]);
  }
}

// Re-encodes `raw` into the SigV4 form byte by byte: a valid %XX escape is decoded and encoded
// again (so an escaped '/' stays escaped), a raw '/' is kept when `keep_raw_slash`, '+' is a
// space when `plus_as_space`, and anything else outside the unreserved set is escaped.
void AppendReencoded(std::string& out, std::string_view raw, bool keep_raw_slash,
                     bool plus_as_space) {
  out.reserve(out.size() + raw.size() + raw.size() / 4);
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%' && i + 2 < raw.size() && HexValue(raw[i + 1]) >= 0 && HexValue(raw[i + 2]) >= 0) {
      AppendEncoded(out,
                    static_cast<unsigned char>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2])));
      i += 2;
    } else if (c == '/' && keep_raw_slash) {
      out.push_back('/');
    } else if (c == '+' && plus_as_space) {
      out += "%20";
    } else {
      AppendEncoded(out, static_cast<unsigned char>(c));
    }
  }
}

std::string Reencode(std::string_view raw, bool keep_raw_slash, bool plus_as_space) {
  std::string out;
  AppendReencoded(out, raw, keep_raw_slash, plus_as_space);
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Trims and collapses inner runs of spaces to one, as the canonical header value requires.
void AppendCanonicalValue(std::string& out, std::string_view value) {
  value = TrimWhitespace(value);
  // Most values have no run of spaces or tab: appended whole.
  bool plain = true;
  for (size_t i = 0; i < value.size() && plain; ++i) {
    plain = value[i] != '\t' && !(value[i] == ' ' && i + 1 < value.size() && IsSpace(value[i + 1]));
  }
  if (plain) {
    out += value;
    return;
  }
  bool in_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
}

Status Malformed(std::string message) {
  return Status(Code::kAuthorizationHeaderMalformed, std::move(message));
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  return Reencode(raw_path, /*keep_raw_slash=*/true, /*plus_as_space=*/false);
}

std::string CanonicalQuery(std::string_view raw_query, bool skip_signature) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view part = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string name = Reencode(part.substr(0, eq), false, true);
    std::string value =
        eq == std::string_view::npos ? std::string() : Reencode(part.substr(eq + 1), false, true);
    if (skip_signature && name == "X-Amz-Signature") continue;
    pairs.emplace_back(std::move(name), std::move(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

Result<std::string> CanonicalHeaders(const Headers& headers,
                                     const std::vector<std::string>& signed_headers) {
  std::string out;
  CAIRN_RETURN_IF_ERROR(AppendCanonicalHeaders(out, headers, signed_headers));
  return out;
}

Status AppendCanonicalHeaders(std::string& out, const Headers& headers,
                              const std::vector<std::string>& signed_headers) {
  for (const std::string& name : signed_headers) {
    out += name;
    out.push_back(':');
    bool found = false;
    for (const Headers::Field& field : headers.fields()) {
      // Both sides are lower-case (Headers stores names so, ParseSignedHeaders lowers them).
      if (field.first.size() != name.size() || !EqualsIgnoreCase(field.first, name)) continue;
      if (found) out.push_back(',');
      found = true;
      AppendCanonicalValue(out, field.second);
    }
    if (!found) {
      if (name != "expect") {
        return Status(Code::kSignatureDoesNotMatch, "signed header '" + name + "' is missing");
      }
      out += "100-continue";
    }
    out.push_back('\n');
  }
  return Status::Ok();
}

Status AppendCanonicalRequest(std::string& out, std::string_view method, std::string_view raw_path,
                              std::string_view raw_query, bool skip_signature,
                              const Headers& headers,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_hash) {
  out.append(method).push_back('\n');
  if (raw_path.empty()) {
    out.push_back('/');
  } else {
    AppendReencoded(out, raw_path, /*keep_raw_slash=*/true, /*plus_as_space=*/false);
  }
  out.push_back('\n');
  if (!raw_query.empty()) out += CanonicalQuery(raw_query, skip_signature);
  out.push_back('\n');
  CAIRN_RETURN_IF_ERROR(AppendCanonicalHeaders(out, headers, signed_headers));
  out.push_back('\n');
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out.push_back(';');
    out += signed_headers[i];
  }
  out.push_back('\n');
  out.append(payload_hash);
  return Status::Ok();
}

std::string JoinSignedHeaders(const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 8);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(canonical_headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string CredentialScope(std::string_view date8, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.append(date8).push_back('/');
  out.append(region).push_back('/');
  out.append(service).append("/aws4_request");
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kSigV4Algorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out += Sha256Hex(canonical_request);
  return out;
}

std::string DeriveSigningKey(std::string_view secret_key, std::string_view date8,
                             std::string_view region, std::string_view service) {
  std::string key = "AWS4";
  key.append(secret_key);
  key = HmacSha256(key, date8);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

std::string ChunkSignature(std::string_view signing_key, std::string_view amz_date,
                           std::string_view scope, std::string_view previous_signature,
                           std::string_view chunk_sha256_hex) {
  std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n";
  sts.append(amz_date).push_back('\n');
  sts.append(scope).push_back('\n');
  sts.append(previous_signature).push_back('\n');
  sts.append(kEmptySha256Hex).push_back('\n');
  sts.append(chunk_sha256_hex);
  return SignatureHex(signing_key, sts);
}

std::string TrailerSignature(std::string_view signing_key, std::string_view amz_date,
                             std::string_view scope, std::string_view previous_signature,
                             std::string_view canonical_trailers) {
  std::string sts = "AWS4-HMAC-SHA256-TRAILER\n";
  sts.append(amz_date).push_back('\n');
  sts.append(scope).push_back('\n');
  sts.append(previous_signature).push_back('\n');
  sts.append(Sha256Hex(canonical_trailers));
  return SignatureHex(signing_key, sts);
}

std::string ParsedCredential::Scope() const { return CredentialScope(date8, region, service); }

Result<ParsedCredential> ParseCredential(std::string_view credential) {
  // access-key/date/region/service/aws4_request; the key may contain '/' itself, so the scope is
  // taken from the right.
  std::array<std::string_view, 4> parts;
  for (int i = 0; i < 4; ++i) {
    size_t slash = credential.rfind('/');
    if (slash == std::string_view::npos) return Malformed("the Credential has too few parts");
    parts[static_cast<size_t>(i)] = credential.substr(slash + 1);
    credential = credential.substr(0, slash);
  }
  ParsedCredential out;
  out.access_key = std::string(credential);
  out.service = std::string(parts[1]);
  out.region = std::string(parts[2]);
  out.date8 = std::string(parts[3]);
  if (out.access_key.empty()) return Malformed("the Credential has no access key");
  if (parts[0] != "aws4_request") return Malformed("the Credential must end in aws4_request");
  if (out.date8.size() != 8 || !IsDigits(out.date8)) {
    return Malformed("the Credential date '" + out.date8 + "' is not YYYYMMDD");
  }
  if (out.service.empty()) return Malformed("the Credential has no service");
  return out;
}

Result<std::vector<std::string>> ParseSignedHeaders(std::string_view signed_headers) {
  std::vector<std::string> out;
  if (signed_headers.empty()) return Malformed("SignedHeaders is empty");
  out.reserve(static_cast<size_t>(std::count(signed_headers.begin(), signed_headers.end(), ';')) +
              1);
  while (true) {
    size_t semi = signed_headers.find(';');
    std::string_view name = signed_headers.substr(0, semi);
    if (name.empty()) return Malformed("SignedHeaders has an empty name");
    std::string& lower = out.emplace_back(name);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (semi == std::string_view::npos) break;
    signed_headers.remove_prefix(semi + 1);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<ParsedAuthorization> ParseAuthorization(std::string_view value) {
  value = TrimWhitespace(value);
  if (!value.starts_with(kSigV4Algorithm))
    return Malformed("the algorithm is not AWS4-HMAC-SHA256");
  value.remove_prefix(kSigV4Algorithm.size());
  if (value.empty() || !IsSpace(value.front())) return Malformed("no space after the algorithm");
  // AWS tolerates spaces anywhere between the parts; none may occur inside a value. Clients put
  // them only after the algorithm and the commas, so the header is used in place unless a part
  // has one inside (then a compacted copy is parsed).
  std::string compact;
  std::string_view rest = TrimWhitespace(value);
  for (size_t i = 0; i < rest.size(); ++i) {
    if (IsSpace(rest[i]) && i > 0 && rest[i - 1] != ',' && !IsSpace(rest[i - 1])) {
      compact.reserve(rest.size());
      for (char c : rest) {
        if (!IsSpace(c)) compact.push_back(c);
      }
      rest = compact;
      break;
    }
  }
  std::optional<std::string_view> credential, signed_headers, signature;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = TrimWhitespace(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (part.empty()) continue;  // "a,,b" or a trailing comma
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return Malformed("'" + std::string(part) + "' has no '='");
    std::string_view key = part.substr(0, eq);
    std::string_view v = part.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") slot = &credential;
    if (key == "SignedHeaders") slot = &signed_headers;
    if (key == "Signature") slot = &signature;
    if (slot == nullptr) return Malformed("unknown field '" + std::string(key) + "'");
    if (slot->has_value()) return Malformed("field '" + std::string(key) + "' given twice");
    *slot = v;
  }
  if (!credential) return Malformed("missing Credential");
  if (!signed_headers) return Malformed("missing SignedHeaders");
  if (!signature) return Malformed("missing Signature");
  ParsedAuthorization out;
  CAIRN_ASSIGN_OR_RETURN(out.credential, ParseCredential(*credential));
  CAIRN_ASSIGN_OR_RETURN(out.signed_headers, ParseSignedHeaders(*signed_headers));
  if (!IsSha256Hex(*signature)) return Malformed("the Signature is not 64 hex digits");
  out.signature = ToLower(*signature);
  return out;
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  // Branch-free per byte (it runs on the signature and the payload hash of every request).
  static constexpr auto kHexTable = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = true;
    for (int c = 'a'; c <= 'f'; ++c) t[c] = true;
    for (int c = 'A'; c <= 'F'; ++c) t[c] = true;
    return t;
  }();
  bool ok = true;
  for (char c : s) ok &= kHexTable[static_cast<unsigned char>(c)];
  return ok;
}

}  // namespace cairn::auth
