#include "auth/sigv4.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>
#include <vector>

#include "auth/canonical.h"
#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::auth {

namespace {

constexpr auto kMaxSkew = std::chrono::minutes(15);
constexpr int64_t kMaxPresignExpires = 7 * 24 * 3600;  // 604800 s, as S3

// Parses the request's date: x-amz-date (ISO 8601 basic), else Date (the same form, as MinIO
// accepts, or an HTTP date, as AWS accepts).
Result<TimePoint> RequestDate(const Headers& headers) {
  std::optional<std::string_view> text = headers.Get("x-amz-date");
  bool from_date_header = false;
  if (!text) {
    text = headers.Get("date");
    from_date_header = true;
  }
  if (!text) {
    return Status(Code::kMissingSecurityHeader,
                  "AWS authentication requires a valid Date or x-amz-date header");
  }
  std::string_view value = TrimWhitespace(*text);
  std::optional<TimePoint> t = ParseAmzDate(value);
  if (!t && from_date_header) t = ParseHttpDate(value);
  if (!t) {
    return Status(Code::kAuthorizationHeaderMalformed,
                  "the request date '" + std::string(value) + "' is not a valid date");
  }
  return *t;
}

std::string Skew(TimePoint a, TimePoint b) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(a - b).count();
  return std::to_string(secs < 0 ? -secs : secs);
}

// Maps x-amz-content-sha256 (or X-Amz-Content-Sha256) to the payload mode; for a hex digest the
// digest is stored lower-cased.
Status ApplyContentSha256(std::string_view value, bool allow_streaming, Identity& id) {
  if (value == kUnsignedPayload) {
    id.payload = PayloadMode::kUnsigned;
  } else if (IsSha256Hex(value)) {
    id.payload = PayloadMode::kSha256;
    id.payload_sha256_hex = ToLower(value);
  } else if (allow_streaming && value == kStreamingSignedPayload) {
    id.payload = PayloadMode::kStreamingSigned;
  } else if (allow_streaming && value == kStreamingSignedPayloadTrailer) {
    id.payload = PayloadMode::kStreamingSignedTrailer;
  } else if (allow_streaming && value == kStreamingUnsignedPayloadTrailer) {
    id.payload = PayloadMode::kStreamingUnsignedTrailer;
  } else {
    return Status(Code::kInvalidContentSha256,
                  "x-amz-content-sha256 '" + std::string(value) + "' is not a valid value");
  }
  return Status::Ok();
}

bool IsStreaming(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer ||
         mode == PayloadMode::kStreamingUnsignedTrailer;
}

// Content-Encoding lists codings separated by commas; aws-chunked may be one of several.
bool HasAwsChunkedEncoding(const Headers& headers) {
  std::optional<std::string> ce = headers.GetJoined("content-encoding");
  if (!ce) return false;
  std::string_view rest = *ce;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    if (EqualsIgnoreCase(TrimWhitespace(rest.substr(0, comma)), "aws-chunked")) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

Status ApplyDecodedLength(const Headers& headers, Identity& id) {
  if (!IsStreaming(id.payload) || !headers.Has("x-amz-decoded-content-length")) {
    return Status::Ok();
  }
  CAIRN_ASSIGN_OR_RETURN(uint64_t length, DecodedContentLength(headers));
  id.decoded_content_length = length;
  return Status::Ok();
}

// The first value of each X-Amz-* query parameter the presigned form uses (decoded).
struct PresignQueryFields {
  std::optional<std::string> algorithm, credential, date, expires, signed_headers, signature,
      content_sha256;
};

Result<PresignQueryFields> ReadPresignFields(std::string_view raw_query) {
  std::optional<std::vector<std::pair<std::string, std::string>>> pairs = ParseQuery(raw_query);
  if (!pairs) {
    return Status(Code::kAuthorizationHeaderMalformed, "the query string has a malformed escape");
  }
  PresignQueryFields f;
  for (auto& [name, value] : *pairs) {
    std::optional<std::string>* slot = nullptr;
    if (name == "X-Amz-Algorithm") slot = &f.algorithm;
    if (name == "X-Amz-Credential") slot = &f.credential;
    if (name == "X-Amz-Date") slot = &f.date;
    if (name == "X-Amz-Expires") slot = &f.expires;
    if (name == "X-Amz-SignedHeaders") slot = &f.signed_headers;
    if (name == "X-Amz-Signature") slot = &f.signature;
    if (name == "X-Amz-Content-Sha256") slot = &f.content_sha256;
    if (slot != nullptr && !slot->has_value()) *slot = std::move(value);
  }
  return f;
}

bool QueryHasParam(std::string_view raw_query, std::string_view name) {
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view part = raw_query.substr(0, amp);
    if (part.substr(0, part.find('=')) == name) return true;
    if (amp == std::string_view::npos) break;
    raw_query.remove_prefix(amp + 1);
  }
  return false;
}

