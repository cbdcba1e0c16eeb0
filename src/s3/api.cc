#include "s3/api.h"

#include "audit/request_capture.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "common/encoding.h"
#include "common/hash.h"
#include "common/time.h"
#include "s3/bucket_cors.h"
#include "s3/context.h"
#include "s3/cors.h"
#include "s3/errors.h"
#include "s3/metrics.h"
#include "s3/request_checks.h"
#include "s3/request_parts.h"
#include "s3/sse.h"
#include "s3/tagging.h"

namespace cairn::s3 {

std::string NewRequestId() {
  // Ids count up from the start time in nanoseconds: unique within the process, and ordered.
  static std::atomic<uint64_t> next{static_cast<uint64_t>(ToUnixNanos(Now()))};
  uint64_t id = next.fetch_add(1, std::memory_order_relaxed);
  static constexpr char kHex[] = "0123456789ABCDEF";  // as "%016llX", without vfprintf
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, id >>= 4) out[static_cast<size_t>(i)] = kHex[id & 15];
  return out;
}

Status RequestContext::Reply(int status, const Headers& extra, std::string_view body_text) {
  Headers all = response_headers;
  for (const auto& [name, value] : extra.fields()) all.Add(name, value);
  return out.Send(status, all, body_text);
}

Status RequestContext::ReplyXml(int status, const std::string& xml) {
  Headers extra;
  extra.Add("content-type", "application/xml");
  return Reply(status, extra, xml);
}

namespace {
// Answers `error` as S3 does: XML naming the resource, no body for HEAD or 304.
void SendError(http::ResponseWriter& out, const Headers& base, const http::Request& request,
               std::string_view request_id, const Route& route, const Status& error) {
  const S3ErrorInfo& info = ErrorInfoFor(error.code());
  if (info.http_status == 304 || request.method == "HEAD") {
    out.Send(info.http_status, base, "").IgnoreError();
    return;
  }
  std::string resource = UriDecode(request.path, false).value_or(request.path);
  Headers headers = base;
  headers.Add("content-type", "application/xml");
  out.Send(info.http_status, headers,
           ErrorXml(info, error.message(), resource, request_id, route.bucket, route.key))
      .IgnoreError();
}
}  // namespace

void RequestContext::ReplyError(const Status& error) {
  SendError(out, response_headers, request, request_id, route, error);
}

void AddRequestTagConditions(const storage::Tags& tags, iam::AccessRequest& access) {
  for (const auto& [key, value] : tags) {
    access.conditions.emplace_back("s3:RequestObjectTag/" + key, value);
    access.conditions.emplace_back("s3:RequestObjectTagKeys", key);
  }
}

void AddExistingTagLookup(storage::ObjectStore& store, const std::string& bucket,
                          const std::string& key, std::string_view version_id,
                          iam::AccessRequest& access) {
  access.existing_object_tags = [&store, &bucket, &key, version_id]() {
    // A missing version (or a delete marker) has no tags; its handler then answers the error.
    Result<storage::ObjectInfo> info = store.HeadObject(bucket, key, std::string(version_id));
    return info.ok() ? std::move(info->tags) : storage::Tags();
  };
}

Status AuthorizeCopySource(const RequestContext& ctx, const CopySource& source) {
  iam::AccessRequest access =
      AccessFor(ctx.request, ctx.query, ctx.identity,
                source.version_id.empty() ? "s3:GetObject" : "s3:GetObjectVersion", source.bucket,
                source.key);
  access.version_id = source.version_id;  // the source's ACL is the one that may admit the read
  AddExistingTagLookup(ctx.store, source.bucket, source.key, source.version_id, access);
  if (!ctx.authorizer.IsAllowed(access)) return Status(Code::kAccessDenied, "Access Denied.");
  return Status::Ok();
}

namespace {
// An anonymous caller learns "no such key" only where it could list the bucket; otherwise it
// gets AccessDenied, so a public prefix cannot be used to probe which keys exist. MinIO limits
// this to anonymous requests (AWS applies it to everyone): apps that run on MinIO with
// object-only grants check existence with HEAD and expect 404, so Cairn does as MinIO does.
bool MayLearnKeyIsMissing(const RequestContext& ctx) {
  if (!ctx.identity.anonymous) return true;
  iam::AccessRequest access =
      AccessFor(ctx.request, ctx.query, ctx.identity, "s3:ListBucket", ctx.route.bucket, "");
  return ctx.authorizer.IsAllowed(access);
}
}  // namespace

