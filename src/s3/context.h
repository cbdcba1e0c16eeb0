// What a handler gets: the request, its caller, its route, the store, and ways to answer.
// Handlers return a Status; a non-OK Status that was not answered yet becomes an S3 error.
#pragma once

#include <string>
#include <string_view>

#include "auth/sigv4.h"
#include "common/byte_source.h"
#include "common/headers.h"
#include "common/status.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "s3/api.h"
#include "s3/bucket_cors.h"
#include "s3/query.h"
#include "s3/request_parts.h"
#include "s3/router.h"
#include "storage/multipart_store.h"
#include "storage/object_store.h"

namespace cairn::s3 {

struct RequestContext {
  const http::Request& request;
  const Query& query;
  const Route& route;
  const auth::Identity& identity;
  ByteSource& body;  // already wrapped by auth::VerifiedBody
  http::ResponseWriter& out;
  storage::ObjectStore& store;
  storage::MultipartStore* multipart;    // nullptr: multipart requests answer NotImplemented
  iam::BucketPolicies* bucket_policies;  // nullptr: policy requests answer NotImplemented
  const ApiOptions& options;
  const iam::Authorizer& authorizer;
  std::string request_id;
  Headers response_headers;  // x-amz-request-id and friends, sent with every answer
  const auth::CredentialLookup& credentials;  // for POST forms, which carry their signature
  BucketCors* cors;                           // nullptr: CORS requests answer NotImplemented

