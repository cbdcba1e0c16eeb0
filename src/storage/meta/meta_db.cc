#include "storage/meta/meta_db.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>

#include "storage/meta/replica_set.h"
#include "storage/meta/rocks_common.h"
#include "storage/meta/value_cache.h"

namespace cairn::storage::meta {

namespace {

std::atomic<uint64_t> g_iterator_steps{0};

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
Status Iterator::status() const {
  Status s = FromRocks(it_->status());
  if (owner_ != nullptr && !s.ok()) owner_->ReadFailed(replica_, s);
  return s;
}

Result<std::unique_ptr<MetaDb>> MetaDb::Open(const std::string& path, const MetaOptions& options) {
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(
      MakeRocksOptions(options, rocksdb::NewLRUCache(options.block_cache_bytes), 1), path, &db);
  if (!s.ok()) return FromRocks(s);
  return std::unique_ptr<MetaDb>(new MetaDb(db, options));
}

Result<std::unique_ptr<MetaDb>> MetaDb::OpenReplicated(const std::vector<std::string>& paths,
                                                       const MetaOptions& options,
                                                       int write_quorum) {
  auto replicas = ReplicaSet::Open(paths, options, write_quorum);
  if (!replicas.ok()) return replicas.status();
  return std::unique_ptr<MetaDb>(new MetaDb(std::move(*replicas), options));
}

MetaDb::MetaDb(rocksdb::DB* db, const MetaOptions& options)
    : db_(db),
      cache_(
          std::make_unique<ValueCache>(options.value_cache_bytes, options.value_cache_max_value)) {}

MetaDb::MetaDb(std::unique_ptr<ReplicaSet> replicas, const MetaOptions& options)
    : db_(nullptr),
      cache_(
          std::make_unique<ValueCache>(options.value_cache_bytes, options.value_cache_max_value)),
      replicas_(std::move(replicas)) {}

MetaDb::~MetaDb() {
  if (db_ != nullptr) {
    db_->Close().PermitUncheckedError();
    delete db_;
  }
}

Status MetaDb::Get(std::string_view key, std::string* value) const {
  // The one branch the single-drive read path pays for replication.
  if (replicas_ != nullptr) [[unlikely]] {
    return replicas_->Get(rocksdb::ReadOptions(), key, value);
  }
  return FromRocks(db_->Get(rocksdb::ReadOptions(), ToSlice(key), value));
}

Status MetaDb::Get(std::string_view key, std::string* value, const Snapshot& snapshot) const {
  if (snapshot.db_ == nullptr) return Status(Code::kUnavailable, "metadata: no current replica");
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot_;
  Status s = FromRocks(snapshot.db_->Get(ro, ToSlice(key), value));
  if (snapshot.replica_ >= 0 && s.code() == Code::kIOError) {
    replicas_->ReadFailed(snapshot.replica_, s);
  }
  return s;
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
  if (replicas_ != nullptr) {
    WriteBatch batch;
    batch.Put(key, value);
    return Write(batch, sync);
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  Status s = FromRocks(db_->Put(wo, ToSlice(key), ToSlice(value)));
  cache_->Drop(key);
  return s;
}

Status MetaDb::Delete(std::string_view key, bool sync) {
  if (replicas_ != nullptr) {
    WriteBatch batch;
    batch.Delete(key);
    return Write(batch, sync);
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  Status s = FromRocks(db_->Delete(wo, ToSlice(key)));
  cache_->Drop(key);
  return s;
}

Status MetaDb::Write(WriteBatch& batch, bool sync) {
  Status s;
  if (replicas_ != nullptr) {
    s = replicas_->Write(batch.rep_.get(), sync);
  } else {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    s = FromRocks(db_->Write(wo, batch.rep_.get()));
  }
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

Snapshot::~Snapshot() {
  if (db_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

std::shared_ptr<const Snapshot> MetaDb::NewSnapshot() const {
  if (replicas_ == nullptr) {
    return std::shared_ptr<const Snapshot>(new Snapshot(db_, db_->GetSnapshot()));
  }
  auto from = replicas_->ReadReplica();
  if (!from.ok()) return std::shared_ptr<const Snapshot>(new Snapshot(nullptr, nullptr));
  auto snapshot = std::shared_ptr<Snapshot>(new Snapshot(from->db.get(), from->db->GetSnapshot()));
  snapshot->keep_open_ = from->db;
  snapshot->replica_ = from->index;
  return snapshot;
}

std::unique_ptr<Iterator> MetaDb::NewIterator(std::string upper_bound) const {
  return NewIterator(std::move(upper_bound), nullptr);
}

std::unique_ptr<Iterator> MetaDb::NewIterator(std::string upper_bound,
                                              const Snapshot& snapshot) const {
  return NewIterator(std::move(upper_bound), &snapshot);
}

std::unique_ptr<Iterator> MetaDb::NewIterator(std::string upper_bound,
                                              const Snapshot* snapshot) const {
  rocksdb::ReadOptions ro;
  rocksdb::DB* db = db_;
  std::shared_ptr<void> keep_open;
  int replica = -1;
  if (snapshot != nullptr) {
    ro.snapshot = snapshot->snapshot_;
    db = snapshot->db_;
    keep_open = snapshot->keep_open_;
    replica = snapshot->replica_;
  } else if (replicas_ != nullptr) {
    auto from = replicas_->ReadReplica();
    if (from.ok()) {
      db = from->db.get();
      keep_open = from->db;
      replica = from->index;
    }
  }
  std::unique_ptr<Iterator::Bound> bound;
  if (!upper_bound.empty()) {
    bound = std::make_unique<Iterator::Bound>(std::move(upper_bound));
    ro.iterate_upper_bound = &bound->slice;
  }
  if (db == nullptr) {
    std::unique_ptr<rocksdb::Iterator> failed(
        rocksdb::NewErrorIterator(rocksdb::Status::Busy("no current replica")));
    return std::unique_ptr<Iterator>(new Iterator(std::move(failed), std::move(bound)));
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  auto out = std::unique_ptr<Iterator>(new Iterator(std::move(it), std::move(bound)));
  if (replica >= 0) {
    out->keep_open_ = std::move(keep_open);
    out->owner_ = replicas_.get();
    out->replica_ = replica;
  }
  return out;
}

std::vector<ReplicaState> MetaDb::ReplicaStates() const {
  if (replicas_ == nullptr) return {ReplicaState{}};
  return replicas_->States();
}

Status MetaDb::MarkStale(int i, std::string_view reason) {
  if (replicas_ == nullptr) {
    return Status(Code::kInvalidArgument, "metadata: a single replica cannot be marked stale");
  }
  return replicas_->MarkStale(i, reason);
}

Status MetaDb::ResyncReplica(int i, const ResyncOptions& options) {
  if (replicas_ == nullptr) {
    return Status(Code::kInvalidArgument, "metadata: a single replica has nothing to resync");
  }
  return replicas_->Resync(i, options);
}

void MetaDb::SetReplicaFaultForTest(int i, bool fail_writes, bool fail_reads) {
  if (replicas_ != nullptr) replicas_->SetFaultForTest(i, fail_writes, fail_reads);
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
