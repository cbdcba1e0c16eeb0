#include "s3/metrics.h"

#include <algorithm>
#include <array>
#include <string>

#include "common/headers.h"

namespace cairn::s3 {

// MinIO names most operations as AWS does (OperationName); these are its own handler names.
std::string_view AuditApiName(Operation operation) {
  switch (operation) {
    case Operation::kCreateBucket: return "PutBucket";
    case Operation::kListObjectsV1: return "ListObjectsV1";
    case Operation::kDeleteObjects: return "DeleteMultipleObjects";
    case Operation::kCreateMultipartUpload: return "NewMultipartUpload";
    case Operation::kUploadPart: return "PutObjectPart";
    case Operation::kUploadPartCopy: return "CopyObjectPart";
    case Operation::kListParts: return "ListObjectParts";
    case Operation::kGetBucketLifecycle: return "GetBucketLifecycle";
    case Operation::kPutBucketLifecycle: return "PutBucketLifecycle";
    case Operation::kPostObject: return "PostPolicyBucket";
    case Operation::kPutObjectLockConfiguration: return "PutBucketObjectLockConfig";
    case Operation::kGetObjectLockConfiguration: return "GetBucketObjectLockConfig";
    case Operation::kGetBucketAcl: return "GetBucketACL";
    case Operation::kPutBucketAcl: return "PutBucketACL";
    case Operation::kGetObjectAcl: return "GetObjectACL";
    case Operation::kPutObjectAcl: return "PutObjectACL";
    case Operation::kUnsupported: return "Unknown";
    default: return OperationName(operation);
  }
}

std::string_view MetricApiName(Operation operation) {
  // The audit name in lower case, spelled once per operation at first use.
  static const std::array<std::string, kOperationCount> kLabels = [] {
    std::array<std::string, kOperationCount> labels;
    for (size_t i = 0; i < kOperationCount; ++i) {
      labels[i] = ToLower(AuditApiName(static_cast<Operation>(i)));
    }
    return labels;
  }();
  const auto index = static_cast<size_t>(operation);
  return index < kOperationCount ? std::string_view(kLabels[index]) : "unknown";
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
