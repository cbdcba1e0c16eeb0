// SetKeeper: what an erasure set needs beside the engine. It knows each drive's state (online,
// offline, healing with progress) for Health() and the read gate; a monitor thread checks each
// drive's format record every few seconds (a wiped folder is formatted back into its place, a
// missing one goes offline, a returning one comes back); a heal thread repairs the blobs reads
// found damaged, refills drives (metadata replica resync, then a walk over every blob the
// records name) and runs the paced deep pass. Internal to storage/.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/drives/drive_set.h"
#include "storage/erasure_blobs/erasure_blob_store.h"
#include "storage/erasure_set/heal_queue.h"
#include "storage/erasure_store.h"
#include "storage/local/store_impl.h"

namespace cairn::storage::erasure_set {

struct SetGeometry {
  int data = 1;
  int parity = 0;
  int read_quorum = 1;
  int write_quorum = 1;
};

class SetKeeper final : public local::StoreCompanion {
 public:
  // `refill[i]`: drive i must be refilled (fresh, or its metadata replica is behind);
  // `meta_current[i]`: its replica is current already (resynced at open).
  SetKeeper(platform::Env* env, drives::DriveSet set, SetGeometry geometry, HealOptions options,
            std::shared_ptr<HealQueue> queue, local::LocalStoreImpl* engine, meta::MetaDb* db,
            erasure_blobs::ErasureBlobStore* blobs, std::vector<bool> refill,
            std::vector<bool> meta_current);
  ~SetKeeper() override;

  void Start();

  StoreHealth Health() const override;
  Status CheckRead() const override;
  Result<HealSummary> Heal(const HealRequest& request) override;

 private:
  enum class State { kOnline, kOffline, kHealing };
  struct DriveStatus {
    State state = State::kOnline;
    std::string detail;
    bool refill = false;        // waiting for (or in) a refill
    bool meta_current = false;  // its replica was resynced by this refill
    uint64_t checked = 0;       // blobs walked by the refill
    uint64_t rebuilt = 0;       // shards it rebuilt
    uint64_t failed = 0;        // blobs it could not heal
    uint64_t generation = 0;    // bumped when a refill (re)starts: an older walk stops
    int attempts = 0;           // walks of this refill that left blobs unhealed
  };

  void MonitorLoop();
  void HealLoop();
  // One look at drive i's folder; changes its state as what it finds says.
  void CheckDrive(int i);
  // Resync of drive i's metadata replica, then the walk healing every blob onto it.
  void Refill(int i);
  // Up to deep_share blobs verified block by block, from where the last pass stopped.
  void DeepPass();
  // One blob healed (serialised with every other heal); `deep` verifies every block.
  Result<erasure_blobs::HealReport> HealBlob(const blobs::BlobId& id, bool deep);
  // A blob queued by a read: kNormal, then kDeep when kNormal found nothing (the read may have
  // met a block failing its hash, which only a deep heal sees).
  void HealQueued(const blobs::BlobId& id);
  void SetState(int i, State state, std::string detail);
  int CountUsable(bool for_write) const;
  bool Sleep(std::chrono::milliseconds d);  // false once stopping

  platform::Env* const env_;
  const drives::DriveSet set_;
  const SetGeometry geometry_;
  const HealOptions options_;
  const std::shared_ptr<HealQueue> queue_;
  local::LocalStoreImpl* const engine_;
  meta::MetaDb* const db_;
  erasure_blobs::ErasureBlobStore* const blobs_;

  mutable std::mutex mu_;
  std::vector<DriveStatus> drives_;  // guarded by mu_
  std::atomic<int> online_{0};       // drives kOnline (the read gate's count)
  std::mutex heal_mu_;               // one blob heal at a time
  uint64_t deep_cursor_ = 0;         // blobs the deep pass has passed (heal thread only)
  std::chrono::steady_clock::time_point next_deep_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread monitor_;
  std::thread healer_;
};

}  // namespace cairn::storage::erasure_set
