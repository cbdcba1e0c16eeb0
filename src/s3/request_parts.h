// Pieces of a write request that several handlers read the same way: the key, the body size,
// Content-MD5, write conditions, the copy source, part numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_source.h"
#include "common/headers.h"
#include "common/status.h"
#include "http/request.h"
#include "storage/object_store.h"

namespace cairn::s3 {

// S3's limit on key length, in bytes of UTF-8.
inline constexpr size_t kMaxKeyBytes = 1024;

// KeyTooLongError past kMaxKeyBytes; InvalidArgument for bytes that are not UTF-8.
Status ValidateKey(const std::string& key);

std::optional<uint64_t> ParseUint64(std::string_view s);

// The size of the object a write carries: x-amz-decoded-content-length for aws-chunked bodies,
// otherwise Content-Length; storage::kUnknownSize for an HTTP chunked body without either
// (MissingContentLength when there is no length at all).
Result<uint64_t> BodySizeOf(const http::Request& request);

// A body of unknown length cut at `limit` bytes: reading past it is kEntityTooLarge (the write
// then stores nothing). Trailers are the inner source's.
class LimitedSource final : public ByteSource {
 public:
  LimitedSource(ByteSource& inner, uint64_t limit);
  Result<size_t> Read(char* buf, size_t n) override;
  const Headers* trailers() const override { return inner_.trailers(); }

 private:
  ByteSource& inner_;
  const uint64_t limit_;
  uint64_t total_ = 0;
};

// If-None-Match: * and If-Match: "etag" on a write.
Result<storage::WriteConditions> WriteConditionsFrom(const Headers& headers);

// Conditional delete: an ETag (or "*"), a size and a last-modified time (HTTP date or ISO 8601),
// as DeleteObject's headers or a DeleteObjects entry carry them, into `options`.
// InvalidArgument for a size or time that does not parse.
Status DeleteConditionsFrom(std::optional<std::string_view> etag,
                            std::optional<std::string_view> size,
                            std::optional<std::string_view> modified,
                            storage::DeleteOptions& options);

// Content-MD5 as 16 raw bytes; InvalidDigest when it is not base64 of 16 bytes.
Result<std::optional<std::string>> ContentMd5From(const Headers& headers);

// A part number query parameter: 1..10000, else InvalidArgument.
Result<int> PartNumberFrom(std::string_view text);

struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;  // "" = the latest version
};
// x-amz-copy-source: [/]bucket/key[?versionId=ID], URL-encoded. A source bucket that breaks
// the naming rules is InvalidBucketName; a malformed versionId is refused as CheckVersionId says.
Result<CopySource> CopySourceFrom(const Headers& headers);

// x-amz-checksum-<alg> response headers for every checksum the object has.
void AddChecksumHeaders(const storage::Checksums& checksums, Headers& out);

// "ChecksumCRC32" etc.: the XML element name for an algorithm.
std::string_view ChecksumElementName(std::string_view algorithm);

}  // namespace cairn::s3
