#include "storage/meta/replica_set.h"

#include <rocksdb/cache.h>
#include <rocksdb/iterator.h>

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>
#include <utility>

#include "storage/meta/rocks_common.h"

namespace cairn::storage::meta {

namespace {

Status Unavailable(std::string message) {
  return Status(Code::kUnavailable, "metadata: " + std::move(message));
}

Status InjectedIOError(int i) {
  return Status(Code::kIOError, "metadata: replica " + std::to_string(i) + ": injected fault");
}

// The number a stale key names, or -1 when it names none.
int StaleKeyIndex(std::string_view key) {
  if (key.substr(0, kStaleKeyPrefix.size()) != kStaleKeyPrefix) return -1;
  std::string_view digits = key.substr(kStaleKeyPrefix.size());
  if (digits.empty() || digits.size() > 4) return -1;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

rocksdb::WriteOptions SyncedWrite() {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return wo;
}

// Writes counted by a replica (one per write batch applied); absent = 0.
Result<uint64_t> AppliedCount(rocksdb::DB* db) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(kAppliedKey), &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s);
  std::vector<int64_t> counters = DecodeCounters(value);
  return counters.empty() ? uint64_t{0} : static_cast<uint64_t>(counters[0]);
}

// A database without a single key: a new or replaced drive (or one a failed open created).
bool HoldsNoKey(rocksdb::DB* db) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  return !it->Valid() && it->status().ok();
}

}  // namespace

void CountWrite(rocksdb::WriteBatch* batch) {
  batch->Merge(ToSlice(kAppliedKey), ToSlice(EncodeCounters({1}))).PermitUncheckedError();
}

std::string StaleKey(int index) { return std::string(kStaleKeyPrefix) + std::to_string(index); }

ReplicaSet::ReplicaSet(rocksdb::Options options, int write_quorum, int replicas)
    : options_(std::move(options)),
      write_quorum_(write_quorum),
      // Two threads per other replica, so the syncs of concurrent synced writers overlap.
      pool_(replicas > 1 ? std::make_unique<WritePool>(std::min(2 * (replicas - 1), 16))
                         : nullptr) {}

ReplicaSet::~ReplicaSet() = default;

Result<std::shared_ptr<rocksdb::DB>> ReplicaSet::OpenDb(const std::string& path) const {
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options_, path, &db);
  if (!s.ok()) return FromRocks(s);
  return std::shared_ptr<rocksdb::DB>(db, [](rocksdb::DB* d) {
    d->Close().PermitUncheckedError();
    delete d;
  });
}

