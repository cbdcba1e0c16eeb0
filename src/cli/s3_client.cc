#include "cli/s3_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <pugixml.hpp>
#include <sstream>
#include <thread>

#include "auth/sigv4.h"
#include "cli/copy_plan.h"
#include "cli/errors.h"
#include "cli/tls_settings.h"
#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::cli {
namespace {

constexpr size_t kMaxCollectedBody = 8 << 20;

struct CurlHandle {
  CURL* curl = nullptr;
  CurlHandle() : curl(curl_easy_init()) {}
  ~CurlHandle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
};

CURL* ThreadCurl() {
  thread_local CurlHandle handle;
  return handle.curl;
}

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  CURL* curl = nullptr;
  size_t body_offset = 0;  // into request->body
  bool reader_failed = false;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nitems;
  if (t->request->body) {
    const std::string& body = *t->request->body;
    size_t left = body.size() - t->body_offset;
    size_t take = std::min(n, left);
    std::memcpy(buffer, body.data() + t->body_offset, take);
    t->body_offset += take;
    return take;
  }
  if (!t->request->reader) return 0;
  size_t got = t->request->reader(buffer, n);
  if (got == SIZE_MAX) {
    t->reader_failed = true;
    return CURL_READFUNC_ABORT;
  }
  return got;
}

size_t WriteCallback(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nmemb;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && t->request->sink) {
    if (!t->request->sink(std::string_view(data, n))) {
      t->response->stopped_by_sink = true;
      return 0;  // aborts the transfer
    }
    return n;
  }
  if (t->response->body.size() < kMaxCollectedBody) t->response->body.append(data, n);
  return n;
}

size_t HeaderCallback(char* data, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nitems;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    t->response->headers = Headers();  // a new response (after 100 Continue or a redirect)
    return n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers.Add(TrimWhitespace(line.substr(0, colon)),
                             TrimWhitespace(line.substr(colon + 1)));
  }
  return n;
}

// "=?UTF-8?B?base64?=" as the text it encodes; anything else unchanged.
std::string DecodeEncodedWord(std::string_view s) {
  constexpr std::string_view kOpen = "=?UTF-8?B?";
  if (s.size() < kOpen.size() + 2 || !s.ends_with("?=") ||
      !EqualsIgnoreCase(s.substr(0, kOpen.size()), kOpen)) {
    return std::string(s);
  }
  auto text = Base64Decode(s.substr(kOpen.size(), s.size() - kOpen.size() - 2));
  return text ? *text : std::string(s);
}

std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}

TimePoint ParseTime(std::string_view s) {
  auto t = ParseIso8601(s);
  if (!t) t = ParseHttpDate(s);
  return t ? *t : TimePoint{};
}

// A 200 answer that carries an <Error> (CompleteMultipartUpload, CopyObject may do that).
Status ErrorInOkBody(const HttpResponse& response, std::string_view what) {
  if (response.body.find("<Error>") != std::string::npos) {
    return ErrorFromResponse(500, response.body, what);
  }
  return Status::Ok();
}

std::string XmlToString(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

// Reads from an fd at an offset, for one part of a file.
struct FileSlice {
  int fd;
  uint64_t offset;
  uint64_t left;
  ProgressFn progress;
  size_t operator()(char* buf, size_t n) {
    if (left == 0) return 0;
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, left));
    ssize_t got;
    do {
      got = ::pread(fd, buf, want, static_cast<off_t>(offset));
    } while (got < 0 && errno == EINTR);
    if (got <= 0) return SIZE_MAX;
    offset += static_cast<uint64_t>(got);
    left -= static_cast<uint64_t>(got);
    if (progress) progress(static_cast<uint64_t>(got));
    return static_cast<size_t>(got);
  }
};

Result<std::string> ReadFully(int fd, uint64_t max, bool* eof) {
  std::string buf;
  buf.resize(max);
  size_t have = 0;
  *eof = false;
  while (have < max) {
    ssize_t n = ::read(fd, buf.data() + have, max - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status(Code::kIOError, std::string("read failed: ") + std::strerror(errno));
    if (n == 0) {
      *eof = true;
      break;
    }
    have += static_cast<size_t>(n);
  }
  buf.resize(have);
  return buf;
}

// Sets every field of `from` on `to`.
void SetAll(Headers& to, const Headers& from) {
  for (const auto& [name, value] : from.fields()) to.Set(name, value);
}

// The client's word for a read of an SSE-C object without its key: the server's message says
// what is wrong, not which flag fixes it.
Status ExplainSseError(Status error, bool sent_customer_key, std::string_view what) {
  if (!sent_customer_key && ErrorCodeName(error) == "InvalidRequest" &&
      error.message().find("Server Side Encryption") != std::string::npos) {
    return Status(error.code(), "Object `" + std::string(what) +
                                    "` is encrypted with SSE-C: give its key with --enc-c "
                                    "\"ALIAS/BUCKET/PREFIX=KEY\" (InvalidRequest)");
  }
  return error;
}

}  // namespace

