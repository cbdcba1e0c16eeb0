// The one place request records go: to every audit target (RecordSink, set up at start) and to
// every live tracer (TraceSubscription, at most `max_tracers`, each a bounded ring). Request
// paths ask `wanted()` first — one relaxed atomic load — and build a record only when it is true,
// so with no target and no tracer a request pays nothing more.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "audit/request_record.h"

namespace cairn::audit {

using RecordPtr = std::shared_ptr<const RequestRecord>;

// An audit target. Consume runs on request threads: it must never block (queue or drop).
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Consume(const RecordPtr& record) = 0;
};

// What a tracer asked to see (madmin's ServiceTraceOpts, as far as Cairn has the calls).
struct TraceFilter {
  bool s3 = true;
  bool admin = false;
  bool errors_only = false;               // status >= 400 only ("err=true")
  std::chrono::nanoseconds threshold{0};  // slower than this only
  bool Accepts(const RequestRecord& record) const;
};

// One tracer's bounded ring. Offer never blocks: a full ring drops the record and counts it.
class TraceSubscription {
 public:
  TraceSubscription(TraceFilter filter, size_t capacity);

  // Queues `record` if the filter accepts it; false when it was dropped (the ring was full).
  bool Offer(const RecordPtr& record);

  struct Batch {
    std::vector<RecordPtr> records;
    uint64_t dropped = 0;  // records lost since the last Take
    bool closed = false;   // no more records will come
  };
  // Everything queued, waiting up to `wait` for the first record (or the close).
  Batch Take(std::chrono::milliseconds wait);

  // Ends the subscription: Take returns closed once the ring is empty.
  void Close();
  uint64_t total_dropped() const { return total_dropped_.load(std::memory_order_relaxed); }

 private:
  const TraceFilter filter_;
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RecordPtr> ring_;  // guarded by mu_
  uint64_t dropped_ = 0;        // guarded by mu_
  bool closed_ = false;         // guarded by mu_
  std::atomic<uint64_t> total_dropped_{0};
};

class RecordHub {
 public:
  explicit RecordHub(size_t max_tracers = 8, size_t ring_capacity = 1024);

  // True while a target or a tracer wants records (a relaxed load: a record more or less around
  // a subscription's start or end is fine).
  bool wanted() const { return wanted_.load(std::memory_order_relaxed) != 0; }

  // Adds an audit target; for the start-up, before requests are served.
  void AddSink(std::shared_ptr<RecordSink> sink);

  // A new tracer; null when `max_tracers` are already connected or the hub is closed.
  std::shared_ptr<TraceSubscription> Subscribe(TraceFilter filter);
  void Unsubscribe(const std::shared_ptr<TraceSubscription>& subscription);

  // Fills the parent user (service accounts), then hands the record to every target and tracer.
  void Publish(RequestRecord record);

  // Ends every tracer (the server is stopping); later Subscribe calls get null.
  void Close();

  // Who a service account belongs to ("" for a user or the root); set once at start.
  void set_parent_lookup(std::function<std::string(std::string_view access_key)> lookup) {
    parent_lookup_ = std::move(lookup);
  }

  size_t tracers() const;
  // Records lost by slow tracers since start (ended subscriptions included).
  uint64_t trace_dropped() const;

 private:
  const size_t max_tracers_;
  const size_t ring_capacity_;
  std::atomic<int> wanted_{0};
  std::function<std::string(std::string_view)> parent_lookup_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<RecordSink>> sinks_;           // guarded by mu_
  std::vector<std::shared_ptr<TraceSubscription>> tracers_;  // guarded by mu_
  uint64_t ended_dropped_ = 0;                               // guarded by mu_
  bool closed_ = false;                                      // guarded by mu_
};

}  // namespace cairn::audit
