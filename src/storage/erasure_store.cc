#include "storage/erasure_store.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "storage/drives/drive_set.h"
#include "storage/drives/parity.h"
#include "storage/drives/volumes.h"
#include "storage/erasure_blobs/erasure_blob_store.h"
#include "storage/erasure_set/heal_queue.h"
#include "storage/erasure_set/set_keeper.h"
#include "storage/index/rocks_index.h"
#include "storage/local/store_impl.h"
#include "storage/records.h"

namespace cairn::storage {

using drives::DriveState;
using erasure_set::HealQueue;
using erasure_set::SetGeometry;
using erasure_set::SetKeeper;
using local::LocalStoreImpl;
using meta::MetaDb;
using meta::ReplicaStatus;

namespace {

// "EC:<parity> block:<bytes>", the value of kErasureGeometryKey.
std::string EncodeGeometry(int parity, uint64_t block_size) {
  return "EC:" + std::to_string(parity) + " block:" + std::to_string(block_size);
}

bool DecodeGeometry(const std::string& text, int* parity, uint64_t* block_size) {
  unsigned long long block = 0;
  int p = -1;
  char tail = 0;
  if (std::sscanf(text.c_str(), "EC:%d block:%llu%c", &p, &block, &tail) != 2) return false;
  if (p < 0 || block == 0) return false;
  *parity = p;
  *block_size = block;
  return true;
}

SetGeometry GeometryOf(int drives, int parity) {
  SetGeometry g;
  g.parity = parity;
  g.data = drives - parity;
  g.read_quorum = erasure::ReadQuorum(g.data, parity);
  g.write_quorum = erasure::WriteQuorum(g.data, parity);
  return g;
}

int CurrentReplicas(const MetaDb& db) {
  int n = 0;
  for (const meta::ReplicaState& r : db.ReplicaStates()) n += r.status == ReplicaStatus::kOnline;
  return n;
}

}  // namespace

Result<std::unique_ptr<LocalStore>> OpenErasureStore(const std::vector<std::string>& dirs,
                                                     const ErasureStoreOptions& options) {
  platform::Env* env = options.store.env != nullptr ? options.store.env : platform::Env::Default();
  const int n = static_cast<int>(dirs.size());
  if (n < 2 || n > static_cast<int>(drives::kMaxDrives)) {
    return Status(Code::kInvalidArgument, "an erasure set has 2 to " +
                                              std::to_string(drives::kMaxDrives) + " drives, not " +
                                              std::to_string(n));
  }
  CAIRN_ASSIGN_OR_RETURN(int parity, drives::ParityFor(n, options.storage_class));
  uint64_t block_size = options.block_size;
  SetGeometry geometry = GeometryOf(n, parity);

  CAIRN_ASSIGN_OR_RETURN(drives::DriveSet set, drives::OpenDriveSet(env, dirs));
  std::vector<std::string> meta_paths;
  std::vector<std::optional<std::string>> blob_roots;
  for (const drives::Drive& d : set.drives) {
    // An offline drive's path is still given: its replica opens offline (or is marked so).
    meta_paths.push_back(platform::JoinPath(drives::CairnDirOf(d.root), "meta"));
    if (d.state == DriveState::kOffline) {
      blob_roots.push_back(std::nullopt);
    } else {
      blob_roots.push_back(drives::CairnDirOf(d.root));
    }
  }
  // The metadata opens first: its locks keep a second process from sweeping the drives' tmp/.
  CAIRN_ASSIGN_OR_RETURN(
      auto db, MetaDb::OpenReplicated(meta_paths, options.store.meta, geometry.write_quorum));
  // The shards are read with the set's geometry, so it is the one the set was made with: a
  // different storage class asked for is refused, an unset one (or block size) follows it.
  std::string recorded;
  Status read = db->Get(kErasureGeometryKey, &recorded);
  bool record = false;
  if (read.ok()) {
    int made_parity = 0;
    uint64_t made_block = 0;
    if (!DecodeGeometry(recorded, &made_parity, &made_block) || made_parity * 2 > n) {
      return Status(Code::kCorruption, "erasure set: bad geometry record '" + recorded + "'");
    }
    if (made_parity != parity && !options.storage_class.empty()) {
      return Status(Code::kInvalidArgument,
                    "the set was made with EC:" + std::to_string(made_parity) +
                        "; MINIO_STORAGE_CLASS_STANDARD=" + options.storage_class +
                        " cannot change the parity of existing drives");
    }
    if (made_block != block_size) {
      spdlog::info("erasure set: blocks of {} bytes, as the set was made", made_block);
    }
    block_size = made_block;
    if (made_parity != parity) {
      parity = made_parity;
      geometry = GeometryOf(n, parity);
      db.reset();  // reopened with the set's write quorum
      CAIRN_ASSIGN_OR_RETURN(
          db, MetaDb::OpenReplicated(meta_paths, options.store.meta, geometry.write_quorum));
    }
  } else if (read.code() == Code::kNotFound) {
    record = true;  // a new set: written below, once the replicas are current
  } else {
    return read;
  }
  std::vector<bool> meta_current(n, false);
  for (const meta::ReplicaState& r : db->ReplicaStates()) {
    if (set.drives[r.index].state == DriveState::kOffline && r.status == ReplicaStatus::kOnline) {
      CAIRN_RETURN_IF_ERROR(db->MarkStale(r.index, "drive offline: " + set.drives[r.index].detail));
    }
    meta_current[r.index] = r.status == ReplicaStatus::kOnline;
  }
  // Below write quorum of current replicas nothing could be written: the replicas of drives
  // present but behind are resynced now (metadata is small), the blobs later in the background.
  for (int i = 0; i < n && CurrentReplicas(*db) < geometry.write_quorum; ++i) {
    if (meta_current[i] || set.drives[i].state == DriveState::kOffline) continue;
    Status resynced = db->ResyncReplica(i);
    if (resynced.ok()) {
      meta_current[i] = true;
    } else {
      spdlog::warn("erasure set: drive {}: metadata resync failed: {}", i + 1, resynced.ToString());
    }
  }

  if (record) {
    Status put = db->Put(kErasureGeometryKey, EncodeGeometry(parity, block_size), /*sync=*/true);
    // Below write quorum it waits for a start with enough drives (nothing is written before).
    if (!put.ok() && put.code() != Code::kUnavailable) return put;
  }

  auto queue = std::make_shared<HealQueue>(options.heal.queue_limit);
  erasure::ErasureParams params;
  params.data = geometry.data;
  params.parity = parity;
  params.block_size = block_size;
  erasure_blobs::ErasureBlobStoreOptions blob_options;
  blob_options.on_damage = [queue](const blobs::BlobId& id) { queue->Push(id); };
  CAIRN_ASSIGN_OR_RETURN(auto blob_store, erasure_blobs::ErasureBlobStore::Open(
                                              env, blob_roots, params, std::move(blob_options)));

  MetaDb* db_ptr = db.get();
  erasure_blobs::ErasureBlobStore* blobs_ptr = blob_store.get();
  // The engine's own health function is never asked: the keeper answers for the drives.
  auto store = std::make_unique<LocalStoreImpl>(
      options.store, env, std::make_unique<index::RocksIndex>(std::move(db)), std::move(blob_store),
      [] { return StoreHealth{}; });
  if (Status recovered = store->Recover(); !recovered.ok()) {
    // Below write quorum the sweep cannot write; the store still opens and answers 503.
    if (recovered.code() != Code::kUnavailable) return recovered;
    spdlog::warn("erasure set: start-up sweep skipped: {}", recovered.ToString());
  }
  std::vector<bool> refill(n, false);
  for (int i = 0; i < n; ++i) {
    const drives::Drive& d = set.drives[i];
    refill[i] =
        d.state == DriveState::kFresh || (d.state != DriveState::kOffline && !meta_current[i]);
  }
  auto keeper = std::make_unique<SetKeeper>(env, set, geometry, options.heal, queue, store.get(),
                                            db_ptr, blobs_ptr, refill, meta_current);
  SetKeeper* keeper_ptr = keeper.get();
  store->Attach(std::move(keeper));
  keeper_ptr->Start();
  return std::unique_ptr<LocalStore>(std::move(store));
}

}  // namespace cairn::storage
