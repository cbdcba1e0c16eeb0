// The key management seam: a KMS generates per-object data keys sealed under one of its keys and
// unseals them again. Cairn has one built in, the single-key KMS that MinIO configures with
// MINIO_KMS_SECRET_KEY=<key-name>:<base64 of 32 bytes>; an external KMS (KES, Vault) would be
// another implementation of Kms.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cairn::storage::crypto {

// A data key: 32 bytes to encrypt with, and the same bytes sealed for storage.
struct DataKey {
  std::string plaintext;
  std::string sealed;
};

// Thread-safe; the store keeps one for its lifetime.
class Kms {
 public:
  virtual ~Kms() = default;
  // The key SSE-S3 uses and SSE-KMS takes when the request names none.
  virtual const std::string& DefaultKeyId() const = 0;
  virtual bool HasKey(std::string_view key_id) const = 0;
  // A fresh random data key sealed under `key_id`, bound to `context` (any bytes: the caller's
  // canonical encryption context): unsealing needs the same key id and context.
  // kKmsKeyNotFound for a key this KMS does not have.
  virtual Result<DataKey> GenerateKey(std::string_view key_id, std::string_view context) const = 0;
  // The data key sealed by GenerateKey. kKmsKeyNotFound for an unknown key id; kCorruption when
  // the sealed bytes do not open (another key of the same name, another context, altered bytes).
  virtual Result<std::string> Unseal(std::string_view key_id, std::string_view sealed,
                                     std::string_view context) const = 0;
};

// The built-in KMS from "<key-name>:<base64 of 32 bytes>" (MINIO_KMS_SECRET_KEY's form).
// kInvalidArgument, saying what is wrong, for anything else.
Result<std::unique_ptr<Kms>> ParseSecretKeyKms(std::string_view spec);

// An encryption context (x-amz-server-side-encryption-context: base64 of a JSON object of string
// values) in one canonical form, keys sorted, so equal contexts seal and unseal alike.
// kInvalidArgument when `json` is not such an object.
Result<std::string> CanonicalContext(std::string_view json);
// The canonical form of `pairs` (sorted by key; a later duplicate key wins).
std::string CanonicalContext(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace cairn::storage::crypto
