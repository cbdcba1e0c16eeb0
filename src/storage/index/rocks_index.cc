#include "storage/index/rocks_index.h"

#include <algorithm>
#include <functional>

namespace cairn::storage::index {

namespace {

class RocksIterator final : public IndexIterator {
 public:
  explicit RocksIterator(std::unique_ptr<meta::Iterator> it) : it_(std::move(it)) {}
  bool Valid() const override { return it_->Valid(); }
  void Seek(std::string_view target) override { it_->Seek(target); }
  void Next() override { it_->Next(); }
  std::string_view key() const override { return it_->key(); }
  std::string_view value() const override { return it_->value(); }
  Status status() const override { return it_->status(); }

 private:
  std::unique_ptr<meta::Iterator> it_;
};

}  // namespace

Status RocksIndex::Get(std::string_view key, std::string* value) const {
  return db_->Get(key, value);
}

Status RocksIndex::GetCached(std::string_view key,
                             std::shared_ptr<const std::string>* value) const {
  return db_->GetCached(key, value);
}

std::unique_ptr<IndexIterator> RocksIndex::NewIterator(std::string upper_bound) const {
  return std::make_unique<RocksIterator>(db_->NewIterator(std::move(upper_bound)));
}

Status RocksIndex::Write(const IndexBatch& batch, bool sync) {
  // The stripes of every key put, deleted or tested, each once, in order: no deadlock between
  // batches, and nothing else writes those keys between the check and the write.
  std::vector<size_t> stripes;
  auto add = [&](const std::string& key) {
    stripes.push_back(std::hash<std::string>{}(key) % kStripes);
  };
  for (const IndexBatch::Op& op : batch.ops()) {
    if (op.kind != IndexBatch::Kind::kCounters) add(op.key);
  }
  for (const IndexBatch::Condition& c : batch.conditions()) add(c.key);
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (size_t s : stripes) stripes_[s].lock();
  struct Unlock {
    RocksIndex* self;
    const std::vector<size_t>& held;
    ~Unlock() {
      for (auto it = held.rbegin(); it != held.rend(); ++it) self->stripes_[*it].unlock();
    }
  } unlock{this, stripes};

  if (!batch.conditions().empty()) {
    if (before_check_) before_check_();
    for (const IndexBatch::Condition& c : batch.conditions()) {
      std::string current;
      Status got = db_->Get(c.key, &current);
      if (!got.ok() && got.code() != Code::kNotFound) return got;
      const bool holds = c.absent ? got.code() == Code::kNotFound : got.ok() && current == c.value;
      if (!holds) {
        return Status(Code::kConditionalRequestConflict,
                      "the index changed under a conditional write");
      }
    }
  }
  meta::WriteBatch out;
  for (const IndexBatch::Op& op : batch.ops()) {
    switch (op.kind) {
      case IndexBatch::Kind::kPut: out.Put(op.key, op.value); break;
      case IndexBatch::Kind::kDelete: out.Delete(op.key); break;
      case IndexBatch::Kind::kCounters: out.AddCounters(op.key, op.deltas); break;
    }
  }
  if (out.count() == 0) return Status::Ok();
  return db_->Write(out, sync);
}

}  // namespace cairn::storage::index
