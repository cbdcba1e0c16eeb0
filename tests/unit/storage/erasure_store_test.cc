// OpenErasureStore: the engine over 4 drive folders (EC:2), its health and read gate, the walk
// over every blob the records name (ForEachBlob, through Heal), heals of removed and rotten
// shards, and the drive monitor refilling a wiped drive. And the heal queue.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/drives/drive_set.h"
#include "storage/erasure_set/heal_queue.h"
#include "storage/erasure_store.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::GetString;
using testing::PutString;
using testing::TempDir;
using testing::TestSource;

// Shard files of drive `dir`, by name.
std::vector<std::string> ShardNames(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(dir) / ".cairn" / "shards", ec)) {
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <typename Check>
bool WaitFor(Check check, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (int i = 0; i < 2000 && std::chrono::steady_clock::now() < deadline; ++i) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return check();
}

class ErasureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 4; ++i) dirs_.push_back(root_.path() + "/d" + std::to_string(i));
    options_.store.inline_threshold = 1024;
    options_.store.io_buffer_size = 16 << 10;
    options_.store.min_part_size = 1;
    options_.block_size = 4096;
    options_.heal.drive_check_interval = std::chrono::milliseconds(30);
    options_.heal.pause = std::chrono::milliseconds(0);
    Open();
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }

  void Open() {
    store_.reset();
    auto opened = OpenErasureStore(dirs_, options_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }

  bool AllOnline() {
    StoreHealth h = store_->Health();
    return h.Count(DriveHealthState::kOnline) == 4;
  }

  void Wipe(int drive) {
    const std::string trash = dirs_[drive] + ".trash";
    fs::rename(dirs_[drive], trash);
    fs::create_directories(dirs_[drive]);
    fs::remove_all(trash);
  }

  TempDir root_;
  std::vector<std::string> dirs_;
  ErasureStoreOptions options_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(ErasureStoreTest, ReportsTheSetAndRoundTrips) {
  StoreHealth h = store_->Health();
  ASSERT_EQ(h.drives.size(), 4u);
  EXPECT_EQ(h.data_drives, 2);
  EXPECT_EQ(h.parity_drives, 2);
  EXPECT_EQ(h.read_quorum, 2);
  EXPECT_EQ(h.write_quorum, 3);
  EXPECT_TRUE(h.CanRead());
  EXPECT_TRUE(h.CanWrite());
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(h.drives[i].path, dirs_[i]);
  for (size_t size : {size_t{0}, size_t{100}, size_t{1024}, size_t{1025}, size_t{50000}}) {
    std::string data = Bytes(size, static_cast<uint32_t>(size));
    ASSERT_TRUE(PutString(*store_, "bkt", "k" + std::to_string(size), data).ok());
    auto got = GetString(*store_, "bkt", "k" + std::to_string(size));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == data) << size;
  }
  // Only the two bodies above the inline threshold have shards, one per drive.
  for (const std::string& dir : dirs_) EXPECT_EQ(ShardNames(dir).size(), 2u) << dir;
  EXPECT_TRUE(fs::exists(dirs_[0] + "/.cairn/format.json"));
  // Reopened, everything is there.
  Open();
  auto got = GetString(*store_, "bkt", "k50000");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == Bytes(50000, 50000));
}