Result<std::string> ReadSmallBody(ByteSource& body, size_t limit) {
  std::string out;
  char buf[16 * 1024];
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, body.Read(buf, sizeof buf));
    if (n == 0) return out;
    if (out.size() + n > limit) {
      return Status(Code::kMalformedXML, "The request body is larger than this operation accepts.");
    }
    out.append(buf, n);
  }
}

Result<std::string> ReadRequestDocument(RequestContext& ctx, size_t limit) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> md5, ContentMd5From(ctx.request.headers));
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(ctx.body, limit));
  if (md5 && Md5(body) != *md5) return Status(Code::kBadDigest, "");
  return body;
}

iam::AccessRequest AccessFor(const http::Request& request, const Query& query,
                             const auth::Identity& identity, std::string_view action,
                             std::string_view bucket, std::string_view key) {
  iam::AccessRequest access;
  access.identity = &identity;
  access.action = action;
  access.bucket = bucket;
  access.key = key;
  if (!key.empty()) access.version_id = query.Get("versionId").value_or("");
  access.remote_ip = request.remote_ip;
  access.secure_transport = request.secure;
  for (const char* name : {"prefix", "delimiter", "max-keys"}) {
    if (auto value = query.Get(name))
      access.conditions.emplace_back(std::string("s3:") + name, std::string(*value));
  }
  if (auto acl = request.headers.Get("x-amz-acl")) {
    access.conditions.emplace_back("s3:x-amz-acl", std::string(*acl));
  }
  for (const char* name :
       {"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"}) {
    if (auto value = request.headers.Get(name)) {
      access.conditions.emplace_back(std::string("s3:") + name, std::string(*value));
    }
  }
  if (auto referer = request.headers.Get("referer")) {
    access.conditions.emplace_back("aws:Referer", std::string(*referer));
  }
  if (auto agent = request.headers.Get("user-agent")) {
    access.conditions.emplace_back("aws:UserAgent", std::string(*agent));
  }
  return access;
}

namespace {
// The object-tag condition keys each operation is judged by, as AWS lists them ("Actions,
// resources, and condition keys for Amazon S3"): reads and tag changes see the stored
// version's tags; writes see the tags they bring. PutObjectTagging's tags are in its body, so
// its handler adds them (PutObjectTagging in tagging_handlers.cc).
void AddObjectTagConditions(storage::ObjectStore& store, const Route& route, const Query& query,
                            const Headers& headers, iam::AccessRequest& access) {
  switch (route.operation) {
    case Operation::kPutObject:
    case Operation::kCopyObject:
    case Operation::kCreateMultipartUpload:
      if (auto tagging = headers.Get("x-amz-tagging")) {
        // A header that does not parse brings no tags; the handler refuses it (InvalidTag).
        if (Result<storage::Tags> tags = ParseTaggingHeader(*tagging); tags.ok()) {
          AddRequestTagConditions(*tags, access);
        }
      }
      break;
    case Operation::kGetObject:
    case Operation::kHeadObject:
    case Operation::kGetObjectAttributes:
    case Operation::kGetObjectTagging:
    case Operation::kPutObjectTagging:
    case Operation::kDeleteObjectTagging:
      AddExistingTagLookup(store, route.bucket, route.key, query.Get("versionId").value_or(""),
                           access);
      break;
    default: break;
  }
}
}  // namespace

Status AuthorizeObjectRequest(const RequestContext& ctx, const storage::Tags* request_tags) {
  iam::AccessRequest access = AccessFor(ctx.request, ctx.query, ctx.identity,
                                        ActionFor(ctx.route.operation, ctx.query.Has("versionId")),
                                        ctx.route.bucket, ctx.route.key);
  AddObjectTagConditions(ctx.store, ctx.route, ctx.query, ctx.request.headers, access);
  if (request_tags != nullptr) AddRequestTagConditions(*request_tags, access);
  if (!ctx.authorizer.IsAllowed(access)) return Status(Code::kAccessDenied, "Access Denied.");
  return Status::Ok();
}

