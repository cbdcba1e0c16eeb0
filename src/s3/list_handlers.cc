// Listing and batch delete: ListObjects (V1), ListObjectsV2, ListObjectVersions, DeleteObjects.
#include <charconv>

#include "common/encoding.h"
#include "common/hash.h"
#include "common/time.h"
#include "s3/context.h"
#include "s3/errors.h"
#include "s3/object_headers.h"
#include "s3/owner.h"
#include "s3/request_checks.h"
#include "s3/request_parts.h"
#include "s3/request_xml.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

constexpr int kMaxKeysPerPage = 1000;

struct ListParams {
  std::string prefix;
  std::string delimiter;
  int max_keys = kMaxKeysPerPage;
  bool url_encoding = false;
};

Result<ListParams> CommonListParams(const Query& query) {
  ListParams params;
  params.prefix = std::string(query.Get("prefix").value_or(""));
  params.delimiter = std::string(query.Get("delimiter").value_or(""));
  if (auto max = query.Get("max-keys")) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(max->data(), max->data() + max->size(), value);
    if (max->empty() || ec != std::errc() || ptr != max->data() + max->size() || value < 0) {
      return Status(Code::kInvalidArgumentS3,
                    "Provided max-keys not an integer or within integer range");
    }
    params.max_keys = std::min(value, kMaxKeysPerPage);
  }
  if (auto encoding = query.Get("encoding-type")) {
    if (*encoding != "url") {
      return Status(Code::kInvalidArgumentS3, "Invalid Encoding Method specified in Request");
    }
    params.url_encoding = true;
  }
  return params;
}

// Writes `value` as `name`, percent-encoded when the client asked for encoding-type=url.
void Text(XmlWriter& xml, const ListParams& params, std::string_view name, std::string_view value) {
  xml.Element(name, params.url_encoding ? UriEncode(value, true) : std::string(value));
}

void WriteEntries(XmlWriter& xml, const ListParams& params, const storage::ListResult& result,
                  bool with_owner) {
  for (const storage::ObjectInfo& object : result.objects) {
    xml.Open("Contents");
    Text(xml, params, "Key", object.key);
    xml.Element("LastModified", FormatIso8601(object.modified));
    xml.Element("ETag", QuotedEtag(object.etag));
    xml.Element("Size", std::to_string(object.size));
    if (with_owner) WriteOwner(xml);
    xml.Element("StorageClass", "STANDARD");
    xml.Close("Contents");
  }
  for (const std::string& prefix : result.common_prefixes) {
    xml.Open("CommonPrefixes");
    Text(xml, params, "Prefix", prefix);
    xml.Close("CommonPrefixes");
  }
}

}  // namespace

Status ListObjectsV2(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ListParams params, CommonListParams(ctx.query));
  std::string start_after(ctx.query.Get("start-after").value_or(""));
  std::optional<std::string_view> token = ctx.query.Get("continuation-token");
  storage::ListQuery list{params.prefix, params.delimiter, start_after, params.max_keys};
  if (token) {
    auto marker = Base64Decode(*token);
    if (!marker || token->empty()) {
      return Status(Code::kInvalidArgumentS3, "The continuation token provided is incorrect");
    }
    list.after = std::move(*marker);
  }
  CAIRN_ASSIGN_OR_RETURN(storage::ListResult result, ctx.store.ListObjects(ctx.route.bucket, list));
  bool fetch_owner = ctx.query.Get("fetch-owner").value_or("") == "true";

  XmlWriter xml;
  xml.OpenRoot("ListBucketResult");
  xml.Element("Name", ctx.route.bucket);
  Text(xml, params, "Prefix", params.prefix);
  if (!start_after.empty()) Text(xml, params, "StartAfter", start_after);
  if (token) xml.Element("ContinuationToken", *token);
  if (result.truncated) xml.Element("NextContinuationToken", Base64Encode(result.next_marker));
  xml.Element("KeyCount", std::to_string(result.objects.size() + result.common_prefixes.size()));
  xml.Element("MaxKeys", std::to_string(params.max_keys));
  if (!params.delimiter.empty()) Text(xml, params, "Delimiter", params.delimiter);
  if (params.url_encoding) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", result.truncated ? "true" : "false");
  WriteEntries(xml, params, result, fetch_owner);
  xml.Close("ListBucketResult");
  return ctx.ReplyXml(200, xml.Finish());
}

