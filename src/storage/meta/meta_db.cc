#include "storage/meta/meta_db.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>

#include "storage/meta/value_cache.h"

namespace cairn::storage::meta {

namespace {

std::atomic<uint64_t> g_iterator_steps{0};

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  Code code = Code::kIOError;
  if (s.IsNotFound()) {
    code = Code::kNotFound;
  } else if (s.IsCorruption()) {
    code = Code::kCorruption;
  } else if (s.IsNoSpace()) {
    code = Code::kNoSpace;
  } else if (s.IsInvalidArgument()) {
    code = Code::kInvalidArgument;
  } else if (s.IsBusy() || s.IsTryAgain()) {
    code = Code::kUnavailable;
  } else if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    code = Code::kUnavailable;  // LOCK held by another process
  }
  return Status(code, "metadata: " + s.ToString());
}

// The one merge operator of the database: AddCounters' field-wise sum. Associative, so RocksDB
// may fold operands in any grouping (memtable, compaction, read).
class CounterAddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    std::vector<int64_t> sum =
        existing != nullptr ? DecodeCounters(ToView(*existing)) : std::vector<int64_t>();
    std::vector<int64_t> add = DecodeCounters(ToView(value));
    if (sum.size() < add.size()) sum.resize(add.size(), 0);
    for (size_t i = 0; i < add.size(); ++i) {
      // Wrapping add: defined behaviour whatever the stored bytes say.
      sum[i] = static_cast<int64_t>(static_cast<uint64_t>(sum[i]) + static_cast<uint64_t>(add[i]));
    }
    *new_value = EncodeCounters(sum);
    return true;
  }
  const char* Name() const override { return "cairn.CounterAdd"; }
};

rocksdb::Options MakeOptions(const MetaOptions& o) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_background_jobs = o.max_background_jobs;
  options.write_buffer_size = o.write_buffer_bytes;
  options.max_write_buffer_number = 2;
  options.max_total_wal_size = 4 * o.write_buffer_bytes;
  options.level_compaction_dynamic_level_bytes = true;
  options.bytes_per_sync = 1 << 20;
  options.max_open_files = 512;
  // RocksDB's own info log: a few small files, not an ever-growing LOG.
  options.keep_log_file_num = 3;
  options.max_log_file_size = 4 << 20;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.merge_operator = std::make_shared<CounterAddOperator>();
  // Folds a hot counter's operands in the memtable, so reading it never merges more than this.
  options.max_successive_merges = 64;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  // Index and filter blocks live in the block cache, so memory stays bounded as data grows.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // point reads (GET, HEAD)
  table.block_size = 16 << 10;
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

WriteBatch::WriteBatch() : rep_(std::make_unique<rocksdb::WriteBatch>()) {}
WriteBatch::~WriteBatch() = default;
void WriteBatch::Put(std::string_view key, std::string_view value) {
  rep_->Put(ToSlice(key), ToSlice(value)).PermitUncheckedError();
}
void WriteBatch::Delete(std::string_view key) { rep_->Delete(ToSlice(key)).PermitUncheckedError(); }
void WriteBatch::AddCounters(std::string_view key, const std::vector<int64_t>& deltas) {
  rep_->Merge(ToSlice(key), ToSlice(EncodeCounters(deltas))).PermitUncheckedError();
}
size_t WriteBatch::count() const { return static_cast<size_t>(rep_->Count()); }

struct Iterator::Bound {
  explicit Bound(std::string k) : key(std::move(k)), slice(key) {}
  std::string key;
  rocksdb::Slice slice;  // views `key`; ReadOptions::iterate_upper_bound points here
};

Iterator::Iterator(std::unique_ptr<rocksdb::Iterator> it, std::unique_ptr<Bound> upper_bound)
    : upper_bound_(std::move(upper_bound)), it_(std::move(it)) {}
Iterator::~Iterator() { it_.reset(); }
bool Iterator::Valid() const { return it_->Valid(); }
void Iterator::Seek(std::string_view target) {
  g_iterator_steps.fetch_add(1, std::memory_order_relaxed);
  it_->Seek(ToSlice(target));
}
void Iterator::Next() {
  g_iterator_steps.fetch_add(1, std::memory_order_relaxed);
  it_->Next();
}
std::string_view Iterator::key() const { return ToView(it_->key()); }
std::string_view Iterator::value() const { return ToView(it_->value()); }
Status Iterator::status() const { return FromRocks(it_->status()); }

