#include "storage/local/encryption.h"

#include "common/encoding.h"
#include "common/hash.h"
#include "storage/crypto/aead.h"

namespace cairn::storage::local {

namespace {

constexpr std::string_view kSealLabel = "cairn/sse-c/seal-key";
constexpr std::string_view kCheckLabel = "cairn/sse-c/key-check";
constexpr std::string_view kEtagLabel = "cairn/etag";

Status KmsNotConfigured() {
  return Status(Code::kNotImplemented,
                "Server side encryption specified but KMS is not configured");
}

// What a sealed data key is bound to: the object's path and the client's context, so it cannot
// be moved to another object.
std::string Binding(std::string_view bucket, std::string_view key, std::string_view context) {
  std::string out(bucket);
  out.push_back('/');
  out.append(key);
  out.push_back('\0');
  out.append(context);
  return out;
}

std::string KeyCheck(std::string_view customer_key, std::string_view sealed) {
  std::string data(kCheckLabel);
  data.push_back('\0');
  data.append(sealed);
  return HmacSha256(customer_key, data);
}

}  // namespace

Result<std::string> SealNewDataKey(const crypto::Kms* kms, std::string_view bucket,
                                   std::string_view key, const EncryptionRequest& request,
                                   EncryptionRecord* out) {
  *out = EncryptionRecord{};
  out->mode = request.mode;
  out->bucket_key_enabled = request.bucket_key_enabled;
  switch (request.mode) {
    case SseMode::kS3:
    case SseMode::kKms: {
      if (kms == nullptr) return KmsNotConfigured();
      out->kms_key_id = request.kms_key_id.empty() || request.mode == SseMode::kS3
                            ? kms->DefaultKeyId()
                            : request.kms_key_id;
      if (request.mode == SseMode::kKms) out->context = request.context;
      CAIRN_ASSIGN_OR_RETURN(crypto::DataKey data_key,
                             kms->GenerateKey(out->kms_key_id, Binding(bucket, key, out->context)));
      out->sealed_key = std::move(data_key.sealed);
      return std::move(data_key.plaintext);
    }
    case SseMode::kCustomer: {
      if (request.customer_key.size() != crypto::kKeySize) {
        return Status(Code::kInvalidArgumentS3,
                      "The secret key was invalid for the specified algorithm.");
      }
      CAIRN_ASSIGN_OR_RETURN(std::string data_key, crypto::RandomKeyBytes(crypto::kKeySize));
      CAIRN_ASSIGN_OR_RETURN(std::string nonce, crypto::RandomKeyBytes(crypto::kNonceSize));
      out->sealed_key = nonce;
      CAIRN_RETURN_IF_ERROR(crypto::AeadSeal(HmacSha256(request.customer_key, kSealLabel), nonce,
                                             Binding(bucket, key, ""), data_key.data(),
                                             data_key.size(), &out->sealed_key));
      out->key_check = KeyCheck(request.customer_key, out->sealed_key);
      return data_key;
    }
    case SseMode::kNone: break;
  }
  return Status(Code::kInternal, "no encryption asked for");
}

Result<std::string> UnsealDataKey(const crypto::Kms* kms, std::string_view bucket,
                                  std::string_view key, const EncryptionRecord& enc,
                                  const std::optional<std::string>& customer_key) {
  if (enc.mode == SseMode::kCustomer) {
    if (!customer_key) return Status(Code::kInternal, "SSE-C read without its key");
    const std::string_view sealed = enc.sealed_key;
    if (sealed.size() != crypto::kNonceSize + crypto::kKeySize + crypto::kTagSize) {
      return Status(Code::kCorruption, "a sealed data key has the wrong size");
    }
    std::string plain(crypto::kKeySize, '\0');
    CAIRN_RETURN_IF_ERROR(crypto::AeadOpen(
        HmacSha256(*customer_key, kSealLabel), sealed.substr(0, crypto::kNonceSize),
        Binding(bucket, key, ""), sealed.substr(crypto::kNonceSize), plain.data()));
    return plain;
  }
  if (kms == nullptr) {
    return Status(Code::kNotImplemented, "The object is encrypted with KMS key '" + enc.kms_key_id +
                                             "' but no KMS is configured (MINIO_KMS_SECRET_KEY)");
  }
  return kms->Unseal(enc.kms_key_id, enc.sealed_key, Binding(bucket, key, enc.context));
}

Status CheckCustomerKey(const EncryptionRecord* enc, const std::optional<std::string>& customer_key,
                        bool upload) {
  const bool sse_c = enc != nullptr && enc->mode == SseMode::kCustomer;
  if (!sse_c) {
    if (!customer_key) return Status::Ok();
    return Status(Code::kInvalidRequest,
                  upload ? "The multipart upload initiate did not request SSE-C encryption; "
                           "its parts cannot take a customer key."
                         : "The encryption parameters are not applicable to this object.");
  }
  if (!customer_key) {
    return Status(Code::kInvalidRequest,
                  upload ? "The multipart upload initiate requested encryption. Subsequent part "
                           "requests must include the appropriate encryption parameters."
                         : "The object was stored using a form of Server Side Encryption. The "
                           "correct parameters must be provided to retrieve the object.");
  }
  if (!ConstantTimeEquals(KeyCheck(*customer_key, enc->sealed_key), enc->key_check)) {
    return Status(Code::kAccessDenied,
                  "The provided encryption key does not match the one the object was stored "
                  "with.");
  }
  return Status::Ok();
}

std::string EncryptedEtag(const EncryptionRecord& enc, std::string_view data_key,
                          const std::string& md5_hex) {
  if (enc.mode == SseMode::kS3) return md5_hex;
  std::string data(kEtagLabel);
  data.push_back('\0');
  data.append(md5_hex);
  return HexEncode(HmacSha256(data_key, data).substr(0, 16));
}

ObjectEncryption ToObjectEncryption(const std::optional<EncryptionRecord>& enc) {
  ObjectEncryption out;
  if (!enc) return out;
  out.mode = enc->mode;
  out.kms_key_id = enc->kms_key_id;
  out.context = enc->context;
  out.bucket_key_enabled = enc->bucket_key_enabled;
  return out;
}

}  // namespace cairn::storage::local