Status QueryError(std::string message) {
  return Status(Code::kAuthorizationQueryParametersError, std::move(message));
}

const char* const kUnsignableHeaders[] = {
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

// A derived key changes once a day per (secret, region); caching a few per thread saves the four
// HMACs of DeriveSigningKey, about 40% of a verification, without a lock. Keyed by the secret
// itself, so a changed secret never meets a stale key.
std::string CachedSigningKey(std::string_view secret, std::string_view date8,
                             std::string_view region) {
  struct Entry {
    std::string secret, date8, region, key;
  };
  thread_local std::array<Entry, 4> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (!e.key.empty() && e.date8 == date8 && e.region == region && e.secret == secret) {
      return e.key;
    }
  }
  Entry& e = cache[next++ % cache.size()];
  e.secret = std::string(secret);
  e.date8 = std::string(date8);
  e.region = std::string(region);
  e.key = DeriveSigningKey(secret, date8, region, "s3");
  return e.key;
}

bool IsUnsignable(std::string_view name) {
  return std::any_of(std::begin(kUnsignableHeaders), std::end(kUnsignableHeaders),
                     [&](const char* h) { return name == h; });
}

}  // namespace

// The verification both forms share once their fields are parsed: scope checks, key lookup,
// canonical request, constant-time comparison.
struct Verifier::Check {
  const RequestView& request;
  const ParsedCredential& credential;
  const std::vector<std::string>& signed_headers;
  std::string_view signature;
  std::string_view payload_hash;  // the canonical request's last line
  TimePoint date;
  bool presigned;
};

Result<Identity> Verifier::CheckSignature(const Check& c) const {
  // A bad scope is the header's fault in the header form and the query's in a presigned URL.
  auto malformed = [&](std::string message) {
    return c.presigned ? QueryError(std::move(message))
                       : Status(Code::kAuthorizationHeaderMalformed, std::move(message));
  };
  std::string amz_date = FormatAmzDate(c.date);
  if (c.credential.date8 != std::string_view(amz_date).substr(0, 8)) {
    return malformed("the credential date " + c.credential.date8 + " is not the request's date " +
                     amz_date.substr(0, 8));
  }
  // An empty region in the scope is accepted as MinIO accepts it: madmin-go and mc sign admin
  // calls (and some S3 calls) as AKID/date//s3/aws4_request. One that is named must match.
  if (!region_.empty() && !c.credential.region.empty() && c.credential.region != region_) {
    std::string message =
        "the region '" + c.credential.region + "' is wrong; expecting '" + region_ + "'";
    if (c.presigned) return QueryError("Error parsing the X-Amz-Credential parameter; " + message);
    return Status(Code::kAuthorizationHeaderMalformed,
                  "The authorization header is malformed; " + message);
  }
  if (c.credential.service != "s3") {
    return malformed("the credential service '" + c.credential.service + "' is not s3");
  }
  if (!std::binary_search(c.signed_headers.begin(), c.signed_headers.end(), "host")) {
    return malformed("the host header must be signed");
  }
  CAIRN_ASSIGN_OR_RETURN(Credentials creds, credentials_.Lookup(c.credential.access_key));
  thread_local std::string canonical;  // reused: no allocation once it has grown
  canonical.clear();
  CAIRN_RETURN_IF_ERROR(AppendCanonicalRequest(canonical, c.request.method, c.request.raw_path,
                                               c.request.raw_query, c.presigned, *c.request.headers,
                                               c.signed_headers, c.payload_hash));
  std::string scope = c.credential.Scope();
  std::string key = CachedSigningKey(creds.secret_key, c.credential.date8, c.credential.region);
  std::string expected = SignatureHex(key, StringToSign(amz_date, scope, canonical));
  if (!ConstantTimeEquals(expected, c.signature)) {
    return Status(Code::kSignatureDoesNotMatch,
                  "The request signature we calculated does not match the signature you provided. "
                  "Check your key and signing method.");
  }
  Identity id;
  id.anonymous = false;
  id.presigned = c.presigned;
  id.access_key = c.credential.access_key;
  id.region = c.credential.region;
  id.signing_key = std::move(key);
  id.seed_signature = std::move(expected);
  id.amz_date = std::move(amz_date);
  id.scope = std::move(scope);
  return id;
}

