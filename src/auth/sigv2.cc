#include "auth/sigv2.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::auth {

namespace {

constexpr auto kMaxSkew = std::chrono::minutes(15);

// The sub-resources botocore's HmacV1Auth signs (a superset of the AWS documentation's list).
constexpr std::string_view kBotocoreSubresources[] = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

// The sub-resources MinIO (server and minio-go) signs.
constexpr std::string_view kMinioSubresources[] = {
    "acl",
    "cors",
    "delete",
    "encryption",
    "legal-hold",
    "lifecycle",
    "location",
    "logging",
    "notification",
    "partNumber",
    "policy",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "retention",
    "select",
    "select-type",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

enum class SubresourceStyle { kBotocore, kMinio };

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

std::string ResourceFor(SubresourceStyle style, std::string_view bucket, std::string_view raw_path,
                        std::string_view raw_query) {
  std::string out;
  if (!bucket.empty()) out.append("/").append(bucket);
  out.append(raw_path);
  struct Sub {
    std::string name;
    std::string value;
    bool has_value;
  };
  std::vector<Sub> subs;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view part = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    bool counts = style == SubresourceStyle::kBotocore ? Contains(kBotocoreSubresources, name)
                                                       : Contains(kMinioSubresources, name);
    if (!counts) continue;
    Sub s{std::string(name), "", eq != std::string_view::npos};
    if (s.has_value) {
      std::string_view raw = part.substr(eq + 1);
      // botocore unquotes without '+' handling; MinIO with Go's QueryUnescape ('+' is a space).
      std::optional<std::string> v =
          UriDecode(raw, /*plus_as_space=*/style == SubresourceStyle::kMinio);
      s.value = v ? std::move(*v) : std::string(raw);
    }
    subs.push_back(std::move(s));
  }
  std::stable_sort(subs.begin(), subs.end(),
                   [](const Sub& a, const Sub& b) { return a.name < b.name; });
  for (size_t i = 0; i < subs.size(); ++i) {
    out.push_back(i == 0 ? '?' : '&');
    out += subs[i].name;
    bool with_value =
        style == SubresourceStyle::kBotocore ? subs[i].has_value : !subs[i].value.empty();
    if (with_value) out.append("=").append(subs[i].value);
  }
  return out;
}

std::string AmzHeaders(const Headers& headers, bool skip_amz_date) {
  std::map<std::string, std::string> joined;
  for (const auto& [name, value] : headers.fields()) {
    std::string lower = ToLower(name);
    if (lower.rfind("x-amz-", 0) != 0) continue;
    if (skip_amz_date && lower == "x-amz-date") continue;
    auto [it, inserted] = joined.try_emplace(std::move(lower));
    if (!inserted) it->second.push_back(',');
    it->second.append(TrimWhitespace(value));
  }
  std::string out;
  for (const auto& [name, value] : joined) out.append(name).append(":").append(value).append("\n");
  return out;
}

std::string_view HeaderValue(const Headers& headers, std::string_view name) {
  std::optional<std::string_view> v = headers.Get(name);
  return v ? TrimWhitespace(*v) : std::string_view();
}

std::string Assemble(std::string_view method, const Headers& headers, std::string_view date,
                     std::string_view amz_headers, std::string_view resource) {
  std::string s;
  s.append(method).push_back('\n');
  s.append(HeaderValue(headers, "content-md5")).push_back('\n');
  s.append(HeaderValue(headers, "content-type")).push_back('\n');
  s.append(date).push_back('\n');
  s.append(amz_headers).append(resource);
  return s;
}

// The request date of the header form: an RFC 2616 date (with "GMT" or a numeric "+hhmm" zone,
// as the AWS examples use), or the ISO 8601 basic form that MinIO also accepts.
std::optional<TimePoint> ParseV2Date(std::string_view s) {
  s = TrimWhitespace(s);
  if (s.size() > 6 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-') &&
      s[s.size() - 6] == ' ') {
    std::string_view zone = s.substr(s.size() - 4);
    int hhmm = 0;
    auto [end, ec] = std::from_chars(zone.data(), zone.data() + zone.size(), hhmm);
    if (ec != std::errc() || end != zone.data() + zone.size()) return std::nullopt;
    std::optional<TimePoint> t = ParseHttpDate(std::string(s.substr(0, s.size() - 5)) + "GMT");
    if (!t) return std::nullopt;
    auto offset = std::chrono::hours(hhmm / 100) + std::chrono::minutes(hhmm % 100);
    return s[s.size() - 5] == '+' ? *t - offset : *t + offset;
  }
  if (std::optional<TimePoint> t = ParseHttpDate(s)) return t;
  return ParseAmzDate(s);
}

std::string Skew(TimePoint a, TimePoint b) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(a - b).count();
  return std::to_string(secs < 0 ? -secs : secs);
}

