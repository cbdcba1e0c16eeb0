// RecordInbox: the bounded hand-off between the request threads that produce audit records and
// one target's own thread that writes them out. Push never blocks (a full or closed inbox
// refuses: the target counts a drop), so an audit target can never slow a request down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "audit/record_hub.h"

namespace cairn::audit {

class RecordInbox {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RecordInbox(size_t capacity) : capacity_(capacity) {}

  // False when the inbox is full or closed.
  bool Push(const RecordPtr& record) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_ || records_.size() >= capacity_) return false;
      records_.push_back(record);
    }
    cv_.notify_one();
    return true;
  }

  // Waits until a record arrives, the inbox closes, or `deadline`; then takes every record
  // waiting into `out`. Returns whether the inbox is closed (the taker's last round).
  bool TakeAll(std::deque<RecordPtr>& out, Clock::time_point deadline = Clock::time_point::max()) {
    std::unique_lock<std::mutex> lock(mu_);
    auto ready = [&] { return closed_ || !records_.empty(); };
    if (deadline == Clock::time_point::max()) {
      cv_.wait(lock, ready);
    } else {
      cv_.wait_until(lock, deadline, ready);
    }
    out.swap(records_);
    return closed_;
  }

  // Refuses further pushes and wakes the taker; returns whether this call closed it.
  bool Close() {
    bool was_open;
    {
      std::lock_guard<std::mutex> lock(mu_);
      was_open = !closed_;
      closed_ = true;
    }
    cv_.notify_all();
    return was_open;
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return records_.size();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RecordPtr> records_;  // guarded by mu_
  bool closed_ = false;            // guarded by mu_
};

}  // namespace cairn::audit
