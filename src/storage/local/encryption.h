// The engine's side of encryption at rest: data keys sealed and unsealed for a version (by the
// KMS, or under an SSE-C customer key), the customer key check, and the ETag an SSE-KMS/SSE-C
// version shows. The package stream itself is storage/crypto's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/crypto/kms.h"
#include "storage/records.h"

namespace cairn::storage::local {

// A fresh data key for a new version (or upload) of bucket/key, sealed as `request` asks, its
// section written to `out` (without a nonce base). Returns the data key.
// SSE-S3/SSE-KMS without a KMS: kNotImplemented; an unknown KMS key id: kKmsKeyNotFound.
Result<std::string> SealNewDataKey(const crypto::Kms* kms, std::string_view bucket,
                                   std::string_view key, const EncryptionRequest& request,
                                   EncryptionRecord* out);

// The data key of a version or upload of bucket/key. The customer key must have passed
// CheckCustomerKey. Without the KMS that sealed it: kNotImplemented; with another: kCorruption.
Result<std::string> UnsealDataKey(const crypto::Kms* kms, std::string_view bucket,
                                  std::string_view key, const EncryptionRecord& enc,
                                  const std::optional<std::string>& customer_key);

// Whether a request bringing `customer_key` may read (or add a part to) what `enc` encrypts
// (nullptr: not encrypted). SSE-C without a key: kInvalidRequest; another key: kAccessDenied;
// a key for anything not SSE-C: kInvalidRequest. `upload`: the messages AWS gives UploadPart.
Status CheckCustomerKey(const EncryptionRecord* enc, const std::optional<std::string>& customer_key,
                        bool upload);

// The ETag of a body encrypted with SSE-KMS or SSE-C: AWS's is not the MD5 of the object data.
// Derived from the MD5 under the data key, so it is fixed for the version (conditional requests
// work) yet tells nothing of the plaintext. SSE-S3 keeps the MD5.
std::string EncryptedEtag(const EncryptionRecord& enc, std::string_view data_key,
                          const std::string& md5_hex);

ObjectEncryption ToObjectEncryption(const std::optional<EncryptionRecord>& enc);

}  // namespace cairn::storage::local
