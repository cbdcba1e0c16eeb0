#include "s3/metrics.h"

#include <algorithm>

namespace cairn::s3 {

std::string_view MetricApiName(Operation operation) {
  switch (operation) {
    case Operation::kListBuckets: return "listbuckets";
    case Operation::kCreateBucket: return "putbucket";
    case Operation::kDeleteBucket: return "deletebucket";
    case Operation::kHeadBucket: return "headbucket";
    case Operation::kGetBucketLocation: return "getbucketlocation";
    case Operation::kGetBucketVersioning: return "getbucketversioning";
    case Operation::kPutBucketVersioning: return "putbucketversioning";
    case Operation::kListObjectVersions: return "listobjectversions";
    case Operation::kGetObjectTagging: return "getobjecttagging";
    case Operation::kPutObjectTagging: return "putobjecttagging";
    case Operation::kDeleteObjectTagging: return "deleteobjecttagging";
    case Operation::kGetBucketTagging: return "getbuckettagging";
    case Operation::kPutBucketTagging: return "putbuckettagging";
    case Operation::kDeleteBucketTagging: return "deletebuckettagging";
    case Operation::kListObjectsV1: return "listobjectsv1";
    case Operation::kListObjectsV2: return "listobjectsv2";
    case Operation::kDeleteObjects: return "deletemultipleobjects";
    case Operation::kPutObject: return "putobject";
    case Operation::kCopyObject: return "copyobject";
    case Operation::kGetObject: return "getobject";
    case Operation::kHeadObject: return "headobject";
    case Operation::kDeleteObject: return "deleteobject";
    case Operation::kGetObjectAttributes: return "getobjectattributes";
    case Operation::kCreateMultipartUpload: return "newmultipartupload";
    case Operation::kUploadPart: return "putobjectpart";
    case Operation::kUploadPartCopy: return "copyobjectpart";
    case Operation::kCompleteMultipartUpload: return "completemultipartupload";
    case Operation::kAbortMultipartUpload: return "abortmultipartupload";
    case Operation::kListParts: return "listobjectparts";
    case Operation::kListMultipartUploads: return "listmultipartuploads";
    case Operation::kGetBucketPolicy: return "getbucketpolicy";
    case Operation::kPutBucketPolicy: return "putbucketpolicy";
    case Operation::kDeleteBucketPolicy: return "deletebucketpolicy";
    case Operation::kGetBucketPolicyStatus: return "getbucketpolicystatus";
    case Operation::kPutBucketCors: return "putbucketcors";
    case Operation::kGetBucketCors: return "getbucketcors";
    case Operation::kDeleteBucketCors: return "deletebucketcors";
    case Operation::kGetBucketLifecycle: return "getbucketlifecycle";
    case Operation::kPutBucketLifecycle: return "putbucketlifecycle";
    case Operation::kDeleteBucketLifecycle: return "deletebucketlifecycle";
    case Operation::kGetBucketEncryption: return "getbucketencryption";
    case Operation::kPutBucketEncryption: return "putbucketencryption";
    case Operation::kDeleteBucketEncryption: return "deletebucketencryption";
    case Operation::kPostObject: return "postpolicybucket";
    case Operation::kPutObjectLockConfiguration: return "putbucketobjectlockconfig";
    case Operation::kGetObjectLockConfiguration: return "getbucketobjectlockconfig";
    case Operation::kPutObjectRetention: return "putobjectretention";
    case Operation::kGetObjectRetention: return "getobjectretention";
    case Operation::kPutObjectLegalHold: return "putobjectlegalhold";
    case Operation::kGetObjectLegalHold: return "getobjectlegalhold";
    case Operation::kGetBucketAcl: return "getbucketacl";
    case Operation::kPutBucketAcl: return "putbucketacl";
    case Operation::kGetObjectAcl: return "getobjectacl";
    case Operation::kPutObjectAcl: return "putobjectacl";
    case Operation::kGetBucketOwnershipControls: return "getbucketownershipcontrols";
    case Operation::kPutBucketOwnershipControls: return "putbucketownershipcontrols";
    case Operation::kDeleteBucketOwnershipControls: return "deletebucketownershipcontrols";
    case Operation::kGetPublicAccessBlock: return "getpublicaccessblock";
    case Operation::kPutPublicAccessBlock: return "putpublicaccessblock";
    case Operation::kDeletePublicAccessBlock: return "deletepublicaccessblock";
    case Operation::kPreflight: return "preflight";
    case Operation::kUnsupported: return "unknown";
  }
  return "unknown";
}

std::string_view AuditApiName(Operation operation) {
  switch (operation) {
    case Operation::kListBuckets: return "ListBuckets";
    case Operation::kCreateBucket: return "PutBucket";
    case Operation::kDeleteBucket: return "DeleteBucket";
    case Operation::kHeadBucket: return "HeadBucket";
    case Operation::kGetBucketLocation: return "GetBucketLocation";
    case Operation::kGetBucketVersioning: return "GetBucketVersioning";
    case Operation::kPutBucketVersioning: return "PutBucketVersioning";
    case Operation::kListObjectVersions: return "ListObjectVersions";
    case Operation::kGetObjectTagging: return "GetObjectTagging";
    case Operation::kPutObjectTagging: return "PutObjectTagging";
    case Operation::kDeleteObjectTagging: return "DeleteObjectTagging";
    case Operation::kGetBucketTagging: return "GetBucketTagging";
    case Operation::kPutBucketTagging: return "PutBucketTagging";
    case Operation::kDeleteBucketTagging: return "DeleteBucketTagging";
    case Operation::kListObjectsV1: return "ListObjectsV1";
    case Operation::kListObjectsV2: return "ListObjectsV2";
    case Operation::kDeleteObjects: return "DeleteMultipleObjects";
    case Operation::kPutObject: return "PutObject";
    case Operation::kCopyObject: return "CopyObject";
    case Operation::kGetObject: return "GetObject";
    case Operation::kHeadObject: return "HeadObject";
    case Operation::kDeleteObject: return "DeleteObject";
    case Operation::kGetObjectAttributes: return "GetObjectAttributes";
    case Operation::kCreateMultipartUpload: return "NewMultipartUpload";
    case Operation::kUploadPart: return "PutObjectPart";
    case Operation::kUploadPartCopy: return "CopyObjectPart";
    case Operation::kCompleteMultipartUpload: return "CompleteMultipartUpload";
    case Operation::kAbortMultipartUpload: return "AbortMultipartUpload";
    case Operation::kListParts: return "ListObjectParts";
    case Operation::kListMultipartUploads: return "ListMultipartUploads";
    case Operation::kGetBucketPolicy: return "GetBucketPolicy";
    case Operation::kPutBucketPolicy: return "PutBucketPolicy";
    case Operation::kDeleteBucketPolicy: return "DeleteBucketPolicy";
    case Operation::kGetBucketPolicyStatus: return "GetBucketPolicyStatus";
    case Operation::kPutBucketCors: return "PutBucketCors";
    case Operation::kGetBucketCors: return "GetBucketCors";
    case Operation::kDeleteBucketCors: return "DeleteBucketCors";
    case Operation::kGetBucketLifecycle: return "GetBucketLifecycle";
    case Operation::kPutBucketLifecycle: return "PutBucketLifecycle";
    case Operation::kDeleteBucketLifecycle: return "DeleteBucketLifecycle";
    case Operation::kPostObject: return "PostPolicyBucket";
    case Operation::kPutObjectLockConfiguration: return "PutBucketObjectLockConfig";
    case Operation::kGetObjectLockConfiguration: return "GetBucketObjectLockConfig";
    case Operation::kPutObjectRetention: return "PutObjectRetention";
    case Operation::kGetObjectRetention: return "GetObjectRetention";
    case Operation::kPutObjectLegalHold: return "PutObjectLegalHold";
    case Operation::kGetObjectLegalHold: return "GetObjectLegalHold";
    case Operation::kGetBucketAcl: return "GetBucketACL";
    case Operation::kPutBucketAcl: return "PutBucketACL";
    case Operation::kGetObjectAcl: return "GetObjectACL";
    case Operation::kPutObjectAcl: return "PutObjectACL";
    case Operation::kGetBucketOwnershipControls: return "GetBucketOwnershipControls";
    case Operation::kPutBucketOwnershipControls: return "PutBucketOwnershipControls";
    case Operation::kDeleteBucketOwnershipControls: return "DeleteBucketOwnershipControls";
    case Operation::kGetPublicAccessBlock: return "GetPublicAccessBlock";
    case Operation::kPutPublicAccessBlock: return "PutPublicAccessBlock";
    case Operation::kDeletePublicAccessBlock: return "DeletePublicAccessBlock";
    case Operation::kGetBucketEncryption: return "GetBucketEncryption";
    case Operation::kPutBucketEncryption: return "PutBucketEncryption";
    case Operation::kDeleteBucketEncryption: return "DeleteBucketEncryption";
    case Operation::kPreflight: return "Preflight";
    case Operation::kUnsupported: return "Unknown";
  }
  return "Unknown";
}

S3Metrics::Shard& S3Metrics::Mine() {
  // Threads take shards in turn, once: the request path never hashes or locks.
  static std::atomic<size_t> next{0};
  thread_local size_t index = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shards_[index];
}

void S3Metrics::Begin(Operation op) {
  Mine().apis[static_cast<size_t>(op)].inflight.fetch_add(1, std::memory_order_relaxed);
}

void S3Metrics::End(Operation op, int status, std::chrono::nanoseconds ttfb, uint64_t received,
                    uint64_t sent) {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  Shard& shard = Mine();
  Api& api = shard.apis[static_cast<size_t>(op)];
  api.inflight.fetch_sub(1, kRelaxed);
  api.requests.fetch_add(1, kRelaxed);
  if (status >= 400 && status < 500) api.errors_4xx.fetch_add(1, kRelaxed);
  if (status >= 500) api.errors_5xx.fetch_add(1, kRelaxed);
  const double seconds = std::chrono::duration<double>(ttfb).count();
  size_t bucket = 0;
  while (bucket < kTtfbBounds.size() && seconds > kTtfbBounds[bucket]) ++bucket;
  api.ttfb[bucket].fetch_add(1, kRelaxed);
  api.ttfb_nanos.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, ttfb.count())), kRelaxed);
  if (received != 0) shard.received.fetch_add(received, kRelaxed);
  if (sent != 0) shard.sent.fetch_add(sent, kRelaxed);
}

