// Bucket CORS configuration: PutBucketCors, GetBucketCors, DeleteBucketCors (docs/cors.md).
#include "common/hash.h"
#include "s3/context.h"
#include "s3/cors.h"
#include "s3/request_parts.h"

namespace cairn::s3 {

namespace {

constexpr size_t kMaxCorsDocumentBytes = 64 * 1024;

Result<BucketCors*> Cors(RequestContext& ctx) {
  if (ctx.cors == nullptr) return Status(Code::kNotImplemented, "");
  CAIRN_RETURN_IF_ERROR(ctx.store.GetBucket(ctx.route.bucket).status());
  return ctx.cors;
}

}  // namespace

Status PutBucketCors(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(BucketCors * cors, Cors(ctx));
  // AWS requires an integrity check (Content-MD5 or, from newer SDKs, x-amz-checksum-*); a
  // Content-MD5 sent is checked, but none is required: curl and older clients send none.
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, kMaxCorsDocumentBytes));
  CAIRN_ASSIGN_OR_RETURN(CorsConfig config, ParseCorsConfig(body));
  CAIRN_RETURN_IF_ERROR(cors->Put(ctx.route.bucket, config));
  return ctx.ReplyEmpty(200);
}

Status GetBucketCors(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(BucketCors * cors, Cors(ctx));
  std::shared_ptr<const CorsConfig> config = cors->Get(ctx.route.bucket);
  if (!config) return Status(Code::kNoSuchCORSConfiguration, "");
  return ctx.ReplyXml(200, CorsConfigXml(*config));
}

Status DeleteBucketCors(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(BucketCors * cors, Cors(ctx));
  CAIRN_RETURN_IF_ERROR(cors->Delete(ctx.route.bucket));
  return ctx.ReplyEmpty(204);
}

}  // namespace cairn::s3
