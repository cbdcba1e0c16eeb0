// Reopening: everything committed is back; what a crash leaves behind is swept.
#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/hash.h"
#include "storage/data/data_dir.h"
#include "storage/local_store.h"
#include "storage/meta/meta_db.h"
#include "storage/records.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using platform::Env;
using testing::Bytes;
using testing::GetString;
using testing::PutString;
using testing::TempDir;

void WriteFile(const std::string& path, const std::string& data) {
  auto f = Env::Default()->NewWritableFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE((*f)->Append(data.data(), data.size()).ok());
  ASSERT_TRUE((*f)->Close().ok());
}

std::string DataPath(const std::string& dir, const blobs::BlobId& id) {
  return dir + "/.cairn/data/" + id.Hex().substr(0, 2) + "/" + id.Hex();
}

TEST(RecoveryTest, ReopenSeesEverything) {
  TempDir dir;
  PutOptions opts;
  opts.attributes.content_type = "image/png";
  opts.attributes.headers = {{"x-amz-meta-k", "v"}};
  opts.checksums = {{"crc64nvme", ""}};
  std::string big = Bytes(1 << 20);
  {
    auto store = testing::OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateBucket("one", "").ok());
    ASSERT_TRUE(store->CreateBucket("two", "us-west-2").ok());
    ASSERT_TRUE(PutString(*store, "one", "small", "tiny", opts).ok());
    ASSERT_TRUE(PutString(*store, "one", "big", big, opts).ok());
    ASSERT_TRUE(PutString(*store, "two", "gone", "x").ok());
    ASSERT_TRUE(store->DeleteObject("two", "gone").ok());
  }
  auto store = testing::OpenOrDie(dir.path());
  auto buckets = store->ListBuckets();
  ASSERT_TRUE(buckets.ok());
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_EQ((*buckets)[1].region, "us-west-2");
  EXPECT_EQ(*GetString(*store, "one", "small"), "tiny");
  EXPECT_EQ(*GetString(*store, "one", "big"), big);
  auto head = store->HeadObject("one", "big");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->attributes.content_type, "image/png");
  EXPECT_EQ(head->attributes.headers, opts.attributes.headers);
  ASSERT_EQ(head->checksums.size(), 1u);
  EXPECT_EQ(head->checksums[0].first, "crc64nvme");
  EXPECT_EQ(store->HeadObject("two", "gone").status().code(), Code::kNoSuchKey);
  // A second process (here: a second open) is refused while the store is open.
  EXPECT_FALSE(OpenLocalStore(dir.path(), {}).ok());
}

TEST(RecoveryTest, LeftoversAreSweptAtOpen) {
  TempDir dir;
  std::string kept = Bytes(200000, 5);
  blobs::BlobId live;
  {
    auto store = testing::OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateBucket("b", "").ok());
    ASSERT_TRUE(PutString(*store, "b", "kept", kept).ok());
  }
  // Find the live object's data file id through the record.
  auto intent = blobs::BlobId::Random();
  auto garbage = blobs::BlobId::Random();
  auto unrelated = blobs::BlobId::Random();
  {
    auto db = meta::MetaDb::Open(dir.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    std::string value;
    ASSERT_TRUE((*db)->Get(ObjectKey("b", "kept"), &value).ok());
    ObjectRecord rec;
    ASSERT_TRUE(DecodeObjectRecord(value, &rec, false).ok());
    ASSERT_FALSE(rec.is_inline);
    live = rec.file_id;
    // A crash between publishing a data file and committing its record...
    ASSERT_TRUE((*db)->Put(IntentKey("b", "new", *intent), "", true).ok());
    // ...and between committing an overwrite and unlinking the replaced file, in a store of
    // the cairn-2 form (keyed by the blob alone): swept the same.
    ASSERT_TRUE((*db)->Put("g/" + garbage->Hex(), "", true).ok());
    // An intent whose file never got published.
    ASSERT_TRUE((*db)->Put(IntentKey("b", "other", *unrelated), "", true).ok());
  }
  WriteFile(DataPath(dir.path(), *intent), "orphan");
  WriteFile(DataPath(dir.path(), *garbage), "replaced");
  WriteFile(dir.path() + "/.cairn/tmp/" + unrelated->Hex(), "partial upload");
  WriteFile(dir.path() + "/.cairn/tmp/junk", "x");

  auto store = testing::OpenOrDie(dir.path());
  EXPECT_FALSE(Env::Default()->FileExists(DataPath(dir.path(), *intent)));
  EXPECT_FALSE(Env::Default()->FileExists(DataPath(dir.path(), *garbage)));
  EXPECT_TRUE(Env::Default()->FileExists(DataPath(dir.path(), live)));
  EXPECT_TRUE(Env::Default()->ListDir(dir.path() + "/.cairn/tmp")->empty());
  EXPECT_EQ(*GetString(*store, "b", "kept"), kept);
  store.reset();

  // The sweep's records are gone too; the bucket's usage counters and their marker stay.
  auto db = meta::MetaDb::Open(dir.path() + "/.cairn/meta", {});
  ASSERT_TRUE(db.ok());
  auto it = (*db)->NewIterator();
  std::vector<std::string> keys;
  for (it->Seek(""); it->Valid(); it->Next()) keys.emplace_back(it->key());
  EXPECT_EQ(keys, (std::vector<std::string>{"b/b", "c/b", std::string(kFormatKey), "m/usage",
                                            "o/b/kept"}));
}