Result<std::unique_ptr<ReplicaSet>> ReplicaSet::Open(const std::vector<std::string>& paths,
                                                     const MetaOptions& options, int write_quorum) {
  const int n = static_cast<int>(paths.size());
  if (n < 1 || n > 9999 || write_quorum < 1 || write_quorum > n) {
    return Status(Code::kInvalidArgument, "metadata: write quorum " + std::to_string(write_quorum) +
                                              " of " + std::to_string(n) + " replicas");
  }
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);  // one for every replica
  std::unique_ptr<ReplicaSet> set(
      new ReplicaSet(MakeRocksOptions(options, cache, n), write_quorum, n));

  std::vector<bool> empty(n, false);
  bool any_data = false;
  for (int i = 0; i < n; ++i) {
    auto r = std::make_unique<Replica>();
    r->path = paths[i];
    auto db = set->OpenDb(paths[i]);
    if (!db.ok()) {
      r->status = ReplicaStatus::kOffline;
      r->reason = "open failed: " + db.status().message();
    } else {
      r->db = std::move(*db);
      empty[i] = HoldsNoKey(r->db.get());
      any_data = any_data || !empty[i];
    }
    set->replicas_.push_back(std::move(r));
  }

  // Empty folders beside unopenable ones may be the survivors of a set whose data is on the
  // drives that failed: serving them would show an empty store. Only a set that opens whole
  // and empty is taken as new.
  bool any_offline = false;
  for (const auto& r : set->replicas_) any_offline = any_offline || r->db == nullptr;
  if (!any_data && any_offline) {
    return Unavailable("every replica that opened is empty and some did not open: not a new set");
  }
  // Who is behind. All empty: a new set, every replica current. Otherwise an empty folder is a
  // replaced drive; a replica that counted fewer writes than the most missed some (a crash
  // between a write and the stale mark it would have caused); and the stale marks the
  // remaining ones hold name the rest.
  std::vector<std::pair<int, std::string>> behind;
  if (any_data) {
    std::vector<uint64_t> counts(n, 0);
    uint64_t most = 0;
    for (int i = 0; i < n; ++i) {
      Replica& r = *set->replicas_[i];
      if (r.db == nullptr || empty[i]) continue;
      auto count = AppliedCount(r.db.get());
      if (!count.ok()) {
        r.status = ReplicaStatus::kOffline;
        r.reason = "read failed: " + count.status().message();
        r.db.reset();
        continue;
      }
      counts[i] = *count;
      most = std::max(most, *count);
    }
    for (int i = 0; i < n; ++i) {
      Replica& r = *set->replicas_[i];
      if (r.db == nullptr) continue;
      if (empty[i]) {
        behind.emplace_back(i, "empty folder (a replaced drive)");
      } else if (counts[i] < most) {
        behind.emplace_back(i, "behind: applied " + std::to_string(counts[i]) + " of " +
                                   std::to_string(most) + " writes");
      }
    }
    for (auto& [i, reason] : behind) {
      set->replicas_[i]->status = ReplicaStatus::kStale;
      set->replicas_[i]->reason = reason;
    }
    std::vector<std::pair<int, std::string>> marked;
    for (int i = 0; i < n; ++i) {
      Replica& r = *set->replicas_[i];
      if (r.status != ReplicaStatus::kOnline) continue;
      std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(rocksdb::ReadOptions()));
      for (it->Seek(ToSlice(kStaleKeyPrefix));
           it->Valid() && it->key().starts_with(ToSlice(kStaleKeyPrefix)); it->Next()) {
        int j = StaleKeyIndex(ToView(it->key()));
        if (j >= 0 && j < n) marked.emplace_back(j, it->value().ToString());
      }
    }
    // The mark's reason (the first cause) is kept over a count or an empty folder (effects).
    for (auto& [j, reason] : marked) {
      Replica& r = *set->replicas_[j];
      if (r.status == ReplicaStatus::kOnline || r.status == ReplicaStatus::kStale) {
        r.status = ReplicaStatus::kStale;
        r.reason = reason;
      }
    }
  }
  if (set->Online().empty()) {
    std::string states;
    for (int i = 0; i < n; ++i) {
      states += " [" + std::to_string(i) + "] " + set->replicas_[i]->reason + ";";
    }
    return Unavailable("no current replica of " + std::to_string(n) + ":" + states);
  }
  // Record every replica that is not current in the current ones, so the next start knows
  // even when this one's evidence (an empty folder, a count) is gone.
  std::vector<std::pair<int, std::string>> absent;
  for (int i = 0; i < n; ++i) {
    const Replica& r = *set->replicas_[i];
    if (r.status != ReplicaStatus::kOnline) absent.emplace_back(i, r.reason);
  }
  if (!absent.empty()) set->MarkStaleLocked(std::move(absent));
  return set;
}

std::vector<ReplicaSet::Handle> ReplicaSet::Online() const {
  std::vector<Handle> out;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < replicas_.size(); ++i) {
    const Replica& r = *replicas_[i];
    if (r.status == ReplicaStatus::kOnline && r.db != nullptr) {
      out.push_back(Handle{r.db, static_cast<int>(i)});
    }
  }
  return out;
}

Result<ReplicaSet::Handle> ReplicaSet::Primary() const {
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < replicas_.size(); ++i) {
    const Replica& r = *replicas_[i];
    if (r.status == ReplicaStatus::kOnline && r.db != nullptr) {
      return Handle{r.db, static_cast<int>(i)};
    }
  }
  return Unavailable("no current replica");
}

Result<ReplicaSet::Handle> ReplicaSet::ReadReplica() {
  for (size_t attempt = 0; attempt < replicas_.size(); ++attempt) {
    auto h = Primary();
    if (!h.ok() || !ReadFaultForTest(h->index)) return h;
    ReadFailed(h->index, InjectedIOError(h->index));
  }
  return Unavailable("no current replica");
}