void InitHttp() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string ObjectPath(std::string_view bucket, std::string_view key) {
  std::string path = "/" + std::string(bucket);
  if (!key.empty()) path += "/" + UriEncode(key, /*keep_slash=*/true);
  return path;
}

std::string EncodeQuery(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(UriEncode(k, false), UriEncode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view host = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  return std::string(host.substr(0, host.find('/')));
}

PreparedRequest PrepareRequest(const Alias& alias, const HttpRequest& request, TimePoint now) {
  PreparedRequest out;
  std::string query = EncodeQuery(request.query);
  out.url = alias.url + request.path + (query.empty() ? "" : "?" + query);
  out.headers = request.headers;
  out.headers.Set("host", HostOf(alias.url));
  std::string payload = request.body ? Sha256Hex(*request.body) : "UNSIGNED-PAYLOAD";
  if (!alias.access_key.empty()) {
    auth::SigningParams params;
    params.access_key = alias.access_key;
    params.secret_key = alias.secret_key;
    auth::SignRequest(params, request.method, request.path, query, out.headers, payload, now);
  }
  return out;
}

Result<HttpResponse> S3Client::SendRaw(const HttpRequest& request) const {
  InitHttp();
  CURL* curl = ThreadCurl();
  if (curl == nullptr) return Status(Code::kInternal, "cannot initialise libcurl");
  curl_easy_reset(curl);
  PreparedRequest prepared = PrepareRequest(alias_, request, Now());

  HttpResponse response;
  Transfer transfer;
  transfer.request = &request;
  transfer.response = &response;
  transfer.curl = curl;

  curl_slist* list = nullptr;
  for (const auto& [name, value] : prepared.headers.fields()) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");
  if (!prepared.headers.Has("content-type")) list = curl_slist_append(list, "Content-Type:");

  curl_easy_setopt(curl, CURLOPT_URL, prepared.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 300L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "cairn-cli");
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  TlsSettings tls = CurrentTlsSettings();
  if (tls.insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (tls.ca_file) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file->c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteCallback);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, HeaderCallback);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  bool has_body = request.body.has_value() || static_cast<bool>(request.reader);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (has_body || request.method == "PUT" || request.method == "POST") {
    curl_off_t size = request.body ? static_cast<curl_off_t>(request.body->size())
                                   : static_cast<curl_off_t>(request.content_length);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadCallback);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  if (rc != CURLE_OK) {
    if (rc == CURLE_WRITE_ERROR && response.stopped_by_sink) return response;
    if (transfer.reader_failed) {
      return Status(Code::kIOError, "reading the data to upload failed");
    }
    return Status(Code::kUnavailable, "cannot reach " + alias_.url + ": " + curl_easy_strerror(rc));
  }
  return response;
}

Result<HttpResponse> S3Client::Send(const HttpRequest& request, std::string_view what) const {
  HttpResponse response;
  { CAIRN_ASSIGN_OR_RETURN(response, SendRaw(request)); }
  if (response.status < 200 || response.status >= 300) {
    return ErrorFromResponse(response.status, response.body, what);
  }
  return response;
}

Result<std::vector<BucketInfo>> S3Client::ListBuckets() const {
  HttpRequest req;
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, alias_.url)); }
  pugi::xml_document doc;
  if (!doc.load_string(resp.body.c_str())) {
    return Status(Code::kMalformedXML, "the server's bucket list does not parse");
  }
  std::vector<BucketInfo> out;
  for (auto b : doc.child("ListAllMyBucketsResult").child("Buckets").children("Bucket")) {
    out.push_back({b.child_value("Name"), ParseTime(b.child_value("CreationDate"))});
  }
  return out;
}

Status S3Client::MakeBucket(std::string_view bucket, bool with_lock) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket);
  if (with_lock) req.headers.Set("x-amz-bucket-object-lock-enabled", "true");
  req.body = std::string();
  auto resp = Send(req, bucket);
  return resp.status();
}

Status S3Client::RemoveBucket(std::string_view bucket) const {
  HttpRequest req;
  req.method = "DELETE";
  req.path = ObjectPath(bucket);
  return Send(req, bucket).status();
}

Status S3Client::HeadBucket(std::string_view bucket) const {
  HttpRequest req;
  req.method = "HEAD";
  req.path = ObjectPath(bucket);
  auto resp = Send(req, bucket);
  if (!resp.ok() && resp.status().code() == Code::kNotFound) {
    return Status(Code::kNoSuchBucket, "The specified bucket does not exist. (NoSuchBucket)");
  }
  return resp.status();
}

