#include "storage/meta/value_cache.h"

#include <functional>

namespace cairn::storage::meta {
namespace {
constexpr size_t kShards = 16;
// Map node, list node and the shared string's control block, roughly.
constexpr size_t kEntryOverhead = 160;
}  // namespace

ValueCache::ValueCache(size_t capacity_bytes, size_t max_value_bytes)
    : max_value_bytes_(max_value_bytes) {
  if (capacity_bytes == 0) return;
  shard_capacity_ = capacity_bytes / kShards;
  for (size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

ValueCache::Shard& ValueCache::ShardFor(std::string_view key) {
  return *shards_[std::hash<std::string_view>()(key) % shards_.size()];
}

ValueCache::Value ValueCache::Lookup(std::string_view key, uint64_t* generation) {
  *generation = 0;
  if (!enabled()) return nullptr;
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto found = shard.index.find(key);
  if (found == shard.index.end()) {
    *generation = shard.generation;
    return nullptr;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  return found->second->value;
}

void ValueCache::Insert(std::string_view key, Value value, uint64_t generation) {
  if (!enabled() || value == nullptr) return;
  size_t charge = key.size() + value->size() + kEntryOverhead;
  if (value->size() > max_value_bytes_ || charge > shard_capacity_) return;
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.generation != generation) return;  // a write of this shard raced with the read
  auto found = shard.index.find(key);
  if (found != shard.index.end()) EraseLocked(shard, found->second);
  shard.lru.push_front(Entry{std::string(key), std::move(value), charge});
  shard.index.emplace(shard.lru.front().key, shard.lru.begin());
  shard.bytes += charge;
  while (shard.bytes > shard_capacity_) EraseLocked(shard, std::prev(shard.lru.end()));
}

void ValueCache::Drop(std::string_view key) {
  if (!enabled()) return;
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  ++shard.generation;
  auto found = shard.index.find(key);
  if (found != shard.index.end()) EraseLocked(shard, found->second);
}

void ValueCache::DropAll() {
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    ++shard->generation;
    shard->index.clear();
    shard->lru.clear();
    shard->bytes = 0;
  }
}

void ValueCache::EraseLocked(Shard& shard, std::list<Entry>::iterator it) {
  shard.bytes -= it->charge;
  shard.index.erase(std::string_view(it->key));
  shard.lru.erase(it);
}

size_t ValueCache::bytes_for_test() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mu);
    total += shard->bytes;
  }
  return total;
}

}  // namespace cairn::storage::meta