S3Api::S3Api(ApiOptions options, const auth::Verifier& verifier, const iam::Authorizer& authorizer,
             storage::ObjectStore& store, storage::MultipartStore* multipart,
             iam::BucketPolicies* bucket_policies, BucketCors* cors)
    : options_(std::move(options)),
      verifier_(verifier),
      authorizer_(authorizer),
      store_(store),
      multipart_(multipart),
      bucket_policies_(bucket_policies),
      cors_(cors) {
  router_options_.domains = options_.domains;
}

namespace {

Status Dispatch(RequestContext& ctx) {
  switch (ctx.route.operation) {
    case Operation::kListBuckets: return ListBuckets(ctx);
    case Operation::kCreateBucket: return CreateBucket(ctx);
    case Operation::kDeleteBucket: return DeleteBucket(ctx);
    case Operation::kHeadBucket: return HeadBucket(ctx);
    case Operation::kGetBucketLocation: return GetBucketLocation(ctx);
    case Operation::kGetBucketVersioning: return GetBucketVersioning(ctx);
    case Operation::kPutBucketVersioning: return PutBucketVersioning(ctx);
    case Operation::kListObjectVersions: return ListObjectVersions(ctx);
    case Operation::kGetObjectTagging: return GetObjectTagging(ctx);
    case Operation::kPutObjectTagging: return PutObjectTagging(ctx);
    case Operation::kDeleteObjectTagging: return DeleteObjectTagging(ctx);
    case Operation::kGetBucketTagging: return GetBucketTagging(ctx);
    case Operation::kPutBucketTagging: return PutBucketTagging(ctx);
    case Operation::kDeleteBucketTagging: return DeleteBucketTagging(ctx);
    case Operation::kListObjectsV1: return ListObjectsV1(ctx);
    case Operation::kListObjectsV2: return ListObjectsV2(ctx);
    case Operation::kDeleteObjects: return DeleteObjects(ctx);
    case Operation::kPutObject: return PutObject(ctx);
    case Operation::kCopyObject: return CopyObject(ctx);
    case Operation::kGetObject: return GetObject(ctx);
    case Operation::kHeadObject: return HeadObject(ctx);
    case Operation::kDeleteObject: return DeleteObject(ctx);
    case Operation::kGetObjectAttributes: return GetObjectAttributes(ctx);
    case Operation::kCreateMultipartUpload: return CreateMultipartUpload(ctx);
    case Operation::kUploadPart: return UploadPart(ctx);
    case Operation::kUploadPartCopy: return UploadPartCopy(ctx);
    case Operation::kCompleteMultipartUpload: return CompleteMultipartUpload(ctx);
    case Operation::kAbortMultipartUpload: return AbortMultipartUpload(ctx);
    case Operation::kListParts: return ListParts(ctx);
    case Operation::kListMultipartUploads: return ListMultipartUploads(ctx);
    case Operation::kGetBucketPolicy: return GetBucketPolicy(ctx);
    case Operation::kPutBucketPolicy: return PutBucketPolicy(ctx);
    case Operation::kDeleteBucketPolicy: return DeleteBucketPolicy(ctx);
    case Operation::kGetBucketPolicyStatus: return GetBucketPolicyStatus(ctx);
    case Operation::kPutBucketCors: return PutBucketCors(ctx);
    case Operation::kGetBucketCors: return GetBucketCors(ctx);
    case Operation::kDeleteBucketCors: return DeleteBucketCors(ctx);
    case Operation::kGetBucketLifecycle: return GetBucketLifecycle(ctx);
    case Operation::kPutBucketLifecycle: return PutBucketLifecycle(ctx);
    case Operation::kDeleteBucketLifecycle: return DeleteBucketLifecycle(ctx);
    case Operation::kGetBucketEncryption: return GetBucketEncryption(ctx);
    case Operation::kPutBucketEncryption: return PutBucketEncryption(ctx);
    case Operation::kDeleteBucketEncryption: return DeleteBucketEncryption(ctx);
    case Operation::kPostObject: return PostObject(ctx);
    case Operation::kPutObjectLockConfiguration: return PutObjectLockConfiguration(ctx);
    case Operation::kGetObjectLockConfiguration: return GetObjectLockConfiguration(ctx);
    case Operation::kPutObjectRetention: return PutObjectRetention(ctx);
    case Operation::kGetObjectRetention: return GetObjectRetention(ctx);
    case Operation::kPutObjectLegalHold: return PutObjectLegalHold(ctx);
    case Operation::kGetObjectLegalHold: return GetObjectLegalHold(ctx);
    case Operation::kGetBucketAcl: return GetBucketAcl(ctx);
    case Operation::kPutBucketAcl: return PutBucketAcl(ctx);
    case Operation::kGetObjectAcl: return GetObjectAcl(ctx);
    case Operation::kPutObjectAcl: return PutObjectAcl(ctx);
    case Operation::kGetBucketOwnershipControls: return GetBucketOwnershipControls(ctx);
    case Operation::kPutBucketOwnershipControls: return PutBucketOwnershipControls(ctx);
    case Operation::kDeleteBucketOwnershipControls: return DeleteBucketOwnershipControls(ctx);
    case Operation::kGetPublicAccessBlock: return GetPublicAccessBlock(ctx);
    case Operation::kPutPublicAccessBlock: return PutPublicAccessBlock(ctx);
    case Operation::kDeletePublicAccessBlock: return DeletePublicAccessBlock(ctx);
    case Operation::kPreflight:  // answered in Handle before authentication
    case Operation::kUnsupported: break;
  }
  return Status(Code::kNotImplemented, "");
}

}  // namespace

