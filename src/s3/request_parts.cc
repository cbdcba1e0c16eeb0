#include "s3/request_parts.h"

#include <charconv>

#include "common/encoding.h"
#include "common/time.h"
#include "s3/bucket_name.h"
#include "s3/conditions.h"
#include "s3/request_checks.h"

namespace cairn::s3 {

Status ValidateKey(const std::string& key) {
  if (key.size() > kMaxKeyBytes) return Status(Code::kKeyTooLong, "");
  if (!IsValidUtf8(key)) {
    return Status(Code::kInvalidArgumentS3, "Object name contains unsupported characters.");
  }
  return Status::Ok();
}

std::optional<uint64_t> ParseUint64(std::string_view s) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

Result<uint64_t> BodySizeOf(const http::Request& request) {
  if (auto decoded = request.headers.Get("x-amz-decoded-content-length")) {
    auto size = ParseUint64(*decoded);
    if (!size) return Status(Code::kInvalidArgumentS3, "Invalid x-amz-decoded-content-length.");
    return *size;
  }
  if (request.content_length) return *request.content_length;
  // An HTTP/1.1 chunked body: its length is known at its end (streamed, never buffered).
  if (request.chunked) return storage::kUnknownSize;
  return Status(Code::kMissingContentLength, "");
}

LimitedSource::LimitedSource(ByteSource& inner, uint64_t limit) : inner_(inner), limit_(limit) {}

Result<size_t> LimitedSource::Read(char* buf, size_t n) {
  // Ask for one byte past the limit at most, so a body of exactly `limit` bytes passes.
  uint64_t room = limit_ - std::min(limit_, total_) + 1;
  CAIRN_ASSIGN_OR_RETURN(size_t got,
                         inner_.Read(buf, static_cast<size_t>(std::min<uint64_t>(n, room))));
  total_ += got;
  if (total_ > limit_) return Status(Code::kEntityTooLarge, "");
  return got;
}

Result<storage::WriteConditions> WriteConditionsFrom(const Headers& headers) {
  storage::WriteConditions conditions;
  if (auto none_match = headers.Get("if-none-match")) {
    if (TrimWhitespace(*none_match) != "*") {
      return Status(Code::kNotImplemented, "If-None-Match on a write supports only the value *.");
    }
    conditions.if_none_match_any = true;
  }
  if (auto match = headers.Get("if-match")) conditions.if_match = std::string(UnquoteEtag(*match));
  return conditions;
}

Status DeleteConditionsFrom(std::optional<std::string_view> etag,
                            std::optional<std::string_view> size,
                            std::optional<std::string_view> modified,
                            storage::DeleteOptions& options) {
  if (etag) options.if_match_etag = std::string(UnquoteEtag(*etag));
  if (size) {
    options.if_match_size = ParseUint64(TrimWhitespace(*size));
    if (!options.if_match_size) return Status(Code::kInvalidArgumentS3, "Invalid size given.");
  }
  if (modified) {
    std::string_view text = TrimWhitespace(*modified);
    options.if_match_modified = ParseHttpDate(text);
    if (!options.if_match_modified) options.if_match_modified = ParseIso8601(text);
    if (!options.if_match_modified) {
      return Status(Code::kInvalidArgumentS3, "Invalid last modified time given.");
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> ContentMd5From(const Headers& headers) {
  auto header = headers.Get("content-md5");
  if (!header) return std::optional<std::string>();
  auto raw = Base64Decode(TrimWhitespace(*header));
  if (!raw || raw->size() != 16) return Status(Code::kInvalidDigest, "");
  return std::optional<std::string>(std::move(*raw));
}

Result<int> PartNumberFrom(std::string_view text) {
  auto n = ParseUint64(text);
  if (!n || *n < 1 || *n > 10000) {
    return Status(Code::kInvalidArgumentS3,
                  "Part number must be an integer between 1 and 10000, inclusive");
  }
  return static_cast<int>(*n);
}

Result<CopySource> CopySourceFrom(const Headers& headers) {
  std::string_view raw = headers.Get("x-amz-copy-source").value_or("");
  size_t question = raw.find('?');
  std::string_view version =
      question == std::string_view::npos ? std::string_view() : raw.substr(question + 1);
  raw = raw.substr(0, question);
  std::optional<std::string> decoded = UriDecode(raw, false);
  if (!decoded) return Status(Code::kInvalidArgumentS3, "Invalid copy source encoding.");
  std::string_view source = *decoded;
  if (source.starts_with('/')) source.remove_prefix(1);
  size_t slash = source.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == source.size()) {
    return Status(Code::kInvalidArgumentS3,
                  "Copy Source must mention the source bucket and key: sourcebucket/sourcekey.");
  }
  std::string version_id;
  if (question != std::string_view::npos) {
    if (!version.starts_with("versionId=")) {
      return Status(Code::kInvalidArgumentS3, "Invalid copy source: unknown parameter.");
    }
    std::optional<std::string> id = UriDecode(version.substr(10), true);
    if (!id) return Status(Code::kInvalidArgumentS3, "Invalid version id specified");
    CAIRN_RETURN_IF_ERROR(CheckVersionId(*id));
    version_id = std::move(*id);
  }
  CopySource out{std::string(source.substr(0, slash)), std::string(source.substr(slash + 1)),
                 std::move(version_id)};
  if (!IsValidBucketName(out.bucket)) {
    return Status(Code::kInvalidBucketName, "The source bucket name is not valid.");
  }
  return out;
}

void AddChecksumHeaders(const storage::Checksums& checksums, Headers& out) {
  for (const auto& [alg, value] : checksums) out.Add("x-amz-checksum-" + alg, value);
}

std::string_view ChecksumElementName(std::string_view algorithm) {
  if (algorithm == "crc32") return "ChecksumCRC32";
  if (algorithm == "crc32c") return "ChecksumCRC32C";
  if (algorithm == "crc64nvme") return "ChecksumCRC64NVME";
  if (algorithm == "sha1") return "ChecksumSHA1";
  return "ChecksumSHA256";
}

}  // namespace cairn::s3
