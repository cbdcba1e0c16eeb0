// MetaDb::OpenReplicated: one RocksDB per drive behind the MetaDb API (docs/storage-format.md,
// "Metadata on every drive"). Replicas are compared by closing the set and opening each folder
// alone with MetaDb::Open.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include "storage/meta/meta_db.h"
#include "test_util.h"

namespace cairn::storage::meta {
namespace {

using Dump = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> Paths(const testing::TempDir& dir, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(dir.path() + "/d" + std::to_string(i) + "-meta");
  return out;
}

Dump DumpAll(const MetaDb& db) {
  Dump out;
  auto it = db.NewIterator();
  for (it->Seek(""); it->Valid(); it->Next()) out.emplace_back(it->key(), it->value());
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

// Every key of the replica at `path`, read with the set closed.
Dump DumpReplica(const std::string& path) {
  auto db = MetaDb::Open(path, MetaOptions{});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return {};
  return DumpAll(**db);
}

Dump UserKeys(Dump d) {
  std::erase_if(d, [](const auto& kv) { return !kv.first.empty() && kv.first[0] == '\0'; });
  return d;
}

std::string Value(MetaDb& db, std::string_view key) {
  std::string v;
  Status s = db.Get(key, &v);
  return s.ok() ? v : "<" + std::string(CodeName(s.code())) + ">";
}

std::vector<ReplicaStatus> Statuses(const MetaDb& db) {
  std::vector<ReplicaStatus> out;
  for (const ReplicaState& s : db.ReplicaStates()) out.push_back(s.status);
  return out;
}

constexpr auto kOn = ReplicaStatus::kOnline;
constexpr auto kStale = ReplicaStatus::kStale;
constexpr auto kOff = ReplicaStatus::kOffline;

// A little of everything MetaDb does, returning what a caller observes.
std::vector<std::string> Exercise(MetaDb& db) {
  std::vector<std::string> seen;
  seen.push_back(Value(db, "a"));
  EXPECT_TRUE(db.Put("a", "1", true).ok());
  seen.push_back(Value(db, "a"));
  WriteBatch batch;
  batch.Put("b", "2");
  batch.Put(std::string("c\0d", 3), std::string("\0", 1));
  batch.Delete("a");
  batch.AddCounters("n", {1, -2});
  EXPECT_TRUE(db.Write(batch, true).ok());
  WriteBatch more;
  more.AddCounters("n", {10, 20, 30});
  EXPECT_TRUE(db.Write(more, false).ok());
  seen.push_back(Value(db, "a"));
  auto snapshot = db.NewSnapshot();
  EXPECT_TRUE(db.Put("b", "3", false).ok());
  std::string old;
  EXPECT_TRUE(db.Get("b", &old, *snapshot).ok());
  seen.push_back(old);
  std::shared_ptr<const std::string> cached;
  EXPECT_TRUE(db.GetCached("b", &cached).ok());
  seen.push_back(*cached);
  EXPECT_TRUE(db.Delete("b", false).ok());
  EXPECT_EQ(db.GetCached("b", &cached).code(), Code::kNotFound);
  auto counters = DecodeCounters(Value(db, "n"));
  for (int64_t c : counters) seen.push_back(std::to_string(c));
  auto bounded = db.NewIterator("n");
  for (bounded->Seek("b"); bounded->Valid(); bounded->Next()) {
    seen.push_back(std::string(bounded->key()) + "=" + std::string(bounded->value()));
  }
  auto frozen = db.NewIterator("", *snapshot);
  for (frozen->Seek(""); frozen->Valid(); frozen->Next()) seen.emplace_back(frozen->key());
  return seen;
}

TEST(MetaReplicatedTest, OneReplicaBehavesAsOpen) {
  testing::TempDir dir;
  std::vector<std::string> plain_seen, replicated_seen;
  {
    auto plain = MetaDb::Open(dir.path() + "/plain", MetaOptions{});
    ASSERT_TRUE(plain.ok());
    plain_seen = Exercise(**plain);
    EXPECT_EQ(Statuses(**plain), std::vector<ReplicaStatus>{kOn});
    EXPECT_EQ((*plain)->MarkStale(0, "x").code(), Code::kInvalidArgument);
  }
  {
    auto one = MetaDb::OpenReplicated({dir.path() + "/one"}, MetaOptions{}, 1);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    replicated_seen = Exercise(**one);
    EXPECT_EQ(Statuses(**one), std::vector<ReplicaStatus>{kOn});
    // A failing write fails as it would on one database, and marks nothing.
    (*one)->SetReplicaFaultForTest(0, true, false);
    EXPECT_EQ((*one)->Put("z", "1", true).code(), Code::kIOError);
    (*one)->SetReplicaFaultForTest(0, false, false);
    EXPECT_EQ(Statuses(**one), std::vector<ReplicaStatus>{kOn});
  }
  EXPECT_EQ(plain_seen, replicated_seen);
  EXPECT_FALSE(plain_seen.empty());
  // Byte for byte the same keys: one replica stores nothing of its own.
  EXPECT_EQ(DumpReplica(dir.path() + "/plain"), DumpReplica(dir.path() + "/one"));
  // And the folder opens with Open, or again replicated.
  auto again = MetaDb::OpenReplicated({dir.path() + "/one"}, MetaOptions{}, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Value(**again, std::string("c\0d", 3)), std::string("\0", 1));
}

TEST(MetaReplicatedTest, OpenRefusesBadQuorumAndNoCurrentReplica) {
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  EXPECT_EQ(MetaDb::OpenReplicated(paths, MetaOptions{}, 0).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(MetaDb::OpenReplicated(paths, MetaOptions{}, 4).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(MetaDb::OpenReplicated({}, MetaOptions{}, 1).status().code(), Code::kInvalidArgument);
  // An empty folder beside one that does not open: maybe the data was on the lost drive.
  std::ofstream(paths[1]) << "not a database";
  EXPECT_EQ(MetaDb::OpenReplicated(paths, MetaOptions{}, 1).status().code(), Code::kUnavailable);
  // Every folder a plain file: nothing opens.
  for (const auto& p : paths) {
    std::filesystem::remove_all(p);
    std::ofstream(p) << "not a database";
  }
  EXPECT_EQ(MetaDb::OpenReplicated(paths, MetaOptions{}, 1).status().code(), Code::kUnavailable);
}

TEST(MetaReplicatedTest, EveryWriteLandsOnEveryReplica) {
  for (int n : {3, 4}) {
    SCOPED_TRACE(n);
    testing::TempDir dir;
    auto paths = Paths(dir, n);
    {
      auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, n - 1);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      EXPECT_EQ(Statuses(**db), std::vector<ReplicaStatus>(n, kOn));
      for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE((*db)->Put("k/" + std::to_string(i), std::string(i, 'x'), i % 2 == 0).ok());
      }
      ASSERT_TRUE((*db)->Delete("k/7", true).ok());
      WriteBatch batch;
      batch.Put("b", "batch");
      batch.Delete("k/8");
      batch.AddCounters("c", {3, 4});
      ASSERT_TRUE((*db)->Write(batch, true).ok());
      Dump seen = DumpAll(**db);
      EXPECT_EQ(UserKeys(seen).size(), 50u);
    }
    Dump first = DumpReplica(paths[0]);
    EXPECT_EQ(UserKeys(first).size(), 50u);  // 50 puts - 2 deletes + "b" + "c"
    for (int i = 1; i < n; ++i) EXPECT_EQ(DumpReplica(paths[i]), first) << "replica " << i;
  }
}

TEST(MetaReplicatedTest, FailingReplicaIsStaleWritesNeedQuorum) {
  testing::TempDir dir;
  auto paths = Paths(dir, 4);
  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 3);
  ASSERT_TRUE(opened.ok());
  MetaDb& db = **opened;
  ASSERT_TRUE(db.Put("a", "1", true).ok());

  db.SetReplicaFaultForTest(1, true, false);
  ASSERT_TRUE(db.Put("b", "2", true).ok());  // 3 of 4 applied: quorum
  EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kOn, kStale, kOn, kOn}));
  EXPECT_NE(db.ReplicaStates()[1].reason.find("write failed"), std::string::npos);
  db.SetReplicaFaultForTest(1, false, false);  // the drive is back, but stays stale
  ASSERT_TRUE(db.Put("c", "3", true).ok());
  EXPECT_EQ(Statuses(db)[1], kStale);

  // Two more fail at once: applied on 1 of the 3 needed, so the write fails, and they are
  // stale too. What the one replica applied stays readable (a crash before the reply).
  db.SetReplicaFaultForTest(2, true, false);
  db.SetReplicaFaultForTest(3, true, false);
  EXPECT_EQ(db.Put("d", "4", true).code(), Code::kUnavailable);
  EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kOn, kStale, kStale, kStale}));
  EXPECT_EQ(Value(db, "d"), "4");
  // Below quorum, writes are refused before any replica is touched; reads go on.
  EXPECT_EQ(db.Put("e", "5", true).code(), Code::kUnavailable);
  EXPECT_EQ(db.Delete("a", true).code(), Code::kUnavailable);
  EXPECT_EQ(Value(db, "e"), "<NotFound>");
  EXPECT_EQ(Value(db, "a"), "1");

  // Everything failing at once leaves the replicas agreeing: an error, nobody marked.
  testing::TempDir dir2;
  auto three = MetaDb::OpenReplicated(Paths(dir2, 3), MetaOptions{}, 2);
  ASSERT_TRUE(three.ok());
  for (int i = 0; i < 3; ++i) (*three)->SetReplicaFaultForTest(i, true, false);
  EXPECT_EQ((*three)->Put("x", "1", true).code(), Code::kIOError);
  EXPECT_EQ(Statuses(**three), std::vector<ReplicaStatus>(3, kOn));
}

