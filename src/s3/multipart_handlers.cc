// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy,
// CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads, and
// GetObjectAttributes (which reports the parts).
#include <algorithm>
#include <charconv>

#include "common/encoding.h"
#include "common/time.h"
#include "s3/conditions.h"
#include "s3/context.h"
#include "s3/object_headers.h"
#include "s3/object_lock.h"
#include "s3/owner.h"
#include "s3/request_parts.h"
#include "s3/request_xml.h"
#include "s3/sse.h"
#include "s3/tagging.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

constexpr int kMaxListed = 1000;

Result<storage::MultipartStore*> Multipart(RequestContext& ctx) {
  if (ctx.multipart == nullptr) return Status(Code::kNotImplemented, "");
  return ctx.multipart;
}

std::string UploadIdOf(const RequestContext& ctx) {
  return std::string(ctx.query.Get("uploadId").value_or(""));
}

Result<int> BoundedInt(const Query& query, std::string_view name, int fallback, int max) {
  auto text = query.Get(name);
  if (!text) return fallback;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || value < 0) {
    return Status(Code::kInvalidArgumentS3,
                  "Argument " + std::string(name) + " must be an integer between 0 and 2147483647");
  }
  return std::min(value, max);
}

void WriteInitiator(XmlWriter& xml) {
  xml.Open("Initiator");
  xml.Element("ID", kOwnerId);
  xml.Element("DisplayName", kOwnerDisplayName);
  xml.Close("Initiator");
}

// x-amz-copy-source-range: bytes=first-last, both within the source.
Result<ByteRange> CopySourceRange(std::string_view header, uint64_t size) {
  std::string_view spec = TrimWhitespace(header);
  if (!spec.starts_with("bytes=")) {
    return Status(Code::kInvalidArgumentS3,
                  "The x-amz-copy-source-range value must be of the form bytes=first-last.");
  }
  spec.remove_prefix(6);
  size_t dash = spec.find('-');
  std::optional<uint64_t> first =
      dash == std::string_view::npos ? std::nullopt : ParseUint64(spec.substr(0, dash));
  std::optional<uint64_t> last =
      dash == std::string_view::npos ? std::nullopt : ParseUint64(spec.substr(dash + 1));
  if (!first || !last || *last < *first) {
    return Status(Code::kInvalidArgumentS3,
                  "The x-amz-copy-source-range value must be of the form bytes=first-last.");
  }
  if (*last >= size) {
    return Status(Code::kInvalidRange,
                  "The specified copy source range is not within the source object.");
  }
  return ByteRange{*first, *last - *first + 1};
}

}  // namespace

