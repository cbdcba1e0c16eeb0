// ErasureBlobStore beyond the conformance suite: lost and rotten shards, drives offline at
// write time or failing mid-write, write quorum, foreign shards, healing.
#include "storage/erasure_blobs/erasure_blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "storage/erasure/heal.h"
#include "storage/erasure_blobs/shard_files.h"
#include "test_util.h"

namespace cairn::storage::erasure_blobs {
namespace {

using blobs::Blob;
using blobs::BlobId;

constexpr uint64_t kBlock = 64 << 10;

// Env::Default() with drives that can be made to fail: every write to a file under a failing
// prefix is kIOError from then on (a disk pulled mid-write).
class FaultyEnv final : public platform::Env {
 public:
  void Fail(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_.insert(prefix);
  }
  // Files under `prefix` are still created, but every write to them fails.
  void FailWrites(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_writes_.insert(prefix);
  }
  bool Failing(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return Under(failing_, path);
  }
  bool FailingWrites(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return Under(failing_, path) || Under(failing_writes_, path);
  }
  static bool Under(const std::set<std::string>& prefixes, const std::string& path) {
    for (const auto& p : prefixes) {
      if (path.compare(0, p.size(), p) == 0) return true;
    }
    return false;
  }

  Result<std::unique_ptr<platform::WritableFile>> NewWritableFile(
      const std::string& path) override {
    if (Failing(path)) return Status(Code::kIOError, "injected: " + path);
    CAIRN_ASSIGN_OR_RETURN(auto file, base_->NewWritableFile(path));
    return std::unique_ptr<platform::WritableFile>(new File(this, path, std::move(file)));
  }
  Result<std::unique_ptr<platform::RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    return base_->NewRandomAccessFile(path);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    if (Failing(from)) return Status(Code::kIOError, "injected: " + from);
    return base_->RenameFile(from, to);
  }
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status CreateDirs(const std::string& path) override { return base_->CreateDirs(path); }
  Status SyncDir(const std::string& path) override { return base_->SyncDir(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_->ListDir(dir);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    return base_->GetFileSize(path);
  }
  Result<platform::DiskSpace> GetDiskSpace(const std::string& path) override {
    return base_->GetDiskSpace(path);
  }

 private:
  class File final : public platform::WritableFile {
   public:
    File(FaultyEnv* env, std::string path, std::unique_ptr<platform::WritableFile> file)
        : env_(env), path_(std::move(path)), file_(std::move(file)) {}
    Status Append(const char* data, size_t n) override {
      if (env_->FailingWrites(path_)) return Status(Code::kIOError, "injected write error");
      return file_->Append(data, n);
    }
    Status Sync() override {
      if (env_->FailingWrites(path_)) return Status(Code::kIOError, "injected sync error");
      return file_->Sync();
    }
    Status Close() override { return file_->Close(); }

   private:
    FaultyEnv* env_;
    std::string path_;
    std::unique_ptr<platform::WritableFile> file_;
  };

  platform::Env* base_ = platform::Env::Default();
  std::mutex mu_;
  std::set<std::string> failing_;         // guarded by mu_
  std::set<std::string> failing_writes_;  // guarded by mu_
};

struct Geometry {
  int drives;
  int parity;
};

class ErasureBlobStoreTest : public ::testing::TestWithParam<Geometry> {
 protected:
  void SetUp() override {
    for (int i = 0; i < drives(); ++i) roots_.push_back(dir_.path() + "/drive" + std::to_string(i));
    Reopen(std::vector<std::optional<std::string>>(roots_.begin(), roots_.end()));
  }