Status Mismatch() {
  return Status(Code::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.");
}

// True when `signature` matches any of the candidate strings to sign.
bool AnyMatches(std::string_view secret, const std::vector<std::string>& candidates,
                std::string_view signature) {
  bool match = false;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (std::find(candidates.begin(), candidates.begin() + i, candidates[i]) !=
        candidates.begin() + i) {
      continue;  // the same string as an earlier candidate
    }
    match |= ConstantTimeEquals(SignatureV2(secret, candidates[i]), signature);
  }
  return match;
}

// The CanonicalizedResource forms a client may have signed: each sub-resource style, and for a
// path-style bucket request ("/bucket") also "/bucket/", which botocore signs (its authPath for a
// bucket-only URI ends in '/', as S3 requires).
std::vector<std::string> Resources(const RequestView& req) {
  std::vector<std::string> out;
  std::string_view path = req.raw_path;
  bool bucket_only = req.virtual_host_bucket.empty() && path.size() > 1 &&
                     path.find('/', 1) == std::string_view::npos;
  std::string slashed = std::string(path) + "/";
  for (SubresourceStyle style : {SubresourceStyle::kBotocore, SubresourceStyle::kMinio}) {
    out.push_back(ResourceFor(style, req.virtual_host_bucket, path, req.raw_query));
    if (bucket_only) {
      out.push_back(ResourceFor(style, req.virtual_host_bucket, slashed, req.raw_query));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Identity V2Identity(std::string access_key, bool presigned) {
  Identity id;
  id.anonymous = false;
  id.access_key = std::move(access_key);
  id.payload = PayloadMode::kUnsigned;
  id.presigned = presigned;
  id.signature_v2 = true;
  return id;
}

}  // namespace

std::string SignatureV2(std::string_view secret_key, std::string_view string_to_sign) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), secret_key.data(), static_cast<int>(secret_key.size()),
       reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(), out,
       &len);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string CanonicalAmzHeadersV2(const Headers& headers) {
  return AmzHeaders(headers, /*skip_amz_date=*/false);
}

std::string CanonicalResourceV2(std::string_view virtual_host_bucket, std::string_view raw_path,
                                std::string_view raw_query) {
  return ResourceFor(SubresourceStyle::kBotocore, virtual_host_bucket, raw_path, raw_query);
}

std::string StringToSignV2(std::string_view method, const Headers& headers, std::string_view date,
                           std::string_view virtual_host_bucket, std::string_view raw_path,
                           std::string_view raw_query) {
  return Assemble(method, headers, date, CanonicalAmzHeadersV2(headers),
                  CanonicalResourceV2(virtual_host_bucket, raw_path, raw_query));
}

Result<Identity> Verifier::VerifyV2Header(const RequestView& req, std::string_view authorization,
                                          TimePoint now) const {
  const Headers& headers = *req.headers;
  // "AWS AKID:signature"; the access key may not contain ':', the signature is base64.
  std::string_view value = TrimWhitespace(authorization).substr(4);
  value = TrimWhitespace(value);
  size_t colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size()) {
    return Status(Code::kAuthorizationHeaderMalformed,
                  "the Authorization header must be \"AWS AWSAccessKeyId:Signature\"");
  }
  std::string access_key(value.substr(0, colon));
  std::string_view signature = value.substr(colon + 1);

  std::optional<std::string_view> amz_date = headers.Get("x-amz-date");
  std::optional<std::string_view> date = headers.Get("date");
  std::optional<std::string_view> stamp = amz_date ? amz_date : date;
  // A missing, empty or unparsable date is 403 AccessDenied with this message, as AWS answers
  // a V2 request (MinIO answers 400 MissingSecurityHeader; clients only see "denied" either way).
  std::optional<TimePoint> t = stamp ? ParseV2Date(*stamp) : std::nullopt;
  if (!t) {
    return Status(Code::kAccessDenied,
                  "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (*t > now + kMaxSkew || *t < now - kMaxSkew) {
    return Status(Code::kRequestTimeTooSkewed,
                  "The difference between the request time and the server's time is too large (" +
                      Skew(*t, now) + " s)");
  }
  CAIRN_ASSIGN_OR_RETURN(Credentials creds, credentials_.Lookup(access_key));

  std::vector<std::string> candidates;
  std::string amz = AmzHeaders(headers, false);
  for (const std::string& resource : Resources(req)) {
    if (!amz_date) {
      candidates.push_back(
          Assemble(req.method, headers, date ? TrimWhitespace(*date) : "", amz, resource));
      continue;
    }
    candidates.push_back(Assemble(req.method, headers, "", amz, resource));
    if (date) {
      candidates.push_back(Assemble(req.method, headers, TrimWhitespace(*date), amz, resource));
    }
    candidates.push_back(Assemble(req.method, headers, TrimWhitespace(*amz_date),
                                  AmzHeaders(headers, true), resource));
  }
  if (!AnyMatches(creds.secret_key, candidates, signature)) return Mismatch();
  return V2Identity(std::move(access_key), /*presigned=*/false);
}

