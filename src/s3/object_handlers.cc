// Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject.
#include "common/encoding.h"
#include "common/time.h"
#include "s3/conditions.h"
#include "s3/context.h"
#include "s3/object_headers.h"
#include "s3/object_lock.h"
#include "s3/request_parts.h"
#include "s3/sse.h"
#include "s3/tagging.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

Status ExplainMissing(RequestContext& ctx, const std::string& version_id, Status missing) {
  if (missing.code() == Code::kMethodNotAllowed) {
    ctx.response_headers.Add("x-amz-delete-marker", "true");
    ctx.response_headers.Add("x-amz-version-id", version_id);
  } else if (missing.code() == Code::kNoSuchKey && version_id.empty()) {
    auto marker = ctx.store.LatestDeleteMarker(ctx.route.bucket, ctx.route.key);
    if (marker.ok() && *marker) {
      ctx.response_headers.Add("x-amz-delete-marker", "true");
      ctx.response_headers.Add("x-amz-version-id", (*marker)->version_id);
    }
  }
  return missing;
}

namespace {

// GET and HEAD share everything but the body.
Status ServeObject(RequestContext& ctx, bool with_body) {
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  storage::ReadOptions read;
  CAIRN_ASSIGN_OR_RETURN(read.customer_key,
                         CustomerKeyFrom(ctx.request.headers, /*copy_source=*/false));
  Result<std::unique_ptr<storage::ObjectReader>> opened =
      ctx.store.OpenObject(ctx.route.bucket, ctx.route.key, version_id, read);
  if (!opened.ok()) return ExplainMissing(ctx, version_id, opened.status());
  std::unique_ptr<storage::ObjectReader> reader = std::move(opened).value();
  const storage::ObjectInfo& info = reader->info();
  Status condition = CheckReadConditions(ctx.request.headers, info);
  if (condition.code() == Code::kNotModified) {
    Headers headers;
    headers.Add("etag", QuotedEtag(info.etag));
    headers.Add("last-modified", FormatHttpDate(info.modified));
    return ctx.Reply(304, headers, "");
  }
  CAIRN_RETURN_IF_ERROR(condition);
  if (version_id.empty()) AddExpirationHeader(ctx, info);  // current versions only, as AWS

  Headers headers;
  headers.Reserve(ctx.response_headers.size() + 12);  // kept by the copy: no regrowth below
  headers = ctx.response_headers;
  AddObjectHeaders(info, ctx.query, headers);
  AddEncryptionHeaders(info.encryption, ctx.request.headers, headers);
  if (!info.lock.empty()) AddPermittedLockHeaders(ctx, info, headers);
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
  if (auto part = ctx.query.Get("partNumber")) {
    CAIRN_ASSIGN_OR_RETURN(int number, PartNumberFrom(*part));
    if (ctx.request.headers.Has("range")) {
      return Status(Code::kInvalidRequest,
                    "Cannot specify both Range header and partNumber query parameter");
    }
    // Part N is the N-th part of the object, as the client numbered them in order; an object
    // written in one PUT has exactly one part.
    size_t count = std::max<size_t>(info.parts.size(), 1);
    if (static_cast<size_t>(number) > count) return Status(Code::kInvalidPartNumber, "");
    if (!info.parts.empty()) {
      for (int i = 0; i + 1 < number; ++i) offset += info.parts[i].size;
      length = info.parts[number - 1].size;
    }
    status = 206;
    headers.Add("x-amz-mp-parts-count", std::to_string(count));
    headers.Add("content-range", "bytes " + std::to_string(offset) + "-" +
                                     std::to_string(offset + length - 1) + "/" +
                                     std::to_string(info.size));
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
  CAIRN_ASSIGN_OR_RETURN(uint64_t size, BodySizeOf(ctx.request));
  const bool unknown_size = size == storage::kUnknownSize;  // HTTP chunked, no length
  if (!unknown_size && size > ctx.options.max_object_size) {
    return Status(Code::kEntityTooLarge, "");
  }
  LimitedSource limited(ctx.body, ctx.options.max_object_size);
  ByteSource& body = unknown_size ? static_cast<ByteSource&>(limited) : ctx.body;
  storage::PutOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.content_md5, ContentMd5From(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.conditions, WriteConditionsFrom(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.checksums, ChecksumsFromRequest(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.attributes, AttributesFromRequest(ctx.request.headers));
  if (auto tagging = ctx.request.headers.Get("x-amz-tagging")) {
    CAIRN_ASSIGN_OR_RETURN(options.tags, ParseTaggingHeader(*tagging));
  }
  CAIRN_ASSIGN_OR_RETURN(options.lock, LockFromHeaders(ctx.request.headers, Now()));
  CAIRN_ASSIGN_OR_RETURN(options.acl, AclForNewObject(ctx, ctx.route.bucket, ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.encryption,
                         EncryptionForWrite(ctx.store, ctx.route.bucket, ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info,
                         ctx.store.PutObject(ctx.route.bucket, ctx.route.key, body, size, options));
  Headers headers;
  headers.Add("etag", QuotedEtag(info.etag));
  AddEncryptionHeaders(info.encryption, ctx.request.headers, headers);
  if (!info.version_id.empty()) headers.Add("x-amz-version-id", info.version_id);
  AddChecksumHeaders(info.checksums, headers);
  AddExpirationHeader(ctx, info);
  return ctx.Reply(200, headers, "");
}

Status GetObject(RequestContext& ctx) { return ServeObject(ctx, true); }
Status HeadObject(RequestContext& ctx) { return ServeObject(ctx, false); }

Status DeleteObject(RequestContext& ctx) {
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  storage::DeleteOptions options;
  options.bypass_governance = MayBypassGovernance(ctx, ctx.route.key);
  CAIRN_RETURN_IF_ERROR(DeleteConditionsFrom(
      ctx.request.headers.Get("if-match"), ctx.request.headers.Get("x-amz-if-match-size"),
      ctx.request.headers.Get("x-amz-if-match-last-modified-time"), options));
  CAIRN_ASSIGN_OR_RETURN(
      storage::DeleteResult result,
      ctx.store.DeleteObject(ctx.route.bucket, ctx.route.key, version_id, options));
  if (!result.version_id.empty()) ctx.response_headers.Add("x-amz-version-id", result.version_id);
  if (result.delete_marker) ctx.response_headers.Add("x-amz-delete-marker", "true");
  return ctx.ReplyEmpty(204);
}

Status CopyObject(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ValidateKey(ctx.route.key));
  CAIRN_ASSIGN_OR_RETURN(CopySource source, CopySourceFrom(ctx.request.headers));
  CAIRN_RETURN_IF_ERROR(AuthorizeCopySource(ctx, source));
  const std::string& src_bucket = source.bucket;
  const std::string& src_key = source.key;

  std::string directive(ctx.request.headers.Get("x-amz-metadata-directive").value_or("COPY"));
  if (directive != "COPY" && directive != "REPLACE") {
    return Status(Code::kInvalidArgumentS3, "Unknown metadata directive.");
  }
  std::string tag_directive(ctx.request.headers.Get("x-amz-tagging-directive").value_or("COPY"));
  if (tag_directive != "COPY" && tag_directive != "REPLACE") {
    return Status(Code::kInvalidArgumentS3, "Unknown tagging directive.");
  }
  CAIRN_ASSIGN_OR_RETURN(storage::EncryptionRequest asked_encryption,
                         EncryptionFromHeaders(ctx.request.headers));
  if (src_bucket == ctx.route.bucket && src_key == ctx.route.key && source.version_id.empty() &&
      directive != "REPLACE" && asked_encryption.mode == storage::SseMode::kNone) {
    return Status(Code::kInvalidRequest,
                  "This copy request is illegal because it is trying to copy an object to itself "
                  "without changing the object's metadata, storage class, website redirect "
                  "location or encryption attributes.");
  }

  // The source is decrypted with its own key; the copy is encrypted as this request (or the
  // target bucket's default) asks, never as the source was.
  storage::ReadOptions read;
  CAIRN_ASSIGN_OR_RETURN(read.customer_key,
                         CustomerKeyFrom(ctx.request.headers, /*copy_source=*/true));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectReader> reader,
                         ctx.store.OpenObject(src_bucket, src_key, source.version_id, read));
  const storage::ObjectInfo& src_info = reader->info();
  CAIRN_RETURN_IF_ERROR(CheckCopySourceConditions(ctx.request.headers, src_info));
  if (src_info.size > ctx.options.max_object_size) {
    return Status(Code::kInvalidRequest,
                  "The specified copy source is larger than the maximum "
                  "allowable size for a copy source: 5368709120");
  }

  storage::PutOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.conditions, WriteConditionsFrom(ctx.request.headers));
  options.attributes = src_info.attributes;
  if (directive == "REPLACE") {
    CAIRN_ASSIGN_OR_RETURN(options.attributes, AttributesFromRequest(ctx.request.headers));
  }
  options.tags = src_info.tags;
  if (tag_directive == "REPLACE") {
    options.tags.clear();
    if (auto tagging = ctx.request.headers.Get("x-amz-tagging")) {
      CAIRN_ASSIGN_OR_RETURN(options.tags, ParseTaggingHeader(*tagging));
    }
  }
  // The copy is a new version: its lock comes from this request's headers (or the destination's
  // default retention), never from the source, as AWS does.
  CAIRN_ASSIGN_OR_RETURN(options.lock, LockFromHeaders(ctx.request.headers, Now()));
  // Likewise its ACL: the request's (private when it names none), never the source's.
  CAIRN_ASSIGN_OR_RETURN(options.acl, AclForNewObject(ctx, ctx.route.bucket, ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(options.encryption,
                         EncryptionForWrite(ctx.store, ctx.route.bucket, ctx.request.headers));
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
  for (const auto& [alg, value] : info.checksums) xml.Element(ChecksumElementName(alg), value);
  xml.Close("CopyObjectResult");
  if (!src_info.version_id.empty()) {
    ctx.response_headers.Add("x-amz-copy-source-version-id", src_info.version_id);
  }
  if (!info.version_id.empty()) ctx.response_headers.Add("x-amz-version-id", info.version_id);
  AddEncryptionHeaders(info.encryption, ctx.request.headers, ctx.response_headers);
  return ctx.ReplyXml(200, xml.Finish());
}

}  // namespace cairn::s3
