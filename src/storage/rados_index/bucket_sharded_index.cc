#include "storage/rados_index/bucket_sharded_index.h"

#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <thread>

#include "platform/env.h"
#include "storage/meta/meta_db.h"
#include "storage/rados/rados_omap.h"
#include "storage/rados_index/omap_object.h"

namespace cairn::storage::rados_index {

namespace {

using omap::DecodeKey;
using omap::EncodeKey;
using omap::Fence;
using omap::StoredValue;
using Kind = KeyRole::Kind;

// Back-end keys (the seam reserves keys starting with a 0 byte), in logical form.
constexpr std::string_view kLayoutTag{"\0L", 2};       // root: "\0L<bucket>" = "<shards> <inc>"
constexpr std::string_view kClosedKey{"\0closed", 7};  // shard: "<ms since epoch> <random>"
constexpr std::string_view kShardBaseTag{"\0b", 2};    // shard: "\0b<key>" = a folded counter

std::string LayoutKey(std::string_view bucket) {
  std::string k(kLayoutTag);
  k.append(bucket);
  return EncodeKey(k);
}
std::string ShardBaseKey(std::string_view key) {
  std::string k(kShardBaseTag);
  k.append(key);
  return EncodeKey(k);
}
const std::string& ClosedKey() {
  static const std::string stored = EncodeKey(kClosedKey);
  return stored;
}

Fence Absent(std::string stored_key) {
  return {std::move(stored_key), "", LIBRADOS_CMPXATTR_OP_EQ};
}
Fence Present(std::string stored_key) {
  // Stored values start with 'v': a present key's value is greater than "", a missing one's not.
  return {std::move(stored_key), "", LIBRADOS_CMPXATTR_OP_GT};
}
Fence Equal(std::string stored_key, std::string stored_value) {
  return {std::move(stored_key), std::move(stored_value), LIBRADOS_CMPXATTR_OP_EQ};
}

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(raw.data(), raw.size()));
  std::string hex;
  char two[3];
  for (unsigned char c : raw) {
    std::snprintf(two, sizeof two, "%02x", c);
    hex.append(two);
  }
  return hex;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<BucketShardedIndex::Layout> ParseLayout(const std::string& stored) {
  // "v<shards> <incarnation>"
  if (stored.size() < 4 || stored[0] != omap::kValuePrefix) return std::nullopt;
  const size_t space = stored.find(' ');
  if (space == std::string::npos || space + 1 >= stored.size()) return std::nullopt;
  int shards = 0;
  for (size_t i = 1; i < space; ++i) {
    if (stored[i] < '0' || stored[i] > '9' || shards > 100000) return std::nullopt;
    shards = shards * 10 + (stored[i] - '0');
  }
  if (shards < 1) return std::nullopt;
  return BucketShardedIndex::Layout{shards, stored.substr(space + 1), stored};
}

// The moment written in a shard's close value, or 0 when it has none.
int64_t ClosedAt(const std::string& stored) {
  int64_t ms = 0;
  for (size_t i = 1; i < stored.size() && stored[i] >= '0' && stored[i] <= '9'; ++i) {
    ms = ms * 10 + (stored[i] - '0');
  }
  return ms;
}

// Runs `op` on each of `objects` at once; the first error (other than `ignored`) is returned.
// The op is made per object by `make` and released here.
int OnEach(rados_ioctx_t io, const std::vector<std::string>& objects,
           const std::function<rados_write_op_t()>& make, int ignored) {
  std::vector<std::pair<rados_write_op_t, rados_completion_t>> ops;
  int result = 0;
  for (const auto& object : objects) {
    rados_write_op_t op = make();
    rados_completion_t done = nullptr;
    int r = rados_aio_create_completion2(nullptr, nullptr, &done);
    if (r == 0) r = rados_aio_write_op_operate(op, io, done, object.c_str(), nullptr, 0);
    if (r < 0) {
      if (done != nullptr) rados_aio_release(done);
      rados_release_write_op(op);
      result = r;
      break;
    }
    ops.emplace_back(op, done);
  }
  for (auto& [op, done] : ops) {
    rados_aio_wait_for_complete(done);
    const int r = rados_aio_get_return_value(done);
    if (r < 0 && r != ignored && result == 0) result = r;
    rados_aio_release(done);
    rados_release_write_op(op);
  }
  return result;
}

// Removes `objects` at once; one already gone is no error.
int RemoveAll(rados_ioctx_t io, const std::vector<std::string>& objects) {
  return OnEach(
      io, objects,
      [] {
        rados_write_op_t op = rados_create_write_op();
        rados_write_op_remove(op);
        return op;
      },
      -ENOENT);
}

// Where a key of a batch goes, before layouts are known.
struct KeyTarget {
  enum class Where { kAny, kRoot, kSystem, kBucket } where = Where::kAny;
  std::string bucket;
  std::string spread;
  bool content = false;
};

KeyTarget TargetOf(const KeyRole& role, bool counter_add) {
  switch (role.kind) {
    case Kind::kRoot:
    case Kind::kBucketRecord: return {KeyTarget::Where::kRoot, "", "", false};
    case Kind::kSystem: return {KeyTarget::Where::kSystem, "", "", false};
    case Kind::kBucketCounter:
      // An add goes with its batch; a put or delete sets the base, in the root.
      return {counter_add ? KeyTarget::Where::kAny : KeyTarget::Where::kRoot, "", "", false};
    case Kind::kInBucket:
      return {KeyTarget::Where::kBucket, role.bucket, role.spread, role.content};
  }
  return {};
}

// Merges the cursors of the objects a scan's range can be in, below an upper bound.
class BucketIterator final : public index::IndexIterator {
 public:
  BucketIterator(const BucketShardedIndex& index, std::string upper_bound)
      : index_(index), upper_(std::move(upper_bound)), scan_(upper_) {}

