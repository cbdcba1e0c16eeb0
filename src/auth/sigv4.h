// AWS Signature Version 4 for S3: verification of the Authorization header (server) and signing
// (CLI, tests). One implementation of the canonical request serves both directions.
#pragma once

#include <memory>
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
  std::string amz_date;     // x-amz-date of the request
  std::string scope;        // date/region/s3/aws4_request
};

class Verifier {
 public:
  explicit Verifier(const CredentialLookup& credentials) : credentials_(credentials) {}

  // Checks the request's signature: the Authorization header (SigV4), or the X-Amz-* query
  // (presigned). A request with neither is anonymous (Identity::anonymous). Errors:
  // kAuthorizationHeaderMalformed, kInvalidAccessKeyId, kSignatureDoesNotMatch,
  // kRequestTimeTooSkewed (more than 15 minutes from `now`), kMissingSecurityHeader,
  // kInvalidContentSha256, kAccessDenied / kExpiredPresignedRequest for presigned URLs.
  Result<Identity> Verify(const RequestView& request, TimePoint now) const;

 private:
  const CredentialLookup& credentials_;
};

// Wraps `body` so that it yields the payload the signature protects: for kSha256, the bytes as
// they are, failing with kContentSha256Mismatch at the end if they do not hash to the signed
// value; for the aws-chunked modes, the decoded bytes. `body` must outlive the result.
std::unique_ptr<ByteSource> VerifiedBody(ByteSource& body, const Identity& identity);

// Client side: adds x-amz-date, x-amz-content-sha256 and Authorization to `headers` (which
// must already hold Host). `payload_sha256_hex` may be "UNSIGNED-PAYLOAD".
struct SigningParams {
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string service = "s3";
};
void SignRequest(const SigningParams& params, std::string_view method, std::string_view raw_path,
                 std::string_view raw_query, Headers& headers, std::string_view payload_sha256_hex,
                 TimePoint now);

}  // namespace cairn::auth
