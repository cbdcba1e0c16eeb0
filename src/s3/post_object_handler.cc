// POST Object: browser-form uploads (docs/post-object.md). The form's fields before the `file`
// part are read (bounded), the policy and its signature are verified by auth/post_policy, the
// signer is authorized for s3:PutObject on the key, and only then is the file part streamed
// straight into the store, its size held to content-length-range as it flows. Fields after
// the file part are ignored, as S3 does.
#include "auth/post_policy.h"
#include "common/encoding.h"
#include "common/headers.h"
#include "common/time.h"
#include "s3/context.h"
#include "s3/multipart_form.h"
#include "s3/object_headers.h"
#include "s3/object_lock.h"
#include "s3/request_checks.h"
#include "s3/request_parts.h"
#include "s3/sse.h"
#include "s3/tagging.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

// All fields before the file together, names and values (S3 refuses past 20 KB with
// MaxPostPreDataLengthExceeded; a little more room costs nothing and helps long policies).
constexpr size_t kMaxFieldBytes = 64 * 1024;
// After the file part, at most this much of the rest of the body is read and dropped.
constexpr size_t kMaxTrailingBytes = 64 * 1024;

// The file part's data, held to the policy's content-length-range and the server's object size
// limit while it streams: a violation fails the read, so the store keeps nothing.
class FilePartSource final : public ByteSource {
 public:
  FilePartSource(MultipartFormReader& form, uint64_t min, uint64_t max)
      : form_(form), min_(min), max_(max) {}

  Result<size_t> Read(char* buf, size_t n) override {
    CAIRN_ASSIGN_OR_RETURN(size_t got, form_.ReadPart(buf, n));
    total_ += got;
    if (total_ > max_) {
      return Status(Code::kEntityTooLarge,
                    "Your proposed upload exceeds the maximum allowed size (" +
                        std::to_string(max_) + " bytes).");
    }
    if (got == 0 && total_ < min_) {
      return Status(Code::kEntityTooSmall,
                    "Your proposed upload is smaller than the minimum allowed size (" +
                        std::to_string(min_) + " bytes).");
    }
    return got;
  }

 private:
  MultipartFormReader& form_;
  uint64_t min_;
  uint64_t max_;
  uint64_t total_ = 0;
};

// Reads the fields up to the file part. The reader is left at the start of the file's data.
Result<FormPart> ReadFields(MultipartFormReader& form, auth::PostForm& post) {
  size_t used = 0;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<FormPart> part, form.NextPart());
    if (!part) {
      return Status(Code::kInvalidArgumentS3, "POST requires exactly one file upload per request.");
    }
    if (EqualsIgnoreCase(part->name, "file")) return std::move(*part);
    used += part->name.size();
    if (used > kMaxFieldBytes) {
      return Status(Code::kMalformedPOSTRequest,
                    "Your POST request fields preceding the upload file were too large.");
    }
    CAIRN_ASSIGN_OR_RETURN(std::string value, form.ReadPartString(kMaxFieldBytes - used));
    used += value.size();
    post.fields.emplace_back(std::move(part->name), std::move(value));
  }
}

// The object's address for the Location header and PostResponse, as MinIO builds it.
std::string ObjectLocation(const RequestContext& ctx, const std::string& key) {
  std::string host(ctx.request.headers.Get("host").value_or(""));
  std::string out = (ctx.request.secure ? "https://" : "http://") + host + "/";
  if (!ctx.route.virtual_host) out += UriEncode(ctx.route.bucket, false) + "/";
  return out + UriEncode(key, true);
}

// success_action_redirect (or the older `redirect`): only an http(s) URL; S3 ignores others.
std::optional<std::string> RedirectTarget(const auth::PostForm& post) {
  std::optional<std::string_view> url = auth::FindPostField(post, "success_action_redirect");
  if (!url || url->empty()) url = auth::FindPostField(post, "redirect");
  if (!url || url->empty()) return std::nullopt;
  if (!StartsWithIgnoreCase(*url, "http://") && !StartsWithIgnoreCase(*url, "https://")) {
    return std::nullopt;
  }
  return std::string(*url);
}

}  // namespace

