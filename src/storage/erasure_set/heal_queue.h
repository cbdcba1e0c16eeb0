// The blobs reads found damaged, waiting for the heal thread: a bounded set (an id queued twice
// is healed once), filled from any reading thread without waiting on a heal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "storage/blobs/blob_store.h"

namespace cairn::storage::erasure_set {

class HealQueue {
 public:
  explicit HealQueue(size_t limit) : limit_(limit) {}

  // False when full or closed (the id is dropped: a later read or walk finds it again).
  bool Push(const blobs::BlobId& id) {
    {
      std::lock_guard lock(mu_);
      if (closed_ || queued_.size() >= limit_) return false;
      if (!queued_.insert(id.Hex()).second) return true;
      order_.push_back(id);
    }
    ready_.notify_one();
    return true;
  }

  // The next id, waiting at most `wait`; nullopt on timeout or once closed.
  std::optional<blobs::BlobId> Pop(std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    ready_.wait_for(lock, wait, [&] { return closed_ || !order_.empty(); });
    if (closed_ || order_.empty()) return std::nullopt;
    blobs::BlobId id = order_.front();
    order_.pop_front();
    queued_.erase(id.Hex());
    return id;
  }

  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return order_.size();
  }

 private:
  const size_t limit_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<blobs::BlobId> order_;
  std::set<std::string> queued_;
  bool closed_ = false;
};

}  // namespace cairn::storage::erasure_set