Result<std::unique_ptr<MetaDb>> MetaDb::Open(const std::string& path, const MetaOptions& options) {
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(MakeOptions(options), path, &db);
  if (!s.ok()) return FromRocks(s);
  return std::unique_ptr<MetaDb>(new MetaDb(db, options));
}

MetaDb::MetaDb(rocksdb::DB* db, const MetaOptions& options)
    : db_(db),
      cache_(
          std::make_unique<ValueCache>(options.value_cache_bytes, options.value_cache_max_value)) {}

MetaDb::~MetaDb() {
  db_->Close().PermitUncheckedError();
  delete db_;
}

Status MetaDb::Get(std::string_view key, std::string* value) const {
  return FromRocks(db_->Get(rocksdb::ReadOptions(), ToSlice(key), value));
}

Status MetaDb::Get(std::string_view key, std::string* value, const Snapshot& snapshot) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot_;
  return FromRocks(db_->Get(ro, ToSlice(key), value));
}

Status MetaDb::GetCached(std::string_view key, std::shared_ptr<const std::string>* value) const {
  uint64_t generation = 0;
  if (auto hit = cache_->Lookup(key, &generation)) {
    *value = std::move(hit);
    return Status::Ok();
  }
  auto read = std::make_shared<std::string>();
  Status s = Get(key, read.get());
  if (!s.ok()) return s;
  *value = std::move(read);
  cache_->Insert(key, *value, generation);
  return Status::Ok();
}

Status MetaDb::Put(std::string_view key, std::string_view value, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  Status s = FromRocks(db_->Put(wo, ToSlice(key), ToSlice(value)));
  cache_->Drop(key);
  return s;
}

Status MetaDb::Delete(std::string_view key, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  Status s = FromRocks(db_->Delete(wo, ToSlice(key)));
  cache_->Drop(key);
  return s;
}

Status MetaDb::Write(WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  Status s = FromRocks(db_->Write(wo, batch.rep_.get()));
  DropCached(batch);
  return s;
}

void MetaDb::DropCached(const WriteBatch& batch) {
  if (!cache_->enabled()) return;
  // Every operation a WriteBatch can hold; the ones it does not name one by one drop everything.
  struct Dropper : rocksdb::WriteBatch::Handler {
    explicit Dropper(ValueCache& cache) : cache(cache) {}
    rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      cache.Drop(ToView(key));
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice& key) override {
      cache.Drop(ToView(key));
      return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice& key) override {
      cache.Drop(ToView(key));
      return rocksdb::Status::OK();
    }
    rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      cache.Drop(ToView(key));
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
      cache.DropAll();
      return rocksdb::Status::OK();
    }
    ValueCache& cache;
  };
  Dropper dropper(*cache_);
  if (!batch.rep_->Iterate(&dropper).ok()) cache_->DropAll();
}

Snapshot::~Snapshot() { db_->ReleaseSnapshot(snapshot_); }

std::shared_ptr<const Snapshot> MetaDb::NewSnapshot() const {
  return std::shared_ptr<const Snapshot>(new Snapshot(db_, db_->GetSnapshot()));
}

std::unique_ptr<Iterator> MetaDb::NewIterator(std::string upper_bound) const {
  return NewIterator(std::move(upper_bound), nullptr);
}

std::unique_ptr<Iterator> MetaDb::NewIterator(std::string upper_bound,
                                              const Snapshot& snapshot) const {
  return NewIterator(std::move(upper_bound), snapshot.snapshot_);
}

std::unique_ptr<Iterator> MetaDb::NewIterator(std::string upper_bound,
                                              const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<Iterator::Bound> bound;
  if (!upper_bound.empty()) {
    bound = std::make_unique<Iterator::Bound>(std::move(upper_bound));
    ro.iterate_upper_bound = &bound->slice;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  return std::unique_ptr<Iterator>(new Iterator(std::move(it), std::move(bound)));
}

uint64_t MetaDb::IteratorStepsForTest() { return g_iterator_steps.load(); }

std::string EncodeCounters(const std::vector<int64_t>& counters) {
  std::string out;
  out.reserve(counters.size() * 8);
  for (int64_t v : counters) {
    auto u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  return out;
}

std::vector<int64_t> DecodeCounters(std::string_view value) {
  std::vector<int64_t> out(value.size() / 8);
  for (size_t f = 0; f < out.size(); ++f) {
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) {
      u |= static_cast<uint64_t>(static_cast<unsigned char>(value[f * 8 + i])) << (8 * i);
    }
    out[f] = static_cast<int64_t>(u);
  }
  return out;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

}  // namespace cairn::storage::meta