Status S3Client::List(std::string_view bucket, std::string_view prefix, std::string_view delimiter,
                      const std::function<bool(const ObjectInfo&)>& each) const {
  std::string token;
  while (true) {
    HttpRequest req;
    req.path = ObjectPath(bucket);
    req.query = {{"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", "1000"}};
    if (!prefix.empty()) req.query.emplace_back("prefix", std::string(prefix));
    if (!delimiter.empty()) req.query.emplace_back("delimiter", std::string(delimiter));
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    HttpResponse resp;
    { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, bucket)); }
    pugi::xml_document doc;
    if (!doc.load_string(resp.body.c_str())) {
      return Status(Code::kMalformedXML, "the server's listing does not parse");
    }
    pugi::xml_node result = doc.child("ListBucketResult");
    bool encoded = std::string_view(result.child_value("EncodingType")) == "url";
    auto decode = [&](const char* s) {
      if (!encoded) return std::string(s);
      auto d = UriDecode(s, true);
      return d ? *d : std::string(s);
    };
    // Objects and prefixes arrive in two lists; merge them into key order.
    std::vector<ObjectInfo> page;
    for (auto c : result.children("Contents")) {
      ObjectInfo info;
      info.key = decode(c.child_value("Key"));
      info.size = std::strtoull(c.child_value("Size"), nullptr, 10);
      info.etag = Unquote(c.child_value("ETag"));
      info.last_modified = ParseTime(c.child_value("LastModified"));
      page.push_back(std::move(info));
    }
    for (auto p : result.children("CommonPrefixes")) {
      ObjectInfo info;
      info.key = decode(p.child_value("Prefix"));
      info.is_prefix = true;
      page.push_back(std::move(info));
    }
    std::sort(page.begin(), page.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    for (const auto& info : page) {
      if (!each(info)) return Status::Ok();
    }
    if (std::string_view(result.child_value("IsTruncated")) != "true") break;
    token = result.child_value("NextContinuationToken");
    if (token.empty()) break;
  }
  return Status::Ok();
}

Result<ObjectStat> S3Client::HeadObject(std::string_view bucket, std::string_view key,
                                        std::string_view version_id) const {
  HttpRequest req;
  req.method = "HEAD";
  req.path = ObjectPath(bucket, key);
  if (!version_id.empty()) req.query.emplace_back("versionId", std::string(version_id));
  req.headers = SseReadHeaders(SseFor(bucket, key));
  std::string what = std::string(bucket) + "/" + std::string(key);
  Result<HttpResponse> resp = SendRaw(req);
  if (resp.ok() && (resp->status < 200 || resp->status >= 300)) {
    resp = HeadObjectError(req, *resp, what);
  }
  if (!resp.ok()) {
    if (resp.status().code() == Code::kNotFound && !version_id.empty()) {
      return Status(Code::kNoSuchVersion, "Version `" + std::string(version_id) + "` of `" + what +
                                              "` does not exist. (NoSuchVersion)");
    }
    if (resp.status().code() == Code::kNotFound) {
      return Status(Code::kNoSuchKey, "Object `" + what + "` does not exist. (NoSuchKey)");
    }
    return resp.status();
  }
  ObjectStat stat;
  const Headers& h = resp->headers;
  stat.size =
      std::strtoull(std::string(h.Get("content-length").value_or("0")).c_str(), nullptr, 10);
  stat.etag = Unquote(h.Get("etag").value_or(""));
  stat.last_modified = ParseTime(h.Get("last-modified").value_or(""));
  stat.content_type = std::string(h.Get("content-type").value_or(""));
  for (const auto& [name, value] : h.fields()) {
    // The server answers non-ASCII metadata as an RFC 2047 encoded-word, as AWS does.
    if (name.rfind("x-amz-meta-", 0) == 0)
      stat.metadata[name.substr(11)] = DecodeEncodedWord(value);
    if (name.rfind("x-amz-meta-", 0) == 0 || name == "content-type" || name == "cache-control" ||
        name == "content-disposition" || name == "content-encoding" || name == "content-language" ||
        name == "expires") {
      stat.stored_headers.Add(name, value);
    }
  }
  stat.encryption = EncryptionFromHeaders(h);
  return stat;
}

Status S3Client::HeadObjectError(const HttpRequest& head, const HttpResponse& response,
                                 const std::string& what) const {
  Status error = ErrorFromResponse(response.status, response.body, what);
  if (response.status != 400 && response.status != 403) return error;
  HttpRequest get = head;
  get.method = "GET";
  get.sink = [](std::string_view) { return false; };  // a 2xx body is not wanted
  auto probe = SendRaw(get);
  if (probe.ok() && (probe->status < 200 || probe->status >= 300) && !probe->body.empty()) {
    error = ErrorFromResponse(probe->status, probe->body, what);
  }
  return ExplainSseError(error, head.headers.Has("x-amz-server-side-encryption-customer-key"),
                         what);
}

const SseRule* S3Client::SseFor(std::string_view bucket, std::string_view key) const {
  if (!sse_rules_) return nullptr;
  return sse_rules_->Find(sse_alias_, bucket, key);
}

