// Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
// GetBucketVersioning, PutBucketVersioning.
#include "common/encoding.h"
#include "common/headers.h"
#include "common/time.h"
#include "s3/acl_xml.h"
#include "s3/context.h"
#include "s3/owner.h"
#include "s3/request_parts.h"
#include "s3/request_xml.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {
// A new bucket's owner, ACL (x-amz-acl / x-amz-grant-*) and x-amz-object-ownership. ACLs stay
// enabled unless the request disables them (docs/acl.md); a disabled bucket takes no ACL but
// the owner's own (InvalidBucketAclWithObjectOwnership).
Result<storage::BucketAccess> BucketAccessFromRequest(const RequestContext& ctx) {
  storage::BucketAccess access;
  const std::string owner = storage::kRootCanonicalId;  // every key acts for the root account
  access.acl = storage::Acl::Private(owner);
  if (auto name = ctx.request.headers.Get("x-amz-object-ownership")) {
    std::optional<storage::ObjectOwnership> ownership = OwnershipFromName(*name);
    if (!ownership) {
      return Status(Code::kInvalidArgumentS3, "Invalid x-amz-object-ownership header");
    }
    access.ownership = *ownership;
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<storage::Acl> acl,
                         AclFromHeaders(ctx.request.headers, owner, owner));
  if (acl) {
    if (access.ownership == storage::ObjectOwnership::kBucketOwnerEnforced &&
        !AclAllowedWhenEnforced(*acl)) {
      return Status(Code::kInvalidBucketAclWithObjectOwnership, "");
    }
    access.acl = std::move(*acl);
  }
  return access;
}
}  // namespace

// Pages as AWS's ListBuckets: `max-buckets` (1..10000) per page, `prefix` and `bucket-region`
// filters, and a ContinuationToken in the answer while more buckets follow (the base64 of the
// last name given, which the next request's `continuation-token` starts after). Without
// max-buckets every bucket comes in one answer, as before pagination existed.
Status ListBuckets(RequestContext& ctx) {
  constexpr size_t kMaxBuckets = 10000;
  std::optional<size_t> max_buckets;
  if (auto max = ctx.query.Get("max-buckets")) {
    std::optional<uint64_t> n = ParseUint64(*max);
    if (!n || *n < 1 || *n > kMaxBuckets) {
      return Status(Code::kInvalidArgumentS3,
                    "Argument max-buckets must be an integer between 1 and 10000.");
    }
    max_buckets = static_cast<size_t>(*n);
  }
  std::string after;
  if (auto token = ctx.query.Get("continuation-token")) {
    std::optional<std::string> name = Base64Decode(*token);
    if (token->empty() || !name || name->empty()) {
      return Status(Code::kInvalidArgumentS3, "The continuation token provided is incorrect");
    }
    after = std::move(*name);
  }
  const std::string prefix(ctx.query.Get("prefix").value_or(""));
  const std::optional<std::string_view> region = ctx.query.Get("bucket-region");

  CAIRN_ASSIGN_OR_RETURN(std::vector<storage::BucketInfo> buckets, ctx.store.ListBuckets());
  XmlWriter xml;
  xml.OpenRoot("ListAllMyBucketsResult");
  WriteOwner(xml);
  xml.Open("Buckets");
  size_t count = 0;
  std::string last;
  bool more = false;
  for (const storage::BucketInfo& bucket : buckets) {  // sorted by name
    if (!after.empty() && bucket.name <= after) continue;
    if (!bucket.name.starts_with(prefix)) continue;
    const std::string& bucket_region = bucket.region.empty() ? ctx.options.region : bucket.region;
    if (region && bucket_region != *region) continue;
    if (max_buckets && count == *max_buckets) {
      more = true;
      break;
    }
    xml.Open("Bucket");
    xml.Element("Name", bucket.name);
    xml.Element("CreationDate", FormatIso8601(bucket.created));
    xml.Element("BucketRegion", bucket_region);
    xml.Close("Bucket");
    last = bucket.name;
    ++count;
  }
  xml.Close("Buckets");
  if (more) xml.Element("ContinuationToken", Base64Encode(last));
  if (ctx.query.Has("prefix")) xml.Element("Prefix", prefix);
  xml.Close("ListAllMyBucketsResult");
  return ctx.ReplyXml(200, xml.Finish());
}

