// Server-side encryption as requests ask for it and responses show it (docs/encryption.md):
// the x-amz-server-side-encryption* headers (and the copy source's SSE-C headers) parsed into
// the store's terms, the bucket default applied, and the echo on every response.
#pragma once

#include <optional>
#include <string>

#include "common/headers.h"
#include "common/status.h"
#include "http/request.h"
#include "storage/object_store.h"

namespace cairn::s3 {

// Whether an SSE-C request (customer keys travel in its headers) may be served on this
// connection: over TLS, or from a loopback peer (a TLS-terminating proxy on the same host, and
// the tests). Elsewhere it is refused before anything else, as MinIO refuses it.
bool SseCTransportAllowed(const http::Request& request);

// The SSE-C key of x-amz-server-side-encryption-customer-* (with `copy_source`, of
// x-amz-copy-source-server-side-encryption-customer-*): nullopt when none of them is sent.
// An algorithm other than AES256, a missing key or key MD5, a key that is not 32 bytes of base64,
// or an MD5 that does not match: InvalidArgument, as AWS answers.
Result<std::optional<std::string>> CustomerKeyFrom(const Headers& headers, bool copy_source);

// What a write's headers (or a POST form's fields) ask for: SSE-S3, SSE-KMS (key id, context,
// bucket key), SSE-C, or nothing. Conflicts (SSE-C with another method, a KMS key id or context
// without aws:kms, an unknown method) are InvalidArgument.
Result<storage::EncryptionRequest> EncryptionFromHeaders(const Headers& headers);

// The request's encryption, else `bucket`'s default (PutBucketEncryption), else none.
Result<storage::EncryptionRequest> EncryptionForWrite(storage::ObjectStore& store,
                                                      const std::string& bucket,
                                                      const Headers& headers);

// The response headers showing how a version (or upload) is encrypted; SSE-C echoes the key MD5
// the request sent.
void AddEncryptionHeaders(const storage::ObjectEncryption& encryption,
                          const Headers& request_headers, Headers& out);

// KMS key ids are shown as ARNs (MinIO's form) and taken with or without the prefix.
inline constexpr std::string_view kKmsArnPrefix = "arn:aws:kms:";

}  // namespace cairn::s3