TEST(MetaReplicatedTest, ReadsMoveToTheNextReplicaWhenThePrimaryFails) {
  testing::TempDir dir;
  auto opened = MetaDb::OpenReplicated(Paths(dir, 3), MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok());
  MetaDb& db = **opened;
  ASSERT_TRUE(db.Put("k", "v", true).ok());
  ASSERT_TRUE(db.Put("l", "w", true).ok());

  db.SetReplicaFaultForTest(0, false, true);
  EXPECT_EQ(Value(db, "k"), "v");  // retried on replica 1
  EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kStale, kOn, kOn}));
  EXPECT_NE(db.ReplicaStates()[0].reason.find("read failed"), std::string::npos);
  EXPECT_EQ(UserKeys(DumpAll(db)).size(), 2u);

  // Replica 1 fails an iterator open: the next one serves it.
  db.SetReplicaFaultForTest(1, false, true);
  EXPECT_EQ(UserKeys(DumpAll(db)).size(), 2u);
  EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kStale, kStale, kOn}));
  // Write quorum (2) is gone with two stale; reads still work from the last one.
  EXPECT_EQ(db.Put("m", "x", true).code(), Code::kUnavailable);
  EXPECT_EQ(Value(db, "l"), "w");
  db.SetReplicaFaultForTest(2, false, true);
  EXPECT_EQ(Value(db, "k"), "<Unavailable>");
  EXPECT_FALSE(db.NewIterator()->status().ok());
  std::string v;
  EXPECT_EQ(db.Get("k", &v, *db.NewSnapshot()).code(), Code::kUnavailable);
}