void S3Api::Handle(const http::Request& request, ByteSource& raw_body, http::ResponseWriter& out) {
  if (options_.records != nullptr && options_.records->wanted()) {
    return HandleRecorded(request, raw_body, out);
  }
  if (options_.metrics == nullptr) return Serve(request, raw_body, out, nullptr);
  RequestMeter meter(*options_.metrics, raw_body, out);
  Serve(request, meter, meter, &meter);
}

void S3Api::HandleRecorded(const http::Request& request, ByteSource& raw_body,
                           http::ResponseWriter& out) {
  audit::RequestCapture capture(request, raw_body, out);
  audit::RequestRecord facts;
  facts.api_name = AuditApiName(Operation::kUnsupported);
  if (options_.metrics == nullptr) {
    Serve(request, capture, capture, nullptr, &facts);
  } else {
    RequestMeter meter(*options_.metrics, capture, capture);
    Serve(request, meter, meter, &meter, &facts);
  }
  audit::RequestRecord record = capture.Finish();
  record.api_name = std::move(facts.api_name);
  record.bucket = std::move(facts.bucket);
  record.object = std::move(facts.object);
  record.access_key = std::move(facts.access_key);
  if (record.request_id.empty()) record.request_id = std::move(facts.request_id);
  options_.records->Publish(std::move(record));
}

