// Server-side encryption as the client asks for it, mc's way: the --enc-s3 / --enc-kms / --enc-c
// flags ("ALIAS/BUCKET/PREFIX[=KEY]", repeatable, comma-separated), the rule that applies to an
// object (the longest matching prefix), the request headers each rule sends, what a HEAD answer
// says about an object's encryption, and the bucket default-encryption documents. Pure; no I/O.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/headers.h"
#include "common/status.h"

namespace cairn::cli {

enum class SseKind { kS3, kKms, kCustomer };

struct SseRule {
  SseKind kind = SseKind::kS3;
  std::string alias;
  std::string prefix;        // "bucket/key-prefix" (may be "" or just "bucket")
  std::string kms_key;       // kKms
  std::string customer_key;  // kCustomer: the 32 raw bytes

  // "alias/prefix" as the user wrote it.
  std::string Path() const { return prefix.empty() ? alias + "/" : alias + "/" + prefix; }
};

// The flags' values as given: each element may hold several comma-separated entries.
struct SseFlags {
  std::vector<std::string> s3;
  std::vector<std::string> kms;
  std::vector<std::string> customer;
  bool empty() const { return s3.empty() && kms.empty() && customer.empty(); }
};

// One entry of a flag: "alias/prefix" (SSE-S3), "alias/prefix=KEY-ID" (SSE-KMS) or
// "alias/prefix=KEY" (SSE-C: 32 bytes as base64 without padding, as mc takes it, with padding,
// or as 64 hex digits). The key is after the last '=' (an SSE-C key's padding aside), so a prefix
// may hold '=' too.
Result<SseRule> ParseSseEntry(std::string_view entry, SseKind kind);

// mc's KMS key names: letters, digits, '_' and inner '-'.
bool ValidKmsKeyName(std::string_view name);

class SseRules {
 public:
  // Parses every entry. The same alias/prefix twice is an error; nested prefixes are allowed and
  // the longest one decides.
  static Result<SseRules> Parse(const SseFlags& flags);

  // mc's checks against the command's path arguments: each rule's alias must be known and its
  // "alias/prefix" must begin an argument or be begun by one ("SSE prefixes do not match any
  // object paths.").
  Status CheckAgainst(const std::vector<std::string>& args,
                      const std::function<bool(std::string_view)>& is_alias) const;

  // The rule for object `key` of `bucket` on `alias`: the longest matching prefix, or nullptr.
  const SseRule* Find(std::string_view alias, std::string_view bucket, std::string_view key) const;

  bool empty() const { return rules_.empty(); }
  const std::vector<SseRule>& rules() const { return rules_; }

 private:
  std::vector<SseRule> rules_;  // longest prefix first
};

// Headers that write an object under `rule` (none for nullptr): SSE-S3, SSE-KMS with its key id,
// or the SSE-C customer key.
Headers SseWriteHeaders(const SseRule* rule);
// Headers that read (GET, HEAD) or add parts to an object under `rule`: the customer key for
// SSE-C, nothing otherwise (SSE-S3 and SSE-KMS reads need no headers).
Headers SseReadHeaders(const SseRule* rule);
// The x-amz-copy-source-server-side-encryption-customer-* headers of an SSE-C copy source.
Headers SseCopySourceHeaders(const SseRule* rule);

// An object's encryption as a HEAD or GET answer shows it.
struct ObjectEncryption {
  std::string kind;  // "SSE-S3", "SSE-KMS", "SSE-C" or "" (not encrypted)
  std::string kms_key_id;
  std::string customer_key_md5;
};
ObjectEncryption EncryptionFromHeaders(const Headers& headers);
// "SSE-S3", "SSE-KMS (arn:aws:kms:my-key)", "SSE-C"; "" when not encrypted.
std::string EncryptionText(const ObjectEncryption& enc);

// A bucket's default encryption: algorithm "AES256" or "aws:kms", and the KMS key (may be "").
struct BucketEncryption {
  std::string algorithm;
  std::string kms_key_id;
};
// The <ServerSideEncryptionConfiguration> document of PutBucketEncryption.
std::string BucketEncryptionXml(const BucketEncryption& config);
// Reads a GetBucketEncryption answer (its first rule).
Result<BucketEncryption> ParseBucketEncryptionXml(std::string_view xml);

}  // namespace cairn::cli