TEST(MetaReplicatedTest, StaleMarkSurvivesRestartAndResyncUnderWritesMakesReplicasEqual) {
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  constexpr int kKeys = 20000;
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
    ASSERT_TRUE(db.ok());
    for (int base = 0; base < kKeys; base += 1000) {
      WriteBatch batch;
      for (int i = base; i < base + 1000; ++i) {
        batch.Put("k/" + std::to_string(i), "v" + std::to_string(i));
      }
      batch.AddCounters("c/bucket", {1000, 1});
      ASSERT_TRUE((*db)->Write(batch, false).ok());
    }
    // Replica 0, the primary, misses the writes from here on.
    (*db)->SetReplicaFaultForTest(0, true, false);
    ASSERT_TRUE((*db)->Put("late", "only on 1 and 2", true).ok());
    ASSERT_TRUE((*db)->Delete("k/5", true).ok());
    EXPECT_EQ(Statuses(**db), (std::vector<ReplicaStatus>{kStale, kOn, kOn}));
  }
  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetaDb& db = **opened;
  EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kStale, kOn, kOn}));
  EXPECT_NE(db.ReplicaStates()[0].reason.find("write failed"), std::string::npos);
  // Replica 0 is not read: it has neither the late key nor the delete.
  EXPECT_EQ(Value(db, "late"), "only on 1 and 2");
  EXPECT_EQ(Value(db, "k/5"), "<NotFound>");

  // A writer runs through the resync: puts, deletes (of copied and of new keys), counters.
  std::atomic<int> done{0};
  std::atomic<bool> writer_ok{true};
  constexpr int kWrites = 5000;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      WriteBatch batch;
      batch.Put("w/" + std::to_string(i % 700), std::to_string(i));
      if (i % 7 == 0) batch.Delete("w/" + std::to_string((i * 3) % 700));
      if (i % 5 == 0) batch.Delete("k/" + std::to_string(i));
      batch.AddCounters("c/bucket", {1, 0, 2});
      if (!db.Write(batch, i % 50 == 0).ok()) writer_ok = false;
      done.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  while (done.load() < 100 && std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int before = done.load();
  Status resynced = db.ResyncReplica(0, ResyncOptions{500, std::chrono::microseconds(2000)});
  const int after = done.load();
  writer.join();
  ASSERT_TRUE(resynced.ok()) << resynced.ToString();
  EXPECT_TRUE(writer_ok.load());
  EXPECT_GT(after, before) << "no write ran during the resync";
  EXPECT_EQ(Statuses(db), std::vector<ReplicaStatus>(3, kOn));
  EXPECT_GE(db.ReplicaStates()[0].keys_copied, static_cast<uint64_t>(kKeys));
  // Replica 0 is primary again and current: it holds what the others hold.
  EXPECT_EQ(Value(db, "late"), "only on 1 and 2");
  EXPECT_EQ(Value(db, "w/699"), std::to_string(4899));
  opened->reset();

  Dump first = DumpReplica(paths[0]);
  EXPECT_EQ(DumpReplica(paths[1]), first);
  EXPECT_EQ(DumpReplica(paths[2]), first);
  bool saw_counter = false;
  for (const auto& [key, value] : first) {
    EXPECT_NE(key.rfind(std::string("\0meta/stale/", 12), 0), 0u) << "stale mark left behind";
    if (key == "c/bucket") {
      saw_counter = true;
      EXPECT_EQ(DecodeCounters(value),
                (std::vector<int64_t>{kKeys + kWrites, kKeys / 1000, 2 * kWrites}));
    }
  }
  EXPECT_TRUE(saw_counter);
  // And a restart finds all three current.
  auto again = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Statuses(**again), std::vector<ReplicaStatus>(3, kOn));
}