  Status Reply(int status, const Headers& extra, std::string_view body);
  Status ReplyXml(int status, const std::string& xml);
  Status ReplyEmpty(int status) { return Reply(status, Headers(), ""); }
  // Sends `error` as S3 XML (no body for HEAD); `status` overrides its message when set.
  void ReplyError(const Status& error);
};

// The handlers, one per operation (bucket_handlers.cc, object_handlers.cc, list_handlers.cc).
Status ListBuckets(RequestContext& ctx);
Status CreateBucket(RequestContext& ctx);
Status DeleteBucket(RequestContext& ctx);
Status HeadBucket(RequestContext& ctx);
Status GetBucketLocation(RequestContext& ctx);
Status GetBucketVersioning(RequestContext& ctx);
Status PutBucketVersioning(RequestContext& ctx);
Status ListObjectVersions(RequestContext& ctx);
Status GetObjectTagging(RequestContext& ctx);
Status PutObjectTagging(RequestContext& ctx);
Status DeleteObjectTagging(RequestContext& ctx);
Status GetBucketTagging(RequestContext& ctx);
Status PutBucketTagging(RequestContext& ctx);
Status DeleteBucketTagging(RequestContext& ctx);
Status ListObjectsV1(RequestContext& ctx);
Status ListObjectsV2(RequestContext& ctx);
Status DeleteObjects(RequestContext& ctx);
Status PutObject(RequestContext& ctx);
Status CopyObject(RequestContext& ctx);
Status GetObject(RequestContext& ctx);
Status HeadObject(RequestContext& ctx);
Status DeleteObject(RequestContext& ctx);
Status GetObjectAttributes(RequestContext& ctx);
Status CreateMultipartUpload(RequestContext& ctx);
Status UploadPart(RequestContext& ctx);
Status UploadPartCopy(RequestContext& ctx);
Status CompleteMultipartUpload(RequestContext& ctx);
Status AbortMultipartUpload(RequestContext& ctx);
Status ListParts(RequestContext& ctx);
Status ListMultipartUploads(RequestContext& ctx);
Status GetBucketPolicy(RequestContext& ctx);
Status PutBucketPolicy(RequestContext& ctx);
Status DeleteBucketPolicy(RequestContext& ctx);
Status GetBucketPolicyStatus(RequestContext& ctx);
Status PutBucketCors(RequestContext& ctx);  // bucket_cors_handlers.cc
Status GetBucketCors(RequestContext& ctx);
Status DeleteBucketCors(RequestContext& ctx);
Status GetBucketLifecycle(RequestContext& ctx);  // bucket_lifecycle_handlers.cc
Status PutBucketLifecycle(RequestContext& ctx);
Status DeleteBucketLifecycle(RequestContext& ctx);
Status GetBucketEncryption(RequestContext& ctx);  // bucket_encryption_handlers.cc
Status PutBucketEncryption(RequestContext& ctx);
Status DeleteBucketEncryption(RequestContext& ctx);
// The x-amz-expiration header for the current version `info` when a lifecycle rule of its
// bucket will expire it (GET, HEAD, PUT, CompleteMultipartUpload answer it).
void AddExpirationHeader(RequestContext& ctx, const storage::ObjectInfo& info);
// POST Object (post_object_handler.cc): ctx.identity is anonymous; the handler verifies the
// form's policy signature and authorizes the signer itself once it has read the form fields.
Status PostObject(RequestContext& ctx);
// Object lock (object_lock_handlers.cc).
Status PutObjectLockConfiguration(RequestContext& ctx);
Status GetObjectLockConfiguration(RequestContext& ctx);
Status PutObjectRetention(RequestContext& ctx);
Status GetObjectRetention(RequestContext& ctx);
Status PutObjectLegalHold(RequestContext& ctx);
Status GetObjectLegalHold(RequestContext& ctx);
// ACLs, ownership controls, public access block (acl_handlers.cc, docs/acl.md).
Status GetBucketAcl(RequestContext& ctx);
Status PutBucketAcl(RequestContext& ctx);
Status GetObjectAcl(RequestContext& ctx);
Status PutObjectAcl(RequestContext& ctx);
Status GetBucketOwnershipControls(RequestContext& ctx);
Status PutBucketOwnershipControls(RequestContext& ctx);
Status DeleteBucketOwnershipControls(RequestContext& ctx);
Status GetPublicAccessBlock(RequestContext& ctx);
Status PutPublicAccessBlock(RequestContext& ctx);
Status DeletePublicAccessBlock(RequestContext& ctx);
// The ACL a write (PutObject, CopyObject, CreateMultipartUpload, a POST form's `acl` field via
// `headers`) gives its new version of `bucket`: the request's x-amz-acl / x-amz-grant-* as the
// bucket's ownership and public access block allow them (AccessControlListNotSupported,
// AccessDenied), else "private". Owner: the bucket owner (every writer acts for the one account).
Result<storage::Acl> AclForNewObject(RequestContext& ctx, const std::string& bucket,
                                     const Headers& headers);
// Whether the request asks to bypass GOVERNANCE retention (x-amz-bypass-governance-retention:
// true) and its caller is allowed s3:BypassGovernanceRetention on bucket/`key`. A request asking
// without the right is not refused here: the lock refuses what it then cannot remove.
bool MayBypassGovernance(const RequestContext& ctx, const std::string& key);
// GET/HEAD's lock headers for a version with lock state, as AWS shows them: the mode and
// retain-until date only to a caller allowed s3:GetObjectRetention, the legal hold only to one
// allowed s3:GetObjectLegalHold (a reader allowed only s3:GetObject sees neither).
void AddPermittedLockHeaders(const RequestContext& ctx, const storage::ObjectInfo& info,
                             Headers& out);

// The authorization question for `action` on bucket/key, with the condition keys this request
// carries (s3:prefix, s3:delimiter, s3:max-keys, s3:x-amz-acl, aws:Referer, aws:UserAgent).
iam::AccessRequest AccessFor(const http::Request& request, const Query& query,
                             const auth::Identity& identity, std::string_view action,
                             std::string_view bucket, std::string_view key);

// Object-tag condition keys (docs/policies.md "Tag conditions"): s3:RequestObjectTag/<key> and
// s3:RequestObjectTagKeys for the tags a request brings.
void AddRequestTagConditions(const storage::Tags& tags, iam::AccessRequest& access);
// s3:ExistingObjectTag/<key>: the tags of `version_id` ("" = the latest) of bucket/key, read from
// `store` only if a policy asks (AccessRequest::existing_object_tags). The strings must outlive
// the IsAllowed call.
void AddExistingTagLookup(storage::ObjectStore& store, const std::string& bucket,
                          const std::string& key, std::string_view version_id,
                          iam::AccessRequest& access);

// The request's own authorization, for a handler that must read its body first (PutObjectTagging):
// AccessFor plus the tag conditions, and `request_tags` (null: none) as the tags it brings.
Status AuthorizeObjectRequest(const RequestContext& ctx, const storage::Tags* request_tags);

// CopyObject and UploadPartCopy read their source with the caller's rights: the request itself
// was authorized for s3:PutObject on the destination only, so the source needs s3:GetObject
// (AWS S3 and MinIO check both), judged by the source's tags too. kAccessDenied otherwise.
Status AuthorizeCopySource(const RequestContext& ctx, const CopySource& source);

// A read that found a delete marker says so (GET, HEAD, GetObjectAttributes): `missing` is the
// store's answer for `version_id` ("" = the latest); kMethodNotAllowed (the version named is a
// marker) and kNoSuchKey (the latest is a marker) gain x-amz-delete-marker: true and the
// marker's x-amz-version-id, as S3 answers. Returns `missing`.
Status ExplainMissing(RequestContext& ctx, const std::string& version_id, Status missing);

// Reads a whole small request body (XML documents), failing past `limit` bytes.
Result<std::string> ReadSmallBody(ByteSource& body, size_t limit);
// The request's small document body (ReadSmallBody of ctx.body), checked against its Content-MD5
// when one is sent: 400 InvalidDigest for a malformed one, 400 BadDigest for another body.
// (x-amz-checksum-* headers are checked by the body's VerifiedBody wrapper.)
Result<std::string> ReadRequestDocument(RequestContext& ctx, size_t limit);

}  // namespace cairn::s3