Status ReplicaSet::Get(const rocksdb::ReadOptions& ro, std::string_view key, std::string* value) {
  for (size_t attempt = 0; attempt < replicas_.size(); ++attempt) {
    auto h = Primary();
    if (!h.ok()) return h.status();
    Status s = ReadFaultForTest(h->index) ? InjectedIOError(h->index)
                                          : FromRocks(h->db->Get(ro, ToSlice(key), value));
    if (s.code() != Code::kIOError) return s;
    ReadFailed(h->index, s);
  }
  return Unavailable("no current replica");
}

void ReplicaSet::ReadFailed(int i, const Status& status) {
  if (status.code() != Code::kIOError) return;
  MarkStale(i, "read failed: " + status.message()).IgnoreError();
}

Status ReplicaSet::ApplyOne(const Handle& h, rocksdb::WriteBatch* batch, bool sync) const {
  if (replicas_[h.index]->fail_writes.load(std::memory_order_relaxed)) {
    return InjectedIOError(h.index);
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(h.db->Write(wo, batch));
}

Status ReplicaSet::SyncOne(const Handle& h) const {
  if (replicas_[h.index]->fail_writes.load(std::memory_order_relaxed)) {
    return InjectedIOError(h.index);
  }
  return FromRocks(h.db->SyncWAL());
}

Status ReplicaSet::Write(rocksdb::WriteBatch* batch, bool sync) {
  WriteGate::Pass gate(write_gate_);
  return WriteLocked(batch, sync);
}

// Every current replica gets the batch, in one order for all (see below). A synced write is
// applied unsynced and then made durable with a WAL sync per replica, in parallel: as with
// sync=true it has reached the disk when this returns, but other readers may see it during the
// sync (a power loss then loses a write that was read, though never one that was acknowledged).
//
// Below quorum: the write fails with kUnavailable, but the replicas that applied it keep it (a
// RocksDB batch cannot be taken back), so a later read from one of them may see it. That is
// the state a crash leaves between the engine's commit and its reply, which the engine already
// survives: a record is only committed after its data is durable and its intent recorded, and
// a garbage record outlives the commit that wrote it, so a commit applied-but-refused names
// only durable data and the recovery sweep settles intents and garbage the same either way.
// The replicas that did not apply it are marked stale before this returns, so no later read
// can see the write vanish again.
Status ReplicaSet::WriteLocked(rocksdb::WriteBatch* batch, bool sync) {
  std::vector<Handle> targets = Online();
  if (static_cast<int>(targets.size()) < write_quorum_) {
    return Unavailable(std::to_string(targets.size()) + " current replicas, write quorum " +
                       std::to_string(write_quorum_));
  }
  // Each replica counts the batches it applied, so a start after a crash between a write and
  // its stale mark still finds the replica that missed it. One replica has nobody to be
  // compared with: it stores exactly what Open would.
  const bool count = replicas_.size() > 1;
  if (count) {
    batch->SetSavePoint();
    CountWrite(batch);
  }
  int applied = 0;
  Status first_error;
  std::vector<std::pair<int, std::string>> failed;
  std::vector<Status> results(targets.size());
  if (replicas_.size() == 1) {
    results[0] = ApplyOne(targets[0], batch, sync);  // exactly what Open's database does
  } else {
    // Every replica must apply concurrent batches in one order, or two writes of one key
    // could leave different values on different replicas: the batches are applied under one
    // lock, without sync (microseconds each), and made durable after it.
    std::lock_guard order(order_mu_);
    for (size_t k = 0; k < targets.size(); ++k) results[k] = ApplyOne(targets[k], batch, false);
  }
  if (sync && replicas_.size() > 1) {
    // The WAL syncs overlap (the pool takes the others, this thread the first); concurrent
    // writers share a replica's sync when they meet in it.
    std::latch done(static_cast<std::ptrdiff_t>(targets.size() - 1));
    for (size_t k = 1; k < targets.size(); ++k) {
      if (!results[k].ok()) {
        done.count_down();
        continue;
      }
      pool_->Run([&, k] {
        results[k] = SyncOne(targets[k]);
        done.count_down();
      });
    }
    if (results[0].ok()) results[0] = SyncOne(targets[0]);
    done.wait();
  }
  for (size_t k = 0; k < targets.size(); ++k) {
    const Handle& h = targets[k];
    Status s = std::move(results[k]);
    if (s.ok()) {
      ++applied;
    } else {
      failed.emplace_back(h.index, "write failed: " + s.message());
      if (first_error.ok()) first_error = std::move(s);
    }
  }
  if (count) batch->RollbackToSavePoint().PermitUncheckedError();
  // After applying: a resync's catch-up pass that misses this key's new value sees it tracked.
  Track(*batch);
  // Failing everywhere leaves the replicas agreeing (none has it): nobody is behind.
  if (applied == 0) return first_error;
  if (!failed.empty()) MarkStaleLocked(std::move(failed));
  if (applied < write_quorum_) {
    return Unavailable("write applied on " + std::to_string(applied) + " replicas, quorum " +
                       std::to_string(write_quorum_) + ": " + first_error.message());
  }
  return Status::Ok();
}

Status ReplicaSet::MarkStale(int i, std::string_view reason) {
  if (i < 0 || i >= static_cast<int>(replicas_.size())) {
    return Status(Code::kInvalidArgument, "metadata: no replica " + std::to_string(i));
  }
  WriteGate::Pass gate(write_gate_);
  MarkStaleLocked({{i, std::string(reason)}});
  return Status::Ok();
}

void ReplicaSet::MarkStaleLocked(std::vector<std::pair<int, std::string>> marks) {
  // Each round writes the marks to the replicas still online; one that fails to take them is
  // itself marked in the next round, unless none took them (then they agree again).
  for (size_t round = 0; !marks.empty() && round <= replicas_.size(); ++round) {
    {
      std::lock_guard lock(mu_);
      for (auto& [i, reason] : marks) {
        Replica& r = *replicas_[i];
        if (r.status == ReplicaStatus::kOnline || r.status == ReplicaStatus::kResyncing) {
          r.status = ReplicaStatus::kStale;
        }
        r.reason = reason;
      }
    }
    rocksdb::WriteBatch batch;
    for (auto& [i, reason] : marks) {
      batch.Put(ToSlice(StaleKey(i)), ToSlice(reason)).PermitUncheckedError();
    }
    CountWrite(&batch);
    std::vector<std::pair<int, std::string>> next;
    int applied = 0;
    for (const Handle& h : Online()) {
      Status s = ApplyOne(h, &batch, true);
      if (s.ok()) {
        ++applied;
      } else {
        next.emplace_back(h.index, "writing a stale mark failed: " + s.message());
      }
    }
    Track(batch);
    if (applied == 0) return;
    marks = std::move(next);
  }
}

void ReplicaSet::Track(const rocksdb::WriteBatch& batch) {
  std::lock_guard lock(touched_mu_);
  if (!tracking_) return;
  struct Collector : rocksdb::WriteBatch::Handler {
    explicit Collector(std::set<std::string>& keys) : keys(keys) {}
    rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      keys.emplace(key.ToString());
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice& key) override {
      keys.emplace(key.ToString());
      return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice& key) override {
      keys.emplace(key.ToString());
      return rocksdb::Status::OK();
    }
    rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      keys.emplace(key.ToString());
      return rocksdb::Status::OK();
    }
    std::set<std::string>& keys;
  };
  Collector collector(touched_);
  // The counter every write merges is not in the batch yet: track it too.
  touched_.emplace(kAppliedKey);
  batch.Iterate(&collector).PermitUncheckedError();
}