Status S3Client::GetObject(std::string_view bucket, std::string_view key,
                           const std::function<bool(std::string_view)>& sink,
                           std::string_view range, std::string_view version_id) const {
  HttpRequest req;
  req.path = ObjectPath(bucket, key);
  if (!version_id.empty()) req.query.emplace_back("versionId", std::string(version_id));
  req.headers = SseReadHeaders(SseFor(bucket, key));
  if (!range.empty()) req.headers.Set("range", range);
  req.sink = sink;
  std::string what = std::string(bucket) + "/" + std::string(key);
  Status s = Send(req, what).status();
  return ExplainSseError(s, req.headers.Has("x-amz-server-side-encryption-customer-key"), what);
}

Status S3Client::PutObject(std::string_view bucket, std::string_view key,
                           std::function<size_t(char*, size_t)> reader, uint64_t size,
                           const Headers& headers) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket, key);
  req.headers = headers;
  SetAll(req.headers, SseWriteHeaders(SseFor(bucket, key)));
  req.reader = std::move(reader);
  req.content_length = size;
  return Send(req, std::string(bucket) + "/" + std::string(key)).status();
}

Status S3Client::PutSmallObject(std::string_view bucket, std::string_view key, std::string body,
                                const Headers& headers) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket, key);
  req.headers = headers;
  SetAll(req.headers, SseWriteHeaders(SseFor(bucket, key)));
  req.body = std::move(body);
  return Send(req, std::string(bucket) + "/" + std::string(key)).status();
}

Status S3Client::CopyObject(std::string_view src_bucket, std::string_view src_key,
                            std::string_view dst_bucket, std::string_view dst_key,
                            const Headers& headers, bool replace_metadata,
                            std::string_view src_version_id) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(dst_bucket, dst_key);
  req.headers = headers;
  std::string source = ObjectPath(src_bucket, src_key);
  if (!src_version_id.empty()) source += "?versionId=" + UriEncode(src_version_id, true);
  req.headers.Set("x-amz-copy-source", source);
  if (replace_metadata) req.headers.Set("x-amz-metadata-directive", "REPLACE");
  SetAll(req.headers, SseWriteHeaders(SseFor(dst_bucket, dst_key)));
  SetAll(req.headers, SseCopySourceHeaders(SseFor(src_bucket, src_key)));
  req.body = std::string();
  std::string what = std::string(src_bucket) + "/" + std::string(src_key);
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, what)); }
  return ErrorInOkBody(resp, what);
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key,
                              std::string_view version_id) const {
  HttpRequest req;
  req.method = "DELETE";
  req.path = ObjectPath(bucket, key);
  if (!version_id.empty()) req.query.emplace_back("versionId", std::string(version_id));
  if (bypass_governance_) req.headers.Set("x-amz-bypass-governance-retention", "true");
  return Send(req, std::string(bucket) + "/" + std::string(key)).status();
}

Result<std::optional<std::string>> S3Client::GetLockDocument(std::string_view bucket,
                                                             std::string_view key,
                                                             std::string_view version_id,
                                                             std::string_view subresource) const {
  HttpRequest req;
  req.path = ObjectPath(bucket, key);
  req.query = {{std::string(subresource), ""}};
  if (!version_id.empty()) req.query.emplace_back("versionId", std::string(version_id));
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, SendRaw(req)); }
  if (resp.status == 404 &&
      (resp.body.find("<Code>ObjectLockConfigurationNotFoundError</Code>") != std::string::npos ||
       resp.body.find("<Code>NoSuchObjectLockConfiguration</Code>") != std::string::npos)) {
    return std::optional<std::string>();
  }
  std::string what =
      key.empty() ? std::string(bucket) : std::string(bucket) + "/" + std::string(key);
  if (resp.status < 200 || resp.status >= 300) {
    return ErrorFromResponse(resp.status, resp.body, what);
  }
  return std::optional<std::string>(std::move(resp.body));
}

Status S3Client::PutLockDocument(std::string_view bucket, std::string_view key,
                                 std::string_view version_id, std::string_view subresource,
                                 const std::string& xml) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket, key);
  req.query = {{std::string(subresource), ""}};
  if (!version_id.empty()) req.query.emplace_back("versionId", std::string(version_id));
  req.body = xml;
  req.headers.Set("content-type", "application/xml");
  req.headers.Set("content-md5", Base64Encode(Md5(xml)));
  if (bypass_governance_) req.headers.Set("x-amz-bypass-governance-retention", "true");
  std::string what =
      key.empty() ? std::string(bucket) : std::string(bucket) + "/" + std::string(key);
  return Send(req, what).status();
}

Result<std::vector<std::string>> S3Client::DeleteObjects(
    std::string_view bucket, const std::vector<std::string>& keys) const {
  std::vector<std::pair<std::string, std::string>> versions;
  versions.reserve(keys.size());
  for (const auto& key : keys) versions.emplace_back(key, "");
  return DeleteObjectVersions(bucket, versions);
}

