#include "storage/rados_index/rados_index.h"

#include <xxhash.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "storage/rados/rados_omap.h"
#include "storage/rados_index/omap_object.h"

namespace cairn::storage::rados_index {

namespace {

// Every shard's cursor merged into one ordered scan below an upper bound.
class RadosIterator final : public index::IndexIterator {
 public:
  RadosIterator(const RadosIndex& index, const std::string& upper_bound)
      : index_(index), scan_(upper_bound) {}

  bool Valid() const override { return scan_.Valid(); }
  void Seek(std::string_view target) override {
    std::vector<omap::ObjectCursor> cursors;
    for (int s = 0; s < index_.options().shards; ++s) {
      cursors.emplace_back(index_.ShardObject(s), index_.options().page);
    }
    status_ = scan_.Seek(index_.pool().io(), std::move(cursors), target);
  }
  void Next() override { status_ = scan_.Next(index_.pool().io()); }
  std::string_view key() const override { return scan_.key(); }
  std::string_view value() const override { return scan_.value(); }
  Status status() const override { return status_; }

 private:
  const RadosIndex& index_;
  omap::MergedScan scan_;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<RadosIndex>> RadosIndex::Open(std::shared_ptr<rados::RadosPool> pool,
                                                     const RadosIndexOptions& options) {
  if (options.shards < 1 || options.page == 0) {
    return Status(Code::kInvalidArgument, "a RADOS index needs at least one shard and a page");
  }
  if (options.shards > 1 && !options.partition && !options.shard_of) {
    return Status(Code::kInvalidArgument, "a sharded RADOS index needs a partition function");
  }
  if (!options.shard_names.empty() &&
      options.shard_names.size() != static_cast<size_t>(options.shards)) {
    return Status(Code::kInvalidArgument, "a RADOS index names every shard object or none");
  }
  return std::unique_ptr<RadosIndex>(new RadosIndex(std::move(pool), options));
}

int RadosIndex::ShardOf(std::string_view key) const {
  if (options_.shards == 1) return 0;
  if (options_.shard_of) return options_.shard_of(key);
  std::string_view part = options_.partition(key);
  return static_cast<int>(XXH3_64bits(part.data(), part.size()) %
                          static_cast<uint64_t>(options_.shards));
}

std::string RadosIndex::ShardObject(int shard) const {
  if (!options_.shard_names.empty()) return options_.shard_names[static_cast<size_t>(shard)];
  return options_.name + "." + std::to_string(shard);
}

Status RadosIndex::Get(std::string_view key, std::string* value) const {
  const std::string stored = omap::EncodeKey(key);
  const std::string object = ShardObject(ShardOf(key));
  CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries found,
                         rados::ReadOmapKeys(pool_->io(), object, {stored}));
  if (found.empty()) return Status(Code::kNotFound, "");
  if (found.front().second.empty()) {
    return Status(Code::kCorruption, "an index value without its prefix");
  }
  value->assign(found.front().second, 1);
  return Status::Ok();
}

Status RadosIndex::Write(const index::IndexBatch& batch, bool /*sync: RADOS acks durable*/) {
  if (batch.empty() && batch.conditions().empty()) return Status::Ok();
  // One shard per batch: it is one atomic write op.
  std::optional<int> shard;
  auto in_shard = [&](std::string_view key) {
    int s = ShardOf(key);
    if (!shard) shard = s;
    return *shard == s;
  };
  for (const auto& op : batch.ops()) {
    if (!in_shard(op.key)) {
      return Status(Code::kInvalidArgument, "an index batch spans shards of the RADOS index");
    }
  }
  for (const auto& c : batch.conditions()) {
    if (!in_shard(c.key)) {
      return Status(Code::kInvalidArgument, "an index batch spans shards of the RADOS index");
    }
  }
  const std::string object = ShardObject(*shard);
  CAIRN_ASSIGN_OR_RETURN(int r, omap::WriteBatch(pool_->io(), object, batch, omap::OpExtras{}));
  if (r == -ECANCELED) {
    return Status(Code::kConditionalRequestConflict, "the index changed under a conditional write");
  }
  if (r < 0) return rados::RadosError(r, "writing " + object);
  // Now and then an add folds its counter's records into one, so that they stay few.
  for (const auto& o : batch.ops()) {
    if (o.kind == index::IndexBatch::Kind::kCounters && omap::ShouldFold()) {
      std::vector<int64_t> ignored;
      (void)GetCounters(o.key, &ignored);
    }
  }
  return Status::Ok();
}

Status RadosIndex::GetCounters(std::string_view key, std::vector<int64_t>* counters) const {
  return omap::ReadCounters(pool_->io(), ShardObject(ShardOf(key)), omap::EncodeKey(key), key,
                            options_.counter_retries, counters);
}

std::unique_ptr<index::IndexIterator> RadosIndex::NewIterator(std::string upper_bound) const {
  return std::make_unique<RadosIterator>(*this, std::move(upper_bound));
}

}  // namespace cairn::storage::rados_index