Status ReplicaSet::Resync(int i, const ResyncOptions& options) {
  if (i < 0 || i >= static_cast<int>(replicas_.size())) {
    return Status(Code::kInvalidArgument, "metadata: no replica " + std::to_string(i));
  }
  std::lock_guard one_at_a_time(resync_mu_);
  Replica& r = *replicas_[i];
  std::shared_ptr<rocksdb::DB> old;
  {
    std::lock_guard lock(mu_);
    if (r.status == ReplicaStatus::kOnline) {
      return Status(Code::kInvalidArgument,
                    "metadata: replica " + std::to_string(i) + " is current");
    }
    old = std::move(r.db);
    r.status = ReplicaStatus::kResyncing;
    r.reason = "resyncing";
    r.keys_copied.store(0);
  }
  // The old database closes once the iterators and snapshots still reading it are gone.
  for (int waits = 0; old != nullptr && old.use_count() > 1 && waits < 3000; ++waits) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (old != nullptr && old.use_count() > 1) {
    std::lock_guard lock(mu_);
    r.db = std::move(old);
    r.status = ReplicaStatus::kStale;
    r.reason = "resync failed: its old database is still being read";
    return Unavailable("replica " + std::to_string(i) + " is still being read");
  }
  old.reset();
  rocksdb::DestroyDB(r.path, options_).PermitUncheckedError();  // absent is fine
  auto target = OpenDb(r.path);
  if (!target.ok()) {
    EndResync(i, target.status());
    return target.status();
  }
  {
    std::lock_guard lock(mu_);
    r.db = *target;  // held for the next resync to close; not read until online
  }

  auto source = Primary();
  if (!source.ok()) {
    EndResync(i, source.status());
    return source.status();
  }
  const rocksdb::Snapshot* snapshot = nullptr;
  {
    // Tracking starts with the snapshot, writes held: every write after it is remembered.
    WriteGate::Closed gate(write_gate_);
    std::lock_guard lock(touched_mu_);
    tracking_ = true;
    touched_.clear();
    snapshot = source->db->GetSnapshot();
  }
  Status s = CopySnapshot(i, *source, snapshot, target->get(), options);
  source->db->ReleaseSnapshot(snapshot);
  if (s.ok()) s = Finish(i, *source, target->get());
  if (!s.ok()) {
    {
      std::lock_guard lock(touched_mu_);
      tracking_ = false;
      touched_.clear();
    }
    EndResync(i, s);
  }
  return s;
}