Status CreateMultipartUpload(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  CAIRN_RETURN_IF_ERROR(ValidateKey(ctx.route.key));
  storage::PutOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.attributes, AttributesFromRequest(ctx.request.headers));
  if (auto alg = ctx.request.headers.Get("x-amz-checksum-algorithm")) {
    options.checksums = {{ToLower(*alg), ""}};
  }
  if (auto type = ctx.request.headers.Get("x-amz-checksum-type")) {
    options.checksum_type = std::string(*type);
  }
  // Checked now, as for PutObject, and kept in the upload record until completion.
  if (auto tagging = ctx.request.headers.Get("x-amz-tagging")) {
    CAIRN_ASSIGN_OR_RETURN(options.tags, ParseTaggingHeader(*tagging));
  }
  CAIRN_ASSIGN_OR_RETURN(options.lock, LockFromHeaders(ctx.request.headers, Now()));
  // Checked now too; the completed object gets it.
  CAIRN_ASSIGN_OR_RETURN(options.acl, AclForNewObject(ctx, ctx.route.bucket, ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.encryption,
                         EncryptionForWrite(ctx.store, ctx.route.bucket, ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(storage::UploadInfo upload, multipart->CreateMultipartUpload(
                                                         ctx.route.bucket, ctx.route.key, options));
  Headers headers;
  AddEncryptionHeaders(upload.encryption, ctx.request.headers, headers);
  if (!upload.checksum_algorithm.empty()) {
    headers.Add("x-amz-checksum-algorithm", ToUpper(upload.checksum_algorithm));
    headers.Add("x-amz-checksum-type", upload.checksum_type);
  }
  headers.Add("content-type", "application/xml");
  XmlWriter xml;
  xml.OpenRoot("InitiateMultipartUploadResult");
  xml.Element("Bucket", ctx.route.bucket);
  xml.Element("Key", ctx.route.key);
  xml.Element("UploadId", upload.upload_id);
  xml.Close("InitiateMultipartUploadResult");
  return ctx.Reply(200, headers, xml.Finish());
}

Status UploadPart(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  CAIRN_ASSIGN_OR_RETURN(int number, PartNumberFrom(ctx.query.Get("partNumber").value_or("")));
  CAIRN_ASSIGN_OR_RETURN(uint64_t size, BodySizeOf(ctx.request));
  const bool unknown_size = size == storage::kUnknownSize;  // HTTP chunked, no length
  if (!unknown_size && size > ctx.options.max_object_size) {
    return Status(Code::kEntityTooLarge, "");
  }
  LimitedSource limited(ctx.body, ctx.options.max_object_size);
  ByteSource& body = unknown_size ? static_cast<ByteSource&>(limited) : ctx.body;
  storage::PartOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.content_md5, ContentMd5From(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.checksums, ChecksumsFromRequest(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.customer_key,
                         CustomerKeyFrom(ctx.request.headers, /*copy_source=*/false));
  CAIRN_ASSIGN_OR_RETURN(storage::PartInfo part,
                         multipart->UploadPart(ctx.route.bucket, ctx.route.key, UploadIdOf(ctx),
                                               number, body, size, options));
  Headers headers;
  headers.Add("etag", QuotedEtag(part.etag));
  if (auto upload = multipart->GetUpload(ctx.route.bucket, ctx.route.key, UploadIdOf(ctx));
      upload.ok()) {
    AddEncryptionHeaders(upload->encryption, ctx.request.headers, headers);
  }
  AddChecksumHeaders(part.checksums, headers);
  return ctx.Reply(200, headers, "");
}

Status UploadPartCopy(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  CAIRN_ASSIGN_OR_RETURN(int number, PartNumberFrom(ctx.query.Get("partNumber").value_or("")));
  CAIRN_ASSIGN_OR_RETURN(CopySource source, CopySourceFrom(ctx.request.headers));
  CAIRN_RETURN_IF_ERROR(AuthorizeCopySource(ctx, source));
  // The upload must exist before any byte is copied.
  CAIRN_ASSIGN_OR_RETURN(storage::UploadInfo upload,
                         multipart->GetUpload(ctx.route.bucket, ctx.route.key, UploadIdOf(ctx)));
  storage::ReadOptions read;
  CAIRN_ASSIGN_OR_RETURN(read.customer_key,
                         CustomerKeyFrom(ctx.request.headers, /*copy_source=*/true));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> reader,
                         ctx.store.OpenObject(source.bucket, source.key, source.version_id, read));
  const storage::ObjectInfo& src = reader->info();
  if (!src.version_id.empty()) {
    ctx.response_headers.Add("x-amz-copy-source-version-id", src.version_id);
  }
  CAIRN_RETURN_IF_ERROR(CheckCopySourceConditions(ctx.request.headers, src));
  ByteRange range{0, src.size};
  if (auto header = ctx.request.headers.Get("x-amz-copy-source-range")) {
    CAIRN_ASSIGN_OR_RETURN(range, CopySourceRange(*header, src.size));
  }
  if (range.length > ctx.options.max_object_size) return Status(Code::kEntityTooLarge, "");
  storage::PartOptions options;
  if (!upload.checksum_algorithm.empty()) options.checksums = {{upload.checksum_algorithm, ""}};
  CAIRN_ASSIGN_OR_RETURN(options.customer_key,
                         CustomerKeyFrom(ctx.request.headers, /*copy_source=*/false));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> body,
                         reader->OpenRange(range.start, range.length));
  CAIRN_ASSIGN_OR_RETURN(storage::PartInfo part,
                         multipart->UploadPart(ctx.route.bucket, ctx.route.key, upload.upload_id,
                                               number, *body, range.length, options));
  XmlWriter xml;
  xml.OpenRoot("CopyPartResult");
  xml.Element("LastModified", FormatIso8601(part.modified));
  xml.Element("ETag", QuotedEtag(part.etag));
  for (const auto& [alg, value] : part.checksums) xml.Element(ChecksumElementName(alg), value);
  xml.Close("CopyPartResult");
  AddEncryptionHeaders(upload.encryption, ctx.request.headers, ctx.response_headers);
  return ctx.ReplyXml(200, xml.Finish());
}

Status CompleteMultipartUpload(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  // 10,000 parts with every checksum element stay well under this.
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 8 << 20));
  CAIRN_ASSIGN_OR_RETURN(std::vector<storage::CompletedPart> parts,
                         ParseCompleteMultipartUpload(body));
  storage::CompleteOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.conditions, WriteConditionsFrom(ctx.request.headers));
  // What the client says the whole object is; the store verifies it before the commit.
  for (const char* alg : {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"}) {
    if (auto value = ctx.request.headers.Get(std::string("x-amz-checksum-") + alg)) {
      options.checksums.emplace_back(alg, std::string(TrimWhitespace(*value)));
    }
  }
  if (auto type = ctx.request.headers.Get("x-amz-checksum-type")) {
    options.checksum_type = std::string(TrimWhitespace(*type));
  }
  if (auto size = ctx.request.headers.Get("x-amz-mp-object-size")) {
    options.object_size = ParseUint64(TrimWhitespace(*size));
    if (!options.object_size) {
      return Status(Code::kInvalidArgumentS3, "Invalid x-amz-mp-object-size header.");
    }
  }
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info,
                         multipart->CompleteMultipartUpload(ctx.route.bucket, ctx.route.key,
                                                            UploadIdOf(ctx), parts, options));
  std::string host(ctx.request.headers.Get("host").value_or("localhost"));
  XmlWriter xml;
  xml.OpenRoot("CompleteMultipartUploadResult");
  xml.Element("Location", (ctx.request.secure ? "https://" : "http://") + host + "/" +
                              ctx.route.bucket + "/" + UriEncode(ctx.route.key, true));
  xml.Element("Bucket", ctx.route.bucket);
  xml.Element("Key", ctx.route.key);
  xml.Element("ETag", QuotedEtag(info.etag));
  for (const auto& [alg, value] : info.checksums) xml.Element(ChecksumElementName(alg), value);
  if (!info.checksums.empty()) xml.Element("ChecksumType", info.checksum_type);
  xml.Close("CompleteMultipartUploadResult");
  Headers headers;
  headers.Add("content-type", "application/xml");
  if (!info.version_id.empty()) headers.Add("x-amz-version-id", info.version_id);
  AddEncryptionHeaders(info.encryption, ctx.request.headers, headers);
  AddExpirationHeader(ctx, info);
  return ctx.Reply(200, headers, xml.Finish());
}