  bool Valid() const override { return scan_.Valid(); }

  void Seek(std::string_view target) override {
    status_ = Status::Ok();
    if (!upper_.empty() && target >= upper_) return scan_.Stop();  // past the end: read nothing
    // A bucket whose shards are gone was deleted (maybe made again): its layout is read again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::optional<std::string> bucket;
      auto objects = Objects(target, &bucket);
      if (!objects.ok()) {
        scan_.Stop();
        status_ = objects.status();
        return;
      }
      const size_t page = PageFor(objects->size());
      std::vector<omap::ObjectCursor> cursors;
      for (auto& o : *objects) cursors.emplace_back(std::move(o), page);
      status_ = scan_.Seek(index_.pool().io(), std::move(cursors), target);
      if (!status_.ok() || !bucket) return;
      const auto& seen = scan_.cursors();
      if (std::none_of(seen.begin(), seen.end(),
                       [](const omap::ObjectCursor& c) { return c.missing(); })) {
        return;
      }
      index_.Forget(*bucket);
    }
  }

  void Next() override { status_ = scan_.Next(index_.pool().io()); }
  std::string_view key() const override { return scan_.key(); }
  std::string_view value() const override { return scan_.value(); }
  Status status() const override { return status_; }

 private:
  // The objects [target, upper) can have keys in; `bucket` is set for a bucket's shards.
  Result<std::vector<std::string>> Objects(std::string_view target,
                                           std::optional<std::string>* bucket) const {
    const BucketIndexOptions& o = index_.options();
    const KeyRole role = o.role(target);
    auto within = [&](const std::string& scope) {
      return !scope.empty() && target.starts_with(scope) && !upper_.empty() &&
             upper_ <= meta::PrefixSuccessor(scope);
    };
    if (within(role.scope)) {
      switch (role.kind) {
        case Kind::kSystem: return std::vector<std::string>{o.system};
        case Kind::kRoot:
        case Kind::kBucketRecord:
        case Kind::kBucketCounter: return std::vector<std::string>{o.root};
        case Kind::kInBucket: {
          CAIRN_ASSIGN_OR_RETURN(auto layout, index_.Place(role.bucket));
          if (!layout) return std::vector<std::string>{o.root};
          *bucket = role.bucket;
          if (within(role.spread_scope)) {
            return std::vector<std::string>{
                index_.ShardObject(*layout, index_.ShardOf(*layout, role.spread))};
          }
          std::vector<std::string> shards;
          for (int s = 0; s < layout->shards; ++s) shards.push_back(index_.ShardObject(*layout, s));
          return shards;
        }
      }
    }
    // A range across buckets or kinds: every object (a deleted bucket's shards read as empty).
    std::vector<std::string> all{o.root, o.system};
    CAIRN_ASSIGN_OR_RETURN(auto layouts, index_.Layouts());
    for (const auto& [name, layout] : layouts) {
      for (int s = 0; s < layout.shards; ++s) all.push_back(index_.ShardObject(layout, s));
    }
    return all;
  }

