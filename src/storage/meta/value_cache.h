// ValueCache: recently read values of chosen keys, so that a hot object's record is one hash
// lookup away instead of a RocksDB point lookup (a memtable skip-list walk or a block-cache
// search, ~10% of a 4 KiB GET's CPU). MetaDb owns it and keeps it coherent: every write goes
// through MetaDb, which drops the keys it wrote after the write returns.
//
// Coherence with concurrent writers: a reader that missed notes its shard's generation before
// reading the database and inserts what it read only if no key of that shard was dropped since;
// a value read before a write committed can therefore never be cached after that write's drop.
// Thread-safe; sharded by key hash, each shard a mutex-guarded LRU bounded in bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cairn::storage::meta {

class ValueCache {
 public:
  using Value = std::shared_ptr<const std::string>;

  // `capacity_bytes` over all shards (0 disables the cache); values larger than `max_value_bytes`
  // are never kept.
  ValueCache(size_t capacity_bytes, size_t max_value_bytes);
  ValueCache(const ValueCache&) = delete;
  ValueCache& operator=(const ValueCache&) = delete;

  bool enabled() const { return !shards_.empty(); }

  // The cached value of `key`, or null. On a miss, `*generation` receives the token to pass to
  // Insert after reading the database.
  Value Lookup(std::string_view key, uint64_t* generation);
  // Keeps `value` for `key` unless a key of its shard was dropped since `generation` was taken.
  void Insert(std::string_view key, Value value, uint64_t generation);
  // Forgets `key` (called after every write of it, successful or not).
  void Drop(std::string_view key);
  // Forgets everything (after a write whose keys are not known one by one).
  void DropAll();

  size_t bytes_for_test() const;

 private:
  struct Entry {
    std::string key;
    Value value;
    size_t charge;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views lru keys
    size_t bytes = 0;
    uint64_t generation = 0;
  };
  Shard& ShardFor(std::string_view key);
  void EraseLocked(Shard& shard, std::list<Entry>::iterator it);

  std::vector<std::unique_ptr<Shard>> shards_;
  size_t shard_capacity_ = 0;
  size_t max_value_bytes_ = 0;
};

}  // namespace cairn::storage::meta
