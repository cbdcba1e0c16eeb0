#include "s3/request_checks.h"

#include <array>
#include <string>

#include "s3/owner.h"

namespace cairn::s3 {

namespace {

// The overrides GetObject honours (object_headers.cc), as AWS names them.
constexpr std::array kResponseOverrides = {
    "response-content-type",  "response-content-language",    "response-expires",
    "response-cache-control", "response-content-disposition", "response-content-encoding",
};

// The operations that create an object (or an upload that becomes one): the ones where a
// request can ask for encryption, a lock, tags, a storage class or a website redirect.
bool CreatesObject(Operation operation) {
  return operation == Operation::kPutObject || operation == Operation::kCopyObject ||
         operation == Operation::kCreateMultipartUpload || operation == Operation::kPostObject;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 8-4-4-4-12 hex digits: the form MinIO's and Cairn's version ids take.
bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

// SSE-C (x-amz-server-side-encryption-customer-*, and the copy source's): customer keys travel
// in the headers, so they are refused before anything else on a connection that may not carry
// them (SseCTransportAllowed), as MinIO refuses them over plain HTTP. The handlers that take
// them check the rest (s3/sse.h).
Status RefuseCustomerKeys(const Headers& headers, bool sse_c_allowed) {
  if (sse_c_allowed) return Status::Ok();
  for (const auto& [name, value] : headers.fields()) {
    if (name.starts_with("x-amz-server-side-encryption-customer-") ||
        name.starts_with("x-amz-copy-source-server-side-encryption-customer-")) {
      return Status(Code::kInvalidRequest,
                    "Requests specifying Server Side Encryption with Customer provided keys must "
                    "be made over a secure connection.");
    }
  }
  return Status::Ok();
}

Status RefuseObjectOptions(Operation operation, const Headers& headers) {
  // x-amz-object-lock-* are read by the handlers (s3/object_lock.h); the store refuses them on a
  // bucket without lock (InvalidRequest, as AWS).
  if (auto storage_class = headers.Get("x-amz-storage-class")) {
    // REDUCED_REDUNDANCY asks for less than Cairn gives, as MinIO accepts it; every other class
    // (GLACIER, STANDARD_IA...) names a tier Cairn does not have.
    if (*storage_class != "STANDARD" && *storage_class != "REDUCED_REDUNDANCY") {
      return Status(Code::kInvalidStorageClass, "");
    }
  }
  // Every operation creating an object takes tags: x-amz-tagging, or a form's `tagging` field
  // (XML, read by PostObject). A form's x-amz-tagging header or field would otherwise be ignored.
  if (operation == Operation::kPostObject && headers.Has("x-amz-tagging")) {
    return Status(Code::kNotImplemented,
                  "A POST form carries its tags in the `tagging` field, not x-amz-tagging.");
  }
  if (headers.Has("x-amz-website-redirect-location")) {
    return Status(Code::kNotImplemented,
                  "Website redirects (x-amz-website-redirect-location) are not supported.");
  }
  if (operation == Operation::kPutObject && headers.Has("x-amz-write-offset-bytes")) {
    return Status(Code::kNotImplemented, "Appending to an object is not supported.");
  }
  if (operation == Operation::kCreateMultipartUpload || operation == Operation::kCopyObject) {
    if (auto algorithm = headers.Get("x-amz-checksum-algorithm")) {
      std::string a = ToLower(*algorithm);
      if (a != "crc32" && a != "crc32c" && a != "crc64nvme" && a != "sha1" && a != "sha256") {
        return Status(Code::kInvalidRequest,
                      "Checksum algorithm provided is unsupported. Please try again with any of "
                      "the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckHeaderValue(std::string_view what, std::string_view value) {
  if (IsSafeHeaderValue(value)) return Status::Ok();
  return Status(Code::kInvalidArgumentS3,
                std::string(what) + " contains a control character, which is not allowed.");
}

Status CheckRequestHead(const Headers& headers) {
  for (const auto& [name, value] : headers.fields()) {
    // The message (and its allocation) only for a value that fails.
    if (!IsSafeHeaderValue(value)) return CheckHeaderValue("Header " + name, value);
  }
  return Status::Ok();
}

Status CheckResponseOverrides(Operation operation, const Query& query,
                              const auth::Identity& identity) {
  bool object_read = operation == Operation::kGetObject || operation == Operation::kHeadObject;
  for (const char* name : kResponseOverrides) {
    std::optional<std::string_view> value = query.Get(name);
    if (!value) continue;
    if (object_read && identity.anonymous) {
      return Status(Code::kInvalidRequest,
                    "Request specific response headers cannot be used for anonymous GET "
                    "requests.");
    }
    CAIRN_RETURN_IF_ERROR(CheckHeaderValue(name, *value));
  }
  return Status::Ok();
}

Status CheckVersionId(std::string_view version_id) {
  if (version_id == "null") return Status::Ok();
  if (version_id.empty()) {
    return Status(Code::kInvalidArgumentS3, "Version id cannot be the empty string");
  }
  // Cairn's ids are UUID-shaped; whether one exists is the store's answer (NoSuchVersion).
  if (IsUuid(version_id)) return Status::Ok();
  return Status(Code::kInvalidArgumentS3, "Invalid version id specified");
}

Status RefuseUnsupported(Operation operation, const Headers& headers, const Query& query,
                         bool sse_c_allowed) {
  CAIRN_RETURN_IF_ERROR(RefuseCustomerKeys(headers, sse_c_allowed));
  for (const char* name : {"x-amz-expected-bucket-owner", "x-amz-source-expected-bucket-owner"}) {
    // Every bucket has the one owner; a caller expecting another must not write to it.
    auto owner = headers.Get(name);
    if (owner && *owner != kOwnerId) return Status(Code::kAccessDenied, "Access Denied.");
  }
  if (headers.Has("x-amz-mfa")) {
    return Status(Code::kNotImplemented, "MFA delete is not supported.");
  }
  if (CreatesObject(operation)) {
    CAIRN_RETURN_IF_ERROR(RefuseObjectOptions(operation, headers));
  }
  switch (operation) {
    case Operation::kCreateBucket:
      if (auto lock = headers.Get("x-amz-bucket-object-lock-enabled")) {
        if (!EqualsIgnoreCase(*lock, "true") && !EqualsIgnoreCase(*lock, "false")) {
          return Status(Code::kInvalidArgumentS3,
                        "x-amz-bucket-object-lock-enabled must be true or false.");
        }
      }
      break;
    case Operation::kDeleteObject:
    case Operation::kGetObject:
    case Operation::kHeadObject:
    case Operation::kGetObjectAttributes:
    case Operation::kGetObjectTagging:
    case Operation::kPutObjectTagging:
    case Operation::kDeleteObjectTagging:
    case Operation::kGetObjectRetention:
    case Operation::kPutObjectRetention:
    case Operation::kGetObjectLegalHold:
    case Operation::kPutObjectLegalHold:
      if (auto version = query.Get("versionId")) CAIRN_RETURN_IF_ERROR(CheckVersionId(*version));
      break;
    default: break;
  }
  return Status::Ok();
}

}  // namespace cairn::s3