Result<std::vector<std::string>> S3Client::DeleteObjectVersions(
    std::string_view bucket,
    const std::vector<std::pair<std::string, std::string>>& versions) const {
  pugi::xml_document doc;
  pugi::xml_node del = doc.append_child("Delete");
  del.append_child("Quiet").text().set("true");
  for (const auto& [key, version_id] : versions) {
    pugi::xml_node object = del.append_child("Object");
    object.append_child("Key").text().set(key.c_str());
    if (!version_id.empty()) object.append_child("VersionId").text().set(version_id.c_str());
  }
  HttpRequest req;
  req.method = "POST";
  req.path = ObjectPath(bucket);
  req.query = {{"delete", ""}};
  req.body = XmlToString(doc);
  req.headers.Set("content-type", "application/xml");
  req.headers.Set("content-md5", Base64Encode(Md5(*req.body)));
  if (bypass_governance_) req.headers.Set("x-amz-bypass-governance-retention", "true");
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, bucket)); }
  pugi::xml_document result;
  std::vector<std::string> failed;
  if (result.load_string(resp.body.c_str())) {
    for (auto e : result.child("DeleteResult").children("Error")) {
      std::string version = e.child_value("VersionId");
      failed.push_back(std::string(e.child_value("Key")) +
                       (version.empty() ? "" : " (version " + version + ")") + ": " +
                       e.child_value("Message") + " (" + e.child_value("Code") + ")");
    }
  }
  return failed;
}

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                    const Headers& headers) const {
  HttpRequest req;
  req.method = "POST";
  req.path = ObjectPath(bucket, key);
  req.query = {{"uploads", ""}};
  req.headers = headers;
  SetAll(req.headers, SseWriteHeaders(SseFor(bucket, key)));
  req.body = std::string();
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, std::string(bucket) + "/" + std::string(key))); }
  pugi::xml_document doc;
  doc.load_string(resp.body.c_str());
  std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return Status(Code::kMalformedXML, "the server returned no upload id");
  return id;
}

Result<std::string> S3Client::UploadPart(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id, int part_number,
                                         std::function<size_t(char*, size_t)> reader,
                                         uint64_t size) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket, key);
  req.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  req.headers = SseReadHeaders(SseFor(bucket, key));  // an SSE-C upload's parts bring its key
  req.reader = std::move(reader);
  req.content_length = size;
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, std::string(bucket) + "/" + std::string(key))); }
  auto etag = resp.headers.Get("etag");
  if (!etag) return Status(Code::kInvalidRequest, "the server returned no ETag for a part");
  return std::string(*etag);
}

Result<std::string> S3Client::UploadPartCopy(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id, int part_number,
                                             std::string_view src_bucket, std::string_view src_key,
                                             std::string_view range,
                                             std::string_view src_etag) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket, key);
  req.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  req.headers = SseReadHeaders(SseFor(bucket, key));
  SetAll(req.headers, SseCopySourceHeaders(SseFor(src_bucket, src_key)));
  req.headers.Set("x-amz-copy-source", ObjectPath(src_bucket, src_key));
  if (!range.empty()) req.headers.Set("x-amz-copy-source-range", range);
  if (!src_etag.empty())
    req.headers.Set("x-amz-copy-source-if-match", "\"" + std::string(src_etag) + "\"");
  req.body = std::string();
  std::string what = std::string(src_bucket) + "/" + std::string(src_key);
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, what)); }
  CAIRN_RETURN_IF_ERROR(ErrorInOkBody(resp, what));
  pugi::xml_document doc;
  doc.load_string(resp.body.c_str());
  std::string etag = doc.child("CopyPartResult").child_value("ETag");
  if (etag.empty()) return Status(Code::kMalformedXML, "the server returned no ETag for a part");
  return etag;
}

Status S3Client::CopyObjectMultipart(std::string_view src_bucket, std::string_view src_key,
                                     std::string_view dst_bucket, std::string_view dst_key,
                                     const Headers& headers, bool replace_metadata,
                                     uint64_t part_size, int threads,
                                     const ProgressFn& progress) const {
  ObjectStat src;
  { CAIRN_ASSIGN_OR_RETURN(src, HeadObject(src_bucket, src_key)); }
  std::vector<CopyPart> parts = PlanCopyParts(src.size, part_size);
  if (parts.empty()) {
    // Nothing to cut: an empty object copies in one request.
    return CopyObject(src_bucket, src_key, dst_bucket, dst_key, headers, replace_metadata);
  }
  std::string upload_id;
  {
    Headers create = replace_metadata ? headers : src.stored_headers;
    // The copy's ACL is the request's, whether or not its metadata is replaced.
    if (auto acl = headers.Get("x-amz-acl")) create.Set("x-amz-acl", *acl);
    CAIRN_ASSIGN_OR_RETURN(upload_id, CreateMultipartUpload(dst_bucket, dst_key, create));
  }
  std::vector<std::string> etags(parts.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= parts.size()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) return;
      }
      auto etag = UploadPartCopy(dst_bucket, dst_key, upload_id, parts[i].number, src_bucket,
                                 src_key, parts[i].Range(), src.etag);
      std::lock_guard<std::mutex> lock(mu);
      if (!etag.ok()) {
        if (first_error.ok()) first_error = etag.status();
        return;
      }
      etags[i] = *etag;
      if (progress) progress(parts[i].size());
    }
  };
  std::vector<std::thread> pool;
  size_t n = std::min(static_cast<size_t>(std::max(threads, 1)), parts.size());
  for (size_t t = 0; t < n; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (first_error.ok()) {
    first_error = CompleteMultipartUpload(dst_bucket, dst_key, upload_id, etags);
  }
  if (!first_error.ok()) AbortMultipartUpload(dst_bucket, dst_key, upload_id).IgnoreError();
  return first_error;
}

