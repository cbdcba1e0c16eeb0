// The client side of S3 (and of Cairn's admin API) over libcurl: SigV4-signed requests with
// streamed bodies in both directions. Small bodies (XML, JSON) are signed with their SHA-256;
// streamed ones (object data) with UNSIGNED-PAYLOAD, so no file is ever held in memory.
//
// Thread-safety: one S3Client may be used from many threads at once (each thread keeps its own
// curl handle, reusing connections).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"
#include "cli/encryption.h"
#include "cli/tags.h"
#include "cli/versions.h"
#include "common/headers.h"
#include "common/status.h"
#include "common/time.h"

namespace cairn::cli {

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // decoded

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";  // raw, percent-encoded ("/bucket/a%20b")
  QueryParams query;
  Headers headers;                  // extra fields (content-type, x-amz-meta-*, ...)
  std::optional<std::string> body;  // a small body, signed with its SHA-256
  // A streamed body of `content_length` bytes (signed as UNSIGNED-PAYLOAD). The reader fills up
  // to n bytes and returns the count, 0 at the end, or SIZE_MAX to abort the request.
  std::function<size_t(char*, size_t)> reader;
  uint64_t content_length = 0;
  // 2xx response bodies go here when set (return false to stop early: the request then ends
  // with kCancelled-like kUnavailable unless stopping was expected by the caller).
  std::function<bool(std::string_view)> sink;
};

struct HttpResponse {
  long status = 0;
  Headers headers;
  std::string body;  // when no sink took it (capped at 8 MiB)
  bool stopped_by_sink = false;
};

// What goes on the wire for `request`: the URL and every header, signed. Pure; for tests.
struct PreparedRequest {
  std::string url;
  Headers headers;
};
PreparedRequest PrepareRequest(const Alias& alias, const HttpRequest& request, TimePoint now);

// "/bucket" or "/bucket/encoded%20key" (path style).
std::string ObjectPath(std::string_view bucket, std::string_view key = {});
// Sorted and percent-encoded as SigV4 canonicalizes it: "a=1&b=x%2Fy".
std::string EncodeQuery(const QueryParams& query);
// "host:port" from "http://host:port".
std::string HostOf(std::string_view url);

struct BucketInfo {
  std::string name;
  TimePoint created;
};

struct ObjectInfo {
  std::string key;  // or the common prefix (ends in the delimiter)
  bool is_prefix = false;
  uint64_t size = 0;
  std::string etag;
  TimePoint last_modified;
};

struct ObjectStat {
  uint64_t size = 0;
  std::string etag;
  TimePoint last_modified;
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* without the prefix
  // What a copy keeps: content-type, cache-control, content-disposition, content-encoding,
  // content-language, expires and x-amz-meta-*, as the server answered them.
  Headers stored_headers;
  ObjectEncryption encryption;  // as the answer shows it
};

// Progress reporting: called with the count of bytes just moved, from any thread.
using ProgressFn = std::function<void(uint64_t)>;

class S3Client {
 public:
  explicit S3Client(Alias alias) : alias_(std::move(alias)) {}
  const Alias& alias() const { return alias_; }

  // Sends the request; a non-2xx answer becomes an error from its body (see errors.h), with
  // `what` naming the resource for bodiless answers. Connection failures are kUnavailable.
  Result<HttpResponse> Send(const HttpRequest& request, std::string_view what) const;
  // As Send, but returns non-2xx answers as responses instead of errors.
  Result<HttpResponse> SendRaw(const HttpRequest& request) const;

