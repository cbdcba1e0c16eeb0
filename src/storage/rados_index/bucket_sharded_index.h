// BucketShardedIndex: the index seam on RADOS omap with a bucket index per bucket, sharded
// over several omap objects (issue 17; docs/storage-format.md, "The index seam"). A root object
// holds the records outside buckets (bucket records, counter bases, markers) and each bucket's
// layout: its shard count and incarnation, fixed when the bucket is made. Cairn's own records
// have an object of their own. A bucket's records go to its shard objects,
// `<shard prefix><incarnation>.<n>`, by the hash of what the key role calls their spread (one
// object's records share it), so every engine batch is one atomic write op on one object.
//
// Layouts are cached; a stale one is never written through: every op on a shard asserts that
// the object exists and that the shard is not closed, and deleting a bucket closes its shards,
// checks them empty, drops the records and layout in one op on the root, then removes the
// objects. A bucket without a layout (made before layouts, or with `bucket_shards` 0) keeps its
// records in the root, and each op there compares the layout with absent.
// Scans within one bucket's key range merge its shards' listings (read at once with aio);
// scans outside any bucket read the root; any other scan merges every object of the index.
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/index/index.h"
#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados_index {

// What the key schema says of one key (the store's function, BucketIndexOptions::role).
struct KeyRole {
  enum class Kind {
    kRoot,           // in the root object
    kSystem,         // in the system object
    kBucketRecord,   // the record of `bucket` (root); a put expecting it absent makes its layout
    kBucketCounter,  // a counter of `bucket`: base in the root, adds wherever their batch goes
    kInBucket,       // a record in `bucket`: its shard, by `spread` (never a counter)
  };
  Kind kind = Kind::kRoot;
  std::string bucket;
  // kInBucket: what picks the shard; every record of one object has the same.
  std::string spread;
  // kInBucket: the record makes the bucket not empty (writes then need the bucket to exist).
  bool content = false;
  // Every key starting with `scope` has this kind and bucket ("" = not known); kInBucket:
  // every key starting with `spread_scope` also has this spread ("" = not known). Scans use
  // them to read only the objects a range can be in.
  std::string scope;
  std::string spread_scope;
};

struct BucketIndexOptions {
  std::string root = "cairn.index.0";
  std::string system = "cairn.system";
  std::string shard_prefix = "cairn.bucket.";  // then "<incarnation>.<shard>"
  int bucket_shards = 16;                      // of a bucket made from now on; 0: in the root
  std::function<KeyRole(std::string_view key)> role;
  std::function<std::string(std::string_view bucket)> bucket_key;  // a bucket record's key
  size_t page = 256;  // omap entries per round trip of a scan (a bucket scan: split over shards)
  int counter_retries = 100;
  // A shard closed longer ago than this was closed by a deletion that died: writers reopen it.
  std::chrono::milliseconds close_grace{60000};
  // A deletion that took longer than this from its close reopens the shards and gives up, so
  // that a writer's reopen (after close_grace) can never meet it.
  std::chrono::milliseconds delete_deadline{10000};
  // How long a writer waits for a closed shard's deletion to end before answering kUnavailable.
  std::chrono::milliseconds closed_wait{5000};
};

class BucketShardedIndex final : public index::Index {
 public:
  struct Layout {
    int shards = 0;
    std::string incarnation;
    std::string stored;  // the layout's stored value, compared by the deletion
  };

  static Result<std::unique_ptr<BucketShardedIndex>> Open(std::shared_ptr<rados::RadosPool> pool,
                                                          BucketIndexOptions options);

  Status Get(std::string_view key, std::string* value) const override;
  Status Write(const index::IndexBatch& batch, bool sync) override;
  Status GetCounters(std::string_view key, std::vector<int64_t>* counters) const override;
  std::unique_ptr<index::IndexIterator> NewIterator(std::string upper_bound) const override;

  // The layout of `bucket` as recorded (nullopt: none), read from the root.
  Result<std::optional<Layout>> ReadLayout(std::string_view bucket) const;
  // Every recorded layout, by bucket.
  Result<std::vector<std::pair<std::string, Layout>>> Layouts() const;
  std::string ShardObject(const Layout& layout, int shard) const;
  int ShardOf(const Layout& layout, std::string_view spread) const;
  rados::RadosPool& pool() const { return *pool_; }
  const BucketIndexOptions& options() const { return options_; }

  // Where a bucket's records go: its layout (cached), or the root when it has none.
  Result<std::optional<Layout>> Place(const std::string& bucket) const;
  void Forget(const std::string& bucket) const;

 private:
  BucketShardedIndex(std::shared_ptr<rados::RadosPool> pool, BucketIndexOptions options)
      : pool_(std::move(pool)), options_(std::move(options)) {}

  Status WriteRouted(const index::IndexBatch& batch);
  Status CreateBucket(const std::string& bucket, const index::IndexBatch& batch);
  Status DeleteBucket(const std::string& bucket, const Layout& layout,
                      const index::IndexBatch& batch);
  // Closes or reopens the shards of a deletion; `marker` is the deletion's close value.
  Status CloseShards(const Layout& layout, const std::string& marker, int* closed);
  void ReopenShards(const Layout& layout, const std::string& marker, int closed);
  // After a write on `object` failed a compare: whether a fence of ours failed (then the write
  // is tried again after the cause is handled), or the batch's own condition.
  Result<bool> FenceFailed(const std::string& bucket, const std::optional<Layout>& layout,
                           const std::string& object, bool content,
                           std::chrono::steady_clock::time_point waiting_since);

  std::shared_ptr<rados::RadosPool> pool_;
  BucketIndexOptions options_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Layout> layouts_;  // layouts seen; never a "none"
};

}  // namespace cairn::storage::rados_index
