// Internal to storage/meta: the replicas behind MetaDb::OpenReplicated, one RocksDB per drive.
// MetaDb keeps the value cache and the public types; this class decides where each read and
// write goes, keeps the replicas' states, and rebuilds a stale one. Rules: docs/storage-format.md,
// "Metadata on every drive".
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/meta/meta_db.h"
#include "storage/meta/write_gate.h"
#include "storage/meta/write_pool.h"

namespace cairn::storage::meta {

// Reserved keys, below every key the engine writes (they start with a 0 byte).
inline constexpr std::string_view kStaleKeyPrefix("\0meta/stale/", 12);
inline constexpr std::string_view kAppliedKey("\0meta/applied", 13);
std::string StaleKey(int index);
// Adds one to the batch's count of applied writes (kAppliedKey).
void CountWrite(rocksdb::WriteBatch* batch);

class ReplicaSet {
 public:
  static Result<std::unique_ptr<ReplicaSet>> Open(const std::vector<std::string>& paths,
                                                  const MetaOptions& options, int write_quorum);
  ~ReplicaSet();
  ReplicaSet(const ReplicaSet&) = delete;
  ReplicaSet& operator=(const ReplicaSet&) = delete;

  // One replica's database, kept open while the handle lives.
  struct Handle {
    std::shared_ptr<rocksdb::DB> db;
    int index = -1;
  };
  // The first online replica; kUnavailable when there is none.
  Result<Handle> Primary() const;

  // A point read from the primary; an I/O error marks it stale and retries on the next one.
  Status Get(const rocksdb::ReadOptions& ro, std::string_view key, std::string* value);
  Status Write(rocksdb::WriteBatch* batch, bool sync);
  // The replica a new iterator or snapshot reads: the primary, after moving past any whose
  // reads fail (the test hook).
  Result<Handle> ReadReplica();

  Status MarkStale(int i, std::string_view reason);
  // A read on replica `i` failed with `status`: an I/O error marks it stale.
  void ReadFailed(int i, const Status& status);
  Status Resync(int i, const ResyncOptions& options);
  std::vector<ReplicaState> States() const;
  void SetFaultForTest(int i, bool fail_writes, bool fail_reads);
  bool ReadFaultForTest(int i) const;

 private:
  struct Replica {
    std::string path;
    std::shared_ptr<rocksdb::DB> db;  // null when offline
    ReplicaStatus status = ReplicaStatus::kOnline;
    std::string reason;
    std::atomic<uint64_t> keys_copied{0};
    std::atomic<bool> fail_writes{false};
    std::atomic<bool> fail_reads{false};
  };

  ReplicaSet(rocksdb::Options options, int write_quorum, int replicas);
  Result<std::shared_ptr<rocksdb::DB>> OpenDb(const std::string& path) const;
  std::vector<Handle> Online() const;
  Status ApplyOne(const Handle& h, rocksdb::WriteBatch* batch, bool sync) const;
  Status SyncOne(const Handle& h) const;
  // Write and MarkStale while holding a pass of write_gate_.
  Status WriteLocked(rocksdb::WriteBatch* batch, bool sync);
  // Marks `indexes` stale in memory, then writes their marks to every online replica (a
  // replica failing that write is marked too).
  void MarkStaleLocked(std::vector<std::pair<int, std::string>> marks);
  // Remembers the keys of `batch` while a resync copies; called after the batch applied.
  void Track(const rocksdb::WriteBatch& batch);
  Status CopySnapshot(int i, const Handle& source, const rocksdb::Snapshot* snapshot,
                      rocksdb::DB* target, const ResyncOptions& options);
  // Copies `keys`' current values (or absence) from `source`; `last` also drops the replica's
  // own stale mark and syncs.
  Status CopyKeys(int i, const Handle& source, rocksdb::DB* target,
                  const std::set<std::string>& keys, bool last);
  Status Finish(int i, const Handle& source, rocksdb::DB* target);
  void EndResync(int i, const Status& outcome);

  rocksdb::Options options_;
  const int write_quorum_;
  std::unique_ptr<WritePool> pool_;                 // null for one replica
  std::vector<std::unique_ptr<Replica>> replicas_;  // fixed size; fields guarded by mu_
  mutable std::mutex mu_;
  // Writes (and MarkStale) pass it; a resync closes it to start tracking with its snapshot and
  // for its last pass, so no write lands between copying the keys written meanwhile and the
  // replica turning current. Code holding it closed must not call MarkStale or Write.
  WriteGate write_gate_;
  std::mutex order_mu_;   // held while a batch is applied to the replicas: one order for all
  std::mutex resync_mu_;  // one resync at a time
  std::mutex touched_mu_;
  bool tracking_ = false;          // guarded by touched_mu_
  std::set<std::string> touched_;  // guarded by touched_mu_
};

}  // namespace cairn::storage::meta