TEST(MetaReplicatedTest, EmptiedFolderIsStaleAndResyncs) {
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
    ASSERT_TRUE(db.ok());
    for (int i = 0; i < 300; ++i)
      ASSERT_TRUE((*db)->Put("k/" + std::to_string(i), "v", false).ok());
    WriteBatch batch;
    batch.AddCounters("c/b", {7});
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }
  // Drive 2 replaced by an empty one; drive 1's folder cannot be opened at all.
  std::filesystem::remove_all(paths[2]);
  std::filesystem::create_directory(paths[2]);
  std::filesystem::remove_all(paths[1]);
  std::ofstream(paths[1]) << "a file where the database folder was";
  {
    auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    MetaDb& db = **opened;
    EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kOn, kOff, kStale}));
    EXPECT_NE(db.ReplicaStates()[2].reason.find("empty"), std::string::npos);
    EXPECT_EQ(db.Put("x", "1", true).code(), Code::kUnavailable);   // one current, quorum 2
    EXPECT_EQ(db.ResyncReplica(0).code(), Code::kInvalidArgument);  // current already
    EXPECT_FALSE(db.ResyncReplica(1).ok());                         // still a file
    EXPECT_EQ(Statuses(db)[1], kOff);
    ASSERT_TRUE(db.ResyncReplica(2).ok());
    EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kOn, kOff, kOn}));
    ASSERT_TRUE(db.Put("x", "1", true).ok());  // quorum is back
  }
  EXPECT_EQ(DumpReplica(paths[2]), DumpReplica(paths[0]));
  EXPECT_EQ(DecodeCounters(Value(**MetaDb::Open(paths[2], MetaOptions{}), "c/b")),
            std::vector<int64_t>{7});
  // The offline drive is recorded: once its folder is back (empty) it is stale, not current.
  std::filesystem::remove(paths[1]);
  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Statuses(**opened), (std::vector<ReplicaStatus>{kOn, kStale, kOn}));
  ASSERT_TRUE((*opened)->ResyncReplica(1).ok());
  EXPECT_EQ(Statuses(**opened), std::vector<ReplicaStatus>(3, kOn));
}

