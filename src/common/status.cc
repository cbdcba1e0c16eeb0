#include "common/status.h"

namespace cairn {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kNotFound: return "NotFound";
    case Code::kIOError: return "IOError";
    case Code::kNoSpace: return "NoSpace";
    case Code::kCorruption: return "Corruption";
    case Code::kUnavailable: return "Unavailable";
    case Code::kInternal: return "Internal";
    case Code::kNotImplemented: return "NotImplemented";
    case Code::kAccessDenied: return "AccessDenied";
    case Code::kInvalidAccessKeyId: return "InvalidAccessKeyId";
    case Code::kSignatureDoesNotMatch: return "SignatureDoesNotMatch";
    case Code::kRequestTimeTooSkewed: return "RequestTimeTooSkewed";
    case Code::kAuthorizationHeaderMalformed: return "AuthorizationHeaderMalformed";
    case Code::kMissingSecurityHeader: return "MissingSecurityHeader";
    case Code::kInvalidContentSha256: return "InvalidContentSha256";
    case Code::kContentSha256Mismatch: return "ContentSha256Mismatch";
    case Code::kExpiredPresignedRequest: return "ExpiredPresignedRequest";
    case Code::kBadDigest: return "BadDigest";
    case Code::kInvalidDigest: return "InvalidDigest";
    case Code::kIncompleteBody: return "IncompleteBody";
    case Code::kEntityTooLarge: return "EntityTooLarge";
    case Code::kEntityTooSmall: return "EntityTooSmall";
    case Code::kMissingContentLength: return "MissingContentLength";
    case Code::kMalformedXML: return "MalformedXML";
    case Code::kInvalidRequest: return "InvalidRequest";
    case Code::kNoSuchBucket: return "NoSuchBucket";
    case Code::kNoSuchKey: return "NoSuchKey";
    case Code::kNoSuchUpload: return "NoSuchUpload";
    case Code::kBucketAlreadyOwnedByYou: return "BucketAlreadyOwnedByYou";
    case Code::kBucketNotEmpty: return "BucketNotEmpty";
    case Code::kInvalidBucketName: return "InvalidBucketName";
    case Code::kKeyTooLong: return "KeyTooLong";
    case Code::kPreconditionFailed: return "PreconditionFailed";
    case Code::kNotModified: return "NotModified";
    case Code::kInvalidRange: return "InvalidRange";
    case Code::kMethodNotAllowed: return "MethodNotAllowed";
    case Code::kInvalidPart: return "InvalidPart";
    case Code::kInvalidPartOrder: return "InvalidPartOrder";
    case Code::kInvalidArgumentS3: return "InvalidArgumentS3";
    case Code::kConditionalRequestConflict: return "ConditionalRequestConflict";
    case Code::kInvalidPartNumber: return "InvalidPartNumber";
    case Code::kNoSuchVersion: return "NoSuchVersion";
    case Code::kIllegalVersioningConfiguration: return "IllegalVersioningConfiguration";
    case Code::kMetadataTooLarge: return "MetadataTooLarge";
    case Code::kMalformedPolicy: return "MalformedPolicy";
    case Code::kNoSuchBucketPolicy: return "NoSuchBucketPolicy";
    case Code::kAuthorizationQueryParametersError: return "AuthorizationQueryParametersError";
    case Code::kMalformedPOSTRequest: return "MalformedPOSTRequest";
    case Code::kInvalidPolicyDocument: return "InvalidPolicyDocument";
    case Code::kNoSuchCORSConfiguration: return "NoSuchCORSConfiguration";
    case Code::kCorsForbidden: return "CorsForbidden";
    case Code::kInvalidStorageClass: return "InvalidStorageClass";
    case Code::kInvalidTag: return "InvalidTag";
    case Code::kBadRequest: return "BadRequest";
    case Code::kNoSuchTagSet: return "NoSuchTagSet";
    case Code::kInvalidBucketState: return "InvalidBucketState";
    case Code::kObjectLockConfigurationNotFound: return "ObjectLockConfigurationNotFound";
    case Code::kNoSuchObjectLockConfiguration: return "NoSuchObjectLockConfiguration";
    case Code::kNoSuchLifecycleConfiguration: return "NoSuchLifecycleConfiguration";
    case Code::kMalformedACLError: return "MalformedACLError";
    case Code::kUnresolvableGrantByEmailAddress: return "UnresolvableGrantByEmailAddress";
    case Code::kAccessControlListNotSupported: return "AccessControlListNotSupported";
    case Code::kInvalidBucketAclWithObjectOwnership: return "InvalidBucketAclWithObjectOwnership";
    case Code::kOwnershipControlsNotFound: return "OwnershipControlsNotFoundError";
    case Code::kNoSuchPublicAccessBlockConfiguration: return "NoSuchPublicAccessBlockConfiguration";
    case Code::kKmsKeyNotFound: return "KmsKeyNotFound";
    case Code::kServerSideEncryptionConfigurationNotFound:
      return "ServerSideEncryptionConfigurationNotFound";
    case Code::kNoSuchUser: return "NoSuchUser";
    case Code::kNoSuchGroup: return "NoSuchGroup";
    case Code::kNoSuchPolicy: return "NoSuchPolicy";
    case Code::kNoSuchServiceAccount: return "NoSuchServiceAccount";
    case Code::kGroupNotEmpty: return "GroupNotEmpty";
    case Code::kPolicyInUse: return "PolicyInUse";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace cairn