  size_t PageFor(size_t objects) const {
    // A page split over the shards, with room: a 1,000-key listing over 16 shards takes about
    // 63 keys of each, and a shard that runs short costs a round trip of its own. At least a
    // few, at most the page.
    const size_t page = index_.options().page;
    const size_t share = 8 * page / std::max<size_t>(objects, 1);
    return std::clamp(share, std::min<size_t>(page, 64), page);
  }

  const BucketShardedIndex& index_;
  std::string upper_;
  omap::MergedScan scan_;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<BucketShardedIndex>> BucketShardedIndex::Open(
    std::shared_ptr<rados::RadosPool> pool, BucketIndexOptions options) {
  if (!options.role || !options.bucket_key || options.page == 0 || options.bucket_shards < 0 ||
      options.root.empty() || options.system.empty() || options.root == options.system) {
    return Status(Code::kInvalidArgument,
                  "a bucket-sharded index needs a key schema, a page and two named objects");
  }
  return std::unique_ptr<BucketShardedIndex>(
      new BucketShardedIndex(std::move(pool), std::move(options)));
}

std::string BucketShardedIndex::ShardObject(const Layout& layout, int shard) const {
  return options_.shard_prefix + layout.incarnation + "." + std::to_string(shard);
}

int BucketShardedIndex::ShardOf(const Layout& layout, std::string_view spread) const {
  return static_cast<int>(XXH3_64bits(spread.data(), spread.size()) %
                          static_cast<uint64_t>(layout.shards));
}

Result<std::optional<BucketShardedIndex::Layout>> BucketShardedIndex::ReadLayout(
    std::string_view bucket) const {
  CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries found,
                         rados::ReadOmapKeys(pool_->io(), options_.root, {LayoutKey(bucket)}));
  if (found.empty()) return std::optional<Layout>();
  auto layout = ParseLayout(found.front().second);
  if (!layout) return Status(Code::kCorruption, "a bucket layout that does not parse");
  return layout;
}

Result<std::vector<std::pair<std::string, BucketShardedIndex::Layout>>>
BucketShardedIndex::Layouts() const {
  std::vector<std::pair<std::string, Layout>> out;
  const std::string prefix = EncodeKey(kLayoutTag);
  std::string after = prefix;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page,
                           rados::ReadOmapPage(pool_->io(), options_.root, after, 1000, prefix));
    for (const auto& [k, v] : page.entries) {
      auto layout = ParseLayout(v);
      if (!layout) return Status(Code::kCorruption, "a bucket layout that does not parse");
      out.emplace_back(DecodeKey(k).substr(kLayoutTag.size()), *std::move(layout));
    }
    if (!page.more) return out;
    after = page.entries.back().first;
  }
}

Result<std::optional<BucketShardedIndex::Layout>> BucketShardedIndex::Place(
    const std::string& bucket) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = layouts_.find(bucket); it != layouts_.end()) return std::optional(it->second);
  }
  // None is never cached: another gateway may make the layout at any moment.
  CAIRN_ASSIGN_OR_RETURN(auto layout, ReadLayout(bucket));
  if (layout) {
    std::lock_guard lock(mu_);
    layouts_[bucket] = *layout;
  }
  return layout;
}

void BucketShardedIndex::Forget(const std::string& bucket) const {
  std::lock_guard lock(mu_);
  layouts_.erase(bucket);
}