  Result<std::vector<BucketInfo>> ListBuckets() const;
  // With `with_lock`: x-amz-bucket-object-lock-enabled (a versioned bucket with object lock).
  Status MakeBucket(std::string_view bucket, bool with_lock = false) const;
  // Object lock calls (`retention`, `legalhold`): `subresource` is "object-lock", "retention" or
  // "legal-hold"; GET returns the XML body, or nullopt when the server answers that there is
  // none (ObjectLockConfigurationNotFoundError, NoSuchObjectLockConfiguration); PUT sends
  // `xml` (with Content-MD5, as AWS requires).
  Result<std::optional<std::string>> GetLockDocument(std::string_view bucket, std::string_view key,
                                                     std::string_view version_id,
                                                     std::string_view subresource) const;
  Status PutLockDocument(std::string_view bucket, std::string_view key, std::string_view version_id,
                         std::string_view subresource, const std::string& xml) const;
  // Deletes and retention changes sent from now on carry x-amz-bypass-governance-retention.
  void set_bypass_governance(bool on) { bypass_governance_ = on; }
  // Object requests sent from now on carry the encryption headers of the rule matching their
  // object (`alias_name` is this client's alias as the rules name it): writes (PUT, multipart,
  // copy targets) SSE-S3/SSE-KMS/SSE-C, reads and parts of SSE-C objects the customer key, copies
  // from an SSE-C source the copy-source customer key.
  void set_encryption(std::string alias_name, std::shared_ptr<const SseRules> rules) {
    sse_alias_ = std::move(alias_name);
    sse_rules_ = std::move(rules);
  }
  Status RemoveBucket(std::string_view bucket) const;
  Status HeadBucket(std::string_view bucket) const;  // kNoSuchBucket when it is not there

  // Calls `each` for every object (and, with a delimiter, every common prefix) under `prefix`
  // in key order, page by page; stops early when `each` returns false.
  Status List(std::string_view bucket, std::string_view prefix, std::string_view delimiter,
              const std::function<bool(const ObjectInfo&)>& each) const;

  // `version_id` (everywhere below) names one version; empty means the latest.
  Result<ObjectStat> HeadObject(std::string_view bucket, std::string_view key,
                                std::string_view version_id = {}) const;
  // Streams the object (or `range`, "bytes=a-b") to `sink`.
  Status GetObject(std::string_view bucket, std::string_view key,
                   const std::function<bool(std::string_view)>& sink, std::string_view range = {},
                   std::string_view version_id = {}) const;
  Status PutObject(std::string_view bucket, std::string_view key,
                   std::function<size_t(char*, size_t)> reader, uint64_t size,
                   const Headers& headers) const;
  Status PutSmallObject(std::string_view bucket, std::string_view key, std::string body,
                        const Headers& headers) const;
  // Server-side copy; with `replace_metadata`, `headers` carries the new x-amz-meta-* fields.
  Status CopyObject(std::string_view src_bucket, std::string_view src_key,
                    std::string_view dst_bucket, std::string_view dst_key, const Headers& headers,
                    bool replace_metadata, std::string_view src_version_id = {}) const;
  // A copy through multipart (UploadPartCopy with x-amz-copy-source-range), for sources beyond
  // CopyObject's 5 GiB: `threads` parts at a time, each pinned to the source's ETag
  // (x-amz-copy-source-if-match) so a source replaced mid-copy fails it. The new object keeps the
  // source's content type and metadata, or with `replace_metadata` gets `headers` instead. The
  // upload is aborted on any failure. `progress` gets each part's size as it is done.
  Status CopyObjectMultipart(std::string_view src_bucket, std::string_view src_key,
                             std::string_view dst_bucket, std::string_view dst_key,
                             const Headers& headers, bool replace_metadata, uint64_t part_size,
                             int threads, const ProgressFn& progress) const;
  // Without a version id on a versioned bucket this adds a delete marker; with one it removes
  // that version (or marker) for good.
  Status DeleteObject(std::string_view bucket, std::string_view key,
                      std::string_view version_id = {}) const;
  // Deletes up to 1000 keys in one request; returns "key: message" for each key that failed.
  Result<std::vector<std::string>> DeleteObjects(std::string_view bucket,
                                                 const std::vector<std::string>& keys) const;
  // As DeleteObjects, for (key, version id) pairs.
  Result<std::vector<std::string>> DeleteObjectVersions(
      std::string_view bucket,
      const std::vector<std::pair<std::string, std::string>>& versions) const;

  // Versioning: "Enabled", "Suspended" or "" (never enabled).
  Result<std::string> GetBucketVersioning(std::string_view bucket) const;
  Status PutBucketVersioning(std::string_view bucket, std::string_view status) const;
  // Calls `each` for every version, delete marker and (with a delimiter) common prefix under
  // `prefix`, page by page (ListObjectVersions with key and version-id markers), in the server's
  // order: key ascending, newest first within a key; stops early when `each` returns false.
  Status ListVersions(std::string_view bucket, std::string_view prefix, std::string_view delimiter,
                      const std::function<bool(const ObjectVersion&)>& each) const;

