// Bucket lifecycle: Get/Put/DeleteBucketLifecycle(Configuration), and the x-amz-expiration
// header the object operations answer from the rules. The rules are carried out by the scanner
// (storage/scanner/), not here.
#include "s3/api.h"
#include "s3/context.h"
#include "s3/lifecycle_xml.h"

namespace cairn::s3 {

Status GetBucketLifecycle(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<storage::LifecycleConfiguration> config,
                         ctx.store.GetBucketLifecycle(ctx.route.bucket));
  if (!config) return Status(Code::kNoSuchLifecycleConfiguration, "");
  return ctx.ReplyXml(200, RenderLifecycleConfiguration(*config));
}

Status PutBucketLifecycle(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.GetBucket(ctx.route.bucket).status());
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 512 << 10));
  CAIRN_ASSIGN_OR_RETURN(storage::LifecycleConfiguration config, ParseLifecycleConfiguration(body));
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketLifecycle(ctx.route.bucket, config));
  return ctx.ReplyEmpty(200);
}

Status DeleteBucketLifecycle(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketLifecycle(ctx.route.bucket, std::nullopt));
  return ctx.ReplyEmpty(204);
}

void AddExpirationHeader(RequestContext& ctx, const storage::ObjectInfo& info) {
  if (info.delete_marker || !info.is_latest) return;
  auto config = ctx.store.GetBucketLifecycle(info.bucket);
  if (!config.ok() || !config.value()) return;
  auto expiry = storage::CurrentVersionExpiry(**config, info.key, info.size, info.tags,
                                              info.modified, ctx.options.lifecycle_day_seconds);
  if (expiry)
    ctx.response_headers.Add("x-amz-expiration", storage::FormatExpirationHeader(*expiry));
}

}  // namespace cairn::s3
