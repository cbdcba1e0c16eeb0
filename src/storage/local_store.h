// LocalStore: the single-drive ObjectStore and MultipartStore engine. Bucket and object records
// live in a RocksDB index (storage/meta); a body up to `inline_threshold` bytes is stored inside
// its record (one synced write per PUT, one point read per GET), a larger body in its own data file
// (storage/data). On-disk layout, record formats and the crash-safety protocol:
// docs/storage-format.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "platform/env.h"
#include "storage/blobs/blob_store.h"
#include "storage/change_signal.h"
#include "storage/crypto/kms.h"
#include "storage/index/index.h"
#include "storage/meta/meta_db.h"
#include "storage/multipart_store.h"
#include "storage/object_store.h"
#include "storage/scan_lease.h"
#include "storage/store_health.h"
#include "storage/system_store.h"

namespace cairn::storage {

struct LocalStoreOptions {
  // Bodies up to this many bytes are stored in the metadata record; at most 1 MiB.
  uint64_t inline_threshold = 128 << 10;
  // The buffer a large body streams through: each fill becomes one write(2) of this size.
  size_t io_buffer_size = 512 << 10;
  // CompleteMultipartUpload refuses a part other than the last below this size (S3: 5 MiB).
  // Tests lower it to use small parts.
  uint64_t min_part_size = 5 << 20;
  meta::MetaOptions meta;
  platform::Env* env = nullptr;  // nullptr: platform::Env::Default()
  // Seals the data keys of SSE-S3 and SSE-KMS versions (MINIO_KMS_SECRET_KEY); nullptr: none,
  // so those requests are refused and such versions cannot be read. SSE-C needs no KMS.
  std::shared_ptr<const crypto::Kms> kms;
  // The start-up sweep deletes the data of a write that published its blob but never committed
  // (its intent record). One process owning the store sweeps every intent (0). On an index that
  // several gateways share (RADOS), another gateway's write may be between publish and commit
  // right now: only intents older than this are swept.
  std::chrono::seconds intent_grace{0};
  // The engine mirrors the bucket records in memory. On a shared index other gateways change
  // them: the mirror is reloaded this often and a bucket it lacks is looked up (0: one process
  // owns the store, and its mirror is the truth).
  std::chrono::milliseconds bucket_refresh{0};
  // On a shared store, who runs the lifecycle scanner (one gateway at a time); nullptr: this
  // process alone uses the store.
  std::shared_ptr<ScanLease> scan_lease;
  // On a shared store, how the other gateways hear at once of a PutSystem or DeleteSystem here
  // (nullptr: they learn it from SystemGeneration alone).
  std::shared_ptr<ChangeSignal> change_signal;
};

// What a heal walks: every blob of `bucket` ("" = every bucket) whose object key starts with
// `prefix`, versions, multipart objects and uploads in progress included.
struct HealRequest {
  std::string bucket;
  std::string prefix;
  bool deep = false;  // also read and verify every block (bitrot), not only presence and size
};

// One blob a heal found damaged (and what it did about it). Shard positions are drive positions.
struct HealedBlob {
  std::string bucket;
  std::string key;   // the object's key ("" for a part of an upload in progress)
  std::string blob;  // its id, hex
  uint64_t size = 0;
  std::vector<int> missing, corrupt, offline, rebuilt;
  std::string error;  // "" unless the heal failed (e.g. too few good shards)
};

struct HealSummary {
  uint64_t blobs_checked = 0;
  uint64_t blobs_damaged = 0;  // found with a missing or corrupt shard
  uint64_t shards_rebuilt = 0;
  uint64_t blobs_failed = 0;
  std::vector<HealedBlob> items;  // the damaged ones, at most kMaxHealItems
  static constexpr size_t kMaxHealItems = 1000;
};

// One object serves both seams (multipart objects are ordinary objects once completed).
class LocalStore : public ObjectStore, public MultipartStore, public SystemStore {
 public:
  ~LocalStore() override = default;
  // The drives and quorums now (one drive: itself, quorum 1).
  virtual StoreHealth Health() const = 0;
  // Checks and repairs the blobs `request` names. kNotImplemented on a store without
  // redundancy (one drive): there is nothing to heal from.
  virtual Result<HealSummary> Heal(const HealRequest& request) = 0;
  // LocalStoreOptions::scan_lease: the lease the lifecycle scanner must hold (nullptr: none).
  virtual std::shared_ptr<ScanLease> scan_lease() const { return nullptr; }
  // LocalStoreOptions::change_signal (nullptr: none).
  virtual std::shared_ptr<ChangeSignal> change_signal() const { return nullptr; }
  // Deletes what interrupted writes left: the blob of a write that published it and never
  // committed (its intent, once older than intent_grace) and a replaced blob not yet removed
  // (its garbage record). Run at open; on a shared index also by the store's refresher thread
  // every intent_grace / 4, so a dead gateway's leftovers go without a restart.
  virtual Status SweepLeftovers() = 0;
};

// Opens the store kept under `dir` (creating `dir/.cairn/...` when absent), then sweeps what an
// earlier crash left: temporary files, data files of uncommitted writes (objects and parts),
// unreferenced old data files. kUnavailable when another process has the store open; kCorruption
// when `dir` holds a store of an unknown format.
Result<std::unique_ptr<LocalStore>> OpenLocalStore(const std::string& dir,
                                                   const LocalStoreOptions& options);

// The same engine on any index and blob back end (DESIGN.md, "Storage as it grows"): RocksDB
// and files on one drive, an erasure set, or RADOS omap and stripes. Sweeps what a crash left,
// as OpenLocalStore does. `health` reports the back end's drives.
Result<std::unique_ptr<LocalStore>> OpenStoreOn(std::unique_ptr<index::Index> index,
                                                std::unique_ptr<blobs::BlobStore> blobs,
                                                const LocalStoreOptions& options,
                                                std::function<StoreHealth()> health);

}  // namespace cairn::storage
