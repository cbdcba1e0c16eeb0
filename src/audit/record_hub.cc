#include "audit/record_hub.h"

#include <algorithm>

namespace cairn::audit {

bool TraceFilter::Accepts(const RequestRecord& record) const {
  if (record.kind == RecordKind::kS3 && !s3) return false;
  if (record.kind == RecordKind::kAdmin && !admin) return false;
  if (errors_only && record.status < 400) return false;
  if (threshold.count() > 0 && record.time_to_response < threshold) return false;
  return true;
}

TraceSubscription::TraceSubscription(TraceFilter filter, size_t capacity)
    : filter_(filter), capacity_(std::max<size_t>(capacity, 1)) {}

bool TraceSubscription::Offer(const RecordPtr& record) {
  if (!filter_.Accepts(*record)) return true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return true;
    if (ring_.size() >= capacity_) {
      ++dropped_;
      total_dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    ring_.push_back(record);
  }
  cv_.notify_one();
  return true;
}

TraceSubscription::Batch TraceSubscription::Take(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] { return !ring_.empty() || dropped_ != 0 || closed_; });
  Batch batch;
  batch.records.assign(ring_.begin(), ring_.end());
  ring_.clear();
  batch.dropped = dropped_;
  dropped_ = 0;
  batch.closed = closed_ && batch.records.empty();
  return batch;
}

void TraceSubscription::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

RecordHub::RecordHub(size_t max_tracers, size_t ring_capacity)
    : max_tracers_(max_tracers), ring_capacity_(ring_capacity) {}

void RecordHub::AddSink(std::shared_ptr<RecordSink> sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sinks_.push_back(std::move(sink));
  wanted_.fetch_add(1, std::memory_order_relaxed);
}

std::shared_ptr<TraceSubscription> RecordHub::Subscribe(TraceFilter filter) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || tracers_.size() >= max_tracers_) return nullptr;
  auto subscription = std::make_shared<TraceSubscription>(filter, ring_capacity_);
  tracers_.push_back(subscription);
  wanted_.fetch_add(1, std::memory_order_relaxed);
  return subscription;
}

void RecordHub::Unsubscribe(const std::shared_ptr<TraceSubscription>& subscription) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find(tracers_.begin(), tracers_.end(), subscription);
  if (it == tracers_.end()) return;
  ended_dropped_ += (*it)->total_dropped();
  tracers_.erase(it);
  wanted_.fetch_sub(1, std::memory_order_relaxed);
}

void RecordHub::Publish(RequestRecord record) {
  if (parent_lookup_ && !record.access_key.empty() && record.parent_user.empty()) {
    record.parent_user = parent_lookup_(record.access_key);
  }
  RecordPtr shared = std::make_shared<const RequestRecord>(std::move(record));
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& sink : sinks_) sink->Consume(shared);
  for (const auto& tracer : tracers_) tracer->Offer(shared);
}

void RecordHub::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  for (const auto& tracer : tracers_) tracer->Close();
}

size_t RecordHub::tracers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tracers_.size();
}

uint64_t RecordHub::trace_dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = ended_dropped_;
  for (const auto& tracer : tracers_) total += tracer->total_dropped();
  return total;
}

}  // namespace cairn::audit
