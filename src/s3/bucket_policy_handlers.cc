// Bucket policies: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus.
#include "s3/context.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

Result<iam::BucketPolicies*> Policies(RequestContext& ctx) {
  if (ctx.bucket_policies == nullptr) return Status(Code::kNotImplemented, "");
  CAIRN_RETURN_IF_ERROR(ctx.store.GetBucket(ctx.route.bucket).status());
  return ctx.bucket_policies;
}

}  // namespace

Status PutBucketPolicy(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(iam::BucketPolicies * policies, Policies(ctx));
  // S3 limits a bucket policy to 20 KB; read a little more to report it as too large.
  Result<std::string> body = ReadRequestDocument(ctx, 21 * 1024);
  if (!body.ok() && body.status().code() == Code::kMalformedXML) {
    return Status(Code::kMalformedPolicy, "Policy exceeds the maximum allowed document size.");
  }
  CAIRN_RETURN_IF_ERROR(body.status());
  if (body->empty()) return Status(Code::kMalformedPolicy, "Policies must be valid JSON.");
  // BlockPublicPolicy: a public policy (iam::policy::IsPublic, AWS's definition) is refused.
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  const auto& block = bucket.access.public_access_block;
  if (block && block->block_public_policy) {
    auto parsed = iam::policy::ParsePolicy(*body, {iam::policy::PolicyKind::kBucket});
    if (parsed.ok() && iam::policy::IsPublic(*parsed)) {
      return Status(Code::kAccessDenied, "Access Denied.");
    }
  }
  CAIRN_RETURN_IF_ERROR(policies->Put(ctx.route.bucket, *body));
  return ctx.ReplyEmpty(204);
}

Status GetBucketPolicy(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(iam::BucketPolicies * policies, Policies(ctx));
  CAIRN_ASSIGN_OR_RETURN(std::string text, policies->GetText(ctx.route.bucket));
  Headers headers;
  headers.Add("content-type", "application/json");
  return ctx.Reply(200, headers, text);
}

Status DeleteBucketPolicy(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(iam::BucketPolicies * policies, Policies(ctx));
  CAIRN_RETURN_IF_ERROR(policies->Delete(ctx.route.bucket));
  return ctx.ReplyEmpty(204);
}

Status GetBucketPolicyStatus(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(iam::BucketPolicies * policies, Policies(ctx));
  std::shared_ptr<const iam::policy::Policy> policy = policies->Get(ctx.route.bucket);
  if (!policy) return Status(Code::kNoSuchBucketPolicy, "");
  XmlWriter xml;
  xml.OpenRoot("PolicyStatus");
  xml.Element("IsPublic", iam::policy::IsPublic(*policy) ? "true" : "false");
  xml.Close("PolicyStatus");
  return ctx.ReplyXml(200, xml.Finish());
}

}  // namespace cairn::s3