Status PostObject(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::string boundary,
                         FormBoundary(ctx.request.headers.Get("content-type").value_or("")));
  MultipartFormReader form(ctx.body, boundary);
  auth::PostForm post;
  post.bucket = ctx.route.bucket;
  CAIRN_ASSIGN_OR_RETURN(FormPart file, ReadFields(form, post));
  post.filename = file.filename.value_or("");

  Result<auth::PostPolicyResult> verified = auth::VerifyPostPolicy(post, ctx.credentials, Now());
  if (!verified.ok()) {
    const Status& error = verified.status();
    // A policy document that does not decode or validate is S3's InvalidPolicyDocument.
    if (error.code() == Code::kInvalidArgument) {
      return Status(Code::kInvalidPolicyDocument, error.message());
    }
    return error;
  }
  const std::string& key = verified->key;
  if (key.empty()) {
    return Status(Code::kInvalidArgumentS3, "User key must have a length greater than zero.");
  }
  CAIRN_RETURN_IF_ERROR(ValidateKey(key));

  // `tagging` is a <Tagging> document (not PUT's k=v header form), validated as PutObjectTagging's
  // body: MalformedXML, InvalidTag, BadRequest. An empty field sets no tags, as an empty header.
  storage::Tags tags;
  Status tags_status = Status::Ok();
  if (auto tagging = auth::FindPostField(post, "tagging"); tagging && !tagging->empty()) {
    Result<storage::Tags> parsed = ParseTagging(*tagging, kMaxObjectTags);
    if (parsed.ok()) {
      tags = std::move(parsed).value();
    } else {
      tags_status = parsed.status();
    }
  }

  // The signer (or, for a form without a policy, an anonymous caller under the bucket policy)
  // must be allowed to put this very key, with these tags (s3:RequestObjectTag/...).
  iam::AccessRequest access =
      AccessFor(ctx.request, ctx.query, verified->identity, "s3:PutObject", ctx.route.bucket, key);
  AddRequestTagConditions(tags, access);
  if (auto acl = auth::FindPostField(post, "acl")) {
    access.conditions.emplace_back("s3:x-amz-acl", std::string(*acl));
  }
  for (const char* name :
       {"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"}) {
    if (auto value = auth::FindPostField(post, name)) {
      access.conditions.emplace_back(std::string("s3:") + name, std::string(*value));
    }
  }
  if (!ctx.authorizer.IsAllowed(access)) return Status(Code::kAccessDenied, "Access Denied.");
  CAIRN_RETURN_IF_ERROR(tags_status);

  // The stored headers and checksums come from the form fields exactly as a PUT's headers, and
  // are refused as a PUT's would be: nothing is stored for a form asking for what Cairn does
  // not do, nor for a value (or redirect) that would split the answer's head.
  Headers fields;
  for (const auto& [name, value] : post.fields) fields.Add(name, value);
  const bool sse_c_allowed = SseCTransportAllowed(ctx.request);
  CAIRN_RETURN_IF_ERROR(RefuseUnsupported(Operation::kPostObject, fields, Query(), sse_c_allowed));
  CAIRN_RETURN_IF_ERROR(
      RefuseUnsupported(Operation::kPostObject, ctx.request.headers, ctx.query, sse_c_allowed));
  for (const char* name : {"success_action_redirect", "redirect"}) {
    if (auto url = auth::FindPostField(post, name))
      CAIRN_RETURN_IF_ERROR(CheckHeaderValue(name, *url));
  }
  storage::PutOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.attributes, AttributesFromRequest(fields));
  CAIRN_ASSIGN_OR_RETURN(options.checksums, ChecksumsFromRequest(fields));
  options.tags = std::move(tags);
  CAIRN_ASSIGN_OR_RETURN(
      options.lock,
      LockFromFields(auth::FindPostField(post, "x-amz-object-lock-mode").value_or(""),
                     auth::FindPostField(post, "x-amz-object-lock-retain-until-date").value_or(""),
                     auth::FindPostField(post, "x-amz-object-lock-legal-hold").value_or(""),
                     Now()));
  {
    // The form's `acl` field is PUT's x-amz-acl; x-amz-grant-* fields are the grant headers.
    Headers acl_fields;
    if (auto acl = auth::FindPostField(post, "acl")) acl_fields.Add("x-amz-acl", *acl);
    for (const char* name : {"x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp",
                             "x-amz-grant-write-acp", "x-amz-grant-full-control"}) {
      if (auto grant = fields.Get(name)) acl_fields.Add(name, *grant);
    }
    CAIRN_ASSIGN_OR_RETURN(options.acl, AclForNewObject(ctx, ctx.route.bucket, acl_fields));
  }

  // The form's x-amz-server-side-encryption* fields are PUT's headers.
  CAIRN_ASSIGN_OR_RETURN(options.encryption,
                         EncryptionForWrite(ctx.store, ctx.route.bucket, fields));

  uint64_t min = 0;
  uint64_t max = ctx.options.max_object_size;
  if (verified->content_length_range) {
    min = verified->content_length_range->first;
    max = std::min(max, verified->content_length_range->second);
  }
  FilePartSource source(form, min, max);
  CAIRN_ASSIGN_OR_RETURN(
      storage::ObjectInfo info,
      ctx.store.PutObject(ctx.route.bucket, key, source, storage::kUnknownSize, options));
  // What follows the file (fields S3 ignores, the closing boundary) is read so the connection
  // stays usable; a long tail is left to the server, which closes such a connection.
  (void)form.DrainBody(kMaxTrailingBytes);

  std::string etag = QuotedEtag(info.etag);
  std::string location = ObjectLocation(ctx, key);
  Headers headers;
  headers.Add("etag", etag);
  if (!info.version_id.empty()) headers.Add("x-amz-version-id", info.version_id);
  AddChecksumHeaders(info.checksums, headers);
  AddEncryptionHeaders(info.encryption, fields, headers);
  if (std::optional<std::string> redirect = RedirectTarget(post)) {
    std::string target = *redirect;
    target += target.find('?') == std::string::npos ? '?' : '&';
    target += "bucket=" + UriEncode(ctx.route.bucket, false) + "&key=" + UriEncode(key, false) +
              "&etag=" + UriEncode(etag, false);
    headers.Add("location", target);
    return ctx.Reply(303, headers, "");
  }
  headers.Add("location", location);
  std::string_view status = auth::FindPostField(post, "success_action_status").value_or("");
  if (status == "200") return ctx.Reply(200, headers, "");
  if (status == "201") {
    XmlWriter xml;
    xml.OpenRoot("PostResponse");
    xml.Element("Location", location);
    xml.Element("Bucket", ctx.route.bucket);
    xml.Element("Key", key);
    xml.Element("ETag", etag);
    xml.Close("PostResponse");
    headers.Add("content-type", "application/xml");
    return ctx.Reply(201, headers, xml.Finish());
  }
  return ctx.Reply(204, headers, "");
}

}  // namespace cairn::s3