Status S3Client::CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id,
                                         const std::vector<std::string>& etags) const {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  for (size_t i = 0; i < etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(std::to_string(i + 1).c_str());
    part.append_child("ETag").text().set(etags[i].c_str());
  }
  HttpRequest req;
  req.method = "POST";
  req.path = ObjectPath(bucket, key);
  req.query = {{"uploadId", std::string(upload_id)}};
  req.body = XmlToString(doc);
  req.headers.Set("content-type", "application/xml");
  std::string what = std::string(bucket) + "/" + std::string(key);
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, what)); }
  return ErrorInOkBody(resp, what);
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) const {
  HttpRequest req;
  req.method = "DELETE";
  req.path = ObjectPath(bucket, key);
  req.query = {{"uploadId", std::string(upload_id)}};
  return Send(req, std::string(bucket) + "/" + std::string(key)).status();
}

Status S3Client::UploadFile(const std::string& path, std::string_view bucket, std::string_view key,
                            const Headers& headers, const ProgressFn& progress, uint64_t part_size,
                            int threads) const {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(Code::kIOError, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return UploadStream(::open(path.c_str(), O_RDONLY | O_CLOEXEC), bucket, key, headers, progress,
                        part_size);
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  Status result;
  if (size <= part_size) {
    result = PutObject(bucket, key, FileSlice{fd, 0, size, progress}, size, headers);
    ::close(fd);
    return result;
  }
  auto upload_id = CreateMultipartUpload(bucket, key, headers);
  if (!upload_id.ok()) {
    ::close(fd);
    return upload_id.status();
  }
  uint64_t parts = (size + part_size - 1) / part_size;
  std::vector<std::string> etags(parts);
  std::atomic<uint64_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    while (true) {
      uint64_t i = next.fetch_add(1);
      if (i >= parts) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) return;
      }
      uint64_t offset = i * part_size;
      uint64_t len = std::min(part_size, size - offset);
      auto etag = UploadPart(bucket, key, *upload_id, static_cast<int>(i + 1),
                             FileSlice{fd, offset, len, progress}, len);
      std::lock_guard<std::mutex> lock(mu);
      if (!etag.ok()) {
        if (first_error.ok()) first_error = etag.status();
        return;
      }
      etags[i] = *etag;
    }
  };
  std::vector<std::thread> pool;
  int n = static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(std::max(threads, 1)), parts));
  for (int t = 0; t < n; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  ::close(fd);
  if (first_error.ok()) first_error = CompleteMultipartUpload(bucket, key, *upload_id, etags);
  if (!first_error.ok()) AbortMultipartUpload(bucket, key, *upload_id).IgnoreError();
  return first_error;
}

Status S3Client::UploadStream(int fd, std::string_view bucket, std::string_view key,
                              const Headers& headers, const ProgressFn& progress,
                              uint64_t part_size) const {
  if (fd < 0)
    return Status(Code::kIOError, std::string("cannot open input: ") + std::strerror(errno));
  bool eof = false;
  auto first = ReadFully(fd, part_size, &eof);
  if (!first.ok()) return first.status();
  if (eof) {
    uint64_t n = first->size();
    Status s = PutSmallObject(bucket, key, std::move(*first), headers);
    if (s.ok() && progress) progress(n);
    return s;
  }
  std::string upload_id;
  { CAIRN_ASSIGN_OR_RETURN(upload_id, CreateMultipartUpload(bucket, key, headers)); }
  std::vector<std::string> etags;
  std::string part = std::move(*first);
  Status status;
  while (true) {
    uint64_t n = part.size();
    size_t offset = 0;
    auto reader = [&part, &offset](char* buf, size_t want) -> size_t {
      size_t take = std::min(want, part.size() - offset);
      std::memcpy(buf, part.data() + offset, take);
      offset += take;
      return take;
    };
    auto etag = UploadPart(bucket, key, upload_id, static_cast<int>(etags.size() + 1), reader, n);
    if (!etag.ok()) {
      status = etag.status();
      break;
    }
    etags.push_back(*etag);
    if (progress) progress(n);
    if (eof) break;
    auto next = ReadFully(fd, part_size, &eof);
    if (!next.ok()) {
      status = next.status();
      break;
    }
    if (next->empty()) break;
    part = std::move(*next);
  }
  if (status.ok()) status = CompleteMultipartUpload(bucket, key, upload_id, etags);
  if (!status.ok()) AbortMultipartUpload(bucket, key, upload_id).IgnoreError();
  return status;
}