Result<Identity> Verifier::Verify(const RequestView& request, TimePoint now) const {
  static const Headers kNoHeaders;
  RequestView req = request;
  if (req.headers == nullptr) req.headers = &kNoHeaders;
  const Headers& headers = *req.headers;

  std::optional<std::string_view> authorization = headers.Get("authorization");
  bool presigned = QueryHasParam(req.raw_query, "X-Amz-Signature") ||
                   QueryHasParam(req.raw_query, "X-Amz-Credential") ||
                   QueryHasParam(req.raw_query, "X-Amz-Algorithm");
  bool presigned_v2 =
      QueryHasParam(req.raw_query, "AWSAccessKeyId") || QueryHasParam(req.raw_query, "Signature");
  if (int(authorization.has_value()) + int(presigned) + int(presigned_v2) > 1) {
    return Status(Code::kInvalidArgumentS3,
                  "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                  "Signature query string parameter or the Authorization header should be "
                  "specified");
  }
  if (authorization) {
    if (StartsWithIgnoreCase(TrimWhitespace(*authorization), "AWS ")) {
      return VerifyV2Header(req, *authorization, now);
    }
    return VerifyHeader(req, *authorization, now);
  }
  if (presigned) return VerifyPresigned(req, now);
  if (presigned_v2) return VerifyV2Query(req, now);

  // Anonymous. The body may still be aws-chunked: boto3 without credentials sends
  // Content-Encoding: aws-chunked with a trailing checksum and no x-amz-content-sha256.
  Identity id;
  std::optional<std::string_view> sha = headers.Get("x-amz-content-sha256");
  if (sha) {
    std::string_view v = TrimWhitespace(*sha);
    if (v == kStreamingSignedPayload || v == kStreamingSignedPayloadTrailer) {
      return Status(Code::kAccessDenied, "a signed payload needs a signed request");
    }
    CAIRN_RETURN_IF_ERROR(ApplyContentSha256(v, /*allow_streaming=*/true, id));
  } else if (HasAwsChunkedEncoding(headers)) {
    id.payload = PayloadMode::kStreamingUnsignedTrailer;
  }
  CAIRN_RETURN_IF_ERROR(ApplyDecodedLength(headers, id));
  return id;
}