Status AbortMultipartUpload(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  CAIRN_RETURN_IF_ERROR(
      multipart->AbortMultipartUpload(ctx.route.bucket, ctx.route.key, UploadIdOf(ctx)));
  return ctx.ReplyEmpty(204);
}

Status ListParts(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  CAIRN_ASSIGN_OR_RETURN(int max_parts, BoundedInt(ctx.query, "max-parts", kMaxListed, kMaxListed));
  CAIRN_ASSIGN_OR_RETURN(int marker, BoundedInt(ctx.query, "part-number-marker", 0, 10000));
  CAIRN_ASSIGN_OR_RETURN(storage::UploadInfo upload,
                         multipart->GetUpload(ctx.route.bucket, ctx.route.key, UploadIdOf(ctx)));
  CAIRN_ASSIGN_OR_RETURN(
      storage::ListPartsResult result,
      multipart->ListParts(ctx.route.bucket, ctx.route.key, upload.upload_id, marker, max_parts));
  XmlWriter xml;
  xml.OpenRoot("ListPartsResult");
  xml.Element("Bucket", ctx.route.bucket);
  xml.Element("Key", ctx.route.key);
  xml.Element("UploadId", upload.upload_id);
  WriteInitiator(xml);
  WriteOwner(xml);
  xml.Element("StorageClass", "STANDARD");
  xml.Element("PartNumberMarker", std::to_string(marker));
  if (result.truncated) {
    xml.Element("NextPartNumberMarker", std::to_string(result.next_part_number_marker));
  }
  xml.Element("MaxParts", std::to_string(max_parts));
  xml.Element("IsTruncated", result.truncated ? "true" : "false");
  if (!upload.checksum_algorithm.empty()) {
    xml.Element("ChecksumAlgorithm", ToUpper(upload.checksum_algorithm));
    xml.Element("ChecksumType", upload.checksum_type);
  }
  for (const storage::PartInfo& part : result.parts) {
    xml.Open("Part");
    xml.Element("PartNumber", std::to_string(part.number));
    xml.Element("LastModified", FormatIso8601(part.modified));
    xml.Element("ETag", QuotedEtag(part.etag));
    xml.Element("Size", std::to_string(part.size));
    for (const auto& [alg, value] : part.checksums) xml.Element(ChecksumElementName(alg), value);
    xml.Close("Part");
  }
  xml.Close("ListPartsResult");
  return ctx.ReplyXml(200, xml.Finish());
}