TEST(MetaReplicatedTest, ReplicaThatMissedWritesWithoutAMarkIsBehind) {
  // As after a crash between a write and the stale mark it would have caused: drive 2 was not
  // in the set while two others took writes, and holds no mark.
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 3);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put("a", "1", true).ok());
  }
  {
    auto two = MetaDb::OpenReplicated({paths[0], paths[1]}, MetaOptions{}, 2);
    ASSERT_TRUE(two.ok());
    ASSERT_TRUE((*two)->Put("a", "2", true).ok());
  }
  auto opened = MetaDb::OpenReplicated({paths[2], paths[0], paths[1]}, MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Statuses(**opened), (std::vector<ReplicaStatus>{kStale, kOn, kOn}));
  EXPECT_NE((*opened)->ReplicaStates()[0].reason.find("behind"), std::string::npos);
  EXPECT_EQ(Value(**opened, "a"), "2");
}

TEST(MetaReplicatedTest, MarkStaleIsDurableAndFailedResyncLeavesItStale) {
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
    ASSERT_TRUE(db.ok());
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE((*db)->Put("k/" + std::to_string(i), "v", false).ok());
    ASSERT_TRUE((*db)->MarkStale(1, "drive monitor: I/O errors").ok());
    EXPECT_EQ((*db)->MarkStale(3, "no such").code(), Code::kInvalidArgument);
    // The drive dies again during its resync: it stays stale.
    (*db)->SetReplicaFaultForTest(1, true, false);
    EXPECT_FALSE((*db)->ResyncReplica(1, ResyncOptions{10, std::chrono::microseconds(0)}).ok());
    EXPECT_EQ(Statuses(**db), (std::vector<ReplicaStatus>{kOn, kStale, kOn}));
    EXPECT_NE((*db)->ReplicaStates()[1].reason.find("resync failed"), std::string::npos);
  }
  for (int restart = 0; restart < 2; ++restart) {  // the mark is kept as it was written
    auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(Statuses(**opened), (std::vector<ReplicaStatus>{kOn, kStale, kOn}));
    EXPECT_EQ((*opened)->ReplicaStates()[1].reason, "drive monitor: I/O errors");
  }
  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE((*opened)->ResyncReplica(1).ok());
  opened->reset();
  EXPECT_EQ(DumpReplica(paths[1]), DumpReplica(paths[0]));
  EXPECT_EQ(DumpReplica(paths[2]), DumpReplica(paths[0]));
}