TEST_F(ErasureStoreTest, HealWalksVersionsPartsAndUploadsAndRebuildsShards) {
  ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "dir/a", Bytes(5000, 1)).ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "dir/a", Bytes(6000, 2)).ok());  // the old one stays
  ASSERT_TRUE(PutString(*store_, "bkt", "other", Bytes(7000, 3)).ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "tiny", "inline").ok());  // no blob
  auto upload = store_->CreateMultipartUpload("bkt", "dir/up", {});
  ASSERT_TRUE(upload.ok());
  for (int n = 1; n <= 2; ++n) {
    TestSource body(Bytes(3000, 10 + n));
    ASSERT_TRUE(store_->UploadPart("bkt", "dir/up", upload->upload_id, n, body, 3000, {}).ok());
  }
  auto all = store_->Heal({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->blobs_checked, 5u);  // two versions, another key, two parts in progress
  EXPECT_EQ(all->blobs_damaged, 0u);
  auto scoped = store_->Heal({"bkt", "dir/", false});
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->blobs_checked, 4u);
  EXPECT_EQ(store_->Heal({"nope", "", false}).status().code(), Code::kNoSuchBucket);

  // A removed shard and a rotten one (a byte flipped mid-file, length unchanged).
  const std::vector<std::string> names = ShardNames(dirs_[0]);
  ASSERT_EQ(names.size(), 5u);
  auto path_of = [&](int drive, const std::string& name) {
    return dirs_[drive] + "/.cairn/shards/" + name.substr(0, 2) + "/" + name;
  };
  auto read_file = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string removed = path_of(1, names[0]);
  const std::string removed_bytes = read_file(removed);
  fs::remove(removed);
  const std::string rotten = path_of(2, names[1]);
  const std::string rotten_bytes = read_file(rotten);
  {
    std::fstream f(rotten, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(rotten_bytes.size() / 2));
    f.put(static_cast<char>(rotten_bytes[rotten_bytes.size() / 2] ^ 0x20));
  }
  // A normal heal sees the missing shard only; a deep one the rotten one too.
  auto normal = store_->Heal({});
  ASSERT_TRUE(normal.ok());
  EXPECT_EQ(normal->blobs_damaged, 1u);
  EXPECT_EQ(normal->shards_rebuilt, 1u);
  ASSERT_EQ(normal->items.size(), 1u);
  EXPECT_EQ(normal->items[0].bucket, "bkt");
  EXPECT_EQ(normal->items[0].missing, std::vector<int>{1});
  EXPECT_EQ(read_file(removed), removed_bytes);
  auto deep = store_->Heal({"", "", true});
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(deep->blobs_damaged, 1u);
  ASSERT_EQ(deep->items.size(), 1u);
  EXPECT_EQ(deep->items[0].corrupt, std::vector<int>{2});
  EXPECT_EQ(deep->items[0].rebuilt, std::vector<int>{2});
  EXPECT_EQ(read_file(rotten), rotten_bytes);
}

TEST_F(ErasureStoreTest, AReadQueuesItsDamageForTheHealThread) {
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(20000, 7)).ok());
  const std::string name = ShardNames(dirs_[3]).at(0);
  const std::string path = dirs_[3] + "/.cairn/shards/" + name.substr(0, 2) + "/" + name;
  fs::remove(path);
  auto got = GetString(*store_, "bkt", "k");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == Bytes(20000, 7));
  EXPECT_TRUE(WaitFor([&] { return fs::exists(path); })) << "the missing shard was not healed";
}

TEST_F(ErasureStoreTest, AWipedDriveIsFormattedBackAndRefilled) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(PutString(*store_, "bkt", "k" + std::to_string(i), Bytes(9000 + i, i)).ok());
  }
  const auto names = ShardNames(dirs_[0]);
  ASSERT_EQ(names.size(), 5u);
  Wipe(1);
  ASSERT_TRUE(WaitFor([&] { return fs::exists(dirs_[1] + "/.cairn/format.json"); }));
  ASSERT_TRUE(WaitFor([&] { return AllOnline(); }));
  EXPECT_EQ(ShardNames(dirs_[1]), names);
  // Its metadata replica was rebuilt too: the drive serves on its own with the others gone
  // (as far as the blobs can: two drives are read quorum).
  Wipe(0);
  Wipe(2);
  for (int i = 0; i < 5; ++i) {
    auto got = GetString(*store_, "bkt", "k" + std::to_string(i));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == Bytes(9000 + i, i));
  }
}