Status ListMultipartUploads(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::MultipartStore * multipart, Multipart(ctx));
  storage::ListUploadsQuery query;
  query.prefix = std::string(ctx.query.Get("prefix").value_or(""));
  query.delimiter = std::string(ctx.query.Get("delimiter").value_or(""));
  query.key_marker = std::string(ctx.query.Get("key-marker").value_or(""));
  query.upload_id_marker = std::string(ctx.query.Get("upload-id-marker").value_or(""));
  CAIRN_ASSIGN_OR_RETURN(query.max_uploads,
                         BoundedInt(ctx.query, "max-uploads", kMaxListed, kMaxListed));
  bool url = false;
  if (auto encoding = ctx.query.Get("encoding-type")) {
    if (*encoding != "url") {
      return Status(Code::kInvalidArgumentS3, "Invalid Encoding Method specified in Request");
    }
    url = true;
  }
  auto text = [url](std::string_view value) {
    return url ? UriEncode(value, true) : std::string(value);
  };
  CAIRN_ASSIGN_OR_RETURN(storage::ListUploadsResult result,
                         multipart->ListMultipartUploads(ctx.route.bucket, query));
  XmlWriter xml;
  xml.OpenRoot("ListMultipartUploadsResult");
  xml.Element("Bucket", ctx.route.bucket);
  xml.Element("KeyMarker", text(query.key_marker));
  xml.Element("UploadIdMarker", query.upload_id_marker);
  if (result.truncated) {
    xml.Element("NextKeyMarker", text(result.next_key_marker));
    xml.Element("NextUploadIdMarker", result.next_upload_id_marker);
  }
  if (!query.delimiter.empty()) xml.Element("Delimiter", text(query.delimiter));
  xml.Element("Prefix", text(query.prefix));
  if (url) xml.Element("EncodingType", "url");
  xml.Element("MaxUploads", std::to_string(query.max_uploads));
  xml.Element("IsTruncated", result.truncated ? "true" : "false");
  for (const storage::UploadInfo& upload : result.uploads) {
    xml.Open("Upload");
    xml.Element("Key", text(upload.key));
    xml.Element("UploadId", upload.upload_id);
    WriteInitiator(xml);
    WriteOwner(xml);
    xml.Element("StorageClass", "STANDARD");
    xml.Element("Initiated", FormatIso8601(upload.initiated));
    if (!upload.checksum_algorithm.empty()) {
      xml.Element("ChecksumAlgorithm", ToUpper(upload.checksum_algorithm));
      xml.Element("ChecksumType", upload.checksum_type);
    }
    xml.Close("Upload");
  }
  for (const std::string& prefix : result.common_prefixes) {
    xml.Open("CommonPrefixes");
    xml.Element("Prefix", text(prefix));
    xml.Close("CommonPrefixes");
  }
  xml.Close("ListMultipartUploadsResult");
  return ctx.ReplyXml(200, xml.Finish());
}