Status CreateBucket(RequestContext& ctx) {
  const std::string& bucket = ctx.route.bucket;  // a valid name: the router checked it
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 * 1024));
  CAIRN_ASSIGN_OR_RETURN(std::string region, ParseCreateBucketConfiguration(body));
  if (ctx.bucket_policies != nullptr && !ctx.store.GetBucket(bucket).ok()) {
    // A policy left by a bucket of the same name (a crash between its two deletes) must not
    // apply to the new one.
    CAIRN_RETURN_IF_ERROR(ctx.bucket_policies->Delete(bucket));
  }
  // RefuseUnsupported let only "true" or "false" through.
  const bool object_lock = EqualsIgnoreCase(
      ctx.request.headers.Get("x-amz-bucket-object-lock-enabled").value_or(""), "true");
  CAIRN_ASSIGN_OR_RETURN(storage::BucketAccess access, BucketAccessFromRequest(ctx));
  CAIRN_RETURN_IF_ERROR(ctx.store.CreateBucket(bucket, region, object_lock, access));
  Headers headers;
  headers.Add("location", "/" + bucket);
  return ctx.Reply(200, headers, "");
}

Status DeleteBucket(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.DeleteBucket(ctx.route.bucket));
  if (ctx.bucket_policies != nullptr) {
    CAIRN_RETURN_IF_ERROR(ctx.bucket_policies->Delete(ctx.route.bucket));
  }
  if (ctx.cors != nullptr) {
    CAIRN_RETURN_IF_ERROR(ctx.cors->Delete(ctx.route.bucket));
  }
  return ctx.ReplyEmpty(204);
}

Status HeadBucket(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo info, ctx.store.GetBucket(ctx.route.bucket));
  Headers headers;
  headers.Add("x-amz-bucket-region", info.region.empty() ? ctx.options.region : info.region);
  return ctx.Reply(200, headers, "");
}

Status GetBucketLocation(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo info, ctx.store.GetBucket(ctx.route.bucket));
  XmlWriter xml;
  xml.OpenRoot("LocationConstraint");
  std::string doc = xml.Finish();
  // us-east-1 is written as an empty constraint, as S3 does.
  if (info.region != "us-east-1") AppendXmlEscaped(doc, info.region);
  doc += "</LocationConstraint>";
  return ctx.ReplyXml(200, doc);
}

Status GetBucketVersioning(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo info, ctx.store.GetBucket(ctx.route.bucket));
  XmlWriter xml;
  xml.OpenRoot("VersioningConfiguration");
  // A bucket never versioned has an empty configuration, as in S3.
  if (info.versioning == storage::Versioning::kEnabled) xml.Element("Status", "Enabled");
  if (info.versioning == storage::Versioning::kSuspended) xml.Element("Status", "Suspended");
  xml.Close("VersioningConfiguration");
  return ctx.ReplyXml(200, xml.Finish());
}

Status PutBucketVersioning(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(VersioningConfiguration config, ParseVersioningConfiguration(body));
  if (config.mfa_delete) {
    return Status(Code::kNotImplemented, "MFA delete is not supported.");
  }
  if (config.status.empty()) {
    return Status(Code::kIllegalVersioningConfiguration,
                  "The Versioning element must be specified");
  }
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketVersioning(
      ctx.route.bucket, config.status == "Enabled" ? storage::Versioning::kEnabled
                                                   : storage::Versioning::kSuspended));
  return ctx.ReplyEmpty(200);
}

}  // namespace cairn::s3
