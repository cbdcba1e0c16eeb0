// Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject.
#include <charconv>

#include "common/encoding.h"
#include "common/time.h"
#include "s3/conditions.h"
#include "s3/context.h"
#include "s3/object_headers.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

constexpr size_t kMaxKeyBytes = 1024;

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

// The size of the object a PUT carries: the decoded length for aws-chunked bodies, otherwise
// Content-Length.
Result<uint64_t> ObjectSizeOf(const http::Request& request) {
  if (auto decoded = request.headers.Get("x-amz-decoded-content-length")) {
    auto size = ParseUint64(*decoded);
    if (!size) return Status(Code::kInvalidArgumentS3, "Invalid x-amz-decoded-content-length.");
    return *size;
  }
  if (!request.content_length) return Status(Code::kMissingContentLength, "");
  return *request.content_length;
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

Result<std::optional<std::string>> ContentMd5From(const Headers& headers) {
  auto header = headers.Get("content-md5");
  if (!header) return std::optional<std::string>();
  auto raw = Base64Decode(TrimWhitespace(*header));
  if (!raw || raw->size() != 16) return Status(Code::kInvalidDigest, "");
  return std::optional<std::string>(std::move(*raw));
}

void AddChecksumHeaders(const storage::ObjectInfo& info, Headers& out) {
  for (const auto& [alg, value] : info.checksums) out.Add("x-amz-checksum-" + alg, value);
}

// GET and HEAD share everything but the body.
Status ServeObject(RequestContext& ctx, bool with_body) {
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> reader,
                         ctx.store.OpenObject(ctx.route.bucket, ctx.route.key));
  const storage::ObjectInfo& info = reader->info();
  Status condition = CheckReadConditions(ctx.request.headers, info);
  if (condition.code() == Code::kNotModified) {
    Headers headers;
    headers.Add("etag", QuotedEtag(info.etag));
    headers.Add("last-modified", FormatHttpDate(info.modified));
    return ctx.Reply(304, headers, "");
  }
  CAIRN_RETURN_IF_ERROR(condition);

  if (auto part = ctx.query.Get("partNumber")) {
    // A single-part object has exactly part 1.
    auto n = ParseUint64(*part);
    if (!n || *n < 1 || *n > 10000) {
      return Status(Code::kInvalidArgumentS3,
                    "Part number must be an integer between 1 and 10000.");
    }
    if (*n != 1) return Status(Code::kInvalidPart, "");
  }

  Headers headers = ctx.response_headers;
  AddObjectHeaders(info, ctx.query, headers);
  uint64_t offset = 0;
  uint64_t length = info.size;
  int status = 200;
  if (auto range_header = ctx.request.headers.Get("range")) {
    Result<std::optional<ByteRange>> range = ParseRange(*range_header, info.size);
    if (!range.ok()) {
      ctx.response_headers.Add("content-range", "bytes */" + std::to_string(info.size));
      return range.status();
    }
    if (*range) {
      offset = (*range)->start;
      length = (*range)->length;
      status = 206;
      headers.Add("content-range", "bytes " + std::to_string(offset) + "-" +
                                       std::to_string(offset + length - 1) + "/" +
                                       std::to_string(info.size));
    }
  }
  if (status == 200) AddChecksumHeadersIfAsked(info, ctx.request.headers, headers);
  if (!with_body || length == 0) return ctx.out.SendStream(status, headers, length, nullptr);
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, reader->OpenRange(offset, length));
  Status sent = ctx.out.SendStream(status, headers, length, source.get());
  // Once the head is out, a failure can only end the connection; it is not an S3 error.
  return ctx.out.sent() ? Status::Ok() : sent;
}

}  // namespace

Status PutObject(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ValidateKey(ctx.route.key));
  CAIRN_ASSIGN_OR_RETURN(uint64_t size, ObjectSizeOf(ctx.request));
  if (size > ctx.options.max_object_size) return Status(Code::kEntityTooLarge, "");
  storage::PutOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.content_md5, ContentMd5From(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.conditions, WriteConditionsFrom(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.checksums, ChecksumsFromRequest(ctx.request.headers));
  options.attributes = AttributesFromRequest(ctx.request.headers);
  CAIRN_ASSIGN_OR_RETURN(
      storage::ObjectInfo info,
      ctx.store.PutObject(ctx.route.bucket, ctx.route.key, ctx.body, size, options));
  Headers headers;
  headers.Add("etag", QuotedEtag(info.etag));
  AddChecksumHeaders(info, headers);
  return ctx.Reply(200, headers, "");
}

