// ACLs (Get/PutBucketAcl, Get/PutObjectAcl), ownership controls and the public access block, and
// the ACL every write gives its new version (docs/acl.md). Who may do what with these ACLs is
// iam's (iam/acl.h): handlers here only validate, store and render.
#include "iam/acl.h"
#include "s3/acl_xml.h"
#include "s3/context.h"

namespace cairn::s3 {

namespace {

std::string VersionOf(const RequestContext& ctx) {
  return std::string(ctx.query.Get("versionId").value_or(""));
}

bool AclsDisabled(const storage::BucketInfo& bucket) {
  return bucket.access.ownership == storage::ObjectOwnership::kBucketOwnerEnforced;
}

// What S3 shows for a resource of a bucket whose ACLs are disabled: the bucket owner, FULL_CONTROL.
storage::Acl ShownAcl(const storage::BucketInfo& bucket, const storage::Acl& stored) {
  return AclsDisabled(bucket) ? storage::Acl::Private(bucket.access.acl.owner()) : stored;
}

// Refuses `acl` where the bucket's settings do: ACLs disabled (anything but the owner's
// FULL_CONTROL) and BlockPublicAcls (a public grant).
Status CheckAclAllowed(const storage::BucketInfo& bucket, const storage::Acl& acl) {
  if (AclsDisabled(bucket) && !AclAllowedWhenEnforced(acl)) {
    return Status(Code::kAccessControlListNotSupported, "");
  }
  const auto& block = bucket.access.public_access_block;
  if (block && block->block_public_acls && iam::IsPublicAcl(acl)) {
    return Status(Code::kAccessDenied, "Access Denied.");
  }
  return Status::Ok();
}

// The ACL a Put*Acl request sets on a resource owned by `owner`: its body (AccessControlPolicy)
// or its headers, never both.
Result<storage::Acl> RequestedAcl(RequestContext& ctx, const std::string& owner) {
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(ctx.body, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(std::optional<storage::Acl> from_headers,
                         AclFromHeaders(ctx.request.headers, owner, owner));
  if (!body.empty()) {
    if (from_headers) {
      return Status(Code::kInvalidRequest,
                    "Specifying both an AccessControlPolicy body and ACL headers is not allowed");
    }
    return ParseAccessControlPolicy(body, owner);
  }
  if (!from_headers) return Status(Code::kMalformedACLError, "");
  return std::move(*from_headers);
}

}  // namespace

Result<storage::Acl> AclForNewObject(RequestContext& ctx, const std::string& bucket_name,
                                     const Headers& headers) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(bucket_name));
  // Every writer acts for the one account, which owns the bucket: the new version's owner is the
  // bucket owner (anonymous writers to a public-read-write bucket included, docs/acl.md).
  const std::string& owner = bucket.access.acl.owner();
  CAIRN_ASSIGN_OR_RETURN(std::optional<storage::Acl> acl, AclFromHeaders(headers, owner, owner));
  if (!acl) return storage::Acl::Private(owner);
  CAIRN_RETURN_IF_ERROR(CheckAclAllowed(bucket, *acl));
  return std::move(*acl);
}

Status GetBucketAcl(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  return ctx.ReplyXml(200, RenderAccessControlPolicy(ShownAcl(bucket, bucket.access.acl)));
}

Status PutBucketAcl(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  CAIRN_ASSIGN_OR_RETURN(storage::Acl acl, RequestedAcl(ctx, bucket.access.acl.owner()));
  CAIRN_RETURN_IF_ERROR(
      ctx.store.UpdateBucketAccess(ctx.route.bucket, [&](storage::BucketAccess& access) {
        storage::BucketInfo now = bucket;
        now.access = access;  // judged by the settings as they are at the commit
        CAIRN_RETURN_IF_ERROR(CheckAclAllowed(now, acl));
        access.acl = acl;
        return Status::Ok();
      }));
  return ctx.ReplyEmpty(200);
}

Status GetObjectAcl(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info,
                         ctx.store.HeadObject(ctx.route.bucket, ctx.route.key, VersionOf(ctx)));
  if (!info.version_id.empty()) ctx.response_headers.Add("x-amz-version-id", info.version_id);
  return ctx.ReplyXml(200, RenderAccessControlPolicy(ShownAcl(bucket, info.acl)));
}

Status PutObjectAcl(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectInfo info,
                         ctx.store.HeadObject(ctx.route.bucket, ctx.route.key, VersionOf(ctx)));
  CAIRN_ASSIGN_OR_RETURN(storage::Acl acl, RequestedAcl(ctx, info.acl.owner()));
  CAIRN_RETURN_IF_ERROR(CheckAclAllowed(bucket, acl));
  CAIRN_ASSIGN_OR_RETURN(
      std::string version,
      ctx.store.SetObjectAcl(ctx.route.bucket, ctx.route.key, VersionOf(ctx), acl));
  if (!version.empty()) ctx.response_headers.Add("x-amz-version-id", version);
  return ctx.ReplyEmpty(200);
}

Status GetBucketOwnershipControls(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  if (bucket.access.ownership == storage::ObjectOwnership::kNone) {
    return Status(Code::kOwnershipControlsNotFound, "");
  }
  return ctx.ReplyXml(200, RenderOwnershipControls(bucket.access.ownership));
}

Status PutBucketOwnershipControls(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(ctx.body, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(storage::ObjectOwnership ownership, ParseOwnershipControls(body));
  CAIRN_RETURN_IF_ERROR(
      ctx.store.UpdateBucketAccess(ctx.route.bucket, [&](storage::BucketAccess& access) {
        // ACLs cannot be disabled while the bucket's own ACL grants anyone but its owner.
        if (ownership == storage::ObjectOwnership::kBucketOwnerEnforced &&
            !AclAllowedWhenEnforced(access.acl)) {
          return Status(Code::kInvalidBucketAclWithObjectOwnership, "");
        }
        access.ownership = ownership;
        return Status::Ok();
      }));
  return ctx.ReplyEmpty(200);
}

Status DeleteBucketOwnershipControls(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(
      ctx.store.UpdateBucketAccess(ctx.route.bucket, [](storage::BucketAccess& access) {
        access.ownership = storage::ObjectOwnership::kNone;
        return Status::Ok();
      }));
  return ctx.ReplyEmpty(204);
}

Status GetPublicAccessBlock(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(storage::BucketInfo bucket, ctx.store.GetBucket(ctx.route.bucket));
  if (!bucket.access.public_access_block) {
    return Status(Code::kNoSuchPublicAccessBlockConfiguration, "");
  }
  return ctx.ReplyXml(200, RenderPublicAccessBlock(*bucket.access.public_access_block));
}

Status PutPublicAccessBlock(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(ctx.body, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(storage::PublicAccessBlock block, ParsePublicAccessBlock(body));
  CAIRN_RETURN_IF_ERROR(
      ctx.store.UpdateBucketAccess(ctx.route.bucket, [&](storage::BucketAccess& access) {
        access.public_access_block = block;
        return Status::Ok();
      }));
  return ctx.ReplyEmpty(200);
}

Status DeletePublicAccessBlock(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(
      ctx.store.UpdateBucketAccess(ctx.route.bucket, [](storage::BucketAccess& access) {
        access.public_access_block.reset();
        return Status::Ok();
      }));
  return ctx.ReplyEmpty(204);
}

}  // namespace cairn::s3
