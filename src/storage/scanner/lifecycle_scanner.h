// LifecycleScanner: the paced background walker that carries out bucket lifecycle rules. It
// walks, per bucket with rules, only the key ranges the rules' prefixes name, through the
// store's ordered listings (ListObjects, ListObjectVersions, ListMultipartUploads), and acts
// through the store's own operations (DeleteObject with or without a version id,
// AbortMultipartUpload), so data is freed exactly as for a user's delete.
//
// Contracts:
// - Never blocks requests: each step lists at most `page_size` entries and then pauses; it holds
//   no lock of its own across store calls, and runs on its own thread.
// - Idempotent and restartable: every action is judged against the record as it is when the
//   action is taken (an object rewritten since it was listed is left alone), so a pass repeated
//   after a crash does no action twice. The pass position is checkpointed in the SystemStore at
//   key boundaries; after kill -9 the next pass resumes there, and nothing before it is missed
//   (it was handled by the interrupted pass).
// - Stop() returns once the current step is done; call it before the store closes.
// Thread-safety: Start/Stop from one owner thread; status() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"
#include "common/time.h"
#include "storage/lifecycle.h"
#include "storage/multipart_store.h"
#include "storage/object_store.h"
#include "storage/scan_lease.h"
#include "storage/system_store.h"

namespace cairn::storage::scanner {

struct ScannerOptions {
  // The length of a lifecycle day (CAIRN_LIFECYCLE_DAY_SECONDS in tests).
  int64_t day_seconds = kSecondsPerDay;
  // Between the starts of two passes. With a shortened day, at most half a day.
  std::chrono::milliseconds interval = std::chrono::hours(1);
  // Entries listed per step, and the pause after each step.
  int page_size = 100;
  std::chrono::milliseconds pause = std::chrono::milliseconds(5);
  // The time rules are judged at; tests move it.
  std::function<TimePoint()> clock = [] { return Now(); };
  // Several gateways on one store: a pass runs only while this lease is held, renewed as the
  // pass goes (a third of `lease_duration` apart). A pass that loses it stops at its checkpoint.
  // nullptr: this process scans alone.
  std::shared_ptr<ScanLease> lease;
  std::chrono::seconds lease_duration{120};
};

// What one pass did. Counters cover the whole pass, a resumed one included from its resumption.
struct ScannerPass {
  TimePoint started{};
  TimePoint finished{};  // unset while running
  bool resumed = false;  // started from a checkpoint left by an interrupted pass
  uint64_t buckets = 0;  // buckets with enabled rules walked
  uint64_t scanned = 0;  // objects, versions and uploads looked at
  uint64_t expired = 0;  // current versions expired (deleted, or hidden by a marker)
  uint64_t noncurrent_removed = 0;
  uint64_t markers_removed = 0;  // expired object delete markers
  uint64_t uploads_aborted = 0;
  uint64_t errors = 0;
  std::string last_error;

  // Whether the pass removed or aborted anything, or met an error.
  bool acted() const {
    return expired + noncurrent_removed + markers_removed + uploads_aborted + errors > 0;
  }
};

struct ScannerStatus {
  bool running = false;             // a pass is in progress
  uint64_t passes = 0;              // passes completed since start-up
  std::optional<ScannerPass> last;  // the last completed pass
  // The last completed pass that acted (ScannerPass::acted): idle passes, every interval, do not
  // hide when lifecycle last removed something.
  std::optional<ScannerPass> last_active;
  std::optional<ScannerPass> current;  // the pass in progress
  int64_t day_seconds = kSecondsPerDay;
  std::chrono::milliseconds interval{0};
};

// The check point object lock fills: whether a version may not be removed for good (retention
// or legal hold). Lifecycle never removes a locked version; until object lock exists, nothing is
// locked.
bool LockedAgainstLifecycle(const ObjectInfo& version);

class LifecycleScanner {
 public:
  // `multipart` may be null (no upload aborts); `system` may be null (no checkpoint).
  LifecycleScanner(ObjectStore& store, MultipartStore* multipart, SystemStore* system,
                   ScannerOptions options);
  ~LifecycleScanner();
  LifecycleScanner(const LifecycleScanner&) = delete;
  LifecycleScanner& operator=(const LifecycleScanner&) = delete;

  // Starts the background thread: a pass right away, then one every `interval`.
  void Start();
  // Stops the thread after its current step; an interrupted pass keeps its checkpoint.
  void Stop();
  // One whole pass on the calling thread (resuming a checkpoint); kUnavailable when stopped.
  Status RunPass();
  ScannerStatus status() const;

  // The checkpoint record's key in the SystemStore.
  static constexpr std::string_view kCheckpointKey = "scanner/lifecycle/position";

 private:
  class Pass;
  void Loop();
  // Pauses `d`, or less when stopping; false when stopping.
  bool Sleep(std::chrono::milliseconds d);
  // A pass's pause between steps: false when stopping or the lease is lost.
  bool StepPause();
  // Takes or renews the lease when due; true without a lease.
  bool HoldLease();
  bool stopping() const;

  ObjectStore& store_;
  MultipartStore* const multipart_;
  SystemStore* const system_;
  const ScannerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;                                      // guarded by mu_
  uint64_t passes_ = 0;                                    // guarded by mu_
  std::optional<ScannerPass> last_;                        // guarded by mu_
  std::optional<ScannerPass> last_active_;                 // guarded by mu_
  std::optional<ScannerPass> current_;                     // guarded by mu_
  std::chrono::steady_clock::time_point lease_renewed_{};  // the scanner thread's own
  std::thread thread_;
};

}  // namespace cairn::storage::scanner