  void Reopen(std::vector<std::optional<std::string>> roots) {
    store_.reset();
    erasure::ErasureParams geometry;
    geometry.data = drives() - parity();
    geometry.parity = parity();
    geometry.block_size = kBlock;
    ErasureBlobStoreOptions options;
    options.on_damage = [this](const BlobId&) { ++damage_; };
    auto store = ErasureBlobStore::Open(&env_, std::move(roots), geometry, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  int drives() const { return GetParam().drives; }
  int parity() const { return GetParam().parity; }
  int data() const { return drives() - parity(); }

  Result<BlobId> TryPut(const std::string& body) {
    CAIRN_ASSIGN_OR_RETURN(auto writer, store_->Create());
    for (size_t at = 0; at < body.size(); at += 100003) {
      CAIRN_RETURN_IF_ERROR(
          writer->Append(body.data() + at, std::min<size_t>(100003, body.size() - at)));
    }
    CAIRN_RETURN_IF_ERROR(writer->Finish());
    CAIRN_RETURN_IF_ERROR(store_->Publish(*writer));
    return writer->id();
  }

  BlobId Put(const std::string& body) {
    auto id = TryPut(body);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : BlobId{};
  }

  // Bytes [offset, offset + length) through a range stream, or its error.
  Result<std::string> Read(const BlobId& id, uint64_t offset, uint64_t length) {
    CAIRN_ASSIGN_OR_RETURN(auto blob, store_->Open(id));
    CAIRN_ASSIGN_OR_RETURN(auto source, Blob::OpenRange(blob, offset, length));
    return testing::Drain(*source);
  }

  // The whole body, a few random ranges through streams and through ReadAt all match.
  void ExpectReadsBack(const BlobId& id, const std::string& body) {
    auto all = Read(id, 0, body.size());
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    ASSERT_EQ(all->size(), body.size());
    EXPECT_TRUE(*all == body);
    if (body.empty()) return;
    std::mt19937 rng(static_cast<uint32_t>(body.size()));
    auto blob = store_->Open(id);
    ASSERT_TRUE(blob.ok());
    for (int i = 0; i < 6; ++i) {
      uint64_t offset = rng() % body.size();
      uint64_t length = rng() % (body.size() - offset + 1);
      auto part = Read(id, offset, length);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      EXPECT_TRUE(*part == body.substr(offset, length)) << offset << "+" << length;
      std::string buf(std::min<uint64_t>(length, 70000), '\0');
      if (buf.empty()) continue;
      auto got = (*blob)->ReadAt(offset, buf.size(), buf.data());
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_GT(*got, 0u);
      EXPECT_TRUE(buf.substr(0, *got) == body.substr(offset, *got));
    }
  }

  std::string ShardPath(const BlobId& id, int drive) const {
    return erasure_blobs::ShardPath(roots_[drive], id.Hex());
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  static void FlipByte(const std::string& path, uint64_t offset) {
    std::string bytes = ReadFile(path);
    ASSERT_LT(offset, bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x5a);
    WriteFile(path, bytes);
  }
  static ino_t Inode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_ino;
  }

  // Every shard present, and every block of every one passes its hash.
  void ExpectVerifiedClean(const BlobId& id) {
    erasure::ErasureParams params = store_->geometry();
    params.stream_id = id.bytes;
    std::vector<std::unique_ptr<FileShardSource>> owned;
    std::vector<erasure::ShardSource*> sources;
    uint64_t size = 0;
    for (int i = 0; i < drives(); ++i) {
      OpenedShard shard = OpenShard(&env_, roots_[i], params, i);
      ASSERT_EQ(shard.state, ShardState::kGood) << i << ": " << shard.why;
      size = shard.object_size;
      owned.push_back(std::move(shard.source));
      sources.push_back(owned.back().get());
    }
    auto report = erasure::VerifyShards(params, size, sources);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->healthy());
  }

  testing::TempDir dir_;
  FaultyEnv env_;
  std::vector<std::string> roots_;
  std::atomic<int> damage_{0};
  std::unique_ptr<ErasureBlobStore> store_;
};

std::vector<uint64_t> Sizes() { return {0, 1, (1 << 20) + 1, (3 << 20) + 17}; }

TEST_P(ErasureBlobStoreTest, LosingUpToParityShardFilesLosesNoByte) {
  for (uint64_t size : Sizes()) {
    SCOPED_TRACE(size);
    std::string body = testing::Bytes(size, static_cast<uint32_t>(size) + 3);
    damage_ = 0;
    BlobId id = Put(body);
    ExpectReadsBack(id, body);
    EXPECT_EQ(damage_.load(), 0);
    // Data shards first: every block has to be rebuilt from parity.
    for (int lost = 1; lost <= parity(); ++lost) {
      ASSERT_EQ(std::remove(ShardPath(id, lost - 1).c_str()), 0);
      damage_ = 0;
      ExpectReadsBack(id, body);
      EXPECT_GT(damage_.load(), 0);
    }
    ASSERT_EQ(std::remove(ShardPath(id, parity()).c_str()), 0);
    EXPECT_EQ(store_->Open(id).status().code(), Code::kUnavailable);
    // Healing needs read quorum too; removing what is left is still possible.
    EXPECT_EQ(store_->Heal(id, HealMode::kNormal).status().code(), Code::kUnavailable);
    EXPECT_TRUE(store_->Remove(id).ok());
    EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
    EXPECT_EQ(store_->Remove(id).code(), Code::kNotFound);
  }
}

TEST_P(ErasureBlobStoreTest, WipedDriveFoldersAreMissingShardsAndRefilledByHeal) {
  std::string body = testing::Bytes((1 << 20) + 1, 5);
  BlobId id = Put(body);
  std::string empty;
  BlobId empty_id = Put(empty);
  for (int i = drives() - parity(); i < drives(); ++i) {
    std::filesystem::remove_all(roots_[i]);
    std::filesystem::create_directories(roots_[i]);  // a replaced, empty disk
  }
  ExpectReadsBack(id, body);
  ExpectReadsBack(empty_id, empty);
  EXPECT_GT(damage_.load(), 0);
  for (int i = drives() - parity(); i < drives(); ++i) {
    ASSERT_TRUE(store_->SetDriveRoot(i, roots_[i]).ok());
  }
  for (const BlobId& blob : {id, empty_id}) {
    auto report = store_->Heal(blob, HealMode::kNormal);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    std::vector<int> wiped;
    for (int i = drives() - parity(); i < drives(); ++i) wiped.push_back(i);
    EXPECT_EQ(report->missing, wiped);
    EXPECT_EQ(report->rebuilt, wiped);
    EXPECT_TRUE(report->corrupt.empty());
    ExpectVerifiedClean(blob);
  }
  // With the refilled drives the blob survives losing every other drive's shard but data.
  for (int i = 0; i < parity(); ++i) std::filesystem::remove_all(roots_[i]);
  ExpectReadsBack(id, body);
}

TEST_P(ErasureBlobStoreTest, ADriveWipedWhileOnlineIsRefilledWithoutBeingSetAgain) {
  std::string body = testing::Bytes(300000, 12);
  BlobId id = Put(body);
  std::filesystem::remove_all(roots_[2]);  // no shards/, no tmp/: the store was not told
  ExpectReadsBack(id, body);
  auto report = store_->Heal(id, HealMode::kNormal);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->missing, std::vector<int>{2});
  EXPECT_EQ(report->rebuilt, std::vector<int>{2});
  ExpectVerifiedClean(id);
}

TEST_P(ErasureBlobStoreTest, ADriveRefusingItsRebuiltShardDoesNotStopTheOthersHealing) {
  std::string body = testing::Bytes((1 << 20) + 1, 13);
  BlobId id = Put(body);
  // Shards 0 and 2 lost, and with parity 3 shard 1 too (healable).
  std::vector<int> lost = {0, 2};
  if (parity() >= 3) lost = {0, 1, 2};
  for (int i : lost) ASSERT_EQ(std::remove(ShardPath(id, i).c_str()), 0);
  env_.Fail(roots_[0] + "/");        // refuses the new file
  env_.FailWrites(roots_[2] + "/");  // takes it, then fails writing it
  auto report = store_->Heal(id, HealMode::kNormal);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->missing, lost);
  EXPECT_EQ(report->rebuilt, parity() >= 3 ? std::vector<int>{1} : std::vector<int>{});
  EXPECT_FALSE(std::filesystem::exists(ShardPath(id, 0)));
  EXPECT_FALSE(std::filesystem::exists(ShardPath(id, 2)));
  EXPECT_TRUE(std::filesystem::is_empty(roots_[0] + "/tmp"));
  EXPECT_TRUE(std::filesystem::is_empty(roots_[2] + "/tmp"));
  ExpectReadsBack(id, body);
}

TEST_P(ErasureBlobStoreTest, RottenShardsReadRightAndDeepHealRewritesExactlyThem) {
  for (uint64_t size : {uint64_t{1}, uint64_t{(1 << 20) + 1}, uint64_t{(3 << 20) + 17}}) {
    SCOPED_TRACE(size);
    std::string body = testing::Bytes(size, 11);
    BlobId id = Put(body);
    std::vector<std::string> original;
    std::vector<ino_t> inodes;
    for (int i = 0; i < drives(); ++i) {
      original.push_back(ReadFile(ShardPath(id, i)));
      inodes.push_back(Inode(ShardPath(id, i)));
    }
    // The first payload byte of block (i mod blocks) of each of the first `parity` shards.
    erasure::ErasureParams params = store_->geometry();
    const uint64_t blocks = erasure::LayoutOf(params).BlockCount(size);
    for (int i = 0; i < parity(); ++i) {
      FlipByte(ShardPath(id, i), erasure::ShardFileOffsetOf(params, i % blocks) +
                                     erasure::BitrotHashSize(params.algorithm));
    }
    damage_ = 0;
    ExpectReadsBack(id, body);
    EXPECT_GT(damage_.load(), 0);

    // A normal heal checks headers, footers and lengths only: rot inside blocks is not seen.
    auto normal = store_->Heal(id, HealMode::kNormal);
    ASSERT_TRUE(normal.ok()) << normal.status().ToString();
    EXPECT_TRUE(normal->rebuilt.empty());
    auto deep = store_->Heal(id, HealMode::kDeep);
    ASSERT_TRUE(deep.ok()) << deep.status().ToString();
    std::vector<int> rotten;
    for (int i = 0; i < parity(); ++i) rotten.push_back(i);
    EXPECT_EQ(deep->corrupt, rotten);
    EXPECT_EQ(deep->rebuilt, rotten);
    EXPECT_TRUE(deep->missing.empty());
    for (int i = 0; i < drives(); ++i) {
      EXPECT_TRUE(ReadFile(ShardPath(id, i)) == original[i]) << "shard " << i;
      if (i >= parity()) {
        EXPECT_EQ(Inode(ShardPath(id, i)), inodes[i]) << "rewrote " << i;
      }
    }
    ExpectVerifiedClean(id);
    auto again = store_->Heal(id, HealMode::kDeep);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->healthy());
    EXPECT_TRUE(again->rebuilt.empty());
  }
}