void S3Api::Serve(const http::Request& request, ByteSource& raw_body, http::ResponseWriter& out,
                  RequestMeter* meter, audit::RequestRecord* record) {
  std::string request_id = NewRequestId();
  if (record != nullptr) record->request_id = request_id;
  Headers base;
  base.Reserve(16);  // a GET's answer carries about ten fields: no regrowth on the way
  base.Add("x-amz-request-id", request_id);
  base.Add("x-amz-id-2", "dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8");

  Route route;
  Query query;
  auth::Identity identity;
  auto fail = [&](const Status& error) { SendError(out, base, request, request_id, route, error); };
  // Before anything may echo a request value into the answer (CORS, Location, metadata).
  if (Status head = CheckRequestHead(request.headers); !head.ok()) return fail(head);

  Result<Route> resolved = Status(Code::kInvalidArgument, "The query string is not valid.");
  if (auto params = ParseQuery(request.query)) {
    query = Query(std::move(*params));
    resolved = ResolveRoute(request.method, request.headers.Get("host").value_or(""), request.path,
                            query, router_options_, request.headers.Has("x-amz-copy-source"));
  }
  if (resolved.ok()) route = std::move(resolved).value();
  if (meter != nullptr) meter->Routed(route.operation);
  if (record != nullptr) {
    record->api_name = AuditApiName(route.operation);
    record->bucket = route.bucket;
    record->object = route.key;
  }

  // CORS (docs/cors.md): a preflight is answered from the bucket's rules without credentials;
  // any other answer to a browser, errors included, carries the Access-Control-* headers.
  std::optional<std::string_view> origin = request.headers.Get("origin");
  bool preflight = resolved.ok() && route.operation == Operation::kPreflight;
  std::shared_ptr<const CorsConfig> cors;
  if ((origin || preflight) && cors_ != nullptr && !route.bucket.empty()) {
    cors = cors_->Get(route.bucket);
  }
  if (preflight) {
    Result<Headers> allowed = CorsPreflight(cors.get(), request.headers);
    if (!allowed.ok()) return fail(allowed.status());
    for (const auto& [name, value] : allowed->fields()) base.Add(name, value);
    out.Send(200, base, "").IgnoreError();
    return;
  }
  if (origin) AddCorsResponseHeaders(cors.get(), *origin, request.method, base);
  if (!resolved.ok()) return fail(resolved.status());

  // A browser form carries its signature in its fields: PostObject verifies and authorizes it.
  if (route.operation != Operation::kPostObject) {
    auth::RequestView view{
        request.method, request.path, request.query, &request.headers,
        route.virtual_host ? std::string_view(route.bucket) : std::string_view()};
    Result<auth::Identity> who = verifier_.Verify(view, Now());
    if (!who.ok()) return fail(who.status());
    identity = std::move(who).value();
    if (record != nullptr) record->access_key = identity.access_key;

    // PutObjectTagging is judged by the tags in its body too: its handler authorizes it once it
    // has read them.
    if (route.operation != Operation::kPutObjectTagging) {
      iam::AccessRequest access =
          AccessFor(request, query, identity, ActionFor(route.operation, query.Has("versionId")),
                    route.bucket, route.key);
      AddObjectTagConditions(store_, route, query, request.headers, access);
      if (!authorizer_.IsAllowed(access)) {
        // Bucket names are public (they are DNS names), so an anonymous caller is told that a
        // bucket does not exist, as AWS answers, rather than that it may not touch it.
        if (identity.anonymous && !route.bucket.empty() &&
            route.operation != Operation::kCreateBucket &&
            store_.GetBucket(route.bucket).status().code() == Code::kNoSuchBucket) {
          return fail(Status(Code::kNoSuchBucket, ""));
        }
        return fail(Status(Code::kAccessDenied, "Access Denied."));
      }
    }
    // What the caller may do, it may still not ask for: overrides from an anonymous caller,
    // or protection Cairn does not give (docs/unsupported.md). PostObject checks its fields.
    Status refused = CheckResponseOverrides(route.operation, query, identity);
    if (refused.ok())
      refused =
          RefuseUnsupported(route.operation, request.headers, query, SseCTransportAllowed(request));
    if (!refused.ok()) return fail(refused);
  }

  std::unique_ptr<ByteSource> body = auth::VerifiedBody(raw_body, identity);
  RequestContext ctx{request,
                     query,
                     route,
                     identity,
                     *body,
                     out,
                     store_,
                     multipart_,
                     bucket_policies_,
                     options_,
                     authorizer_,
                     request_id,
                     std::move(base),
                     verifier_.credentials(),
                     cors_};
  // No object has a longer key, so every operation on one answers as S3 does for writes.
  Status status =
      ctx.route.key.size() > kMaxKeyBytes ? Status(Code::kKeyTooLong, "") : Dispatch(ctx);
  if (status.code() == Code::kNoSuchKey && !MayLearnKeyIsMissing(ctx)) {
    status = Status(Code::kAccessDenied, "Access Denied.");
  }
  if (!status.ok() && ErrorInfoFor(status.code()).http_status >= 500) {
    spdlog::error("{} {} {}: {} (request {})", request.method, request.path,
                  OperationName(route.operation), status.ToString(), request_id);
  }
  if (!status.ok() && !out.sent()) ctx.ReplyError(status);
  if (!out.sent()) ctx.ReplyError(Status(Code::kInternal, "no response"));
}

}  // namespace cairn::s3