S3Metrics::Totals S3Metrics::Read() const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  Totals t;
  for (const Shard& shard : shards_) {
    for (size_t i = 0; i < kOperationCount; ++i) {
      const Api& api = shard.apis[i];
      PerApi& sum = t.apis[i];
      sum.requests += api.requests.load(kRelaxed);
      sum.errors_4xx += api.errors_4xx.load(kRelaxed);
      sum.errors_5xx += api.errors_5xx.load(kRelaxed);
      sum.inflight += api.inflight.load(kRelaxed);
      for (size_t b = 0; b < sum.ttfb.size(); ++b) sum.ttfb[b] += api.ttfb[b].load(kRelaxed);
      sum.ttfb_seconds += static_cast<double>(api.ttfb_nanos.load(kRelaxed)) / 1e9;
    }
    t.received_bytes += shard.received.load(kRelaxed);
    t.sent_bytes += shard.sent.load(kRelaxed);
  }
  // A request that began in one shard's view may end in a scrape's later read of another: a
  // moment's negative sum shows as none.
  for (PerApi& api : t.apis) api.inflight = std::max<int64_t>(0, api.inflight);
  return t;
}

RequestMeter::RequestMeter(S3Metrics& metrics, ByteSource& body, http::ResponseWriter& out)
    : metrics_(metrics), body_(body), out_(out), start_(std::chrono::steady_clock::now()) {}

