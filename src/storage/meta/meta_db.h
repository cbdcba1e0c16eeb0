// MetaDb: the metadata index, a thin wrapper over one RocksDB database. It knows nothing of
// buckets or objects: ordered byte-string keys (memcmp order), values, atomic batches.
// RocksDB types stay out of this header so upper layers compile without them.
//
// Durability: a write with `sync = true` is on disk when it returns (WAL fdatasync; RocksDB
// group-commits concurrent synced writes into one sync). A write with `sync = false` survives
// a process crash but not power loss.
// Thread-safety: MetaDb is safe for concurrent use; a WriteBatch or Iterator is used by one
// thread at a time.
//
// Replicas (OpenReplicated): one RocksDB per drive holding the same keys; writes go to every
// current replica and need a write quorum, reads come from the first current one (the primary).
// The rules and the reserved keys ("\x00meta/...") are in docs/storage-format.md, "Metadata on
// every drive".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace rocksdb {
class DB;
class Iterator;
class Snapshot;
class WriteBatch;
}  // namespace rocksdb

namespace cairn::storage::meta {

class ValueCache;
class ReplicaSet;

struct MetaOptions {
  // Sized for a small machine: the whole server stays under ~256 MiB RSS.
  size_t block_cache_bytes = 64 << 20;
  size_t write_buffer_bytes = 16 << 20;  // per memtable; at most two
  int max_background_jobs = 2;
  // GetCached's cache of recent values (records of hot objects, inline bodies included).
  size_t value_cache_bytes = 32 << 20;
  size_t value_cache_max_value = 128 << 10;
};

// Puts and deletes applied all together or not at all.
class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Adds `deltas` field by field to the counter vector stored at `key` (absent: all zero),
  // atomically with the rest of the batch and without reading it: concurrent batches adding to
  // one key need no lock between them. See EncodeCounters.
  void AddCounters(std::string_view key, const std::vector<int64_t>& deltas);
  size_t count() const;

 private:
  friend class MetaDb;
  std::unique_ptr<rocksdb::WriteBatch> rep_;
};

// An ordered cursor over a consistent snapshot taken when it was created.
class Iterator {
 public:
  ~Iterator();
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;

  bool Valid() const;
  // Positions at the first key >= `target`.
  void Seek(std::string_view target);
  void Next();
  // Valid only while Valid() and until the next move.
  std::string_view key() const;
  std::string_view value() const;
  // Not OK when the scan stopped on an error rather than at the end.
  Status status() const;

 private:
  friend class MetaDb;
  struct Bound;
  Iterator(std::unique_ptr<rocksdb::Iterator> it, std::unique_ptr<Bound> upper_bound);
  std::unique_ptr<Bound> upper_bound_;  // outlives it_, which points at it
  // Replicated only: keeps the replica's database open while the iterator lives, and the set
  // to tell when the scan fails with an I/O error (that replica is then marked stale).
  std::shared_ptr<void> keep_open_;
  ReplicaSet* owner_ = nullptr;
  int replica_ = -1;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// A consistent view of the whole database at one moment; iterators made with it agree with each
// other however the database changes meanwhile. Released when the last holder drops it.
class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  friend class MetaDb;
  Snapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot) : db_(db), snapshot_(snapshot) {}
  // Null db_ when no replica was current: reads through it fail with kUnavailable.
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  // Replicated only: a snapshot belongs to one replica, which stays open while it lives.
  std::shared_ptr<void> keep_open_;
  int replica_ = -1;
};

// One replica's state as ReplicaStates reports it.
enum class ReplicaStatus {
  kOnline,     // current: receives every write; the first online one serves reads
  kOffline,    // its database could not be opened (drive missing or failing)
  kStale,      // open but behind (missed a write, failed a read, or an empty folder)
  kResyncing,  // being rebuilt from the primary by ResyncReplica
};

struct ReplicaState {
  int index = 0;  // position in the paths given to OpenReplicated
  std::string path;
  ReplicaStatus status = ReplicaStatus::kOnline;
  std::string reason;        // why it is not online ("" when it is)
  uint64_t keys_copied = 0;  // by the running or last resync
};

// Pacing of ResyncReplica: copy `batch_keys` keys per write, then sleep `pause`.
struct ResyncOptions {
  size_t batch_keys = 1000;
  std::chrono::microseconds pause{500};
};