TEST_F(ErasureStoreTest, BelowReadQuorumReadsAreUnavailable) {
  ASSERT_TRUE(PutString(*store_, "bkt", "inline", "tiny").ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "coded", Bytes(9000, 1)).ok());
  // Three folders gone (as unmounted drives): the monitor takes them offline.
  for (int i : {0, 1, 2}) fs::rename(dirs_[i], dirs_[i] + ".away");
  ASSERT_TRUE(WaitFor([&] { return store_->Health().Count(DriveHealthState::kOffline) == 3; }));
  EXPECT_FALSE(store_->Health().CanRead());
  EXPECT_FALSE(store_->Health().CanWrite());
  EXPECT_EQ(GetString(*store_, "bkt", "inline").status().code(), Code::kUnavailable);
  EXPECT_EQ(store_->HeadObject("bkt", "coded", "").status().code(), Code::kUnavailable);
  EXPECT_EQ(store_->ListObjects("bkt", {}).status().code(), Code::kUnavailable);
  EXPECT_EQ(PutString(*store_, "bkt", "new", Bytes(9000, 2)).status().code(), Code::kUnavailable);
  // They come back: reads serve again, and the drives are brought up to date.
  for (int i : {0, 1, 2}) fs::rename(dirs_[i] + ".away", dirs_[i]);
  ASSERT_TRUE(WaitFor([&] { return AllOnline(); }));
  auto got = GetString(*store_, "bkt", "coded");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Bytes(9000, 1));
}

TEST_F(ErasureStoreTest, OpensWithADriveOfflineAndTakesItBackWhenReplaced) {
  ASSERT_TRUE(PutString(*store_, "bkt", "before", Bytes(9000, 1)).ok());
  store_.reset();
  // Drive 4's folder is now a plain file: unreadable, so offline, and the set still serves.
  fs::remove_all(dirs_[3]);
  std::ofstream(dirs_[3]) << "not a folder";
  Open();
  StoreHealth h = store_->Health();
  EXPECT_EQ(h.drives[3].state, DriveHealthState::kOffline);
  EXPECT_EQ(h.Count(DriveHealthState::kOnline), 3);
  EXPECT_TRUE(h.CanWrite());
  auto got = GetString(*store_, "bkt", "before");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Bytes(9000, 1));
  ASSERT_TRUE(PutString(*store_, "bkt", "while-offline", Bytes(9000, 2)).ok());
  // Replaced by an empty folder: formatted into position 4 and refilled with both objects.
  fs::remove(dirs_[3]);
  fs::create_directories(dirs_[3]);
  ASSERT_TRUE(WaitFor([&] { return AllOnline(); }));
  EXPECT_EQ(ShardNames(dirs_[3]), ShardNames(dirs_[0]));
  EXPECT_EQ(ShardNames(dirs_[3]).size(), 2u);
}

TEST_F(ErasureStoreTest, OpensBelowWriteQuorumAndRefusesWritesOnly) {
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(9000, 3)).ok());
  store_.reset();
  for (int i : {2, 3}) {
    fs::remove_all(dirs_[i]);
    std::ofstream(dirs_[i]) << "not a folder";
  }
  Open();  // MinIO starts too, and answers 503 to writes
  EXPECT_FALSE(store_->Health().CanWrite());
  EXPECT_TRUE(store_->Health().CanRead());
  EXPECT_EQ(PutString(*store_, "bkt", "new", Bytes(9000, 4)).status().code(), Code::kUnavailable);
  EXPECT_EQ(PutString(*store_, "bkt", "tiny", "x").status().code(), Code::kUnavailable);
  auto got = GetString(*store_, "bkt", "k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Bytes(9000, 3));
}