TEST_P(ErasureBlobStoreTest, RotBeyondParityInOneBlockIsAnErrorNeverWrongBytes) {
  std::string body = testing::Bytes(3 * kBlock, 2);
  BlobId id = Put(body);
  // Block 1 of parity + 1 shards.
  erasure::ErasureParams params = store_->geometry();
  uint64_t block1 = erasure::ShardFileOffsetOf(params, 1) + 32;
  for (int i = 0; i <= parity(); ++i) FlipByte(ShardPath(id, i), block1);
  // Block 0 still reads; the whole body and block 1 do not.
  auto first = Read(id, 0, kBlock);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first == body.substr(0, kBlock));
  EXPECT_EQ(Read(id, 0, body.size()).status().code(), Code::kUnavailable);
  EXPECT_EQ(Read(id, kBlock + 5, 10).status().code(), Code::kUnavailable);
  auto blob = store_->Open(id);
  ASSERT_TRUE(blob.ok());
  std::string buf(100, '\0');
  EXPECT_EQ((*blob)->ReadAt(kBlock + 5, buf.size(), buf.data()).status().code(),
            Code::kUnavailable);
  EXPECT_GT(damage_.load(), 0);
  EXPECT_EQ(store_->Heal(id, HealMode::kDeep).status().code(), Code::kUnavailable);
}