Status GetObjectAttributes(RequestContext& ctx) {
  auto wanted_header = ctx.request.headers.GetJoined("x-amz-object-attributes");
  if (!wanted_header || wanted_header->empty()) {
    return Status(Code::kInvalidArgumentS3, "Empty value for x-amz-object-attributes.");
  }
  std::vector<std::string> wanted;
  for (std::string_view rest = *wanted_header; !rest.empty();) {
    size_t comma = rest.find(',');
    std::string name(TrimWhitespace(rest.substr(0, comma)));
    if (name != "ETag" && name != "Checksum" && name != "ObjectParts" && name != "StorageClass" &&
        name != "ObjectSize") {
      return Status(Code::kInvalidArgumentS3, "Invalid attribute name specified: " + name);
    }
    wanted.push_back(std::move(name));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  auto want = [&](std::string_view name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  storage::ReadOptions read;
  CAIRN_ASSIGN_OR_RETURN(read.customer_key,
                         CustomerKeyFrom(ctx.request.headers, /*copy_source=*/false));
  Result<storage::ObjectInfo> head =
      ctx.store.HeadObject(ctx.route.bucket, ctx.route.key, version_id);
  if (!head.ok()) return ExplainMissing(ctx, version_id, head.status());
  storage::ObjectInfo info = std::move(head).value();
  // An SSE-C version asks for its key as HEAD does (none 400, another 403), and a key sent for
  // a version that is not SSE-C is refused: the open checks it, as HEAD's does.
  if (read.customer_key || info.encryption.mode == storage::SseMode::kCustomer) {
    Result<std::unique_ptr<storage::ObjectReader>> opened =
        ctx.store.OpenObject(ctx.route.bucket, ctx.route.key, info.version_id, read);
    if (!opened.ok()) return ExplainMissing(ctx, version_id, opened.status());
  }
  if (!info.version_id.empty()) ctx.response_headers.Add("x-amz-version-id", info.version_id);
  CAIRN_ASSIGN_OR_RETURN(int max_parts, BoundedInt(ctx.query, "max-parts", kMaxListed, kMaxListed));
  // The request header, not a query parameter, carries the marker for this operation.
  int marker = 0;
  if (auto text = ctx.request.headers.Get("x-amz-part-number-marker")) {
    auto value = ParseUint64(*text);
    if (!value || *value > 10000) {
      return Status(Code::kInvalidArgumentS3, "Invalid x-amz-part-number-marker.");
    }
    marker = static_cast<int>(*value);
  }
  if (auto text = ctx.request.headers.Get("x-amz-max-parts")) {
    auto value = ParseUint64(*text);
    if (!value) return Status(Code::kInvalidArgumentS3, "Invalid x-amz-max-parts.");
    max_parts = static_cast<int>(std::min<uint64_t>(*value, kMaxListed));
  }

  XmlWriter xml;
  xml.OpenRoot("GetObjectAttributesResponse");
  if (want("ETag")) xml.Element("ETag", info.etag);
  if (want("Checksum") && !info.checksums.empty()) {
    xml.Open("Checksum");
    for (const auto& [alg, value] : info.checksums) xml.Element(ChecksumElementName(alg), value);
    xml.Element("ChecksumType", info.checksum_type);
    xml.Close("Checksum");
  }
  if (want("ObjectParts") && !info.parts.empty()) {
    xml.Open("ObjectParts");
    xml.Element("PartsCount", std::to_string(info.parts.size()));
    xml.Element("PartNumberMarker", std::to_string(marker));
    int listed = 0;
    int last = marker;
    bool truncated = false;
    for (size_t i = 0; i < info.parts.size(); ++i) {
      int number = static_cast<int>(i) + 1;
      if (number <= marker) continue;
      if (listed == max_parts) {
        truncated = true;
        break;
      }
      ++listed;
      last = number;
    }
    xml.Element("NextPartNumberMarker", std::to_string(last));
    xml.Element("MaxParts", std::to_string(max_parts));
    xml.Element("IsTruncated", truncated ? "true" : "false");
    for (int number = marker + 1; number <= last; ++number) {
      const storage::PartSummary& part = info.parts[number - 1];
      xml.Open("Part");
      xml.Element("PartNumber", std::to_string(number));
      xml.Element("Size", std::to_string(part.size));
      for (const auto& [alg, value] : part.checksums) {
        xml.Element(ChecksumElementName(alg), value);
      }
      xml.Close("Part");
    }
    xml.Close("ObjectParts");
  }
  if (want("StorageClass")) xml.Element("StorageClass", "STANDARD");
  if (want("ObjectSize")) xml.Element("ObjectSize", std::to_string(info.size));
  xml.Close("GetObjectAttributesResponse");
  Headers headers;
  headers.Add("content-type", "application/xml");
  headers.Add("last-modified", FormatHttpDate(info.modified));
  return ctx.Reply(200, headers, xml.Finish());
}

}  // namespace cairn::s3
