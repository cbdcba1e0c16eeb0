// The pieces of AWS Signature Version 4 shared by verification (server), signing (CLI, tests) and
// the aws-chunked decoder: canonical request, string to sign, key derivation, chunk signatures.
// Each function is pure, so the published test vectors can check them one by one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/headers.h"
#include "common/status.h"

namespace cairn::auth {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// S3's canonical URI: the path as sent, not normalised (S3 keeps "/a/../b" and "//x"), with its
// percent-encoding made canonical: every byte outside A-Z a-z 0-9 - _ . ~ / is %XX-encoded with
// upper-case hex, valid escapes are decoded and re-encoded (so "%7e" becomes "~" and a raw space
// becomes "%20"), and an escaped slash "%2F" stays escaped. Never fails: a stray '%' becomes "%25".
std::string CanonicalUri(std::string_view raw_path);

// The canonical query string: each name and value decoded ('+' is a space) and re-encoded, the
// pairs sorted by encoded name then value, "name=" for a name without value. With
// `skip_signature`, X-Amz-Signature is left out (presigned URLs).
std::string CanonicalQuery(std::string_view raw_query, bool skip_signature);

// "name:value\n" for each of `signed_headers` (lower-case, sorted): values trimmed, inner runs of
// spaces collapsed, repeated fields joined with ','. kSignatureDoesNotMatch when a signed header
// is absent (except "expect", which HTTP servers consume: "100-continue" is assumed).
Result<std::string> CanonicalHeaders(const Headers& headers,
                                     const std::vector<std::string>& signed_headers);

// CanonicalHeaders appended to `out` (which is left partly written on an error).
Status AppendCanonicalHeaders(std::string& out, const Headers& headers,
                              const std::vector<std::string>& signed_headers);

// The whole canonical request, appended to `out`: the same text as
// CanonicalRequest(method, CanonicalUri(raw_path), CanonicalQuery(raw_query, skip_signature),
// CanonicalHeaders(...), JoinSignedHeaders(...), payload_hash), built in place (the verifier
// reuses one buffer per thread instead of six temporaries).
Status AppendCanonicalRequest(std::string& out, std::string_view method, std::string_view raw_path,
                              std::string_view raw_query, bool skip_signature,
                              const Headers& headers,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_hash);

// "host;x-amz-date": the signed-header names joined with ';'.
std::string JoinSignedHeaders(const std::vector<std::string>& signed_headers);

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash);

// "20130524/us-east-1/s3/aws4_request".
std::string CredentialScope(std::string_view date8, std::string_view region,
                            std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// The raw 32-byte key: HMAC chain over "AWS4"+secret, date, region, service, "aws4_request".
std::string DeriveSigningKey(std::string_view secret_key, std::string_view date8,
                             std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256 of `string_to_sign` under `signing_key`.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

// The signature of one aws-chunked chunk, chained from `previous_signature` (the seed signature
// for the first chunk): string to sign "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<prev>\n
// <sha256("")>\n<chunk_sha256_hex>".
std::string ChunkSignature(std::string_view signing_key, std::string_view amz_date,
                           std::string_view scope, std::string_view previous_signature,
                           std::string_view chunk_sha256_hex);

// The signature of the trailer of STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, chained from the
// final (empty) chunk's signature. `canonical_trailers` is "name:value\n" per trailer field.
std::string TrailerSignature(std::string_view signing_key, std::string_view amz_date,
                             std::string_view scope, std::string_view previous_signature,
                             std::string_view canonical_trailers);

// The fields of "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<64 hex>".
struct ParsedCredential {
  std::string access_key;  // may itself contain '/'
  std::string date8;
  std::string region;
  std::string service;
  std::string Scope() const;
};
struct ParsedAuthorization {
  ParsedCredential credential;
  std::vector<std::string> signed_headers;  // lower-case, sorted, unique
  std::string signature;                    // lower-case hex
};

// Parses "AK/20130524/us-east-1/s3/aws4_request"; kAuthorizationHeaderMalformed on any deviation.
Result<ParsedCredential> ParseCredential(std::string_view credential);
// Parses "host;range;x-amz-date"; kAuthorizationHeaderMalformed when empty or with empty names.
Result<std::vector<std::string>> ParseSignedHeaders(std::string_view signed_headers);
// Parses an Authorization header value as AWS does: spaces around and between the three
// comma-separated parts are optional. kAuthorizationHeaderMalformed on any deviation.
Result<ParsedAuthorization> ParseAuthorization(std::string_view value);

// True for exactly 64 hex digits (either case).
bool IsSha256Hex(std::string_view s);

}  // namespace cairn::auth