Status S3Client::DownloadFile(std::string_view bucket, std::string_view key,
                              const std::string& path, const ProgressFn& progress,
                              std::string_view version_id) const {
  std::string tmp = path + ".cairn-" + std::to_string(::getpid()) + ".part";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(Code::kIOError, "cannot create " + path + ": " + std::strerror(errno));
  bool write_failed = false;
  auto sink = [&](std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        write_failed = true;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
      if (progress) progress(static_cast<uint64_t>(n));
    }
    return true;
  };
  Status s = GetObject(bucket, key, sink, {}, version_id);
  if (s.ok() && write_failed)
    s = Status(Code::kIOError, "cannot write " + path + ": " + std::strerror(errno));
  if (::close(fd) != 0 && s.ok()) s = Status(Code::kIOError, "cannot write " + path);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status(Code::kIOError, "cannot rename into " + path + ": " + std::strerror(errno));
  }
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Result<std::string> S3Client::GetBucketVersioning(std::string_view bucket) const {
  HttpRequest req;
  req.path = ObjectPath(bucket);
  req.query = {{"versioning", ""}};
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, bucket)); }
  return ParseVersioningStatus(resp.body);
}

Status S3Client::PutBucketVersioning(std::string_view bucket, std::string_view status) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket);
  req.query = {{"versioning", ""}};
  req.body = VersioningConfigurationXml(status);
  req.headers.Set("content-type", "application/xml");
  return Send(req, bucket).status();
}

namespace {
HttpRequest TaggingRequest(std::string_view method, std::string_view bucket, std::string_view key,
                           std::string_view version_id) {
  HttpRequest req;
  req.method = std::string(method);
  req.path = ObjectPath(bucket, key);
  req.query = {{"tagging", ""}};
  if (!version_id.empty()) req.query.emplace_back("versionId", std::string(version_id));
  return req;
}

std::string TagTarget(std::string_view bucket, std::string_view key) {
  return key.empty() ? std::string(bucket) : std::string(bucket) + "/" + std::string(key);
}
}  // namespace

Result<TagList> S3Client::GetTags(std::string_view bucket, std::string_view key,
                                  std::string_view version_id) const {
  HttpRequest req = TaggingRequest("GET", bucket, key, version_id);
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, SendRaw(req)); }
  if (resp.status == 404 && resp.body.find("<Code>NoSuchTagSet</Code>") != std::string::npos) {
    return TagList();
  }
  if (resp.status < 200 || resp.status >= 300) {
    return ErrorFromResponse(resp.status, resp.body, TagTarget(bucket, key));
  }
  return ParseTaggingXml(resp.body);
}

Status S3Client::PutTags(std::string_view bucket, std::string_view key, std::string_view version_id,
                         const TagList& tags) const {
  HttpRequest req = TaggingRequest("PUT", bucket, key, version_id);
  req.body = TaggingXml(tags);
  req.headers.Set("content-type", "application/xml");
  // PutBucketTagging requires Content-MD5 (or a checksum) on AWS; sent for objects too.
  req.headers.Set("content-md5", Base64Encode(Md5(*req.body)));
  return Send(req, TagTarget(bucket, key)).status();
}

Result<std::optional<std::string>> S3Client::GetBucketLifecycle(std::string_view bucket) const {
  HttpRequest req;
  req.path = ObjectPath(bucket);
  req.query = {{"lifecycle", ""}};
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, SendRaw(req)); }
  if (resp.status == 404 &&
      resp.body.find("<Code>NoSuchLifecycleConfiguration</Code>") != std::string::npos) {
    return std::optional<std::string>();
  }
  if (resp.status < 200 || resp.status >= 300) {
    return ErrorFromResponse(resp.status, resp.body, bucket);
  }
  return std::optional<std::string>(std::move(resp.body));
}

Status S3Client::PutBucketLifecycle(std::string_view bucket, const std::string& xml) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket);
  req.query = {{"lifecycle", ""}};
  req.body = xml;
  req.headers.Set("content-type", "application/xml");
  req.headers.Set("content-md5", Base64Encode(Md5(xml)));  // AWS requires it on this call
  return Send(req, bucket).status();
}

Status S3Client::DeleteBucketLifecycle(std::string_view bucket) const {
  HttpRequest req;
  req.method = "DELETE";
  req.path = ObjectPath(bucket);
  req.query = {{"lifecycle", ""}};
  return Send(req, bucket).status();
}

Status S3Client::DeleteTags(std::string_view bucket, std::string_view key,
                            std::string_view version_id) const {
  HttpRequest req = TaggingRequest("DELETE", bucket, key, version_id);
  return Send(req, TagTarget(bucket, key)).status();
}

