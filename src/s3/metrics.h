// S3 request metrics: per operation (labelled with MinIO's api names) the requests served, their
// 4xx and 5xx answers, those in flight and a time-to-first-byte histogram; bytes received and
// sent. The request path only adds to relaxed atomics in one of a few cache-line-aligned shards
// picked per thread (no lock, no allocation); a scrape sums the shards, so it costs
// O(operations x buckets) whatever the traffic.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/byte_source.h"
#include "http/response_writer.h"
#include "s3/router.h"

namespace cairn::s3 {

inline constexpr size_t kOperationCount = static_cast<size_t>(Operation::kUnsupported) + 1;
// MinIO's TTFB histogram bounds, in seconds (then +Inf).
inline constexpr std::array<double, 8> kTtfbBounds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// The api label MinIO gives the operation: its handler's name in lower case ("getobject",
// "putobjectpart", "deletemultipleobjects"...).
std::string_view MetricApiName(Operation operation);
// The same name as MinIO's audit entries and traces carry it: "GetObject", "PutObjectPart",
// "DeleteMultipleObjects" (MetricApiName is this in lower case).
std::string_view AuditApiName(Operation operation);

class S3Metrics {
 public:
  struct PerApi {
    uint64_t requests = 0;
    uint64_t errors_4xx = 0;
    uint64_t errors_5xx = 0;
    int64_t inflight = 0;
    std::array<uint64_t, kTtfbBounds.size() + 1> ttfb{};  // per bucket (not cumulative); +Inf last
    double ttfb_seconds = 0;                              // sum
  };
  struct Totals {
    std::array<PerApi, kOperationCount> apis{};
    uint64_t received_bytes = 0;
    uint64_t sent_bytes = 0;
  };

  void Begin(Operation op);
  // `status` 0: nothing was answered. `ttfb`: from the request's start to its answer's head.
  void End(Operation op, int status, std::chrono::nanoseconds ttfb, uint64_t received,
           uint64_t sent);
  Totals Read() const;

 private:
  static constexpr size_t kShards = 8;
  struct alignas(64) Api {
    std::atomic<uint64_t> requests{0}, errors_4xx{0}, errors_5xx{0};
    std::atomic<int64_t> inflight{0};
    std::array<std::atomic<uint64_t>, kTtfbBounds.size() + 1> ttfb{};
    std::atomic<uint64_t> ttfb_nanos{0};
  };
  struct alignas(64) Shard {
    std::array<Api, kOperationCount> apis;
    std::atomic<uint64_t> received{0}, sent{0};
  };
  Shard& Mine();
  std::array<Shard, kShards> shards_;
};

// One request's measurement: wraps the body and the writer to count bytes and catch the status
// and the moment the answer starts. Lives on the handler's stack.
class RequestMeter final : public http::ResponseWriter, public ByteSource {
 public:
  RequestMeter(S3Metrics& metrics, ByteSource& body, http::ResponseWriter& out);
  ~RequestMeter() override;
  RequestMeter(const RequestMeter&) = delete;
  RequestMeter& operator=(const RequestMeter&) = delete;

  // The operation is known once the request is routed; counted in flight from then.
  void Routed(Operation op);

  // ResponseWriter
  Status Send(int status, const Headers& headers, std::string_view body) override;
  Status SendStream(int status, const Headers& headers, uint64_t length, ByteSource* body) override;
  bool sent() const override { return out_.sent(); }

  // ByteSource (the request body)
  Result<size_t> Read(char* buf, size_t n) override;
  std::optional<FileRegion> RemainingFileRegion() override { return body_.RemainingFileRegion(); }
  std::optional<std::string_view> RemainingMemory() override { return body_.RemainingMemory(); }
  const Headers* trailers() const override { return body_.trailers(); }

 private:
  void Answered(int status);
  S3Metrics& metrics_;
  ByteSource& body_;
  http::ResponseWriter& out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::nanoseconds ttfb_{0};
  std::optional<Operation> op_;
  int status_ = 0;
  uint64_t received_ = 0;
  uint64_t sent_ = 0;
};

}  // namespace cairn::s3
