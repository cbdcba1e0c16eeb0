// AWS Signature Version 4 for S3: verification of the Authorization header (server) and signing
// (CLI, tests). One implementation of the canonical request serves both directions.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "common/byte_source.h"
#include "common/headers.h"
#include "common/status.h"
#include "common/time.h"

namespace cairn::auth {

// The parts of an HTTP request a signature covers, as received on the wire.
struct RequestView {
  std::string_view method;     // "GET"
  std::string_view raw_path;   // as sent, still percent-encoded: "/bucket/a%20b"
  std::string_view raw_query;  // as sent, without '?': "list-type=2&prefix=a%2F"
  const Headers* headers = nullptr;
  // Added (additive): for a virtual-host-style request ("bucket.s3.example.com/key"), the bucket
  // named by Host. Only SigV2 needs it: its CanonicalizedResource is "/bucket" + raw_path.
  std::string_view virtual_host_bucket = {};
};

// How the request body is protected, from x-amz-content-sha256.
enum class PayloadMode {
  kUnsigned,                  // UNSIGNED-PAYLOAD (or anonymous / presigned)
  kSha256,                    // hex SHA-256 of the whole body, checked as it streams
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

// Who sent a request, and what is needed to check its body.
struct Identity {
  bool anonymous = true;
  std::string access_key;
  PayloadMode payload = PayloadMode::kUnsigned;
  std::string payload_sha256_hex;  // for kSha256
  // For the streaming modes: the chain of chunk signatures starts from the request's signature.
  std::string signing_key;  // raw derived key
  std::string seed_signature;
  std::string amz_date;  // x-amz-date of the request
  std::string scope;     // date/region/s3/aws4_request
  // Added fields (additive to the original contract):
  bool presigned = false;  // authenticated by X-Amz-* query parameters
  std::string region;      // the region of the credential scope (see Verifier's `region`)
  // x-amz-decoded-content-length for the aws-chunked modes, when sent; VerifiedBody enforces it.
  std::optional<uint64_t> decoded_content_length;
  // Authenticated by legacy Signature Version 2 (header "AWS AK:sig" or AWSAccessKeyId/Signature/
  // Expires query). Such requests carry no payload signature: payload is always kUnsigned and
  // region, scope, signing_key and seed_signature are empty.
  bool signature_v2 = false;
};

class Verifier {
 public:
  // `region`: the only region a credential scope may name (AWS S3 answers any other with
  // AuthorizationHeaderMalformed, or AuthorizationQueryParametersError for a presigned URL);
  // empty accepts any region, as MinIO does without a configured region. A scope with an empty
  // region is accepted either way (MinIO's clients sign admin calls so).
  explicit Verifier(const CredentialLookup& credentials, std::string region = "")
      : credentials_(credentials), region_(std::move(region)) {}

  // Checks the request's signature: the Authorization header (SigV4 or SigV2), or the X-Amz-*
  // query (presigned SigV4) or the AWSAccessKeyId/Signature/Expires query (presigned SigV2). A
  // request with none of them is anonymous (Identity::anonymous). Errors:
  // kAuthorizationHeaderMalformed, kInvalidAccessKeyId, kSignatureDoesNotMatch,
  // kRequestTimeTooSkewed (more than 15 minutes from `now`), kMissingSecurityHeader,
  // kInvalidContentSha256, kAccessDenied / kExpiredPresignedRequest for presigned URLs.
  // Also: kInvalidArgumentS3 when more than one of the header and the query forms is used,
  // kAccessDenied for an anonymous request that claims a signed
  // streaming payload, kAuthorizationHeaderMalformed for bad X-Amz-* query parameters (S3's
  // AuthorizationQueryParametersError), kInvalidArgument for a bad x-amz-decoded-content-length.
  Result<Identity> Verify(const RequestView& request, TimePoint now) const;

  // The key lookup it verifies against (POST forms are verified from their fields with it).
  const CredentialLookup& credentials() const { return credentials_; }

 private:
  struct Check;
  Result<Identity> VerifyHeader(const RequestView& request, std::string_view authorization,
                                TimePoint now) const;
  Result<Identity> VerifyPresigned(const RequestView& request, TimePoint now) const;
  Result<Identity> CheckSignature(const Check& check) const;
  // Signature Version 2 (sigv2.cc); errors are listed in sigv2.h.
  Result<Identity> VerifyV2Header(const RequestView& request, std::string_view authorization,
                                  TimePoint now) const;
  Result<Identity> VerifyV2Query(const RequestView& request, TimePoint now) const;

  const CredentialLookup& credentials_;
  std::string region_;
};

// Wraps `body` so that it yields the payload the signature protects: for kSha256, the bytes as
// they are, failing with kContentSha256Mismatch at the end if they do not hash to the signed
// value; for the aws-chunked modes, the decoded bytes. `body` must outlive the result.
//
// aws-chunked errors (from Read): kSignatureDoesNotMatch for a wrong chunk or trailer signature
// (or a missing trailer signature), kIncompleteBody when the stream ends early or decodes to
// fewer bytes than x-amz-decoded-content-length, kInvalidRequest for malformed framing, a size
// line or trailer that is too long, or more data than x-amz-decoded-content-length. Memory is
// bounded (a fixed 64 KiB buffer) whatever the chunk size; decoded bytes of a chunk are handed
// out before its signature is checked at the chunk's end, so callers must commit only after
// Read() returned 0. trailers() holds the trailer fields (without x-amz-trailer-signature) once
// Read() has returned 0.
std::unique_ptr<ByteSource> VerifiedBody(ByteSource& body, const Identity& identity);

// The object size of an aws-chunked request, from x-amz-decoded-content-length:
// kMissingContentLength when absent, kInvalidArgument when not a decimal number.
Result<uint64_t> DecodedContentLength(const Headers& headers);

// Client side: adds x-amz-date, x-amz-content-sha256 and Authorization to `headers` (which
// must already hold Host). `payload_sha256_hex` may be "UNSIGNED-PAYLOAD".
struct SigningParams {
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string service = "s3";
};
// Every header present is signed except hop-by-hop and proxy-rewritten ones (as botocore:
// connection, expect, keep-alive, proxy-*, te, trailer, transfer-encoding, upgrade, user-agent,
// x-amzn-trace-id). `raw_path` and `raw_query` are sent as given and must already be encoded.
void SignRequest(const SigningParams& params, std::string_view method, std::string_view raw_path,
                 std::string_view raw_query, Headers& headers, std::string_view payload_sha256_hex,
                 TimePoint now);

// Client side, query-string signing (presigned URL, e.g. the CLI's `share`): returns `raw_query`
// (already encoded, may be empty) extended with the X-Amz-* parameters and X-Amz-Signature.
// Only Host is signed; the payload is UNSIGNED-PAYLOAD. `host` is the Host header value the
// client will send ("127.0.0.1:9000"). `expires` must be 1..604800 seconds.
std::string PresignQuery(const SigningParams& params, std::string_view method,
                         std::string_view host, std::string_view raw_path,
                         std::string_view raw_query, std::chrono::seconds expires, TimePoint now);
// `endpoint` is "http://host:port" (no trailing slash); returns endpoint + raw_path + "?" + query.
std::string PresignUrl(const SigningParams& params, std::string_view method,
                       std::string_view endpoint, std::string_view raw_path,
                       std::string_view raw_query, std::chrono::seconds expires, TimePoint now);

}  // namespace cairn::auth