Result<Identity> Verifier::VerifyHeader(const RequestView& req, std::string_view authorization,
                                        TimePoint now) const {
  const Headers& headers = *req.headers;
  CAIRN_ASSIGN_OR_RETURN(ParsedAuthorization auth, ParseAuthorization(authorization));
  CAIRN_ASSIGN_OR_RETURN(TimePoint date, RequestDate(headers));
  if (date > now + kMaxSkew || date < now - kMaxSkew) {
    return Status(Code::kRequestTimeTooSkewed,
                  "The difference between the request time and the server's time is too large (" +
                      Skew(date, now) + " s)");
  }
  // MinIO signs a missing x-amz-content-sha256 as the empty body's hash; so do we, and then hold
  // the body to it (MinIO does not check the body in that case; a body that the signature does
  // not cover is refused here).
  Identity mode;
  std::optional<std::string_view> sha = headers.Get("x-amz-content-sha256");
  std::string payload_hash(sha ? TrimWhitespace(*sha) : kEmptySha256Hex);
  CAIRN_RETURN_IF_ERROR(ApplyContentSha256(payload_hash, /*allow_streaming=*/true, mode));

  CAIRN_ASSIGN_OR_RETURN(
      Identity id, CheckSignature(Check{req, auth.credential, auth.signed_headers, auth.signature,
                                        payload_hash, date, false}));
  id.payload = mode.payload;
  id.payload_sha256_hex = std::move(mode.payload_sha256_hex);
  CAIRN_RETURN_IF_ERROR(ApplyDecodedLength(headers, id));
  return id;
}

