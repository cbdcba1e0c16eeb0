// Internal to storage/meta: a few threads that sync the other replicas' WALs for a synced write
// while the caller syncs the first, so N fsyncs overlap instead of adding up.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cairn::storage::meta {

class WritePool {
 public:
  explicit WritePool(int threads);
  // Runs the queued tasks, then joins.
  ~WritePool();
  WritePool(const WritePool&) = delete;
  WritePool& operator=(const WritePool&) = delete;

  // Queues `task`; it must not block on another task of the pool.
  void Run(std::function<void()> task);

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace cairn::storage::meta
