// Browser-form uploads (S3 "POST Object"): verification of the signed policy document and of the
// form fields against its conditions. Pure: the S3 layer parses the multipart/form-data fields,
// calls VerifyPostPolicy before storing anything, streams the `file` part itself and then holds
// its size to the returned content-length-range.
//
// Forms are signed in one of two ways (field names are case-insensitive, as AWS treats them):
//   SigV4: policy, x-amz-algorithm=AWS4-HMAC-SHA256, x-amz-credential=AK/date/region/s3/
//          aws4_request, x-amz-date, x-amz-signature = hex HMAC-SHA256(derived key, policy);
//   SigV2: policy, AWSAccessKeyId, signature = base64 HMAC-SHA1(secret, policy);
// where `policy` is the base64 text as sent. A form with none of these fields is anonymous: no
// policy, no conditions; whether to accept it is the caller's decision (bucket policy).
//
// The policy is JSON: {"expiration": "<ISO 8601>", "conditions": [...]}, each condition one of
//   {"field": "value"}                     exact match (several members: one condition each)
//   ["eq", "$field", "value"]              exact match
//   ["starts-with", "$field", "prefix"]    prefix match; "" accepts anything (even no field);
//                                          for Content-Type each comma-separated value must match
//   ["content-length-range", min, max]     returned for the caller to enforce (intersected when
//                                          given more than once)
// `$bucket` is the bucket of the request (PostForm::bucket), `$key` the key field after
// "${filename}" is replaced with the file's name, any other `$field` the form field (absent: "").
// Every form field except policy, file, x-amz-signature (SigV4), AWSAccessKeyId and signature
// (SigV2) and x-ignore-* must be named by some eq or starts-with condition.
//
// Errors, in the order checked:
//   kInvalidArgumentS3  a field appears twice; no `key` field; a signing field is missing
//                       (e.g. policy without signature, signature without policy); a bad
//                       x-amz-algorithm, x-amz-credential or x-amz-date
//   kInvalidAccessKeyId the access key is unknown (from the CredentialLookup)
//   kSignatureDoesNotMatch  the signature does not match the policy as sent
//   kInvalidArgument    the policy is not base64, not JSON, or not a valid policy document
//                       (message "Invalid Policy: ..."); S3 has MalformedPOSTRequest/InvalidPolicy
//                       codes for this that Code does not have yet
//   kExpiredPresignedRequest  "Invalid according to Policy: Policy expired."
//   kAccessDenied       "Invalid according to Policy: Policy Condition failed: [...]" or
//                       "Invalid according to Policy: Extra input fields: <name>"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4.h"
#include "common/status.h"
#include "common/time.h"

namespace cairn::auth {

struct PostForm {
  // Every form field before the file part except `file` itself, names as sent, in order. Fields
  // after the file part are ignored by S3 and must not be passed.
  std::vector<std::pair<std::string, std::string>> fields;
  std::string bucket;    // from the request's host or path
  std::string filename;  // of the file part (Content-Disposition filename), for ${filename}
};

struct PostPolicyResult {
  Identity identity;  // who signed (payload kUnsigned); anonymous when the form has no policy
  bool has_policy = false;
  TimePoint expiration{};  // of the policy, when has_policy
  // The inclusive bounds of the file's size in bytes, when the policy limits it.
  std::optional<std::pair<uint64_t, uint64_t>> content_length_range;
  std::string key;  // the key field with every "${filename}" replaced by PostForm::filename
};

Result<PostPolicyResult> VerifyPostPolicy(const PostForm& form, const CredentialLookup& credentials,
                                          TimePoint now);

// The value of the form field `name` (any case), if present.
std::optional<std::string_view> FindPostField(const PostForm& form, std::string_view name);

// Client side (tests, CLI): append the signing fields to `form`. SigV4: x-amz-algorithm,
// x-amz-credential, x-amz-date (from `now`), policy (base64 of `policy_json`) and
// x-amz-signature; the policy must itself name the first three in conditions, with the values
// PostCredentialV4 gives. SigV2: AWSAccessKeyId, policy and signature.
std::string PostCredentialV4(const SigningParams& params, TimePoint now);
void SignPostFormV4(const SigningParams& params, std::string_view policy_json, TimePoint now,
                    PostForm& form);
void SignPostFormV2(const SigningParams& params, std::string_view policy_json, PostForm& form);

}  // namespace cairn::auth