Status BucketShardedIndex::Get(std::string_view key, std::string* value) const {
  const KeyRole role = options_.role(key);
  const std::string stored = EncodeKey(key);
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string object = role.kind == Kind::kSystem ? options_.system : options_.root;
    std::vector<std::string> keys{stored};
    std::optional<Layout> layout;
    if (role.kind == Kind::kInBucket) {
      CAIRN_ASSIGN_OR_RETURN(layout, Place(role.bucket));
      if (layout) {
        object = ShardObject(*layout, ShardOf(*layout, role.spread));
      } else {
        keys.push_back(LayoutKey(role.bucket));  // made meanwhile: read in its shard instead
      }
    }
    bool exists = true;
    CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries found,
                           rados::ReadOmapKeys(pool_->io(), object, keys, &exists));
    if (layout && !exists) {
      Forget(role.bucket);  // deleted, maybe made again
      continue;
    }
    if (!layout && role.kind == Kind::kInBucket &&
        std::any_of(found.begin(), found.end(),
                    [&](const auto& e) { return e.first == keys[1]; })) {
      continue;
    }
    auto it =
        std::find_if(found.begin(), found.end(), [&](const auto& e) { return e.first == stored; });
    if (it == found.end()) return Status(Code::kNotFound, "");
    if (it->second.empty()) return Status(Code::kCorruption, "an index value without its prefix");
    value->assign(it->second, 1);
    return Status::Ok();
  }
  return Status(Code::kUnavailable, "the bucket's layout kept changing under a read");
}

Status BucketShardedIndex::Write(const index::IndexBatch& batch, bool /*sync: acks are durable*/) {
  if (batch.empty() && batch.conditions().empty()) return Status::Ok();
  // A bucket made (its record put, expected absent) gets its layout; a bucket deleted with one
  // is closed and checked first.
  for (const auto& op : batch.ops()) {
    const KeyRole role = options_.role(op.key);
    if (role.kind != Kind::kBucketRecord) continue;
    if (op.kind == index::IndexBatch::Kind::kPut && options_.bucket_shards > 0) {
      const bool made = std::any_of(
          batch.conditions().begin(), batch.conditions().end(),
          [&](const index::IndexBatch::Condition& c) { return c.absent && c.key == op.key; });
      if (made) return CreateBucket(role.bucket, batch);
    }
    if (op.kind == index::IndexBatch::Kind::kDelete) {
      CAIRN_ASSIGN_OR_RETURN(auto layout, ReadLayout(role.bucket));
      if (layout) return DeleteBucket(role.bucket, *layout, batch);
    }
  }
  return WriteRouted(batch);
}

