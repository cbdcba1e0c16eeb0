// MetaDb: the metadata index, a thin wrapper over one RocksDB database. It knows nothing of
// buckets or objects: ordered byte-string keys (memcmp order), values, atomic batches.
// RocksDB types stay out of this header so upper layers compile without them.
//
// Durability: a write with `sync = true` is on disk when it returns (WAL fdatasync; RocksDB
// group-commits concurrent synced writes into one sync). A write with `sync = false` survives
// a process crash but not power loss.
// Thread-safety: MetaDb is safe for concurrent use; a WriteBatch or Iterator is used by one
// thread at a time.
#pragma once

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
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

class MetaDb {
 public:
  // Opens or creates the database in directory `path` (its parent must exist).
  // Another process holding it open gives kUnavailable.
  static Result<std::unique_ptr<MetaDb>> Open(const std::string& path, const MetaOptions& options);
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

  // Iterator moves (Seek + Next) made by this process, to prove scans skip in tests.
  static uint64_t IteratorStepsForTest();

 private:
  MetaDb(rocksdb::DB* db, const MetaOptions& options);
  std::unique_ptr<Iterator> NewIterator(std::string upper_bound,
                                        const rocksdb::Snapshot* snapshot) const;
  // Drops the keys a write touched from the cache, after the write (whatever its outcome).
  void DropCached(const WriteBatch& batch);
  rocksdb::DB* db_;
  std::unique_ptr<ValueCache> cache_;
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