Status ReplicaSet::CopySnapshot(int i, const Handle& source, const rocksdb::Snapshot* snapshot,
                                rocksdb::DB* target, const ResyncOptions& options) {
  Replica& r = *replicas_[i];
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.fill_cache = false;  // a full scan would evict the hot blocks
  std::unique_ptr<rocksdb::Iterator> it(source.db->NewIterator(ro));
  const size_t batch_keys = std::max<size_t>(options.batch_keys, 1);
  rocksdb::WriteBatch batch;
  auto flush = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    {
      std::lock_guard lock(mu_);
      if (r.status != ReplicaStatus::kResyncing) return Unavailable("resync interrupted");
    }
    if (ReadFaultForTest(source.index)) {
      ReadFailed(source.index, InjectedIOError(source.index));
      return InjectedIOError(source.index);
    }
    if (r.fail_writes.load(std::memory_order_relaxed)) return InjectedIOError(i);
    Status s = FromRocks(target->Write(rocksdb::WriteOptions(), &batch));
    if (!s.ok()) return s;
    r.keys_copied.fetch_add(batch.Count());
    batch.Clear();
    std::this_thread::sleep_for(options.pause);  // leave the disks to requests
    return Status::Ok();
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Put(it->key(), it->value()).PermitUncheckedError();
    if (batch.Count() >= batch_keys) {
      Status s = flush();
      if (!s.ok()) return s;
    }
  }
  Status s = FromRocks(it->status());
  if (!s.ok()) {
    ReadFailed(source.index, s);
    return s;
  }
  return flush();
}