TEST_P(ErasureBlobStoreTest, ADriveOfflineAtWriteTimeIsHealedWhenItReturns) {
  std::vector<std::optional<std::string>> roots(roots_.begin(), roots_.end());
  roots[1] = std::nullopt;
  Reopen(roots);
  std::string body = testing::Bytes((1 << 20) + 1, 8);
  BlobId id = Put(body);
  EXPECT_EQ(damage_.load(), 1);  // reported at publish
  EXPECT_FALSE(std::filesystem::exists(ShardPath(id, 1)));
  ExpectReadsBack(id, body);
  auto offline = store_->Heal(id, HealMode::kNormal);
  ASSERT_TRUE(offline.ok());
  EXPECT_EQ(offline->offline, std::vector<int>{1});
  EXPECT_TRUE(offline->rebuilt.empty());

  ASSERT_TRUE(store_->SetDriveRoot(1, roots_[1]).ok());
  auto healed = store_->Heal(id, HealMode::kNormal);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(healed->missing, std::vector<int>{1});
  EXPECT_EQ(healed->rebuilt, std::vector<int>{1});
  ExpectVerifiedClean(id);
  EXPECT_TRUE(store_->Heal(id, HealMode::kDeep)->healthy());
}

TEST_P(ErasureBlobStoreTest, ADriveFailingMidWriteLosesOnlyItsShard) {
  auto writer = store_->Create();
  ASSERT_TRUE(writer.ok());
  std::string body = testing::Bytes((2 << 20) + 3, 4);
  size_t half = body.size() / 2;
  ASSERT_TRUE((*writer)->Append(body.data(), half).ok());
  env_.Fail(roots_[0] + "/");
  ASSERT_TRUE((*writer)->Append(body.data() + half, body.size() - half).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  ASSERT_TRUE(store_->Publish(**writer).ok());
  EXPECT_EQ(damage_.load(), 1);
  BlobId id = (*writer)->id();
  writer->reset();
  EXPECT_FALSE(std::filesystem::exists(ShardPath(id, 0)));
  ExpectReadsBack(id, body);
}

TEST_P(ErasureBlobStoreTest, PublishNeedsWriteQuorumOfRenamesAndReportsTheOthers) {
  const int quorum = erasure::WriteQuorum(data(), parity());
  std::string body = testing::Bytes(200000, 14);
  auto finished = [&]() {
    auto writer = store_->Create();
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->Append(body.data(), body.size()).ok());
    EXPECT_TRUE((*writer)->Finish().ok());
    return std::move(*writer);
  };
  // One drive refuses the rename: published, reported.
  auto one = finished();
  env_.Fail(roots_[0] + "/");
  ASSERT_TRUE(store_->Publish(*one).ok());
  EXPECT_EQ(damage_.load(), 1);
  EXPECT_FALSE(std::filesystem::exists(ShardPath(one->id(), 0)));
  ExpectReadsBack(one->id(), body);
  // Too many refuse: nothing is visible, not even the shards that were renamed.
  auto two = finished();
  for (int i = 1; i < drives() - quorum + 1; ++i) env_.Fail(roots_[i] + "/");
  EXPECT_EQ(store_->Publish(*two).code(), Code::kUnavailable);
  BlobId id = two->id();
  two.reset();
  EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
  for (const auto& root : roots_) {
    EXPECT_FALSE(std::filesystem::exists(erasure_blobs::ShardPath(root, id.Hex())));
    EXPECT_TRUE(std::filesystem::is_empty(root + "/tmp")) << root;
  }
}

