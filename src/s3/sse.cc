#include "s3/sse.h"

#include "common/encoding.h"
#include "common/hash.h"
#include "storage/crypto/kms.h"

namespace cairn::s3 {

namespace {

constexpr std::string_view kSse = "x-amz-server-side-encryption";
constexpr std::string_view kKeyId = "x-amz-server-side-encryption-aws-kms-key-id";
constexpr std::string_view kContext = "x-amz-server-side-encryption-context";
constexpr std::string_view kBucketKey = "x-amz-server-side-encryption-bucket-key-enabled";

// Spelled out, not built from a prefix: every GET and HEAD asks, and that must not allocate.
struct CustomerKeyHeaderNames {
  std::string_view algorithm, key, md5;
};
constexpr CustomerKeyHeaderNames kCustomerKeyHeaders{
    "x-amz-server-side-encryption-customer-algorithm", "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5"};
constexpr CustomerKeyHeaderNames kCopySourceCustomerKeyHeaders{
    "x-amz-copy-source-server-side-encryption-customer-algorithm",
    "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key-md5"};

Status InvalidArgument(std::string message) {
  return Status(Code::kInvalidArgumentS3, std::move(message));
}

}  // namespace

bool SseCTransportAllowed(const http::Request& request) {
  if (request.secure) return true;
  // remote_ip is inet_ntop's canonical text of the peer (http/server.cc), so loopback is
  // 127.x.x.x or ::1 as written; no parse needed on a path every request takes.
  std::string_view ip = request.remote_ip;
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);  // an IPv4 peer on a dual-stack socket
  return ip.starts_with("127.") || ip == "::1";
}

Result<std::optional<std::string>> CustomerKeyFrom(const Headers& headers, bool copy_source) {
  const CustomerKeyHeaderNames& names =
      copy_source ? kCopySourceCustomerKeyHeaders : kCustomerKeyHeaders;
  auto algorithm = headers.Get(names.algorithm);
  auto key = headers.Get(names.key);
  auto md5 = headers.Get(names.md5);
  if (!algorithm && !key && !md5) return std::optional<std::string>();
  if (!algorithm || *algorithm != "AES256") {
    return InvalidArgument(
        "Requests specifying Server Side Encryption with Customer provided keys must provide a "
        "valid encryption algorithm.");
  }
  if (!key) {
    return InvalidArgument(
        "Requests specifying Server Side Encryption with Customer provided keys must provide an "
        "appropriate secret key.");
  }
  std::optional<std::string> raw = Base64Decode(*key);
  if (!raw || raw->size() != 32) {
    return InvalidArgument("The secret key was invalid for the specified algorithm.");
  }
  if (!md5) {
    return InvalidArgument(
        "Requests specifying Server Side Encryption with Customer provided keys must provide the "
        "client calculated MD5 of the secret key.");
  }
  std::optional<std::string> raw_md5 = Base64Decode(*md5);
  if (!raw_md5 || *raw_md5 != Md5(*raw)) {
    return InvalidArgument(
        "The calculated MD5 hash of the key did not match the hash that was provided.");
  }
  return std::optional<std::string>(std::move(*raw));
}

Result<storage::EncryptionRequest> EncryptionFromHeaders(const Headers& headers) {
  storage::EncryptionRequest out;
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> customer_key,
                         CustomerKeyFrom(headers, /*copy_source=*/false));
  auto method = headers.Get(kSse);
  auto key_id = headers.Get(kKeyId);
  auto context = headers.Get(kContext);
  auto bucket_key = headers.Get(kBucketKey);
  if (customer_key) {
    if (method || key_id || context) {
      return InvalidArgument(
          "Server Side Encryption with Customer provided key is incompatible with the "
          "encryption method specified");
    }
    out.mode = storage::SseMode::kCustomer;
    out.customer_key = std::move(*customer_key);
    return out;
  }
  if (bucket_key && *bucket_key != "true" && *bucket_key != "false") {
    return InvalidArgument("x-amz-server-side-encryption-bucket-key-enabled must be true or false");
  }
  if (!method) {
    if (key_id || context || bucket_key) {
      return InvalidArgument(
          "Server Side Encryption with AWS KMS managed key requires HTTP header "
          "x-amz-server-side-encryption : aws:kms");
    }
    return out;
  }
  if (*method == "AES256") {
    if (key_id || context) {
      return InvalidArgument(
          "Server Side Encryption with AWS KMS managed key requires HTTP header "
          "x-amz-server-side-encryption : aws:kms");
    }
    out.mode = storage::SseMode::kS3;
    return out;
  }
  if (*method == "aws:kms:dsse") {
    return Status(Code::kNotImplemented,
                  "Dual-layer server side encryption (aws:kms:dsse) is not supported.");
  }
  if (*method != "aws:kms") {
    return InvalidArgument("The encryption method specified is not supported");
  }
  out.mode = storage::SseMode::kKms;
  out.bucket_key_enabled = bucket_key && *bucket_key == "true";
  if (key_id) {
    std::string_view id = *key_id;
    if (id.starts_with(kKmsArnPrefix)) id.remove_prefix(kKmsArnPrefix.size());
    if (id.empty()) return InvalidArgument("The KMS key id is empty.");
    out.kms_key_id = std::string(id);
  }
  if (context) {
    std::optional<std::string> json = Base64Decode(*context);
    if (!json) return InvalidArgument("The encryption context is not valid base64.");
    Result<std::string> canonical = storage::crypto::CanonicalContext(*json);
    if (!canonical.ok()) {
      return InvalidArgument("The encryption context must be a JSON object of string values.");
    }
    out.context = std::move(*canonical);
  }
  return out;
}

Result<storage::EncryptionRequest> EncryptionForWrite(storage::ObjectStore& store,
                                                      const std::string& bucket,
                                                      const Headers& headers) {
  CAIRN_ASSIGN_OR_RETURN(storage::EncryptionRequest asked, EncryptionFromHeaders(headers));
  if (asked.mode != storage::SseMode::kNone) return asked;
  CAIRN_ASSIGN_OR_RETURN(std::optional<storage::BucketEncryption> fallback,
                         store.GetBucketEncryption(bucket));
  if (fallback) {
    asked.mode = fallback->mode;
    asked.kms_key_id = fallback->kms_key_id;
    asked.bucket_key_enabled = fallback->bucket_key_enabled;
  }
  return asked;
}

void AddEncryptionHeaders(const storage::ObjectEncryption& encryption,
                          const Headers& request_headers, Headers& out) {
  switch (encryption.mode) {
    case storage::SseMode::kNone: return;
    case storage::SseMode::kS3: out.Add(std::string(kSse), "AES256"); return;
    case storage::SseMode::kKms:
      out.Add(std::string(kSse), "aws:kms");
      out.Add(std::string(kKeyId), std::string(kKmsArnPrefix) + encryption.kms_key_id);
      if (!encryption.context.empty()) {
        out.Add(std::string(kContext), Base64Encode(encryption.context));
      }
      if (encryption.bucket_key_enabled) out.Add(std::string(kBucketKey), "true");
      return;
    case storage::SseMode::kCustomer:
      out.Add("x-amz-server-side-encryption-customer-algorithm", "AES256");
      // The key of the version answered: a read's, or a write's (a copy's target key is the
      // unprefixed one too). The MD5 was checked against the key when it was parsed.
      if (auto md5 = request_headers.Get("x-amz-server-side-encryption-customer-key-md5")) {
        out.Add("x-amz-server-side-encryption-customer-key-md5", std::string(*md5));
      }
      return;
  }
}

}  // namespace cairn::s3