Status ListObjectVersions(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ListParams params, CommonListParams(ctx.query));
  storage::VersionListQuery list{
      params.prefix, params.delimiter, std::string(ctx.query.Get("key-marker").value_or("")),
      std::string(ctx.query.Get("version-id-marker").value_or("")), params.max_keys};
  if (ctx.query.Has("version-id-marker")) {
    if (list.key_marker.empty()) {
      return Status(Code::kInvalidArgumentS3,
                    "A version-id marker cannot be specified without a key marker.");
    }
    CAIRN_RETURN_IF_ERROR(CheckVersionId(list.version_id_marker));
  }
  CAIRN_ASSIGN_OR_RETURN(storage::VersionListResult result,
                         ctx.store.ListObjectVersions(ctx.route.bucket, list));
  XmlWriter xml;
  xml.OpenRoot("ListVersionsResult");
  xml.Element("Name", ctx.route.bucket);
  Text(xml, params, "Prefix", params.prefix);
  Text(xml, params, "KeyMarker", list.key_marker);
  xml.Element("VersionIdMarker", list.version_id_marker);
  if (result.truncated) {
    Text(xml, params, "NextKeyMarker", result.next_key_marker);
    if (!result.next_version_id_marker.empty()) {
      xml.Element("NextVersionIdMarker", result.next_version_id_marker);
    }
  }
  xml.Element("MaxKeys", std::to_string(params.max_keys));
  if (!params.delimiter.empty()) Text(xml, params, "Delimiter", params.delimiter);
  if (params.url_encoding) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", result.truncated ? "true" : "false");
  for (const storage::ObjectInfo& version : result.versions) {
    const char* element = version.delete_marker ? "DeleteMarker" : "Version";
    xml.Open(element);
    Text(xml, params, "Key", version.key);
    xml.Element("VersionId", version.version_id.empty() ? "null" : version.version_id);
    xml.Element("IsLatest", version.is_latest ? "true" : "false");
    xml.Element("LastModified", FormatIso8601(version.modified));
    if (!version.delete_marker) {
      xml.Element("ETag", QuotedEtag(version.etag));
      xml.Element("Size", std::to_string(version.size));
      xml.Element("StorageClass", "STANDARD");
      for (const auto& [alg, value] : version.checksums) {
        xml.Element("ChecksumAlgorithm", ToUpper(alg));
      }
      if (!version.checksums.empty()) xml.Element("ChecksumType", version.checksum_type);
    }
    WriteOwner(xml);
    xml.Close(element);
  }
  for (const std::string& prefix : result.common_prefixes) {
    xml.Open("CommonPrefixes");
    Text(xml, params, "Prefix", prefix);
    xml.Close("CommonPrefixes");
  }
  xml.Close("ListVersionsResult");
  return ctx.ReplyXml(200, xml.Finish());
}

Status ListObjectsV1(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(ListParams params, CommonListParams(ctx.query));
  std::string marker(ctx.query.Get("marker").value_or(""));
  storage::ListQuery list{params.prefix, params.delimiter, marker, params.max_keys};
  CAIRN_ASSIGN_OR_RETURN(storage::ListResult result, ctx.store.ListObjects(ctx.route.bucket, list));
  XmlWriter xml;
  xml.OpenRoot("ListBucketResult");
  xml.Element("Name", ctx.route.bucket);
  Text(xml, params, "Prefix", params.prefix);
  Text(xml, params, "Marker", marker);
  if (result.truncated) Text(xml, params, "NextMarker", result.next_marker);
  xml.Element("MaxKeys", std::to_string(params.max_keys));
  if (!params.delimiter.empty()) Text(xml, params, "Delimiter", params.delimiter);
  if (params.url_encoding) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", result.truncated ? "true" : "false");
  WriteEntries(xml, params, result, /*with_owner=*/true);
  xml.Close("ListBucketResult");
  return ctx.ReplyXml(200, xml.Finish());
}