Status ReplicaSet::CopyKeys(int i, const Handle& source, rocksdb::DB* target,
                            const std::set<std::string>& keys, bool last) {
  Replica& r = *replicas_[i];
  const std::string own_mark = StaleKey(i);
  rocksdb::WriteBatch batch;
  for (const std::string& key : keys) {
    if (key == own_mark) continue;
    std::string value;
    rocksdb::Status s = source.db->Get(rocksdb::ReadOptions(), key, &value);
    if (s.ok()) {
      batch.Put(key, value).PermitUncheckedError();
    } else if (s.IsNotFound()) {
      batch.Delete(key).PermitUncheckedError();
    } else {
      Status failed = FromRocks(s);
      if (failed.code() == Code::kIOError) {
        // The last pass holds the gate closed: mark directly (MarkStale would wait for it).
        std::string reason = "read failed: " + failed.message();
        if (last) {
          MarkStaleLocked({{source.index, std::move(reason)}});
        } else {
          MarkStale(source.index, reason).IgnoreError();
        }
      }
      return failed;
    }
  }
  if (last) batch.Delete(ToSlice(own_mark)).PermitUncheckedError();  // copied from the snapshot
  {
    std::lock_guard lock(mu_);
    if (r.status != ReplicaStatus::kResyncing ||
        replicas_[source.index]->status != ReplicaStatus::kOnline) {
      return Unavailable("resync interrupted");
    }
  }
  if (r.fail_writes.load()) return InjectedIOError(i);
  rocksdb::WriteOptions wo;
  wo.sync = last;  // makes every copied batch before it durable too (one WAL)
  Status s = FromRocks(target->Write(wo, &batch));
  if (s.ok()) r.keys_copied.fetch_add(batch.Count());
  return s;
}

Status ReplicaSet::Finish(int i, const Handle& source, rocksdb::DB* target) {
  Replica& r = *replicas_[i];
  // Catch up without holding writes while many keys were written meanwhile: each pass copies
  // the keys written since the last one (their values read after the writes applied, as a
  // write is tracked only once applied), so the pass with writes held is short.
  for (int pass = 0; pass < 4; ++pass) {
    std::set<std::string> keys;
    {
      std::lock_guard lock(touched_mu_);
      if (touched_.size() < 256) break;
      keys.swap(touched_);
    }
    Status s = CopyKeys(i, source, target, keys, false);
    if (!s.ok()) return s;
  }
  WriteGate::Closed gate(write_gate_);
  std::set<std::string> keys;
  {
    std::lock_guard lock(touched_mu_);
    keys.swap(touched_);
    tracking_ = false;
  }
  Status s = CopyKeys(i, source, target, keys, true);
  if (!s.ok()) return s;
  // Clear the mark in every current replica; the replica turns current only after, so a crash
  // in between leaves it marked (stale again at the next start: safe).
  // The clearing is counted, in the replica too: a replica already stale misses it, so the old
  // marks it holds (this one among them) are outvoted by its count at the next start.
  const std::string own_mark = StaleKey(i);
  rocksdb::WriteBatch clear;
  clear.Delete(ToSlice(own_mark)).PermitUncheckedError();
  CountWrite(&clear);
  if (r.fail_writes.load()) return InjectedIOError(i);
  s = FromRocks(target->Write(SyncedWrite(), &clear));
  if (!s.ok()) return s;
  std::vector<std::pair<int, std::string>> failed;
  for (const Handle& h : Online()) {
    Status c = ApplyOne(h, &clear, true);
    if (!c.ok()) failed.emplace_back(h.index, "clearing a stale mark failed: " + c.message());
  }
  if (!failed.empty()) MarkStaleLocked(std::move(failed));
  std::lock_guard lock(mu_);
  replicas_[i]->status = ReplicaStatus::kOnline;
  replicas_[i]->reason.clear();
  return Status::Ok();
}

void ReplicaSet::EndResync(int i, const Status& outcome) {
  std::lock_guard lock(mu_);
  Replica& r = *replicas_[i];
  r.status = r.db != nullptr ? ReplicaStatus::kStale : ReplicaStatus::kOffline;
  r.reason = "resync failed: " + outcome.message();
}

std::vector<ReplicaState> ReplicaSet::States() const {
  std::vector<ReplicaState> out;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < replicas_.size(); ++i) {
    const Replica& r = *replicas_[i];
    out.push_back(
        ReplicaState{static_cast<int>(i), r.path, r.status, r.reason, r.keys_copied.load()});
  }
  return out;
}

void ReplicaSet::SetFaultForTest(int i, bool fail_writes, bool fail_reads) {
  if (i < 0 || i >= static_cast<int>(replicas_.size())) return;
  replicas_[i]->fail_writes.store(fail_writes);
  replicas_[i]->fail_reads.store(fail_reads);
}

bool ReplicaSet::ReadFaultForTest(int i) const {
  return replicas_[i]->fail_reads.load(std::memory_order_relaxed);
}

}  // namespace cairn::storage::meta