TEST(MetaReplicatedTest, ConcurrentSyncedWritersAgreeOnEveryReplica) {
  // Synced batches go to the replicas in parallel; several writers at once must leave every
  // replica with the same keys and counters.
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 3);
    ASSERT_TRUE(db.ok());
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 150; ++i) {
          WriteBatch batch;
          batch.Put("k/" + std::to_string(t) + "/" + std::to_string(i), std::string(i, 'v'));
          if (i % 3 == 0) batch.Delete("k/" + std::to_string(t) + "/" + std::to_string(i / 2));
          batch.AddCounters("c/shared", {1, t});
          if (!(*db)->Write(batch, i % 4 != 3).ok()) failures.fetch_add(1);
        }
      });
    }
    for (auto& w : writers) w.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(DecodeCounters(Value(**db, "c/shared")), (std::vector<int64_t>{600, 150 * 6}));
  }
  Dump first = DumpReplica(paths[0]);
  EXPECT_GT(first.size(), 400u);
  EXPECT_EQ(DumpReplica(paths[1]), first);
  EXPECT_EQ(DumpReplica(paths[2]), first);
}

TEST(MetaReplicatedTest, SingleDriveStoreBecomesTheSourceOfNewReplicas) {
  // Today's one-drive index, opened with two new drives: they are empty, hence stale, and are
  // filled from it. A failed attempt before (the old drive missing) left databases in the new
  // folders; without a key they still count as empty.
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  std::filesystem::create_directory(dir.path() + "/elsewhere");
  {
    auto plain = MetaDb::Open(paths[0], MetaOptions{});
    ASSERT_TRUE(plain.ok());
    ASSERT_TRUE((*plain)->Put("m/format", "cairn-2", true).ok());
    WriteBatch batch;
    batch.AddCounters("c/b", {2, 2});
    ASSERT_TRUE((*plain)->Write(batch, true).ok());
  }
  std::filesystem::rename(paths[0], dir.path() + "/elsewhere/meta");
  std::ofstream(paths[0]) << "the drive is not mounted";
  EXPECT_EQ(MetaDb::OpenReplicated(paths, MetaOptions{}, 2).status().code(), Code::kUnavailable);
  std::filesystem::remove(paths[0]);
  std::filesystem::rename(dir.path() + "/elsewhere/meta", paths[0]);

  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(Statuses(**opened), (std::vector<ReplicaStatus>{kOn, kStale, kStale}));
  EXPECT_EQ(Value(**opened, "m/format"), "cairn-2");
  ASSERT_TRUE((*opened)->ResyncReplica(1).ok());
  ASSERT_TRUE((*opened)->ResyncReplica(2).ok());
  WriteBatch more;
  more.AddCounters("c/b", {1, 1});
  ASSERT_TRUE((*opened)->Write(more, true).ok());
  opened->reset();
  Dump first = DumpReplica(paths[0]);
  EXPECT_EQ(DumpReplica(paths[1]), first);
  EXPECT_EQ(DumpReplica(paths[2]), first);
  EXPECT_EQ(DecodeCounters(Value(**MetaDb::Open(paths[2], MetaOptions{}), "c/b")),
            (std::vector<int64_t>{3, 3}));
}

TEST(MetaReplicatedTest, OldMarksOnAStaleReplicaDoNotOutvoteAResync) {
  // Replica 0 holds a mark naming replica 1, then goes stale itself; 1 is resynced (0 misses the
  // clearing). At the next start 0's old mark must not make 1 stale again.
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put("k", "v", true).ok());
    ASSERT_TRUE((*db)->MarkStale(1, "first").ok());
    ASSERT_TRUE((*db)->MarkStale(0, "second").ok());
    ASSERT_TRUE((*db)->ResyncReplica(1).ok());
    EXPECT_EQ(Statuses(**db), (std::vector<ReplicaStatus>{kStale, kOn, kOn}));
  }
  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 2);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Statuses(**opened), (std::vector<ReplicaStatus>{kStale, kOn, kOn}));
  EXPECT_EQ((*opened)->ReplicaStates()[0].reason, "second");
  EXPECT_EQ(Value(**opened, "k"), "v");
}