Status BucketShardedIndex::WriteRouted(const index::IndexBatch& batch) {
  // Where the batch goes, from its keys.
  KeyTarget target;
  bool bucket_update = false;  // a bucket record put that is not its making: it must exist
  std::string updated_bucket;
  auto add = [&](const KeyTarget& t) {
    if (t.where == KeyTarget::Where::kAny) return true;
    if (target.where == KeyTarget::Where::kAny) {
      target = t;
      return true;
    }
    if (t.where == KeyTarget::Where::kBucket && target.where == KeyTarget::Where::kBucket) {
      target.content = target.content || t.content;
      return t.bucket == target.bucket;  // the spread is checked once the layout is known
    }
    if (t.where == KeyTarget::Where::kRoot && target.where == KeyTarget::Where::kBucket)
      return true;
    if (t.where == KeyTarget::Where::kBucket && target.where == KeyTarget::Where::kRoot) {
      target = t;  // fine if the bucket has no layout (checked below)
      target.spread.clear();
      return true;
    }
    return t.where == target.where;
  };
  bool mixed_root = false;
  std::vector<std::string> spreads;
  std::vector<bool> without_adds;  // records of objects and buckets are never counters
  for (const auto& op : batch.ops()) {
    const KeyRole role = options_.role(op.key);
    without_adds.push_back(role.kind == Kind::kInBucket || role.kind == Kind::kBucketRecord);
    const KeyTarget t = TargetOf(role, op.kind == index::IndexBatch::Kind::kCounters);
    if (role.kind == Kind::kBucketRecord && op.kind == index::IndexBatch::Kind::kPut &&
        std::none_of(
            batch.conditions().begin(), batch.conditions().end(),
            [&](const index::IndexBatch::Condition& c) { return c.absent && c.key == op.key; })) {
      bucket_update = true;
      updated_bucket = role.bucket;
    }
    if (t.where == KeyTarget::Where::kRoot) mixed_root = true;
    if (t.where == KeyTarget::Where::kBucket) spreads.push_back(t.spread);
    if (!add(t)) return Status(Code::kInvalidArgument, "an index batch spans buckets or objects");
  }
  for (const auto& c : batch.conditions()) {
    const KeyTarget t = TargetOf(options_.role(c.key), false);
    if (t.where == KeyTarget::Where::kRoot) mixed_root = true;
    if (t.where == KeyTarget::Where::kBucket) spreads.push_back(t.spread);
    if (!add(t)) return Status(Code::kInvalidArgument, "an index batch spans buckets or objects");
  }

  const auto since = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string object = options_.root;
    omap::OpExtras extras;
    extras.without_adds = without_adds;
    std::optional<Layout> layout;
    if (target.where == KeyTarget::Where::kSystem) object = options_.system;
    if (target.where == KeyTarget::Where::kBucket) {
      CAIRN_ASSIGN_OR_RETURN(layout, Place(target.bucket));
      if (layout) {
        if (mixed_root) {
          return Status(Code::kInvalidArgument, "an index batch spans a bucket's shards and root");
        }
        const int shard = ShardOf(*layout, spreads.front());
        for (const auto& s : spreads) {
          if (ShardOf(*layout, s) != shard) {
            return Status(Code::kInvalidArgument, "an index batch spans a bucket's shards");
          }
        }
        object = ShardObject(*layout, shard);
        extras.mode = omap::ObjectMode::kAssertExists;
        extras.fences.push_back(Absent(ClosedKey()));
      } else {
        // In the root while the bucket has no layout; records that make it non-empty only
        // while it exists.
        extras.fences.push_back(Absent(LayoutKey(target.bucket)));
        if (target.content) {
          extras.fences.push_back(Present(EncodeKey(options_.bucket_key(target.bucket))));
        }
      }
    }
    if (bucket_update) {
      extras.fences.push_back(Present(EncodeKey(options_.bucket_key(updated_bucket))));
    }

    CAIRN_ASSIGN_OR_RETURN(int r, omap::WriteBatch(pool_->io(), object, batch, extras));
    if (r >= 0) {
      // Now and then an add folds its counter's records in this object into one.
      for (const auto& o : batch.ops()) {
        if (o.kind != index::IndexBatch::Kind::kCounters || !omap::ShouldFold()) continue;
        std::vector<int64_t> ignored;
        const std::string base = layout ? ShardBaseKey(o.key) : EncodeKey(o.key);
        (void)omap::ReadCounters(pool_->io(), object, base, o.key, options_.counter_retries,
                                 &ignored);
      }
      return Status::Ok();
    }
    if (r == -ENOENT && layout) {
      Forget(target.bucket);  // deleted, maybe made again
      continue;
    }
    if (r != -ECANCELED) return rados::RadosError(r, "writing " + object);
    if (target.where == KeyTarget::Where::kBucket) {
      CAIRN_ASSIGN_OR_RETURN(bool fence,
                             FenceFailed(target.bucket, layout, object, target.content, since));
      if (fence) continue;
    }
    if (bucket_update) {
      std::string record;
      Status found = Get(options_.bucket_key(updated_bucket), &record);
      if (found.code() == Code::kNotFound) {
        return Status(Code::kNoSuchBucket, "the specified bucket does not exist");
      }
      CAIRN_RETURN_IF_ERROR(found);
    }
    // The batch's own condition did not hold.
    if (!batch.conditions().empty() || attempt > 10) {
      return Status(Code::kConditionalRequestConflict,
                    "the index changed under a conditional write");
    }
  }
  return Status(Code::kUnavailable, "the bucket's layout kept changing under a write");
}