Result<Identity> Verifier::VerifyV2Query(const RequestView& req, TimePoint now) const {
  std::optional<std::vector<std::pair<std::string, std::string>>> pairs = ParseQuery(req.raw_query);
  if (!pairs) {
    return Status(Code::kAuthorizationHeaderMalformed, "the query string has a malformed escape");
  }
  std::optional<std::string> access_key, signature, expires;
  // botocore's HmacV1QueryAuth moves Content-Type, Content-MD5 and x-amz-* headers into the query
  // after signing them as headers; they count as headers here when not also sent as such.
  Headers headers = *req.headers;
  for (auto& [name, value] : *pairs) {
    std::optional<std::string>* slot = nullptr;
    if (name == "AWSAccessKeyId") slot = &access_key;
    if (name == "Signature") slot = &signature;
    if (name == "Expires") slot = &expires;
    if (slot != nullptr) {
      if (!slot->has_value()) *slot = value;
      continue;
    }
    std::string lower = ToLower(name);
    if ((lower.rfind("x-amz-", 0) == 0 || lower == "content-type" || lower == "content-md5") &&
        !req.headers->Has(lower)) {
      headers.Add(lower, value);
    }
  }
  if (!access_key || !signature || !expires || access_key->empty() || signature->empty()) {
    return Status(Code::kAuthorizationHeaderMalformed,
                  "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
                  "parameters");
  }
  int64_t expires_at = 0;
  const std::string& e = *expires;
  auto [end, ec] = std::from_chars(e.data(), e.data() + e.size(), expires_at);
  if (e.empty() || ec != std::errc() || end != e.data() + e.size()) {
    return Status(Code::kAuthorizationHeaderMalformed,
                  "Invalid date (should be seconds since epoch): " + e);
  }
  if (ToUnixNanos(now) / 1'000'000'000 > expires_at) {
    return Status(Code::kExpiredPresignedRequest, "Request has expired");
  }
  CAIRN_ASSIGN_OR_RETURN(Credentials creds, credentials_.Lookup(*access_key));
  // A '+' of the base64 signature sent unescaped has been decoded to a space.
  std::replace(signature->begin(), signature->end(), ' ', '+');
  std::vector<std::string> candidates;
  std::string amz = AmzHeaders(headers, false);
  for (const std::string& resource : Resources(req)) {
    candidates.push_back(Assemble(req.method, headers, e, amz, resource));
  }
  if (!AnyMatches(creds.secret_key, candidates, *signature)) return Mismatch();
  return V2Identity(std::move(*access_key), /*presigned=*/true);
}

void SignRequestV2(const SigningParams& params, std::string_view method, std::string_view raw_path,
                   std::string_view raw_query, Headers& headers, TimePoint now,
                   std::string_view virtual_host_bucket) {
  headers.Remove("authorization");
  std::string date = FormatHttpDate(now);
  headers.Set("date", date);
  std::string sts = StringToSignV2(method, headers, headers.Has("x-amz-date") ? "" : date,
                                   virtual_host_bucket, raw_path, raw_query);
  headers.Add("authorization",
              "AWS " + params.access_key + ":" + SignatureV2(params.secret_key, sts));
}

std::string PresignQueryV2(const SigningParams& params, std::string_view method,
                           std::string_view raw_path, std::string_view raw_query,
                           std::chrono::seconds expires, TimePoint now,
                           std::string_view virtual_host_bucket) {
  std::string expires_at = std::to_string(ToUnixNanos(now) / 1'000'000'000 + expires.count());
  std::string sts =
      StringToSignV2(method, Headers(), expires_at, virtual_host_bucket, raw_path, raw_query);
  std::string query(raw_query);
  if (!query.empty()) query.push_back('&');
  query += "AWSAccessKeyId=" + UriEncode(params.access_key, false) + "&Expires=" + expires_at +
           "&Signature=" + UriEncode(SignatureV2(params.secret_key, sts), false);
  return query;
}

std::string PresignUrlV2(const SigningParams& params, std::string_view method,
                         std::string_view endpoint, std::string_view raw_path,
                         std::string_view raw_query, std::chrono::seconds expires, TimePoint now) {
  std::string url(endpoint);
  url.append(raw_path).push_back('?');
  url += PresignQueryV2(params, method, raw_path, raw_query, expires, now);
  return url;
}

}  // namespace cairn::auth