  // Tags of an object version (`version_id` "" = the latest) or, with `key` empty, of the bucket
  // (a bucket without tags has none: NoSuchTagSet is not an error here). Set replaces the set;
  // Delete removes it.
  Result<TagList> GetTags(std::string_view bucket, std::string_view key,
                          std::string_view version_id) const;
  Status PutTags(std::string_view bucket, std::string_view key, std::string_view version_id,
                 const TagList& tags) const;
  Status DeleteTags(std::string_view bucket, std::string_view key,
                    std::string_view version_id) const;

  // Multipart.
  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            const Headers& headers) const;
  Result<std::string> UploadPart(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, int part_number,
                                 std::function<size_t(char*, size_t)> reader,
                                 uint64_t size) const;  // returns the part's ETag
  // UploadPartCopy of bytes `range` ("bytes=a-b", empty: all) of the source; returns the ETag.
  Result<std::string> UploadPartCopy(std::string_view bucket, std::string_view key,
                                     std::string_view upload_id, int part_number,
                                     std::string_view src_bucket, std::string_view src_key,
                                     std::string_view range, std::string_view src_etag) const;
  Status CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id,
                                 const std::vector<std::string>& etags) const;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id) const;

  // Uploads a local file, with parallel multipart above `part_size`.
  Status UploadFile(const std::string& path, std::string_view bucket, std::string_view key,
                    const Headers& headers, const ProgressFn& progress,
                    uint64_t part_size = 16 << 20, int threads = 4) const;
  // Uploads a stream of unknown length (stdin): one PUT when it fits in one part, else
  // multipart, holding one part in memory at a time.
  Status UploadStream(int fd, std::string_view bucket, std::string_view key, const Headers& headers,
                      const ProgressFn& progress, uint64_t part_size = 16 << 20) const;
  // Downloads to `path` through a temporary file renamed into place on success.
  Status DownloadFile(std::string_view bucket, std::string_view key, const std::string& path,
                      const ProgressFn& progress, std::string_view version_id = {}) const;

  // Bucket policy: "" when the bucket has none.
  // The bucket's <LifecycleConfiguration> document; nullopt when it has none.
  Result<std::optional<std::string>> GetBucketLifecycle(std::string_view bucket) const;
  Status PutBucketLifecycle(std::string_view bucket, const std::string& xml) const;
  Status DeleteBucketLifecycle(std::string_view bucket) const;

  // Bucket default encryption; nullopt when the bucket has none
  // (ServerSideEncryptionConfigurationNotFoundError).
  Result<std::optional<BucketEncryption>> GetBucketEncryption(std::string_view bucket) const;
  Status PutBucketEncryption(std::string_view bucket, const BucketEncryption& config) const;
  Status DeleteBucketEncryption(std::string_view bucket) const;

  Result<std::string> GetBucketPolicy(std::string_view bucket) const;
  Status PutBucketPolicy(std::string_view bucket, const std::string& policy) const;
  Status DeleteBucketPolicy(std::string_view bucket) const;

  // GET /minio/health/ready → HTTP status (0 when unreachable).
  long HealthReady() const;

  std::string Presign(std::string_view method, std::string_view bucket, std::string_view key,
                      std::chrono::seconds expires) const;

 private:
  // The encryption rule for an object, or nullptr.
  const SseRule* SseFor(std::string_view bucket, std::string_view key) const;
  // A failed HEAD answer of an object as an error; HEAD answers carry no body, so the reason is
  // asked with a GET that reads nothing.
  Status HeadObjectError(const HttpRequest& head, const HttpResponse& response,
                         const std::string& what) const;

  Alias alias_;
  bool bypass_governance_ = false;
  std::string sse_alias_;
  std::shared_ptr<const SseRules> sse_rules_;
};

// libcurl's global state, once per process.
void InitHttp();

}  // namespace cairn::cli