Result<bool> BucketShardedIndex::FenceFailed(const std::string& bucket,
                                             const std::optional<Layout>& layout,
                                             const std::string& object, bool content,
                                             std::chrono::steady_clock::time_point since) {
  if (layout) {
    bool exists = true;
    CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries closed,
                           rados::ReadOmapKeys(pool_->io(), object, {ClosedKey()}, &exists));
    if (!exists) {
      Forget(bucket);
      return true;
    }
    if (closed.empty()) return false;
    const std::string& value = closed.front().second;
    if (NowMillis() - ClosedAt(value) > options_.close_grace.count()) {
      // Its deletion died (a live one gives up well before): reopened.
      omap::OpExtras reopen;
      reopen.mode = omap::ObjectMode::kAssertExists;
      reopen.fences.push_back(Equal(ClosedKey(), value));
      reopen.removals.push_back(ClosedKey());
      CAIRN_ASSIGN_OR_RETURN(int r, omap::WriteBatch(pool_->io(), object, {}, reopen));
      if (r < 0 && r != -ECANCELED && r != -ENOENT) {
        return rados::RadosError(r, "reopening " + object);
      }
      return true;
    }
    CAIRN_ASSIGN_OR_RETURN(auto now, ReadLayout(bucket));
    if (!now || now->incarnation != layout->incarnation) {
      Forget(bucket);
      return true;
    }
    if (std::chrono::steady_clock::now() - since > options_.closed_wait) {
      return Status(Code::kUnavailable, "the bucket is being deleted");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the deletion decides
    return true;
  }
  // In the root: a layout made meanwhile, or the bucket gone.
  const std::string layout_key = LayoutKey(bucket);
  const std::string record_key = EncodeKey(options_.bucket_key(bucket));
  CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries found,
                         rados::ReadOmapKeys(pool_->io(), options_.root, {layout_key, record_key}));
  auto has = [&](const std::string& k) {
    return std::any_of(found.begin(), found.end(), [&](const auto& e) { return e.first == k; });
  };
  if (has(layout_key)) return true;
  if (content && !has(record_key)) {
    return Status(Code::kNoSuchBucket, "the specified bucket does not exist");
  }
  return false;
}

Status BucketShardedIndex::CreateBucket(const std::string& bucket, const index::IndexBatch& batch) {
  CAIRN_ASSIGN_OR_RETURN(std::string incarnation, RandomHex(8));
  Layout layout{options_.bucket_shards, incarnation, ""};
  layout.stored = StoredValue(std::to_string(layout.shards) + " " + incarnation);
  std::vector<std::string> shards;
  for (int s = 0; s < layout.shards; ++s) shards.push_back(ShardObject(layout, s));
  // The shards first, so that a layout once recorded always has its objects.
  int r = OnEach(
      pool_->io(), shards,
      [] {
        rados_write_op_t op = rados_create_write_op();
        rados_write_op_create(op, LIBRADOS_CREATE_EXCLUSIVE, nullptr);
        return op;
      },
      0);
  auto remove_shards = [&] { (void)RemoveAll(pool_->io(), shards); };
  if (r < 0) {
    remove_shards();
    return rados::RadosError(r, "making the shards of bucket " + bucket);
  }
  omap::OpExtras extras;
  extras.fences.push_back(Absent(LayoutKey(bucket)));
  extras.sets.emplace_back(LayoutKey(bucket), layout.stored);
  auto written = omap::WriteBatch(pool_->io(), options_.root, batch, extras);
  if (!written.ok() || *written < 0) {
    remove_shards();
    if (!written.ok()) return written.status();
    if (*written == -ECANCELED) {
      return Status(Code::kConditionalRequestConflict, "the bucket was made meanwhile");
    }
    return rados::RadosError(*written, "recording the layout of bucket " + bucket);
  }
  std::lock_guard lock(mu_);
  layouts_[bucket] = layout;
  return Status::Ok();
}

Status BucketShardedIndex::CloseShards(const Layout& layout, const std::string& marker,
                                       int* closed) {
  for (*closed = 0; *closed < layout.shards; ++*closed) {
    const std::string object = ShardObject(layout, *closed);
    omap::OpExtras close;
    close.mode = omap::ObjectMode::kAssertExists;
    close.fences.push_back(Absent(ClosedKey()));
    close.sets.emplace_back(ClosedKey(), marker);
    CAIRN_ASSIGN_OR_RETURN(int r, omap::WriteBatch(pool_->io(), object, {}, close));
    if (r == -ECANCELED) {
      // Closed already: by a deletion under way, or by one that died (taken over).
      bool exists = true;
      CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries found,
                             rados::ReadOmapKeys(pool_->io(), object, {ClosedKey()}, &exists));
      if (!found.empty() &&
          NowMillis() - ClosedAt(found.front().second) > options_.close_grace.count()) {
        close.fences = {Equal(ClosedKey(), found.front().second)};
        CAIRN_ASSIGN_OR_RETURN(r, omap::WriteBatch(pool_->io(), object, {}, close));
      }
      if (r == -ECANCELED) {
        return Status(Code::kConditionalRequestConflict, "a deletion of the bucket is under way");
      }
    }
    if (r == -ENOENT) return Status(Code::kNoSuchBucket, "the specified bucket does not exist");
    if (r < 0) return rados::RadosError(r, "closing " + object);
  }
  return Status::Ok();
}

