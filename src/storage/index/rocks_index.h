// The index seam on RocksDB: a meta::MetaDb (one database, or replicated on a set's drives)
// behind storage/index's Index. Conditions are checked under striped locks taken on every key a
// batch puts, deletes or tests (counters need none), in key-hash order, so a condition holds
// against every write through this index, conditional or not, as the seam requires.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>

#include "storage/index/index.h"
#include "storage/meta/meta_db.h"

namespace cairn::storage::index {

class RocksIndex final : public Index {
 public:
  // `db` outlives the index.
  explicit RocksIndex(meta::MetaDb* db) : db_(db) {}
  // The index owns `db` (the engine's case: it keeps a raw db() for replica upkeep).
  explicit RocksIndex(std::unique_ptr<meta::MetaDb> db)
      : owned_(std::move(db)), db_(owned_.get()) {}

  Status Get(std::string_view key, std::string* value) const override;
  Status GetCached(std::string_view key, std::shared_ptr<const std::string>* value) const override;
  Status Write(const IndexBatch& batch, bool sync) override;
  std::unique_ptr<IndexIterator> NewIterator(std::string upper_bound) const override;

  meta::MetaDb* db() const { return db_; }
  // Runs after a conditional write took its locks and before it checks: a test's hook to prove
  // that a write racing the check cannot slip in (it would block on the locks).
  void SetBeforeCheckForTest(std::function<void()> hook) { before_check_ = std::move(hook); }

 private:
  static constexpr size_t kStripes = 256;
  std::unique_ptr<meta::MetaDb> owned_;
  meta::MetaDb* db_;
  mutable std::array<std::mutex, kStripes> stripes_;
  std::function<void()> before_check_;
};

}  // namespace cairn::storage::index