Status GetObject(RequestContext& ctx) { return ServeObject(ctx, true); }
Status HeadObject(RequestContext& ctx) { return ServeObject(ctx, false); }

Status DeleteObject(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.DeleteObject(ctx.route.bucket, ctx.route.key));
  return ctx.ReplyEmpty(204);
}

Status CopyObject(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ValidateKey(ctx.route.key));
  // x-amz-copy-source: [/]bucket/key[?versionId=...], URL-encoded.
  std::string_view raw_source = *ctx.request.headers.Get("x-amz-copy-source");
  size_t question = raw_source.find('?');
  std::string_view version_part =
      question == std::string_view::npos ? std::string_view() : raw_source.substr(question + 1);
  raw_source = raw_source.substr(0, question);
  std::optional<std::string> source = UriDecode(raw_source, false);
  if (!source) return Status(Code::kInvalidArgumentS3, "Invalid copy source encoding.");
  std::string_view src = *source;
  if (src.starts_with('/')) src.remove_prefix(1);
  size_t slash = src.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == src.size()) {
    return Status(Code::kInvalidArgumentS3,
                  "Copy Source must mention the source bucket and key: "
                  "sourcebucket/sourcekey.");
  }
  std::string src_bucket(src.substr(0, slash));
  std::string src_key(src.substr(slash + 1));
  if (!version_part.empty() && version_part != "versionId=null") {
    return Status(Code::kInvalidArgumentS3, "Invalid version id specified");
  }

  std::string directive(ctx.request.headers.Get("x-amz-metadata-directive").value_or("COPY"));
  if (directive != "COPY" && directive != "REPLACE") {
    return Status(Code::kInvalidArgumentS3, "Unknown metadata directive.");
  }
  if (src_bucket == ctx.route.bucket && src_key == ctx.route.key && directive != "REPLACE") {
    return Status(Code::kInvalidRequest,
                  "This copy request is illegal because it is trying to copy an object to itself "
                  "without changing the object's metadata, storage class, website redirect "
                  "location or encryption attributes.");
  }

  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> reader,
                         ctx.store.OpenObject(src_bucket, src_key));
  const storage::ObjectInfo& src_info = reader->info();
  CAIRN_RETURN_IF_ERROR(CheckCopySourceConditions(ctx.request.headers, src_info));
  if (src_info.size > ctx.options.max_object_size) {
    return Status(Code::kInvalidRequest,
                  "The specified copy source is larger than the maximum "
                  "allowable size for a copy source: 5368709120");
  }

  storage::PutOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.conditions, WriteConditionsFrom(ctx.request.headers));
  options.attributes =
      directive == "REPLACE" ? AttributesFromRequest(ctx.request.headers) : src_info.attributes;
  for (const auto& [alg, value] : src_info.checksums) options.checksums.emplace_back(alg, "");
  if (auto alg = ctx.request.headers.Get("x-amz-checksum-algorithm")) {
    options.checksums = {{ToLower(*alg), ""}};
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> body, reader->OpenRange(0, src_info.size));
  CAIRN_ASSIGN_OR_RETURN(
      storage::ObjectInfo info,
      ctx.store.PutObject(ctx.route.bucket, ctx.route.key, *body, src_info.size, options));
  XmlWriter xml;
  xml.OpenRoot("CopyObjectResult");
  xml.Element("LastModified", FormatIso8601(info.modified));
  xml.Element("ETag", QuotedEtag(info.etag));
  for (const auto& [alg, value] : info.checksums) {
    std::string_view name = alg == "crc32"       ? "ChecksumCRC32"
                            : alg == "crc32c"    ? "ChecksumCRC32C"
                            : alg == "crc64nvme" ? "ChecksumCRC64NVME"
                            : alg == "sha1"      ? "ChecksumSHA1"
                                                 : "ChecksumSHA256";
    xml.Element(name, value);
  }
  xml.Close("CopyObjectResult");
  return ctx.ReplyXml(200, xml.Finish());
}

}  // namespace cairn::s3
