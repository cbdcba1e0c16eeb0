// AWS Signature Version 2 for S3 ("Signing and authenticating REST requests"), which older
// clients still send: the string to sign, client-side signing and presigned URLs. Verification is
// Verifier::Verify (sigv4.h), which dispatches "Authorization: AWS AK:sig" and the
// AWSAccessKeyId/Signature/Expires query here.
//
// StringToSign = VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n
//                CanonicalizedAmzHeaders CanonicalizedResource
// Signature    = base64(HMAC-SHA1(secret, StringToSign))
//
// Clients disagree on a few details, so the verifier accepts each of these canonicalisations
// (every one still covers method, resource, Content-MD5, Content-Type, the date and x-amz-*):
//   - the Date slot when x-amz-date is sent: empty (the AWS text, boto2), the Date header
//     (botocore, MinIO), or the x-amz-date value with x-amz-date left out of the amz headers
//     (the AWS documentation's own DELETE example);
//   - the sub-resources: botocore's list, values as sent ("acl=" stays "acl="), or MinIO's list
//     (adds encryption, legal-hold, retention), where an empty value drops the '='.
//
// Verification errors (from Verifier::Verify):
//   header form: kAuthorizationHeaderMalformed (not "AWS AK:sig", or an unparseable date),
//     kMissingSecurityHeader (neither Date nor x-amz-date), kRequestTimeTooSkewed (over 15 min
//     from now), kInvalidAccessKeyId, kSignatureDoesNotMatch;
//   query form: kAuthorizationHeaderMalformed (a missing AWSAccessKeyId, Signature or Expires, or
//     Expires not a number), kExpiredPresignedRequest (now is past Expires), kInvalidAccessKeyId,
//     kSignatureDoesNotMatch.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "auth/sigv4.h"
#include "common/headers.h"
#include "common/time.h"

namespace cairn::auth {

// Base64 of HMAC-SHA1(secret, string_to_sign).
std::string SignatureV2(std::string_view secret_key, std::string_view string_to_sign);

// "name:v1,v2\n" per x-amz-* header: names lower-cased and sorted, values trimmed, repeated
// fields joined with ','.
std::string CanonicalAmzHeadersV2(const Headers& headers);

// "/" + virtual_host_bucket (when not empty) + raw_path as sent (still percent-encoded), then
// "?" and the sub-resources that count (botocore's list), sorted by name, values decoded.
std::string CanonicalResourceV2(std::string_view virtual_host_bucket, std::string_view raw_path,
                                std::string_view raw_query);

// The string to sign, with `date` in the Date slot (the Date header, "" when x-amz-date is sent,
// or the Expires value for the query form).
std::string StringToSignV2(std::string_view method, const Headers& headers, std::string_view date,
                           std::string_view virtual_host_bucket, std::string_view raw_path,
                           std::string_view raw_query);

// Client side: sets Date (now, IMF-fixdate) and Authorization "AWS AK:sig" on `headers`, as
// botocore's HmacV1Auth does. Only access_key and secret_key of `params` are used.
void SignRequestV2(const SigningParams& params, std::string_view method, std::string_view raw_path,
                   std::string_view raw_query, Headers& headers, TimePoint now,
                   std::string_view virtual_host_bucket = {});

// Client side, query form: returns `raw_query` (already encoded, may be empty) extended with
// AWSAccessKeyId, Expires (now + expires, unix seconds) and Signature. Nothing but the method and
// resource is signed (no Content-Type, Content-MD5 or x-amz-* headers).
std::string PresignQueryV2(const SigningParams& params, std::string_view method,
                           std::string_view raw_path, std::string_view raw_query,
                           std::chrono::seconds expires, TimePoint now,
                           std::string_view virtual_host_bucket = {});
// `endpoint` is "http://host:port" (no trailing slash); returns endpoint + raw_path + "?" + query.
std::string PresignUrlV2(const SigningParams& params, std::string_view method,
                         std::string_view endpoint, std::string_view raw_path,
                         std::string_view raw_query, std::chrono::seconds expires, TimePoint now);

}  // namespace cairn::auth