TEST_F(ErasureStoreTest, TheGeometryIsTheOneTheSetWasMadeWith) {
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(30000, 9)).ok());
  store_.reset();
  // Another parity asked for is refused: the shards on the drives are EC:2.
  options_.storage_class = "EC:1";
  EXPECT_EQ(OpenErasureStore(dirs_, options_).status().code(), Code::kInvalidArgument);
  // Asked for the same, or not at all (even with another default block size): the set's own.
  options_.storage_class = "EC:2";
  options_.block_size = 8192;
  Open();
  store_.reset();
  options_.storage_class = "";
  Open();
  EXPECT_EQ(store_->Health().parity_drives, 2);
  auto got = GetString(*store_, "bkt", "k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == Bytes(30000, 9));
}

TEST_F(ErasureStoreTest, TheDeepPassFindsRotWithoutAnyRead) {
  options_.heal.deep_interval = std::chrono::milliseconds(20);
  options_.heal.deep_share = 2;  // a share per pass: the cursor must move on to reach them all
  Open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(PutString(*store_, "bkt", "k" + std::to_string(i), Bytes(8000, 40 + i)).ok());
  }
  const auto names = ShardNames(dirs_[2]);
  ASSERT_EQ(names.size(), 5u);
  std::vector<std::pair<std::string, std::string>> rotten;  // path, good bytes
  for (const std::string& name : names) {
    const std::string path = dirs_[2] + "/.cairn/shards/" + name.substr(0, 2) + "/" + name;
    std::ifstream in(path, std::ios::binary);
    std::string good(std::istreambuf_iterator<char>(in), {});
    in.close();
    std::string bad = good;
    bad[bad.size() - 10] ^= 0x01;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    rotten.emplace_back(path, good);
  }
  EXPECT_TRUE(WaitFor([&] {
    for (const auto& [path, good] : rotten) {
      std::ifstream in(path, std::ios::binary);
      if (std::string(std::istreambuf_iterator<char>(in), {}) != good) return false;
    }
    return true;
  })) << "the deep pass did not rewrite every rotten shard";
}

TEST(ErasureStoreOpenTest, RefusesBadSetsAndOneDriveCannotHeal) {
  TempDir root;
  ErasureStoreOptions options;
  EXPECT_EQ(OpenErasureStore({root.path() + "/only"}, options).status().code(),
            Code::kInvalidArgument);
  options.storage_class = "EC:3";  // more parity than data on 4 drives
  std::vector<std::string> four;
  for (int i = 1; i <= 4; ++i) four.push_back(root.path() + "/d" + std::to_string(i));
  EXPECT_EQ(OpenErasureStore(four, options).status().code(), Code::kInvalidArgument);
  // A one-drive store is not made a drive of a set.
  auto one = testing::OpenOrDie(root.path() + "/single");
  EXPECT_EQ(one->Heal({}).status().code(), Code::kNotImplemented);
  EXPECT_EQ(one->Health().drives.size(), 1u);
  EXPECT_FALSE(fs::exists(root.path() + "/single/.cairn/format.json"));
  one.reset();
  options.storage_class = "";
  EXPECT_EQ(OpenErasureStore({root.path() + "/single", four[1]}, options).status().code(),
            Code::kInvalidArgument);
}

TEST(HealQueueTest, DedupesBoundsAndCloses) {
  erasure_set::HealQueue queue(2);
  auto a = blobs::BlobId::Random();
  auto b = blobs::BlobId::Random();
  auto c = blobs::BlobId::Random();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(queue.Push(*a));
  EXPECT_TRUE(queue.Push(*a));  // already queued: once
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_TRUE(queue.Push(*b));
  EXPECT_FALSE(queue.Push(*c));  // full
  auto first = queue.Pop(std::chrono::milliseconds(0));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->Hex(), a->Hex());
  EXPECT_TRUE(queue.Push(*a));  // popped: may queue again
  queue.Close();
  EXPECT_FALSE(queue.Push(*c));
  EXPECT_FALSE(queue.Pop(std::chrono::milliseconds(1000)).has_value());
}

}  // namespace
}  // namespace cairn::storage
