// Tagging: Get/Put/DeleteObjectTagging (of a version, the latest by default) and
// Get/Put/DeleteBucketTagging.
#include "s3/context.h"
#include "s3/tagging.h"

namespace cairn::s3 {

namespace {

std::string VersionOf(const RequestContext& ctx) {
  return std::string(ctx.query.Get("versionId").value_or(""));
}

Status ReplyTagged(RequestContext& ctx, const std::string& version_id, int status) {
  if (!version_id.empty()) ctx.response_headers.Add("x-amz-version-id", version_id);
  return ctx.ReplyEmpty(status);
}

}  // namespace

Status GetObjectTagging(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info,
                         ctx.store.HeadObject(ctx.route.bucket, ctx.route.key, VersionOf(ctx)));
  if (!info.version_id.empty()) ctx.response_headers.Add("x-amz-version-id", info.version_id);
  return ctx.ReplyXml(200, RenderTagging(info.tags));
}

// Authorized here rather than before dispatch: s3:RequestObjectTag/<key> and
// s3:RequestObjectTagKeys are the tags of the body. A caller denied even without them learns
// nothing from a bad body: it is denied first.
Status PutObjectTagging(RequestContext& ctx) {
  Result<std::string> body = ReadRequestDocument(ctx, 64 << 10);
  Result<storage::Tags> parsed =
      body.ok() ? ParseTagging(*body, kMaxObjectTags) : Result<storage::Tags>(body.status());
  if (!parsed.ok()) {
    CAIRN_RETURN_IF_ERROR(AuthorizeObjectRequest(ctx, nullptr));
    return parsed.status();
  }
  storage::Tags tags = std::move(parsed).value();
  CAIRN_RETURN_IF_ERROR(AuthorizeObjectRequest(ctx, &tags));
  CAIRN_ASSIGN_OR_RETURN(
      std::string version,
      ctx.store.SetObjectTags(ctx.route.bucket, ctx.route.key, VersionOf(ctx), tags));
  return ReplyTagged(ctx, version, 200);
}

Status DeleteObjectTagging(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(
      std::string version,
      ctx.store.SetObjectTags(ctx.route.bucket, ctx.route.key, VersionOf(ctx), {}));
  return ReplyTagged(ctx, version, 204);
}

Status GetBucketTagging(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::Tags tags, ctx.store.GetBucketTags(ctx.route.bucket));
  if (tags.empty()) return Status(Code::kNoSuchTagSet, "");
  return ctx.ReplyXml(200, RenderTagging(tags));
}

Status PutBucketTagging(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(storage::Tags tags, ParseTagging(body, kMaxBucketTags));
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketTags(ctx.route.bucket, tags));
  return ctx.ReplyEmpty(204);
}

Status DeleteBucketTagging(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketTags(ctx.route.bucket, {}));
  return ctx.ReplyEmpty(204);
}

}  // namespace cairn::s3
