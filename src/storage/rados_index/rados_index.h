// RadosIndex: the index seam (storage/index) on RADOS omap (issue 17), so several stateless
// gateways share one index with no lock service of their own. Keys live in the omap of
// `shards` objects, `<name>.<shard>`; a key's shard is the XXH3 hash of its partition (the
// `partition` function's prefix of the key) modulo the shard count, which is fixed when the
// index is made. A batch is one RADOS write op on one shard object: its conditions are omap
// compares and its puts and deletes apply with them, atomically, against every other writer of
// any gateway. A batch spanning shards is refused (kInvalidArgument): the engine keeps its
// batches to one partition (docs/storage-format.md, "The index seam").
// Stored values carry a one-byte prefix, because an omap compare treats a missing key as an
// empty value: with the prefix, "absent" (compare with "") and "empty" (compare with the prefix
// alone) differ. A counter add is a record of its own under the counter's key (a fresh key per
// add), so adds from any number of gateways never contend; GetCounters sums the base and the
// adds, and folds them into the base now and then (one op with a compare on the base).
// Thread-safety: safe for concurrent use (librados io contexts are).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/index/index.h"
#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados_index {

struct RadosIndexOptions {
  std::string name = "index";  // shard objects are "<name>.<shard, decimal>"
  int shards = 1;
  // The part of a key that decides its shard; keys of one batch must share it. Required when
  // shards > 1 (with one shard every batch is in it).
  std::function<std::string_view(std::string_view key)> partition;
  // Instead of the hash of the partition: the shard of a key, in [0, shards). Keys of one batch
  // must have the same.
  std::function<int(std::string_view key)> shard_of;
  // Instead of "<name>.<shard>": the shard objects' names, one per shard.
  std::vector<std::string> shard_names;
  size_t page = 256;          // omap entries fetched per round trip by an iterator
  int counter_retries = 100;  // re-reads of a counter that folds kept moving under the read
};

class RadosIndex final : public index::Index {
 public:
  static Result<std::unique_ptr<RadosIndex>> Open(std::shared_ptr<rados::RadosPool> pool,
                                                  const RadosIndexOptions& options);

  Status Get(std::string_view key, std::string* value) const override;
  Status Write(const index::IndexBatch& batch, bool sync) override;
  Status GetCounters(std::string_view key, std::vector<int64_t>* counters) const override;
  std::unique_ptr<index::IndexIterator> NewIterator(std::string upper_bound) const override;

  int ShardOf(std::string_view key) const;
  std::string ShardObject(int shard) const;
  rados::RadosPool& pool() const { return *pool_; }
  const RadosIndexOptions& options() const { return options_; }

 private:
  RadosIndex(std::shared_ptr<rados::RadosPool> pool, const RadosIndexOptions& options)
      : pool_(std::move(pool)), options_(options) {}
  std::shared_ptr<rados::RadosPool> pool_;
  RadosIndexOptions options_;
};

}  // namespace cairn::storage::rados_index