Result<Identity> Verifier::VerifyPresigned(const RequestView& req, TimePoint now) const {
  CAIRN_ASSIGN_OR_RETURN(PresignQueryFields f, ReadPresignFields(req.raw_query));
  if (!f.algorithm || !f.credential || !f.date || !f.expires || !f.signed_headers || !f.signature) {
    return QueryError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (*f.algorithm != kSigV4Algorithm) {
    return QueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  CAIRN_ASSIGN_OR_RETURN(ParsedCredential credential, ParseCredential(*f.credential));
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> signed_headers,
                         ParseSignedHeaders(*f.signed_headers));
  if (!IsSha256Hex(*f.signature)) return QueryError("X-Amz-Signature is not 64 hex digits");
  std::optional<TimePoint> date = ParseAmzDate(*f.date);
  if (!date)
    return QueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  int64_t expires = -1;
  const std::string& e = *f.expires;
  auto [end, ec] = std::from_chars(e.data(), e.data() + e.size(), expires);
  if (ec != std::errc() || end != e.data() + e.size() || e.empty()) {
    return QueryError("X-Amz-Expires should be a number");
  }
  if (expires < 1) return QueryError("X-Amz-Expires must be non-negative and at least 1");
  if (expires > kMaxPresignExpires) {
    return QueryError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  if (*date > now + kMaxSkew) {
    return Status(Code::kRequestTimeTooSkewed, "Request is not valid yet (X-Amz-Date is " +
                                                   Skew(*date, now) + " s in the future)");
  }
  if (now > *date + std::chrono::seconds(expires)) {
    return Status(Code::kExpiredPresignedRequest, "Request has expired");
  }

  Identity mode;
  std::string payload_hash(kUnsignedPayload);
  if (f.content_sha256) {
    payload_hash = *f.content_sha256;
    CAIRN_RETURN_IF_ERROR(ApplyContentSha256(payload_hash, /*allow_streaming=*/false, mode));
  }
  std::string signature = ToLower(*f.signature);
  CAIRN_ASSIGN_OR_RETURN(Identity id, CheckSignature(Check{req, credential, signed_headers,
                                                           signature, payload_hash, *date, true}));
  id.payload = mode.payload;
  id.payload_sha256_hex = std::move(mode.payload_sha256_hex);
  return id;
}

Result<uint64_t> DecodedContentLength(const Headers& headers) {
  std::optional<std::string_view> v = headers.Get("x-amz-decoded-content-length");
  if (!v) {
    return Status(Code::kMissingContentLength,
                  "aws-chunked uploads need the x-amz-decoded-content-length header");
  }
  std::string_view s = TrimWhitespace(*v);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Status(Code::kInvalidArgument,
                  "x-amz-decoded-content-length '" + std::string(s) + "' is not a number");
  }
  return n;
}

namespace {

// Signs with the signed-header list taken from `headers` (all signable ones) and returns the
// signature; `amz_date` is the request time in ISO 8601 basic form.
struct ClientSignature {
  std::string signed_headers;
  std::string signature;
  std::string scope;
};

ClientSignature ClientSign(const SigningParams& params, std::string_view method,
                           std::string_view raw_path, std::string_view canonical_query,
                           const Headers& headers, std::string_view payload_hash,
                           std::string_view amz_date) {
  std::vector<std::string> names;
  for (const Headers::Field& f : headers.fields()) {
    if (!IsUnsignable(f.first)) names.push_back(f.first);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  // Every name comes from `headers`, so canonicalisation cannot fail.
  std::string canonical_headers = CanonicalHeaders(headers, names).value();
  ClientSignature out;
  out.signed_headers = JoinSignedHeaders(names);
  std::string canonical = CanonicalRequest(method, CanonicalUri(raw_path), canonical_query,
                                           canonical_headers, out.signed_headers, payload_hash);
  std::string date8(amz_date.substr(0, 8));
  out.scope = CredentialScope(date8, params.region, params.service);
  std::string key = DeriveSigningKey(params.secret_key, date8, params.region, params.service);
  out.signature = SignatureHex(key, StringToSign(amz_date, out.scope, canonical));
  return out;
}

}  // namespace

void SignRequest(const SigningParams& params, std::string_view method, std::string_view raw_path,
                 std::string_view raw_query, Headers& headers, std::string_view payload_sha256_hex,
                 TimePoint now) {
  std::string amz_date = FormatAmzDate(now);
  headers.Remove("authorization");
  headers.Set("x-amz-date", amz_date);
  headers.Set("x-amz-content-sha256", payload_sha256_hex);
  ClientSignature sig = ClientSign(params, method, raw_path, CanonicalQuery(raw_query, false),
                                   headers, payload_sha256_hex, amz_date);
  headers.Add("authorization", std::string(kSigV4Algorithm) + " Credential=" + params.access_key +
                                   "/" + sig.scope + ", SignedHeaders=" + sig.signed_headers +
                                   ", Signature=" + sig.signature);
}

std::string PresignQuery(const SigningParams& params, std::string_view method,
                         std::string_view host, std::string_view raw_path,
                         std::string_view raw_query, std::chrono::seconds expires, TimePoint now) {
  std::string amz_date = FormatAmzDate(now);
  std::string scope = CredentialScope(amz_date.substr(0, 8), params.region, params.service);
  std::string query(raw_query);
  auto add = [&query](std::string_view name, std::string_view value) {
    if (!query.empty()) query.push_back('&');
    query.append(name).push_back('=');
    query += UriEncode(value, /*keep_slash=*/false);
  };
  add("X-Amz-Algorithm", kSigV4Algorithm);
  add("X-Amz-Credential", params.access_key + "/" + scope);
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires.count()));
  add("X-Amz-SignedHeaders", "host");
  Headers headers;
  headers.Add("host", host);
  ClientSignature sig = ClientSign(params, method, raw_path, CanonicalQuery(query, false), headers,
                                   kUnsignedPayload, amz_date);
  add("X-Amz-Signature", sig.signature);
  return query;
}

std::string PresignUrl(const SigningParams& params, std::string_view method,
                       std::string_view endpoint, std::string_view raw_path,
                       std::string_view raw_query, std::chrono::seconds expires, TimePoint now) {
  std::string_view host = endpoint;
  if (size_t scheme = host.find("://"); scheme != std::string_view::npos) {
    host.remove_prefix(scheme + 3);
  }
  host = host.substr(0, host.find('/'));
  std::string url(endpoint);
  url.append(raw_path).push_back('?');
  url += PresignQuery(params, method, host, raw_path, raw_query, expires, now);
  return url;
}

}  // namespace cairn::auth