class MetaDb {
 public:
  // Opens or creates the database in directory `path` (its parent must exist).
  // Another process holding it open gives kUnavailable.
  static Result<std::unique_ptr<MetaDb>> Open(const std::string& path, const MetaOptions& options);
  // Opens one replica per entry of `paths` (each one drive's database folder; parents must
  // exist). The replicas share one block cache and the value cache and divide the write
  // buffers, so N replicas use about the memory of one. A write succeeds when at least
  // `write_quorum` (1..N) replicas applied it. Which replicas are current is decided from the
  // stale marks and write counts the replicas hold; an unopenable replica is offline, an empty
  // folder (a replaced drive) is stale. kUnavailable unless at least one replica is current.
  static Result<std::unique_ptr<MetaDb>> OpenReplicated(const std::vector<std::string>& paths,
                                                        const MetaOptions& options,
                                                        int write_quorum);
  ~MetaDb();
  MetaDb(const MetaDb&) = delete;
  MetaDb& operator=(const MetaDb&) = delete;

  // kNotFound when absent.
  Status Get(std::string_view key, std::string* value) const;
  Status Get(std::string_view key, std::string* value, const Snapshot& snapshot) const;
  // The same through the value cache (value_cache.h): a repeated read of a key nobody wrote
  // since is a hash lookup, and the value is shared rather than copied.
  Status GetCached(std::string_view key, std::shared_ptr<const std::string>* value) const;
  Status Put(std::string_view key, std::string_view value, bool sync);
  Status Delete(std::string_view key, bool sync);
  Status Write(WriteBatch& batch, bool sync);

  // An iterator over keys < `upper_bound` ("" = no bound). Bounding the scan lets RocksDB stop
  // early instead of stepping over deleted entries past the range.
  std::unique_ptr<Iterator> NewIterator(std::string upper_bound = "") const;
  // The same over `snapshot` (which must outlive the iterator).
  std::unique_ptr<Iterator> NewIterator(std::string upper_bound, const Snapshot& snapshot) const;
  std::shared_ptr<const Snapshot> NewSnapshot() const;

  // Replicas. A database from Open reports one online replica and refuses the rest.
  std::vector<ReplicaState> ReplicaStates() const;
  // Takes replica `i` out of reads and writes at once and records it as stale in the current
  // replicas, so a restart knows it is behind (the caller's drive monitor calls this).
  Status MarkStale(int i, std::string_view reason);
  // Rebuilds stale or offline replica `i` from the primary while reads and writes go on, then
  // makes it current. Blocks until done; one resync at a time. A failure leaves it stale.
  Status ResyncReplica(int i, const ResyncOptions& options = {});
  // Makes replica `i`'s writes and/or reads fail with kIOError, as a failing drive would.
  void SetReplicaFaultForTest(int i, bool fail_writes, bool fail_reads);

  // Iterator moves (Seek + Next) made by this process, to prove scans skip in tests.
  static uint64_t IteratorStepsForTest();

 private:
  MetaDb(rocksdb::DB* db, const MetaOptions& options);
  MetaDb(std::unique_ptr<ReplicaSet> replicas, const MetaOptions& options);
  std::unique_ptr<Iterator> NewIterator(std::string upper_bound, const Snapshot* snapshot) const;
  // Drops the keys a write touched from the cache, after the write (whatever its outcome).
  void DropCached(const WriteBatch& batch);
  rocksdb::DB* db_;  // the one database of Open; null when replicated
  std::unique_ptr<ValueCache> cache_;
  std::unique_ptr<ReplicaSet> replicas_;  // set by OpenReplicated only
};

// Counter vectors: the value of a key written by AddCounters is a sequence of little-endian
// 64-bit signed integers (fixed64 each). A stored vector shorter than the deltas is padded with
// zeros, so a field added later starts at zero; trailing bytes short of a whole field are ignored
// (a counter merge never fails, so a bad value can never stop a compaction).
std::string EncodeCounters(const std::vector<int64_t>& counters);
std::vector<int64_t> DecodeCounters(std::string_view value);

// The smallest key greater than every key that starts with `prefix` (the last byte incremented
// with carry), or "" when there is none (the prefix is empty or all 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace cairn::storage::meta