TEST_P(ErasureBlobStoreTest, BelowWriteQuorumTheWriteFailsAndNothingIsVisible) {
  // Drives failing mid-write until fewer than write quorum remain.
  const int quorum = erasure::WriteQuorum(data(), parity());
  auto writer = store_->Create();
  ASSERT_TRUE(writer.ok());
  std::string body = testing::Bytes(3 * kBlock, 6);
  ASSERT_TRUE((*writer)->Append(body.data(), kBlock).ok());
  for (int i = 0; i < drives() - quorum + 1; ++i) env_.Fail(roots_[i] + "/");
  Status appended = (*writer)->Append(body.data() + kBlock, 2 * kBlock);
  Status finished = appended.ok() ? (*writer)->Finish() : appended;
  EXPECT_EQ(finished.code(), Code::kUnavailable) << finished.ToString();
  BlobId id = (*writer)->id();
  writer->reset();
  EXPECT_EQ(store_->Open(id).status().code(), Code::kNotFound);
  for (const auto& root : roots_) {
    EXPECT_TRUE(std::filesystem::is_empty(root + "/tmp")) << root;
    EXPECT_FALSE(std::filesystem::exists(erasure_blobs::ShardPath(root, id.Hex())));
  }

  // Drives offline at Create: refused up front.
  std::vector<std::optional<std::string>> roots(roots_.begin(), roots_.end());
  for (int i = 0; i < drives() - quorum + 1; ++i) roots[i] = std::nullopt;
  Reopen(roots);
  EXPECT_EQ(store_->Create().status().code(), Code::kUnavailable);
  EXPECT_EQ(TryPut("x").status().code(), Code::kUnavailable);
}

