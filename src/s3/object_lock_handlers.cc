// Object lock operations: Put/GetObjectLockConfiguration, Put/GetObjectRetention,
// Put/GetObjectLegalHold. Enforcement is the store's (storage/object_lock.h).
#include "common/encoding.h"
#include "common/time.h"
#include "s3/context.h"
#include "s3/object_lock.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

bool MayBypassGovernance(const RequestContext& ctx, const std::string& key) {
  auto header = ctx.request.headers.Get("x-amz-bypass-governance-retention");
  if (!header || !EqualsIgnoreCase(*header, "true")) return false;
  iam::AccessRequest access = AccessFor(ctx.request, ctx.query, ctx.identity,
                                        "s3:BypassGovernanceRetention", ctx.route.bucket, key);
  return ctx.authorizer.IsAllowed(access);
}

void AddPermittedLockHeaders(const RequestContext& ctx, const storage::ObjectInfo& info,
                             Headers& out) {
  auto allowed = [&](std::string_view action) {
    return ctx.authorizer.IsAllowed(
        AccessFor(ctx.request, ctx.query, ctx.identity, action, ctx.route.bucket, info.key));
  };
  const bool retention =
      info.lock.mode != storage::RetentionMode::kNone && allowed("s3:GetObjectRetention");
  AddLockHeaders(info.lock, out, retention, allowed("s3:GetObjectLegalHold"));
}

namespace {

Result<storage::ObjectInfo> LockedVersion(RequestContext& ctx, const std::string& version_id) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  if (!bucket.object_lock) {
    return Status(Code::kInvalidRequest, "Bucket is missing Object Lock Configuration");
  }
  Result<storage::ObjectInfo> info =
      ctx.store.HeadObject(ctx.route.bucket, ctx.route.key, version_id);
  if (!info.ok()) return ExplainMissing(ctx, version_id, info.status());
  return info;
}

Status ReplyVersion(RequestContext& ctx, const std::string& version_id) {
  if (!version_id.empty()) ctx.response_headers.Add("x-amz-version-id", version_id);
  return ctx.ReplyEmpty(200);
}

}  // namespace

Status PutObjectLockConfiguration(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(ObjectLockConfiguration config, ParseObjectLockConfiguration(body));
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketObjectLock(ctx.route.bucket, config.default_retention));
  return ctx.ReplyEmpty(200);
}

Status GetObjectLockConfiguration(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  if (!bucket.object_lock) return Status(Code::kObjectLockConfigurationNotFound, "");
  return ctx.ReplyXml(200, RenderObjectLockConfiguration(bucket));
}

Status PutObjectRetention(RequestContext& ctx) {
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(Retention retention, ParseRetention(body, Now()));
  Result<std::string> id =
      ctx.store.SetObjectRetention(ctx.route.bucket, ctx.route.key, version_id, retention.mode,
                                   retention.retain_until, MayBypassGovernance(ctx, ctx.route.key));
  if (!id.ok()) return ExplainMissing(ctx, version_id, id.status());
  return ReplyVersion(ctx, *id);
}

Status GetObjectRetention(RequestContext& ctx) {
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info, LockedVersion(ctx, version_id));
  if (info.lock.mode == storage::RetentionMode::kNone) {
    return Status(Code::kNoSuchObjectLockConfiguration, "");
  }
  XmlWriter xml;
  xml.OpenRoot("Retention");
  xml.Element("Mode", RetentionModeName(info.lock.mode));
  xml.Element("RetainUntilDate", FormatIso8601(info.lock.retain_until));
  xml.Close("Retention");
  return ctx.ReplyXml(200, xml.Finish());
}

Status PutObjectLegalHold(RequestContext& ctx) {
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(bool on, ParseLegalHold(body));
  Result<std::string> id =
      ctx.store.SetObjectLegalHold(ctx.route.bucket, ctx.route.key, version_id, on);
  if (!id.ok()) return ExplainMissing(ctx, version_id, id.status());
  return ReplyVersion(ctx, *id);
}

Status GetObjectLegalHold(RequestContext& ctx) {
  const std::string version_id(ctx.query.Get("versionId").value_or(""));
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info, LockedVersion(ctx, version_id));
  XmlWriter xml;
  xml.OpenRoot("LegalHold");
  xml.Element("Status", info.lock.legal_hold ? "ON" : "OFF");
  xml.Close("LegalHold");
  return ctx.ReplyXml(200, xml.Finish());
}

}  // namespace cairn::s3