TEST(MetaReplicatedTest, ResyncFailsWhenItsSourceFailsAndWorksFromTheNext) {
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 1);
    ASSERT_TRUE(opened.ok());
    MetaDb& db = **opened;
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(db.Put("k/" + std::to_string(i), "v", false).ok());
    ASSERT_TRUE(db.MarkStale(2, "replaced").ok());
    db.SetReplicaFaultForTest(0, false, true);  // the primary's reads fail during the copy
    EXPECT_FALSE(db.ResyncReplica(2, ResyncOptions{10, std::chrono::microseconds(0)}).ok());
    EXPECT_EQ(Statuses(db), (std::vector<ReplicaStatus>{kStale, kOn, kStale}));
    db.SetReplicaFaultForTest(0, false, false);
    ASSERT_TRUE(db.ResyncReplica(2).ok());  // from replica 1
    ASSERT_TRUE(db.Put("after", "x", true).ok());
    ASSERT_TRUE(db.ResyncReplica(0).ok());
    EXPECT_EQ(Statuses(db), std::vector<ReplicaStatus>(3, kOn));
  }
  Dump first = DumpReplica(paths[0]);
  EXPECT_EQ(UserKeys(first).size(), 51u);
  EXPECT_EQ(DumpReplica(paths[1]), first);
  EXPECT_EQ(DumpReplica(paths[2]), first);
}

TEST(MetaReplicatedTest, ResyncUnderSeveralWritersSyncedAndNot) {
  // Four replicas, one resyncing while three writers (synced, unsynced, mixed) share keys.
  testing::TempDir dir;
  auto paths = Paths(dir, 4);
  auto opened = MetaDb::OpenReplicated(paths, MetaOptions{}, 3);
  ASSERT_TRUE(opened.ok());
  MetaDb& db = **opened;
  for (int base = 0; base < 8000; base += 500) {
    WriteBatch batch;
    for (int i = base; i < base + 500; ++i) batch.Put("k/" + std::to_string(i), "v");
    ASSERT_TRUE(db.Write(batch, false).ok());
  }
  ASSERT_TRUE(db.MarkStale(3, "replaced").ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 1500; ++i) {
        WriteBatch batch;
        batch.Put("s/" + std::to_string(i % 300), std::to_string(t) + ":" + std::to_string(i));
        batch.Delete("k/" + std::to_string((i * 7 + t) % 8000));
        batch.AddCounters("c/all", {1});
        const bool sync = t == 0 || (t == 2 && i % 2 == 0);
        if (!db.Write(batch, sync).ok()) failures.fetch_add(1);
      }
    });
  }
  Status resynced = db.ResyncReplica(3, ResyncOptions{200, std::chrono::microseconds(500)});
  for (auto& w : writers) w.join();
  ASSERT_TRUE(resynced.ok()) << resynced.ToString();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Statuses(db), std::vector<ReplicaStatus>(4, kOn));
  EXPECT_EQ(DecodeCounters(Value(db, "c/all")), std::vector<int64_t>{4500});
  opened->reset();
  Dump first = DumpReplica(paths[0]);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(DumpReplica(paths[i]), first) << "replica " << i;
}

TEST(MetaReplicatedTest, ConcurrentWritesOfOneKeyLeaveOneValueOnEveryReplica) {
  // Two batches writing one key at once must land in the same order on every replica.
  testing::TempDir dir;
  auto paths = Paths(dir, 3);
  {
    auto db = MetaDb::OpenReplicated(paths, MetaOptions{}, 3);
    ASSERT_TRUE(db.ok());
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 2500; ++i) {
          const std::string key = "same/" + std::to_string(i % 8);
          const std::string value = std::to_string(t) + ":" + std::to_string(i);
          if (!(*db)->Put(key, value, t == 3 && i % 10 == 0).ok()) ADD_FAILURE();
        }
      });
    }
    for (auto& w : writers) w.join();
  }
  Dump first = DumpReplica(paths[0]);
  EXPECT_EQ(UserKeys(first).size(), 8u);
  EXPECT_EQ(DumpReplica(paths[1]), first);
  EXPECT_EQ(DumpReplica(paths[2]), first);
}

}  // namespace
}  // namespace cairn::storage::meta