// On an index several gateways share, another gateway's write may sit between publishing its
// data and committing it: with intent_grace, only intents older than that are swept.
TEST(RecoveryTest, AnIntentGraceSparesYoungIntents) {
  TempDir dir;
  { testing::OpenOrDie(dir.path()); }
  auto young = blobs::BlobId::Random();
  auto old = blobs::BlobId::Random();
  auto unstamped = blobs::BlobId::Random();
  {
    auto db = meta::MetaDb::Open(dir.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count();
    ASSERT_TRUE((*db)->Put(IntentKey("b", "k", *young), std::to_string(now - 5), true).ok());
    ASSERT_TRUE((*db)->Put(IntentKey("b", "k", *old), std::to_string(now - 3600), true).ok());
    ASSERT_TRUE((*db)->Put("t/" + unstamped->Hex(), "", true).ok());  // written before stamps
  }
  for (const auto& id : {*young, *old, *unstamped}) WriteFile(DataPath(dir.path(), id), "data");
  LocalStoreOptions options;
  options.intent_grace = std::chrono::seconds(600);
  auto store = testing::OpenOrDie(dir.path(), options);
  EXPECT_TRUE(Env::Default()->FileExists(DataPath(dir.path(), *young)));
  EXPECT_FALSE(Env::Default()->FileExists(DataPath(dir.path(), *old)));
  EXPECT_FALSE(Env::Default()->FileExists(DataPath(dir.path(), *unstamped)));
  store.reset();
  // Without a grace (one process owns the store) every intent goes.
  store = testing::OpenOrDie(dir.path());
  EXPECT_FALSE(Env::Default()->FileExists(DataPath(dir.path(), *young)));
}

TEST(RecoveryTest, UnknownFormatIsRefused) {
  TempDir dir;
  { testing::OpenOrDie(dir.path()); }
  {
    auto db = meta::MetaDb::Open(dir.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put(kFormatKey, "cairn-99", true).ok());
  }
  EXPECT_EQ(OpenLocalStore(dir.path(), {}).status().code(), Code::kCorruption);
}

// An Env that fails chosen operations, to drive PutObject's failure paths.
class FaultEnv final : public Env {
 public:
  Result<std::unique_ptr<platform::WritableFile>> NewWritableFile(
      const std::string& path) override {
    return base_->NewWritableFile(path);
  }
  Result<std::unique_ptr<platform::RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    return base_->NewRandomAccessFile(path);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    if (fail_rename) return Status(Code::kNoSpace, "injected");
    return base_->RenameFile(from, to);
  }
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status CreateDirs(const std::string& path) override { return base_->CreateDirs(path); }
  Status SyncDir(const std::string& path) override {
    if (fail_sync_dir) return Status(Code::kIOError, "injected");
    return base_->SyncDir(path);
  }
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

  bool fail_rename = false;
  bool fail_sync_dir = false;

 private:
  Env* base_ = Env::Default();
};

TEST(RecoveryTest, PublishFailuresLeaveNothingBehind) {
  TempDir dir;
  FaultEnv env;
  LocalStoreOptions options;
  options.env = &env;
  auto store = testing::OpenOrDie(dir.path(), options);
  ASSERT_TRUE(store->CreateBucket("b", "").ok());
  std::string old_data = Bytes(300000, 1);
  ASSERT_TRUE(PutString(*store, "b", "k", old_data).ok());

  env.fail_rename = true;
  EXPECT_EQ(PutString(*store, "b", "k", Bytes(300000, 2)).status().code(), Code::kNoSpace);
  env.fail_rename = false;
  env.fail_sync_dir = true;
  EXPECT_EQ(PutString(*store, "b", "k", Bytes(300000, 3)).status().code(), Code::kIOError);
  env.fail_sync_dir = false;
  // Inline objects never touch a data file: unaffected by file faults.
  env.fail_rename = true;
  EXPECT_TRUE(PutString(*store, "b", "small", "s").ok());
  env.fail_rename = false;

  EXPECT_EQ(*GetString(*store, "b", "k"), old_data);
  EXPECT_EQ(testing::TmpFileCount(dir.path()), 0u);
  EXPECT_EQ(testing::DataFileCount(dir.path()), 1u);
}

}  // namespace
}  // namespace cairn::storage