void BucketShardedIndex::ReopenShards(const Layout& layout, const std::string& marker, int closed) {
  for (int s = 0; s < closed; ++s) {
    omap::OpExtras reopen;
    reopen.mode = omap::ObjectMode::kAssertExists;
    reopen.fences.push_back(Equal(ClosedKey(), marker));
    reopen.removals.push_back(ClosedKey());
    (void)omap::WriteBatch(pool_->io(), ShardObject(layout, s), {}, reopen);
  }
}

Status BucketShardedIndex::DeleteBucket(const std::string& bucket, const Layout& layout,
                                        const index::IndexBatch& batch) {
  CAIRN_ASSIGN_OR_RETURN(std::string nonce, RandomHex(8));
  const std::string marker = StoredValue(std::to_string(NowMillis()) + " " + nonce);
  const auto started = std::chrono::steady_clock::now();
  int closed = 0;
  Status s = CloseShards(layout, marker, &closed);
  if (!s.ok()) {
    ReopenShards(layout, marker, closed);
    if (s.code() == Code::kNoSuchBucket) Forget(bucket);
    return s;
  }
  // Closed: no write lands in them from here. What landed before the close is seen now.
  for (int shard = 0; shard < layout.shards; ++shard) {
    auto page = rados::ReadOmapPage(pool_->io(), ShardObject(layout, shard),
                                    std::string(omap::kFirstEngineKey), 1);
    if (!page.ok() || !page->entries.empty()) {
      ReopenShards(layout, marker, closed);
      if (!page.ok()) return page.status();
      return Status(Code::kBucketNotEmpty, "the bucket is not empty");
    }
  }
  if (std::chrono::steady_clock::now() - started > options_.delete_deadline) {
    ReopenShards(layout, marker, closed);
    return Status(Code::kUnavailable, "deleting the bucket took too long; try again");
  }
  omap::OpExtras extras;
  extras.fences.push_back(Equal(LayoutKey(bucket), layout.stored));
  extras.removals.push_back(LayoutKey(bucket));
  auto written = omap::WriteBatch(pool_->io(), options_.root, batch, extras);
  if (!written.ok() || *written < 0) {
    ReopenShards(layout, marker, closed);
    if (!written.ok()) return written.status();
    if (*written == -ECANCELED) {
      return Status(Code::kConditionalRequestConflict, "the bucket changed under its deletion");
    }
    return rados::RadosError(*written, "deleting bucket " + bucket);
  }
  Forget(bucket);
  // The records are gone; the closed, empty shards follow. One that stays (an error here) holds
  // nothing and no layout names it.
  std::vector<std::string> shards;
  for (int shard = 0; shard < layout.shards; ++shard) shards.push_back(ShardObject(layout, shard));
  (void)RemoveAll(pool_->io(), shards);
  return Status::Ok();
}

Status BucketShardedIndex::GetCounters(std::string_view key, std::vector<int64_t>* counters) const {
  const KeyRole role = options_.role(key);
  const std::string object = role.kind == Kind::kSystem ? options_.system : options_.root;
  CAIRN_RETURN_IF_ERROR(omap::ReadCounters(pool_->io(), object, EncodeKey(key), key,
                                           options_.counter_retries, counters));
  if (role.kind != Kind::kBucketCounter) return Status::Ok();
  // A bucket's adds land in the shards of their batches: each shard's base and adds.
  CAIRN_ASSIGN_OR_RETURN(auto layout, Place(role.bucket));
  if (!layout) return Status::Ok();
  for (int s = 0; s < layout->shards; ++s) {
    std::vector<int64_t> part;
    CAIRN_RETURN_IF_ERROR(omap::ReadCounters(pool_->io(), ShardObject(*layout, s),
                                             ShardBaseKey(key), key, options_.counter_retries,
                                             &part));
    omap::AddInto(counters, part);
  }
  return Status::Ok();
}

std::unique_ptr<index::IndexIterator> BucketShardedIndex::NewIterator(
    std::string upper_bound) const {
  return std::make_unique<BucketIterator>(*this, std::move(upper_bound));
}

}  // namespace cairn::storage::rados_index