RequestMeter::~RequestMeter() {
  Operation op = op_.value_or(Operation::kUnsupported);
  if (!op_) metrics_.Begin(op);  // answered before routing (a malformed head): count it too
  if (status_ == 0) ttfb_ = std::chrono::steady_clock::now() - start_;
  metrics_.End(op, status_, ttfb_, received_, sent_);
}

void RequestMeter::Routed(Operation op) {
  if (op_) return;
  op_ = op;
  metrics_.Begin(op);
}

void RequestMeter::Answered(int status) {
  if (status_ != 0) return;
  status_ = status;
  ttfb_ = std::chrono::steady_clock::now() - start_;
}

Status RequestMeter::Send(int status, const Headers& headers, std::string_view body) {
  Answered(status);
  Status s = out_.Send(status, headers, body);
  if (s.ok()) sent_ += body.size();
  return s;
}

Status RequestMeter::SendStream(int status, const Headers& headers, uint64_t length,
                                ByteSource* body) {
  Answered(status);
  Status s = out_.SendStream(status, headers, length, body);
  if (s.ok() && body != nullptr) sent_ += length;
  return s;
}

Result<size_t> RequestMeter::Read(char* buf, size_t n) {
  Result<size_t> got = body_.Read(buf, n);
  if (got.ok()) received_ += *got;
  return got;
}

}  // namespace cairn::s3
