// Internal to storage/meta: the gate between replicated writes and a resync's instants of
// writes held. Unlike std::shared_mutex (glibc prefers readers), closing it stops new writes at
// once, so a resync is not starved by a steady stream of them.
#pragma once

#include <condition_variable>
#include <mutex>

namespace cairn::storage::meta {

class WriteGate {
 public:
  // Held by a write while it applies.
  class Pass {
   public:
    explicit Pass(WriteGate& gate) : gate_(gate) {
      std::unique_lock lock(gate_.mu_);
      gate_.changed_.wait(lock, [this] { return !gate_.closed_; });
      ++gate_.writes_;
    }
    ~Pass() {
      std::lock_guard lock(gate_.mu_);
      if (--gate_.writes_ == 0) gate_.changed_.notify_all();
    }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    WriteGate& gate_;
  };

  // Held while no write may run: waits for the writes in flight, and new ones wait for it.
  class Closed {
   public:
    explicit Closed(WriteGate& gate) : gate_(gate) {
      std::unique_lock lock(gate_.mu_);
      gate_.changed_.wait(lock, [this] { return !gate_.closed_; });
      gate_.closed_ = true;
      gate_.changed_.wait(lock, [this] { return gate_.writes_ == 0; });
    }
    ~Closed() {
      std::lock_guard lock(gate_.mu_);
      gate_.closed_ = false;
      gate_.changed_.notify_all();
    }
    Closed(const Closed&) = delete;
    Closed& operator=(const Closed&) = delete;

   private:
    WriteGate& gate_;
  };

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int writes_ = 0;       // guarded by mu_
  bool closed_ = false;  // guarded by mu_
};

}  // namespace cairn::storage::meta