namespace {

// DeleteObjects must carry an integrity check of its body: Content-MD5 (older SDKs) or an
// x-amz-checksum-* header (newer ones). Either is verified.
Status CheckDeleteBodyIntegrity(const Headers& headers, const std::string& body) {
  bool checked = false;
  if (auto md5 = headers.Get("content-md5")) {
    auto raw = Base64Decode(TrimWhitespace(*md5));
    if (!raw || raw->size() != 16) return Status(Code::kInvalidDigest, "");
    if (*raw != Md5(body)) return Status(Code::kBadDigest, "");
    checked = true;
  }
  for (const auto& [name, value] : headers.fields()) {
    if (!name.starts_with("x-amz-checksum-")) continue;
    std::string_view alg = std::string_view(name).substr(15);
    std::optional<std::string> expected;
    if (alg == "crc32") {
      uint32_t crc = Crc32(0, body.data(), body.size());
      std::string be = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                        static_cast<char>(crc >> 8), static_cast<char>(crc)};
      expected = Base64Encode(be);
    } else if (alg == "sha256") {
      expected = Base64Encode(Sha256(body));
    } else if (alg == "sha1") {
      Digest sha1(DigestAlgorithm::kSha1);
      sha1.Update(body);
      expected = Base64Encode(sha1.Finish());
    }
    if (!expected) continue;  // an algorithm this check does not compute; the SDK computed it
    if (*expected != TrimWhitespace(value)) {
      return Status(Code::kBadDigest, "The " + name +
                                          " you specified did not match the "
                                          "calculated checksum.");
    }
    checked = true;
  }
  for (const auto& [name, value] : headers.fields()) {
    if (name.starts_with("x-amz-checksum-") && name != "x-amz-checksum-mode") checked = true;
  }
  if (!checked) {
    return Status(Code::kInvalidRequest, "Missing required header for this request: Content-Md5.");
  }
  return Status::Ok();
}

}  // namespace

Status DeleteObjects(RequestContext& ctx) {
  // 1000 keys of up to 1024 bytes each, escaped, fit well within this.
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 8 << 20));
  CAIRN_RETURN_IF_ERROR(CheckDeleteBodyIntegrity(ctx.request.headers, body));
  CAIRN_ASSIGN_OR_RETURN(DeleteObjectsRequest request, ParseDeleteObjects(body));
  const bool quiet = request.quiet;
  struct Entry {
    std::string key;
    std::optional<std::string> version_id;
    Status refused;  // not OK: this key is answered with the error and left in place
    storage::DeleteOptions options;  // the entry's conditions (ETag, LastModifiedTime, Size)
  };
  std::vector<Entry> entries;
  for (DeleteObjectsRequest::Object& object : request.objects) {
    Entry entry{std::move(object.key), std::move(object.version_id), Status::Ok(), {}};
    if (entry.version_id) entry.refused = CheckVersionId(*entry.version_id);
    if (entry.refused.ok()) {
      entry.refused =
          DeleteConditionsFrom(object.etag, object.size, object.last_modified, entry.options);
    }
    entries.push_back(std::move(entry));
  }
  CAIRN_RETURN_IF_ERROR(ctx.store.GetBucket(ctx.route.bucket).status());

  XmlWriter xml;
  xml.OpenRoot("DeleteResult");
  for (auto& [key, version_id, refused, options] : entries) {
    iam::AccessRequest access =
        AccessFor(ctx.request, ctx.query, ctx.identity,
                  version_id ? "s3:DeleteObjectVersion" : "s3:DeleteObject", ctx.route.bucket, key);
    Result<storage::DeleteResult> deleted = Status(Code::kAccessDenied, "Access Denied.");
    if (ctx.authorizer.IsAllowed(access)) {
      options.bypass_governance = version_id && MayBypassGovernance(ctx, key);
      deleted = refused.ok() ? ctx.store.DeleteObject(ctx.route.bucket, key,
                                                      version_id.value_or(""), options)
                             : Result<storage::DeleteResult>(refused);
    }
    if (deleted.ok()) {
      if (quiet) continue;
      xml.Open("Deleted");
      xml.Element("Key", key);
      if (version_id) xml.Element("VersionId", *version_id);
      if (deleted->delete_marker) {
        xml.Element("DeleteMarker", "true");
        xml.Element("DeleteMarkerVersionId", deleted->version_id);
      }
      xml.Close("Deleted");
    } else {
      const Status& status = deleted.status();
      const S3ErrorInfo& info = ErrorInfoFor(status.code());
      xml.Open("Error");
      xml.Element("Key", key);
      if (version_id) xml.Element("VersionId", *version_id);
      xml.Element("Code", info.code);
      xml.Element("Message", status.message().empty() ? info.message : status.message());
      xml.Close("Error");
    }
  }
  xml.Close("DeleteResult");
  return ctx.ReplyXml(200, xml.Finish());
}

}  // namespace cairn::s3