Status S3Client::ListVersions(std::string_view bucket, std::string_view prefix,
                              std::string_view delimiter,
                              const std::function<bool(const ObjectVersion&)>& each) const {
  std::string key_marker, version_id_marker;
  while (true) {
    HttpRequest req;
    req.path = ObjectPath(bucket);
    req.query = {{"versions", ""}, {"encoding-type", "url"}, {"max-keys", "1000"}};
    if (!prefix.empty()) req.query.emplace_back("prefix", std::string(prefix));
    if (!delimiter.empty()) req.query.emplace_back("delimiter", std::string(delimiter));
    if (!key_marker.empty()) req.query.emplace_back("key-marker", key_marker);
    if (!version_id_marker.empty()) req.query.emplace_back("version-id-marker", version_id_marker);
    HttpResponse resp;
    { CAIRN_ASSIGN_OR_RETURN(resp, Send(req, bucket)); }
    VersionsPage page;
    { CAIRN_ASSIGN_OR_RETURN(page, ParseVersionsPage(resp.body)); }
    for (const auto& v : page.entries) {
      if (!each(v)) return Status::Ok();
    }
    if (!page.truncated) break;
    if (page.next_key_marker.empty() ||
        (page.next_key_marker == key_marker && page.next_version_id_marker == version_id_marker)) {
      return Status(Code::kInternal, "the server's version listing does not advance");
    }
    key_marker = page.next_key_marker;
    version_id_marker = page.next_version_id_marker;
  }
  return Status::Ok();
}

Result<std::optional<BucketEncryption>> S3Client::GetBucketEncryption(
    std::string_view bucket) const {
  HttpRequest req;
  req.path = ObjectPath(bucket);
  req.query = {{"encryption", ""}};
  HttpResponse resp;
  { CAIRN_ASSIGN_OR_RETURN(resp, SendRaw(req)); }
  if (resp.status == 404 &&
      resp.body.find("<Code>ServerSideEncryptionConfigurationNotFoundError</Code>") !=
          std::string::npos) {
    return std::optional<BucketEncryption>();
  }
  if (resp.status < 200 || resp.status >= 300) {
    return ErrorFromResponse(resp.status, resp.body, bucket);
  }
  BucketEncryption config;
  { CAIRN_ASSIGN_OR_RETURN(config, ParseBucketEncryptionXml(resp.body)); }
  return std::optional<BucketEncryption>(std::move(config));
}

Status S3Client::PutBucketEncryption(std::string_view bucket,
                                     const BucketEncryption& config) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket);
  req.query = {{"encryption", ""}};
  req.body = BucketEncryptionXml(config);
  req.headers.Set("content-type", "application/xml");
  req.headers.Set("content-md5", Base64Encode(Md5(*req.body)));  // AWS requires it on this call
  return Send(req, bucket).status();
}

Status S3Client::DeleteBucketEncryption(std::string_view bucket) const {
  HttpRequest req;
  req.method = "DELETE";
  req.path = ObjectPath(bucket);
  req.query = {{"encryption", ""}};
  return Send(req, bucket).status();
}

Result<std::string> S3Client::GetBucketPolicy(std::string_view bucket) const {
  HttpRequest req;
  req.path = ObjectPath(bucket);
  req.query = {{"policy", ""}};
  auto resp = Send(req, bucket);
  if (!resp.ok()) {
    if (resp.status().code() == Code::kNoSuchBucketPolicy) return std::string();
    return resp.status();
  }
  return resp->body;
}

Status S3Client::PutBucketPolicy(std::string_view bucket, const std::string& policy) const {
  HttpRequest req;
  req.method = "PUT";
  req.path = ObjectPath(bucket);
  req.query = {{"policy", ""}};
  req.body = policy;
  req.headers.Set("content-type", "application/json");
  return Send(req, bucket).status();
}

Status S3Client::DeleteBucketPolicy(std::string_view bucket) const {
  HttpRequest req;
  req.method = "DELETE";
  req.path = ObjectPath(bucket);
  req.query = {{"policy", ""}};
  auto resp = Send(req, bucket);
  if (!resp.ok() && resp.status().code() == Code::kNoSuchBucketPolicy) return Status::Ok();
  return resp.status();
}

long S3Client::HealthReady() const {
  HttpRequest req;
  req.path = "/minio/health/ready";
  Alias anonymous = alias_;
  anonymous.access_key.clear();
  S3Client client(anonymous);
  auto resp = client.SendRaw(req);
  return resp.ok() ? resp->status : 0;
}

std::string S3Client::Presign(std::string_view method, std::string_view bucket,
                              std::string_view key, std::chrono::seconds expires) const {
  auth::SigningParams params;
  params.access_key = alias_.access_key;
  params.secret_key = alias_.secret_key;
  return auth::PresignUrl(params, method, alias_.url, ObjectPath(bucket, key), "", expires, Now());
}

}  // namespace cairn::cli
