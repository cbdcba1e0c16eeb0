#include "s3/object_headers.h"

#include <array>
#include <cstring>

#include "common/encoding.h"
#include "common/time.h"
#include "s3/request_checks.h"

namespace cairn::s3 {

namespace {

constexpr std::array<const char*, 5> kStoredHeaders = {
    "content-encoding", "content-disposition", "content-language", "cache-control", "expires"};

constexpr std::array<const char*, 5> kChecksumAlgorithms = {"crc32", "crc32c", "crc64nvme", "sha1",
                                                            "sha256"};

// Content-Encoding without the aws-chunked coding, which describes the transfer, not the object.
// The codings kept stay exactly as sent, separators included ("deflate, gzip" stays so): each
// is joined to the one before by the text that preceded it in the request.
std::string StripAwsChunked(std::string_view value) {
  std::string out;
  size_t prev_end = 0;  // where the previous coding (kept or not) ended
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    size_t start = value.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos || start > comma) start = comma;
    size_t end = comma;
    while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t')) --end;
    std::string_view item = value.substr(start, end - start);
    if (!item.empty() && !EqualsIgnoreCase(item, "aws-chunked")) {
      if (!out.empty()) out.append(value.substr(prev_end, start - prev_end));
      out.append(item);
    }
    if (!item.empty()) prev_end = end;
    pos = comma + 1;
  }
  return out;
}

// A user metadata value as AWS answers it: ASCII unchanged, anything else as one RFC 2047
// encoded-word ("=?UTF-8?B?...?="), so that clients reading header bytes as Latin-1 (as
// HTTP/1.1 allows) can recover the text.
std::string MetadataValueForResponse(const std::string& value) {
  for (unsigned char c : value) {
    if (c >= 0x80) return "=?UTF-8?B?" + Base64Encode(value) + "?=";
  }
  return value;
}

bool IsChecksumAlgorithm(std::string_view name) {
  for (const char* alg : kChecksumAlgorithms) {
    if (name == alg) return true;
  }
  return false;
}

void AddExpected(storage::Checksums& checksums, const std::string& alg, std::string value) {
  for (auto& [name, v] : checksums) {
    if (name == alg) {
      if (v.empty()) v = std::move(value);
      return;
    }
  }
  checksums.emplace_back(alg, std::move(value));
}

}  // namespace

Result<storage::ObjectAttributes> AttributesFromRequest(const Headers& headers) {
  constexpr size_t kMaxUserMetadataBytes = 2048;
  storage::ObjectAttributes attrs;
  size_t user_metadata_bytes = 0;
  if (auto type = headers.Get("content-type")) {
    CAIRN_RETURN_IF_ERROR(CheckHeaderValue("Content-Type", *type));
    attrs.content_type = std::string(*type);
  }
  for (const char* name : kStoredHeaders) {
    auto value = headers.GetJoined(name);
    if (!value) continue;
    CAIRN_RETURN_IF_ERROR(CheckHeaderValue(name, *value));
    std::string v = *value;
    if (std::string_view(name) == "content-encoding") {
      v = StripAwsChunked(v);
      if (v.empty()) continue;
    }
    attrs.headers.emplace_back(name, std::move(v));
  }
  for (const auto& [name, value] : headers.fields()) {
    if (!name.starts_with("x-amz-meta-")) continue;
    // A form field's name is any text; stored, it becomes a response header's name.
    if (name.size() == 11 || !IsHttpToken(name)) {
      return Status(Code::kInvalidArgumentS3, "Invalid metadata name: not an HTTP header name.");
    }
    CAIRN_RETURN_IF_ERROR(CheckHeaderValue("Metadata " + name, value));
    user_metadata_bytes += name.size() - 11 + value.size();
    attrs.headers.emplace_back(name, value);
  }
  if (user_metadata_bytes > kMaxUserMetadataBytes) return Status(Code::kMetadataTooLarge, "");
  return attrs;
}

Result<storage::Checksums> ChecksumsFromRequest(const Headers& headers) {
  storage::Checksums checksums;
  for (const auto& [name, value] : headers.fields()) {
    if (!name.starts_with("x-amz-checksum-") || name == "x-amz-checksum-mode" ||
        name == "x-amz-checksum-type" || name == "x-amz-checksum-algorithm") {
      continue;
    }
    std::string alg = name.substr(15);
    if (!IsChecksumAlgorithm(alg)) {
      return Status(Code::kInvalidRequest, "Unsupported checksum header " + name + ".");
    }
    AddExpected(checksums, alg, value);
  }
  if (auto sdk = headers.Get("x-amz-sdk-checksum-algorithm")) {
    std::string alg = ToLower(*sdk);
    if (!IsChecksumAlgorithm(alg)) {
      return Status(Code::kInvalidRequest,
                    "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    }
    AddExpected(checksums, alg, "");
  }
  if (auto trailer = headers.Get("x-amz-trailer")) {
    std::string name = ToLower(TrimWhitespace(*trailer));
    if (name.starts_with("x-amz-checksum-")) {
      std::string alg = name.substr(15);
      if (!IsChecksumAlgorithm(alg)) {
        return Status(Code::kInvalidRequest, "Unsupported trailer " + name + ".");
      }
      AddExpected(checksums, alg, "");
    }
  }
  return checksums;
}

std::string QuotedEtag(const std::string& etag) { return "\"" + etag + "\""; }

void AddChecksumHeadersIfAsked(const storage::ObjectInfo& info, const Headers& request_headers,
                               Headers& out) {
  auto mode = request_headers.Get("x-amz-checksum-mode");
  if (!mode || !EqualsIgnoreCase(*mode, "ENABLED")) return;
  for (const auto& [alg, value] : info.checksums) out.Add("x-amz-checksum-" + alg, value);
  if (!info.checksums.empty()) out.Add("x-amz-checksum-type", info.checksum_type);
}

void AddObjectHeaders(const storage::ObjectInfo& info, const Query& query, Headers& out) {
  out.Add("etag", QuotedEtag(info.etag));
  out.Add("last-modified", FormatHttpDate(info.modified));
  out.Add("accept-ranges", "bytes");
  if (!info.version_id.empty()) out.Add("x-amz-version-id", info.version_id);
  if (!info.tags.empty()) out.Add("x-amz-tagging-count", std::to_string(info.tags.size()));
  auto override_of = [&](std::string_view header) -> std::optional<std::string_view> {
    // Most GETs have no query at all: no "response-*" name to build (and allocate) then.
    if (query.params().empty()) return std::nullopt;
    constexpr std::string_view kPrefix = "response-";
    char name[64];
    if (kPrefix.size() + header.size() > sizeof name) {
      return query.Get(std::string(kPrefix) + std::string(header));
    }
    std::memcpy(name, kPrefix.data(), kPrefix.size());
    std::memcpy(name + kPrefix.size(), header.data(), header.size());
    return query.Get(std::string_view(name, kPrefix.size() + header.size()));
  };
  std::string_view type = info.attributes.content_type.empty()
                              ? std::string_view("binary/octet-stream")
                              : std::string_view(info.attributes.content_type);
  out.Add("content-type", override_of("content-type").value_or(type));
  for (const char* name : kStoredHeaders) {
    if (auto value = override_of(name)) {
      out.Add(name, *value);
      continue;
    }
    for (const auto& [n, v] : info.attributes.headers) {
      if (n == name) out.Add(n, v);
    }
  }
  for (const auto& [name, value] : info.attributes.headers) {
    if (name.starts_with("x-amz-meta-")) out.Add(name, MetadataValueForResponse(value));
  }
}

}  // namespace cairn::s3