TEST_P(ErasureBlobStoreTest, ForeignMovedOrPaddedShardsAreRefusedAsCorrupt) {
  std::string body_a = testing::Bytes(200000, 1);
  std::string body_b = testing::Bytes(200000, 2);
  BlobId a = Put(body_a);
  BlobId b = Put(body_b);
  // Shard 0 of another blob in a's place (another stream id); a's own shard 2 moved to drive
  // 1 (another position); with parity 3, 100 bytes cut from the middle of a's shard 3, its
  // header and footer intact (only the file's length shows it).
  WriteFile(ShardPath(a, 0), ReadFile(ShardPath(b, 0)));
  WriteFile(ShardPath(a, 1), ReadFile(ShardPath(a, 2)));
  std::vector<int> bad = {0, 1};
  if (parity() >= 3) {
    std::string shard3 = ReadFile(ShardPath(a, 3));
    WriteFile(ShardPath(a, 3), shard3.erase(shard3.size() / 2, 100));
    bad.push_back(3);
  }
  ExpectReadsBack(a, body_a);
  EXPECT_GT(damage_.load(), 0);
  auto report = store_->Heal(a, HealMode::kNormal);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->corrupt, bad);
  EXPECT_EQ(report->rebuilt, bad);
  ExpectVerifiedClean(a);
  ExpectVerifiedClean(b);
  ExpectReadsBack(b, body_b);

  // Bytes cut from the middle of a shard, its header and footer intact: a normal heal (no
  // block reads) sees it by the file's length alone.
  std::string body_c = testing::Bytes(150000, 3);
  BlobId c = Put(body_c);
  std::string shard1 = ReadFile(ShardPath(c, 1));
  WriteFile(ShardPath(c, 1), shard1.erase(shard1.size() / 2, 64));
  auto cut = store_->Heal(c, HealMode::kNormal);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_EQ(cut->corrupt, std::vector<int>{1});
  EXPECT_EQ(cut->rebuilt, std::vector<int>{1});
  ExpectVerifiedClean(c);

  // Bytes appended behind b's shard 2 (after its footer).
  {
    std::ofstream out(ShardPath(b, 2), std::ios::binary | std::ios::app);
    out << "extra";
  }
  auto padded = store_->Heal(b, HealMode::kNormal);
  ASSERT_TRUE(padded.ok()) << padded.status().ToString();
  EXPECT_EQ(padded->corrupt, std::vector<int>{2});
  EXPECT_EQ(padded->rebuilt, std::vector<int>{2});
  ExpectVerifiedClean(b);
}

TEST_P(ErasureBlobStoreTest, OpenEmptiesTmpAndReadAtServesManyThreads) {
  std::string leftover = roots_[0] + "/tmp/0123456789abcdef0123456789abcdef";
  WriteFile(leftover, "half a shard");
  Reopen(std::vector<std::optional<std::string>>(roots_.begin(), roots_.end()));
  EXPECT_FALSE(std::filesystem::exists(leftover));

  std::string body = testing::Bytes((2 << 20) + 9, 3);
  BlobId id = Put(body);
  ASSERT_EQ(std::remove(ShardPath(id, 0).c_str()), 0);  // every thread decodes
  auto blob = store_->Open(id);
  ASSERT_TRUE(blob.ok());
  std::shared_ptr<const Blob> shared = *blob;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::string buf(50000, '\0');
      for (int i = 0; i < 40; ++i) {
        uint64_t pos = rng() % body.size();
        auto got = shared->ReadAt(pos, buf.size(), buf.data());
        if (!got.ok() || *got == 0 || buf.compare(0, *got, body, pos, *got) != 0) ++mismatches;
        auto stream = Blob::OpenRange(shared, pos, std::min<uint64_t>(9000, body.size() - pos));
        if (!stream.ok()) {
          ++mismatches;
          continue;
        }
        auto out = testing::Drain(**stream);
        if (!out.ok() || *out != body.substr(pos, out->size())) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(damage_.load(), 1);  // once per opened blob
}

INSTANTIATE_TEST_SUITE_P(Sets, ErasureBlobStoreTest,
                         ::testing::Values(Geometry{4, 2}, Geometry{6, 3}),
                         [](const ::testing::TestParamInfo<Geometry>& info) {
                           return std::to_string(info.param.drives) + "_drives_ec" +
                                  std::to_string(info.param.parity);
                         });

}  // namespace
}  // namespace cairn::storage::erasure_blobs
