// The ordered index seam (DESIGN.md, "Storage as it grows"): what the engine needs from a
// metadata index, so that one engine runs on RocksDB (one drive, or replicated on a set's
// drives) and on RADOS omap (several stateless gateways over one cluster). Byte-string keys in
// memcmp order, values, and atomic batches that carry the conditions the writer decided under.
//
// Contract (every back end; tests/unit/storage/index_conformance_test.cc):
// - Write applies a batch all or nothing. When one of its conditions does not hold at the moment
//   of the write, nothing is applied and Write returns kConditionalRequestConflict: the writer
//   re-reads and decides again. Conditions are checked atomically with the write against every
//   other write, conditional or not (RADOS: omap compare and set in one write op).
// - A write returned OK is visible to every later Get, GetCached and iterator of any process on
//   the same index (read-after-write across gateways); with `sync` it is durable.
// - An iterator sees the keys below its upper bound in order; keys written while it runs may or
//   may not appear, but each key it returns carries a value that key held.
// - Counters (AddCounters) add field by field without reading, so batches adding to one key
//   never conflict; a counter key is never a condition's key, and is read with GetCounters. A
//   Put or Delete of a counter key replaces or removes what was added before the batch.
// - Keys of one batch: the RocksDB index takes any batch. A sharded index (RADOS) keeps a
//   batch atomic only within one shard, so the engine's batches keep to one object's keys and
//   its bucket's counter adds, or to records outside buckets (docs/storage-format.md, "The
//   index seam"); a sharded index refuses any other batch with kInvalidArgument.
// - Keys starting with a 0 byte belong to the back end (a replicated RocksDB keeps its stale marks
//   there); the engine's keys never start with one, and its scans start above them.
// Thread-safety: an Index is safe for concurrent use; a batch or an iterator is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::storage::index {

class IndexBatch {
 public:
  enum class Kind { kPut, kDelete, kCounters };
  struct Op {
    Kind kind;
    std::string key;
    std::string value;            // kPut
    std::vector<int64_t> deltas;  // kCounters
  };
  struct Condition {
    std::string key;
    bool absent = false;  // the key must not exist; else it must hold exactly `value`
    std::string value;
  };

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Adds `deltas` to the counter vector at `key` (absent: all zero), as meta::WriteBatch does.
  void AddCounters(std::string_view key, const std::vector<int64_t>& deltas);
  // The batch applies only if `key` holds exactly `value` when it is written.
  void ExpectValue(std::string_view key, std::string_view value);
  // The batch applies only if `key` does not exist when it is written.
  void ExpectAbsent(std::string_view key);

  const std::vector<Op>& ops() const { return ops_; }
  const std::vector<Condition>& conditions() const { return conditions_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
  std::vector<Condition> conditions_;
};

class IndexIterator {
 public:
  virtual ~IndexIterator() = default;
  virtual bool Valid() const = 0;
  // Positions at the first key >= `target` (below the upper bound).
  virtual void Seek(std::string_view target) = 0;
  virtual void Next() = 0;
  // Valid only while Valid() and until the next move.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Not OK when the scan stopped on an error rather than at the end.
  virtual Status status() const = 0;
};

class Index {
 public:
  virtual ~Index() = default;
  // kNotFound when absent.
  virtual Status Get(std::string_view key, std::string* value) const = 0;
  // The same, the value possibly shared from a cache that every write through this index keeps
  // coherent. The default reads with Get.
  virtual Status GetCached(std::string_view key, std::shared_ptr<const std::string>* value) const;
  virtual Status Write(const IndexBatch& batch, bool sync) = 0;
  // The counter vector at `key`: what AddCounters added up (empty when nothing was). Counter
  // keys are read with this, never with Get: a back end may keep a counter's adds apart (RADOS
  // keeps one record per add, so that adds never contend) and sum them here. The default reads
  // the value with Get.
  virtual Status GetCounters(std::string_view key, std::vector<int64_t>* counters) const;
  // Keys < `upper_bound` ("" = no bound).
  virtual std::unique_ptr<IndexIterator> NewIterator(std::string upper_bound) const = 0;
};

}  // namespace cairn::storage::index
