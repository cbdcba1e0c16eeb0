// Status and Result<T>: errors as values across every layer (no exceptions cross a module).
//
// One vocabulary of error codes serves all layers. A lower layer picks the code that says what
// went wrong; s3/errors.cc holds the one table that maps each code to an S3 error code, HTTP
// status and default message. OK costs nothing (no allocation).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cairn {

enum class Code {
  kOk = 0,
  // Generic.
  kInvalidArgument,  // input that is malformed in a way no more specific code covers
  kNotFound,         // a record or file that is not there (internal use)
  kIOError,          // the OS or disk failed
  kNoSpace,          // the disk is full
  kCorruption,       // stored bytes do not decode
  kUnavailable,      // not ready yet, or shutting down
  kInternal,         // a bug: an impossible state reached gracefully
  kNotImplemented,   // a request for a feature Cairn does not offer
  // Authentication (auth/).
  kAccessDenied,
  kInvalidAccessKeyId,
  kSignatureDoesNotMatch,
  kRequestTimeTooSkewed,
  kAuthorizationHeaderMalformed,
  kMissingSecurityHeader,  // a required x-amz-* header (date, content-sha256) is absent
  kInvalidContentSha256,   // x-amz-content-sha256 is neither hex nor a known mode
  kContentSha256Mismatch,  // the body does not hash to x-amz-content-sha256
  kExpiredPresignedRequest,
  // Request bodies and digests.
  kBadDigest,       // the body does not match Content-MD5 or an x-amz-checksum-* value
  kInvalidDigest,   // Content-MD5 is not base64 of 16 bytes
  kIncompleteBody,  // the body ended before Content-Length bytes arrived
  kEntityTooLarge,
  kEntityTooSmall,
  kMissingContentLength,
  kMalformedXML,
  kInvalidRequest,
  // Buckets and objects (storage/ and s3/).
  kNoSuchBucket,
  kNoSuchKey,
  kNoSuchUpload,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kInvalidBucketName,
  kKeyTooLong,
  kPreconditionFailed,
  kNotModified,
  kInvalidRange,
  kMethodNotAllowed,
  kInvalidPart,
  kInvalidPartOrder,
  kInvalidArgumentS3,  // S3 "InvalidArgument" raised for a named request parameter
  kConditionalRequestConflict,
  kInvalidPartNumber,  // GET ?partNumber beyond the object's parts
  kNoSuchVersion,
  kIllegalVersioningConfiguration,  // a PutBucketVersioning body S3 does not accept
  kMetadataTooLarge,                // x-amz-meta-* over 2 KB
  kMalformedPolicy,                 // a policy document that does not parse or validate
  kNoSuchBucketPolicy,
  kAuthorizationQueryParametersError,
  kMalformedPOSTRequest,
  kInvalidPolicyDocument,
  kNoSuchCORSConfiguration,  // GetBucketCors on a bucket without one
  kCorsForbidden,            // a CORS preflight no rule of the bucket allows
  kInvalidStorageClass,      // x-amz-storage-class names a class Cairn does not offer
  kInvalidTag,               // a tag key or value S3 does not accept
  kBadRequest,               // S3's "BadRequest" (too many tags)
  kNoSuchTagSet,             // GetBucketTagging on a bucket without tags
  kInvalidBucketState,       // object lock asked of a bucket whose versioning does not allow it
  kObjectLockConfigurationNotFound,  // GetObjectLockConfiguration on a bucket without lock
  kNoSuchObjectLockConfiguration,    // GetObjectRetention/LegalHold on a version without one
  kNoSuchLifecycleConfiguration,     // GetBucketLifecycleConfiguration on a bucket without one
  // ACLs, ownership controls, public access block (docs/acl.md).
  kMalformedACLError,                     // an AccessControlPolicy body that does not validate
  kUnresolvableGrantByEmailAddress,       // a grant by e-mail address (no account has one here)
  kAccessControlListNotSupported,         // an ACL set on a bucket whose ACLs are disabled
  kInvalidBucketAclWithObjectOwnership,   // BucketOwnerEnforced with a bucket ACL granting others
  kOwnershipControlsNotFound,             // GetBucketOwnershipControls on a bucket without them
  kNoSuchPublicAccessBlockConfiguration,  // GetPublicAccessBlock on a bucket without one
  // Encryption at rest (docs/encryption.md).
  kKmsKeyNotFound,                             // a KMS key id the KMS does not have
  kServerSideEncryptionConfigurationNotFound,  // GetBucketEncryption on a bucket without one
  // IAM records (iam/, reported by the admin API).
  kNoSuchUser,
  kNoSuchGroup,
  kNoSuchPolicy,  // a named IAM policy, not a bucket policy
  kNoSuchServiceAccount,
  kGroupNotEmpty,  // removing a group that still has members
  kPolicyInUse,    // removing a policy still attached to a user or group
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;
  // Marks a Status the caller deliberately does not act on (e.g. a reply to a client that left).
  void IgnoreError() const {}

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

std::string_view CodeName(Code code);

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }
  Result(Code code, std::string message) : v_(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cairn

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define CAIRN_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::cairn::Status cairn_status_ = (expr);        \
    if (!cairn_status_.ok()) return cairn_status_; \
  } while (0)

#define CAIRN_CONCAT_INNER(a, b) a##b
#define CAIRN_CONCAT(a, b) CAIRN_CONCAT_INNER(a, b)
// `CAIRN_ASSIGN_OR_RETURN(auto x, ResultExpr())` binds the value or returns the Status.
#define CAIRN_ASSIGN_OR_RETURN(lhs, expr) \
  CAIRN_ASSIGN_OR_RETURN_IMPL(CAIRN_CONCAT(cairn_result_, __LINE__), lhs, expr)
#define CAIRN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
