#include "storage/crypto/kms.h"

#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "storage/crypto/aead.h"

namespace cairn::storage::crypto {

namespace {

// Sealed form: 12-byte random nonce, then the data key encrypted, then the tag. The associated
// data binds it to the key name and the context, so a sealed key cannot be moved to another
// context (another object) or mistaken for one of another key.
class SecretKeyKms final : public Kms {
 public:
  SecretKeyKms(std::string name, std::string key) : name_(std::move(name)), key_(std::move(key)) {}

  const std::string& DefaultKeyId() const override { return name_; }
  bool HasKey(std::string_view key_id) const override { return key_id == name_; }

  Result<DataKey> GenerateKey(std::string_view key_id, std::string_view context) const override {
    if (!HasKey(key_id)) return NotFound(key_id);
    DataKey out;
    CAIRN_ASSIGN_OR_RETURN(out.plaintext, RandomKeyBytes(kKeySize));
    CAIRN_ASSIGN_OR_RETURN(out.sealed, RandomKeyBytes(kNonceSize));
    std::string nonce = out.sealed;
    CAIRN_RETURN_IF_ERROR(AeadSeal(key_, nonce, Aad(context), out.plaintext.data(),
                                   out.plaintext.size(), &out.sealed));
    return out;
  }

  Result<std::string> Unseal(std::string_view key_id, std::string_view sealed,
                             std::string_view context) const override {
    if (!HasKey(key_id)) return NotFound(key_id);
    if (sealed.size() != kNonceSize + kKeySize + kTagSize) {
      return Status(Code::kCorruption, "a sealed data key has the wrong size");
    }
    std::string plain(kKeySize, '\0');
    Status opened = AeadOpen(key_, sealed.substr(0, kNonceSize), Aad(context),
                             sealed.substr(kNonceSize), plain.data());
    if (!opened.ok()) {
      return Status(Code::kCorruption,
                    "the object's data key does not unseal with KMS key '" + name_ +
                        "': the KMS key is not the one that encrypted the object");
    }
    return plain;
  }

 private:
  static Status NotFound(std::string_view key_id) {
    return Status(Code::kKmsKeyNotFound, "the KMS has no key '" + std::string(key_id) + "'");
  }
  std::string Aad(std::string_view context) const {
    std::string aad = name_;
    aad.push_back('\0');
    aad.append(context);
    return aad;
  }

  std::string name_;
  std::string key_;
};

}  // namespace

Result<std::unique_ptr<Kms>> ParseSecretKeyKms(std::string_view spec) {
  size_t colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status(Code::kInvalidArgument,
                  "MINIO_KMS_SECRET_KEY must be <key-name>:<base64 of 32 bytes>");
  }
  std::string name(spec.substr(0, colon));
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x21 || c == '/' || c == '\\' || c == 0x7f) {
      return Status(Code::kInvalidArgument,
                    "MINIO_KMS_SECRET_KEY's key name must be printable, without '/' or spaces");
    }
  }
  std::optional<std::string> key = Base64Decode(spec.substr(colon + 1));
  if (!key || key->size() != kKeySize) {
    return Status(Code::kInvalidArgument,
                  "MINIO_KMS_SECRET_KEY's key must be the base64 of exactly 32 bytes "
                  "(e.g. `head -c 32 /dev/urandom | base64`)");
  }
  return std::unique_ptr<Kms>(new SecretKeyKms(std::move(name), std::move(*key)));
}

Result<std::string> CanonicalContext(std::string_view json) {
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return Status(Code::kInvalidArgument, "the encryption context is not a JSON object");
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string()) {
      return Status(Code::kInvalidArgument, "the encryption context's values must be strings");
    }
    pairs.emplace_back(key, value.get<std::string>());
  }
  return CanonicalContext(pairs);
}

std::string CanonicalContext(const std::vector<std::pair<std::string, std::string>>& pairs) {
  // nlohmann's object is an ordered std::map: dump() writes the keys sorted.
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : pairs) out[key] = value;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cairn::storage::crypto
