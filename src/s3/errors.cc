#include "s3/errors.h"

#include "s3/xml_writer.h"

namespace cairn::s3 {

const S3ErrorInfo& ErrorInfoFor(Code code) {
  // Messages are AWS's own wording, which clients and people search for.
  static const S3ErrorInfo kInternal{"InternalError", 500,
                                     "We encountered an internal error, please try again."};
  switch (code) {
#define CAIRN_S3_ERROR(c, s3code, status, msg)          \
  case Code::c: {                                       \
    static const S3ErrorInfo info{s3code, status, msg}; \
    return info;                                        \
  }
    CAIRN_S3_ERROR(kInvalidArgument, "InvalidArgument", 400, "Invalid argument.")
    CAIRN_S3_ERROR(kInvalidArgumentS3, "InvalidArgument", 400, "Invalid argument.")
    CAIRN_S3_ERROR(kNoSpace, "XMinioStorageFull", 507,
                   "Storage backend has reached its minimum free drive threshold.")
    CAIRN_S3_ERROR(kUnavailable, "ServiceUnavailable", 503, "Please reduce your request rate.")
    CAIRN_S3_ERROR(kNotImplemented, "NotImplemented", 501,
                   "A header you provided implies functionality that is not implemented.")
    CAIRN_S3_ERROR(kAccessDenied, "AccessDenied", 403, "Access Denied.")
    CAIRN_S3_ERROR(kInvalidAccessKeyId, "InvalidAccessKeyId", 403,
                   "The Access Key Id you provided does not exist in our records.")
    CAIRN_S3_ERROR(kSignatureDoesNotMatch, "SignatureDoesNotMatch", 403,
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.")
    CAIRN_S3_ERROR(kRequestTimeTooSkewed, "RequestTimeTooSkewed", 403,
                   "The difference between the request time and the server's time is too large.")
    CAIRN_S3_ERROR(kAuthorizationHeaderMalformed, "AuthorizationHeaderMalformed", 400,
                   "The authorization header is malformed.")
    CAIRN_S3_ERROR(kMissingSecurityHeader, "MissingSecurityHeader", 400,
                   "Your request was missing a required header.")
    CAIRN_S3_ERROR(kInvalidContentSha256, "InvalidArgument", 400,
                   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a valid "
                   "sha256 value.")
    CAIRN_S3_ERROR(kContentSha256Mismatch, "XAmzContentSHA256Mismatch", 400,
                   "The provided 'x-amz-content-sha256' header does not match what was computed.")
    CAIRN_S3_ERROR(kExpiredPresignedRequest, "AccessDenied", 403, "Request has expired")
    CAIRN_S3_ERROR(kBadDigest, "BadDigest", 400,
                   "The Content-MD5 you specified did not match what we received.")
    CAIRN_S3_ERROR(kInvalidDigest, "InvalidDigest", 400,
                   "The Content-MD5 you specified is not valid.")
    CAIRN_S3_ERROR(kIncompleteBody, "IncompleteBody", 400,
                   "You did not provide the number of bytes specified by the Content-Length "
                   "HTTP header.")
    CAIRN_S3_ERROR(kEntityTooLarge, "EntityTooLarge", 400,
                   "Your proposed upload exceeds the maximum allowed object size.")
    CAIRN_S3_ERROR(kEntityTooSmall, "EntityTooSmall", 400,
                   "Your proposed upload is smaller than the minimum allowed object size.")
    CAIRN_S3_ERROR(kMissingContentLength, "MissingContentLength", 411,
                   "You must provide the Content-Length HTTP header.")
    CAIRN_S3_ERROR(kMalformedXML, "MalformedXML", 400,
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema.")
    CAIRN_S3_ERROR(kInvalidRequest, "InvalidRequest", 400, "Invalid Request.")
    CAIRN_S3_ERROR(kNoSuchBucket, "NoSuchBucket", 404, "The specified bucket does not exist")
    CAIRN_S3_ERROR(kNoSuchKey, "NoSuchKey", 404, "The specified key does not exist.")
    CAIRN_S3_ERROR(kNoSuchUpload, "NoSuchUpload", 404,
                   "The specified multipart upload does not exist. The upload ID may be invalid, "
                   "or the upload may have been aborted or completed.")
    CAIRN_S3_ERROR(kBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou", 409,
                   "Your previous request to create the named bucket succeeded and you already "
                   "own it.")
    CAIRN_S3_ERROR(kBucketNotEmpty, "BucketNotEmpty", 409,
                   "The bucket you tried to delete is not empty")
    CAIRN_S3_ERROR(kInvalidBucketName, "InvalidBucketName", 400,
                   "The specified bucket is not valid.")
    CAIRN_S3_ERROR(kKeyTooLong, "KeyTooLongError", 400, "Your key is too long")
    CAIRN_S3_ERROR(kPreconditionFailed, "PreconditionFailed", 412,
                   "At least one of the pre-conditions you specified did not hold")
    CAIRN_S3_ERROR(kNotModified, "NotModified", 304, "Not Modified")
    CAIRN_S3_ERROR(kInvalidRange, "InvalidRange", 416, "The requested range is not satisfiable")
    CAIRN_S3_ERROR(kMethodNotAllowed, "MethodNotAllowed", 405,
                   "The specified method is not allowed against this resource.")
    CAIRN_S3_ERROR(kInvalidPart, "InvalidPart", 400,
                   "One or more of the specified parts could not be found. The part may not have "
                   "been uploaded, or the specified entity tag may not match the part's entity "
                   "tag.")
    CAIRN_S3_ERROR(kInvalidPartOrder, "InvalidPartOrder", 400,
                   "The list of parts was not in ascending order. The parts list must be "
                   "specified in order by part number.")
    CAIRN_S3_ERROR(kConditionalRequestConflict, "ConditionalRequestConflict", 409,
                   "A conflicting operation occurred. If using PutObject you can retry the "
                   "request.")
    CAIRN_S3_ERROR(kInvalidPartNumber, "InvalidPartNumber", 416,
                   "The requested partnumber is not satisfiable")
    CAIRN_S3_ERROR(kNoSuchVersion, "NoSuchVersion", 404, "The specified version does not exist.")
    CAIRN_S3_ERROR(kIllegalVersioningConfiguration, "IllegalVersioningConfigurationException", 400,
                   "The versioning configuration specified in the request is invalid.")
    CAIRN_S3_ERROR(kMetadataTooLarge, "MetadataTooLarge", 400,
                   "Your metadata headers exceed the maximum allowed metadata size.")
    CAIRN_S3_ERROR(kMalformedPolicy, "MalformedPolicy", 400, "Policies must be valid JSON.")
    CAIRN_S3_ERROR(kNoSuchBucketPolicy, "NoSuchBucketPolicy", 404,
                   "The bucket policy does not exist")
    CAIRN_S3_ERROR(kAuthorizationQueryParametersError, "AuthorizationQueryParametersError", 400,
                   "Error parsing the X-Amz-Credential parameter.")
    CAIRN_S3_ERROR(kMalformedPOSTRequest, "MalformedPOSTRequest", 400,
                   "The body of your POST request is not well-formed multipart/form-data.")
    CAIRN_S3_ERROR(kInvalidPolicyDocument, "InvalidPolicyDocument", 400,
                   "The content of the form does not meet the conditions specified in the policy "
                   "document.")
    CAIRN_S3_ERROR(kNoSuchCORSConfiguration, "NoSuchCORSConfiguration", 404,
                   "The CORS configuration does not exist")
    CAIRN_S3_ERROR(kCorsForbidden, "AccessForbidden", 403,
                   "CORSResponse: This CORS request is not allowed. This is usually because the "
                   "evalution of Origin, request method / Access-Control-Request-Method or "
                   "Access-Control-Request-Headers are not whitelisted by the resource's CORS "
                   "spec.")
    CAIRN_S3_ERROR(kInvalidTag, "InvalidTag", 400, "The tag provided was not a valid tag.")
    CAIRN_S3_ERROR(kBadRequest, "BadRequest", 400, "Bad Request")
    CAIRN_S3_ERROR(kNoSuchTagSet, "NoSuchTagSet", 404, "The TagSet does not exist")
    CAIRN_S3_ERROR(kInvalidBucketState, "InvalidBucketState", 409,
                   "The request is not valid with the current state of the bucket.")
    CAIRN_S3_ERROR(kObjectLockConfigurationNotFound, "ObjectLockConfigurationNotFoundError", 404,
                   "Object Lock configuration does not exist for this bucket")
    CAIRN_S3_ERROR(kNoSuchObjectLockConfiguration, "NoSuchObjectLockConfiguration", 404,
                   "The specified object does not have a ObjectLock configuration")
    CAIRN_S3_ERROR(kNoSuchLifecycleConfiguration, "NoSuchLifecycleConfiguration", 404,
                   "The lifecycle configuration does not exist")
    CAIRN_S3_ERROR(kMalformedACLError, "MalformedACLError", 400,
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema.")
    CAIRN_S3_ERROR(kUnresolvableGrantByEmailAddress, "UnresolvableGrantByEmailAddress", 400,
                   "The e-mail address you provided does not match any account on record.")
    CAIRN_S3_ERROR(kAccessControlListNotSupported, "AccessControlListNotSupported", 400,
                   "The bucket does not allow ACLs")
    CAIRN_S3_ERROR(kInvalidBucketAclWithObjectOwnership, "InvalidBucketAclWithObjectOwnership", 400,
                   "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced "
                   "setting")
    CAIRN_S3_ERROR(kOwnershipControlsNotFound, "OwnershipControlsNotFoundError", 404,
                   "The bucket ownership controls were not found")
    CAIRN_S3_ERROR(kNoSuchPublicAccessBlockConfiguration, "NoSuchPublicAccessBlockConfiguration",
                   404, "The public access block configuration was not found")
    CAIRN_S3_ERROR(kKmsKeyNotFound, "KMS.NotFoundException", 400, "Invalid keyId")
    CAIRN_S3_ERROR(kServerSideEncryptionConfigurationNotFound,
                   "ServerSideEncryptionConfigurationNotFoundError", 404,
                   "The server side encryption configuration was not found")
    CAIRN_S3_ERROR(kInvalidStorageClass, "InvalidStorageClass", 400,
                   "The storage class you specified is not valid")
    // IAM codes, as MinIO's admin API names them (the admin API renders them as JSON).
    CAIRN_S3_ERROR(kNoSuchUser, "NoSuchUser", 404, "The specified user does not exist.")
    CAIRN_S3_ERROR(kNoSuchGroup, "NoSuchGroup", 404, "The specified group does not exist.")
    CAIRN_S3_ERROR(kNoSuchPolicy, "NoSuchPolicy", 404, "The canned policy does not exist.")
    CAIRN_S3_ERROR(kNoSuchServiceAccount, "NoSuchServiceAccount", 404,
                   "The specified service account is not found.")
    CAIRN_S3_ERROR(kGroupNotEmpty, "GroupNotEmpty", 409,
                   "The specified group is not empty - cannot remove it.")
    CAIRN_S3_ERROR(kPolicyInUse, "PolicyInUse", 409,
                   "The policy cannot be removed, as it is in use.")
#undef CAIRN_S3_ERROR
    case Code::kOk:
    // A file or record missing below the S3 layer is a broken store, not a missing key.
    case Code::kNotFound:
    case Code::kIOError:
    case Code::kCorruption:
    case Code::kInternal: return kInternal;
  }
  return kInternal;
}

const S3ErrorInfo& SlowDownErrorInfo() {
  static const S3ErrorInfo info{"SlowDown", 503, "Please reduce your request rate."};
  return info;
}

std::string ErrorXml(const S3ErrorInfo& info, std::string_view message, std::string_view resource,
                     std::string_view request_id, std::string_view bucket, std::string_view key) {
  XmlWriter xml;
  xml.Open("Error");
  xml.Element("Code", info.code);
  xml.Element("Message", message.empty() ? info.message : message);
  if (!key.empty()) xml.Element("Key", key);
  if (!bucket.empty()) xml.Element("BucketName", bucket);
  xml.Element("Resource", resource);
  xml.Element("RequestId", request_id);
  xml.Element("HostId", "dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8");
  xml.Close("Error");
  return xml.Finish();
}

}  // namespace cairn::s3
