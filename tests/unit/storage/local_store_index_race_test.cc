// The engine without snapshots (issue 17: RADOS omap has none): a version moving between the live
// record and the history while a read looks for it. An index wrapper runs a commit at the worst
// moment of a read, deterministically; the read must still find every version that exists, once.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "platform/env.h"
#include "storage/data/data_dir.h"
#include "storage/index/rocks_index.h"
#include "storage/local_store.h"
#include "storage/records.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using testing::PutString;
using testing::TempDir;

// An index (shared: two engines on one index are two gateways) with hooks run once, before the
// read or write they are armed for, and disarmed before they run (so the commit a hook makes goes
// through unhooked).
class HookedIndex final : public index::Index {
 public:
  explicit HookedIndex(std::shared_ptr<index::Index> inner) : inner_(std::move(inner)) {}

  // Before the Get of a key that `match` accepts.
  void BeforeGet(std::function<bool(std::string_view)> match, std::function<void()> hook) {
    get_match_ = std::move(match);
    get_hook_ = std::move(hook);
  }
  // Before the `nth` iterator made from now on (1 = the next).
  void BeforeIterator(int nth, std::function<void()> hook) {
    iterators_left_ = nth;
    iterator_hook_ = std::move(hook);
  }
  // Before the next Write that carries conditions (a commit staged from reads).
  void BeforeConditionalWrite(std::function<void()> hook) { write_hook_ = std::move(hook); }
  bool fired() const { return fired_; }
  int conflicts() const { return conflicts_; }

  Status Get(std::string_view key, std::string* value) const override {
    if (get_hook_ && get_match_(key)) Fire(get_hook_);
    return inner_->Get(key, value);
  }
  Status Write(const index::IndexBatch& batch, bool sync) override {
    if (write_hook_ && !batch.conditions().empty()) Fire(write_hook_);
    Status s = inner_->Write(batch, sync);
    if (s.code() == Code::kConditionalRequestConflict) ++conflicts_;
    return s;
  }
  std::unique_ptr<index::IndexIterator> NewIterator(std::string upper_bound) const override {
    if (iterator_hook_ && --iterators_left_ == 0) Fire(iterator_hook_);
    return inner_->NewIterator(std::move(upper_bound));
  }

 private:
  void Fire(std::function<void()>& slot) const {
    std::function<void()> hook = std::move(slot);
    slot = nullptr;
    fired_ = true;
    hook();
  }
  std::shared_ptr<index::Index> inner_;
  mutable std::function<bool(std::string_view)> get_match_;
  mutable std::function<void()> get_hook_;
  mutable int iterators_left_ = 0;
  mutable std::function<void()> iterator_hook_;
  mutable std::function<void()> write_hook_;
  mutable bool fired_ = false;
  int conflicts_ = 0;
};

class IndexRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    platform::Env* env = platform::Env::Default();
    const std::string root = platform::JoinPath(dir_.path(), ".cairn");
    ASSERT_TRUE(env->CreateDirs(root).ok());
    auto db = meta::MetaDb::Open(platform::JoinPath(root, "meta"), {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    shared_ = std::make_shared<index::RocksIndex>(std::move(*db));
    store_ = OpenGateway(&index_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
    ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok());
    older_ = Put("k", "older version");
    latest_ = Put("k", "the latest one, in a data file");
  }
  // One more engine on the same index and data folder: a second gateway (its own key locks).
  std::unique_ptr<LocalStore> OpenGateway(HookedIndex** hooks,
                                          std::chrono::milliseconds bucket_refresh = {},
                                          std::chrono::seconds intent_grace = {}) {
    platform::Env* env = platform::Env::Default();
    auto blobs = data::DataDir::Open(env, platform::JoinPath(dir_.path(), ".cairn"));
    EXPECT_TRUE(blobs.ok()) << blobs.status().ToString();
    if (!blobs.ok()) return nullptr;
    auto index = std::make_unique<HookedIndex>(shared_);
    *hooks = index.get();
    LocalStoreOptions options;
    options.inline_threshold = 16;
    options.bucket_refresh = bucket_refresh;
    options.intent_grace = intent_grace;
    auto store =
        OpenStoreOn(std::move(index), std::move(*blobs), options, [] { return StoreHealth{}; });
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::string Put(const std::string& key, const std::string& data, LocalStore* via = nullptr) {
    auto info = PutString(via != nullptr ? *via : *store_, "bkt", key, data);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? info->version_id : "";
  }
  // Deleting the latest version makes the older one live: it moves out of the history.
  void DeleteLatest() {
    auto deleted = store_->DeleteObject("bkt", "k", latest_);
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  }
  std::vector<std::string> VersionIds() {
    auto listed = store_->ListObjectVersions("bkt", VersionListQuery{});
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const ObjectInfo& v : listed->versions) ids.push_back(v.version_id);
    }
    return ids;
  }

  // A published blob whose intent says it was made `age` ago, and no commit: a write whose
  // gateway died between the two.
  blobs::BlobId Abandoned(std::chrono::seconds age) {
    auto blobs =
        data::DataDir::Open(platform::Env::Default(), platform::JoinPath(dir_.path(), ".cairn"));
    EXPECT_TRUE(blobs.ok()) << blobs.status().ToString();
    auto writer = (*blobs)->Create();
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    const std::string body(100, 'z');
    EXPECT_TRUE((*writer)->Append(body.data(), body.size()).ok());
    EXPECT_TRUE((*writer)->Finish().ok());
    const auto made = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()) -
                      age;
    index::IndexBatch intent;
    intent.Put(IntentKey("bkt", "abandoned", (*writer)->id()), std::to_string(made.count()));
    EXPECT_TRUE(shared_->Write(intent, /*sync=*/true).ok());
    EXPECT_TRUE((*blobs)->Publish(**writer).ok());
    return (*writer)->id();
  }
  bool HasKey(const std::string& key) {
    std::string value;
    return shared_->Get(key, &value).ok();
  }

  TempDir dir_;
  std::shared_ptr<index::RocksIndex> shared_;
  HookedIndex* index_ = nullptr;
  std::unique_ptr<LocalStore> store_;
  std::string older_, latest_;
};

TEST_F(IndexRaceTest, AVersionMadeLiveBetweenTheTwoLooksIsStillFound) {
  // The read saw the latest live, then looks in the history: the older version left it meanwhile.
  const std::string history = VersionKeyPrefix("bkt", "k");
  index_->BeforeGet([history](std::string_view key) { return key.starts_with(history); },
                    [this] { DeleteLatest(); });
  auto head = store_->HeadObject("bkt", "k", older_);
  EXPECT_TRUE(index_->fired());
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->version_id, older_);
  // And a version that is gone stays NoSuchVersion.
  EXPECT_EQ(store_->HeadObject("bkt", "k", latest_).status().code(), Code::kNoSuchVersion);
}

TEST_F(IndexRaceTest, AListingShowsAVersionMadeLiveBetweenItsScans) {
  ASSERT_EQ(VersionIds(), (std::vector<std::string>{latest_, older_}));
  // The live scan starts before the delete, the history scan after it.
  index_->BeforeIterator(2, [this] { DeleteLatest(); });
  EXPECT_EQ(VersionIds(), (std::vector<std::string>{older_}));
  EXPECT_TRUE(index_->fired());
}

TEST_F(IndexRaceTest, AListingShowsAVersionSupersededBetweenItsScansOnce) {
  std::string newest;
  index_->BeforeIterator(2, [&] { newest = Put("k", "newest"); });
  std::vector<std::string> ids = VersionIds();
  EXPECT_TRUE(index_->fired());
  // Without the check the superseded latest would show twice and the newest not at all.
  EXPECT_EQ(ids, (std::vector<std::string>{newest, latest_, older_}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

// Two gateways commit the same key at once: the one whose reads went stale stages again, so no
// acknowledged version is lost and no data file is left behind (the engine's key locks are per
// process: only the index's conditions order the two).
TEST_F(IndexRaceTest, TwoGatewaysCommittingOneKeyKeepEveryVersion) {
  HookedIndex* other_hooks = nullptr;
  auto other = OpenGateway(&other_hooks);
  ASSERT_NE(other, nullptr);
  std::string theirs;
  index_->BeforeConditionalWrite([&] { theirs = Put("k", "the other gateway's", other.get()); });
  std::string ours = Put("k", "this gateway's version");
  EXPECT_TRUE(index_->fired());
  EXPECT_EQ(index_->conflicts(), 1);
  EXPECT_EQ(VersionIds(), (std::vector<std::string>{ours, theirs, latest_, older_}));
  auto body = testing::GetString(*other, "bkt", "k");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "this gateway's version");
}

TEST_F(IndexRaceTest, TwoGatewaysOverwritingOneKeyLeaveOneDataFile) {
  ASSERT_TRUE(store_->CreateBucket("plain", "").ok());
  HookedIndex* other_hooks = nullptr;
  auto other = OpenGateway(&other_hooks);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(PutString(*store_, "plain", "k", std::string(100, 'a')).ok());
  const size_t before = testing::DataFileCount(dir_.path());
  index_->BeforeConditionalWrite(
      [&] { ASSERT_TRUE(PutString(*other, "plain", "k", std::string(100, 'b')).ok()); });
  ASSERT_TRUE(PutString(*store_, "plain", "k", std::string(100, 'c')).ok());
  EXPECT_EQ(index_->conflicts(), 1);
  // The other's file was replaced by ours and collected; without the condition it would leak.
  EXPECT_EQ(testing::DataFileCount(dir_.path()), before);
  auto body = testing::GetString(*other, "plain", "k");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, std::string(100, 'c'));
}

// On a shared index a gateway's mirror of the bucket records follows the others: a bucket made
// elsewhere is found at once, a changed one within the refresh period.
TEST_F(IndexRaceTest, AGatewaySeesBucketsAnotherMadeOrChanged) {
  HookedIndex* hooks = nullptr;
  auto other = OpenGateway(&hooks, std::chrono::milliseconds(50));
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(store_->CreateBucket("fresh", "").ok());
  EXPECT_TRUE(other->GetBucket("fresh").ok());
  ASSERT_TRUE(PutString(*store_, "fresh", "k", "v").ok());
  auto listed = other->ListBuckets();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  ASSERT_TRUE(store_->SetBucketVersioning("fresh", Versioning::kEnabled).ok());
  Versioning seen = Versioning::kUnversioned;
  for (int i = 0; i < 100 && seen != Versioning::kEnabled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto bucket = other->GetBucket("fresh");
    ASSERT_TRUE(bucket.ok());
    seen = bucket->versioning;
  }
  EXPECT_EQ(seen, Versioning::kEnabled);
  // A write through the other gateway now keeps the earlier object as a version.
  ASSERT_TRUE(PutString(*other, "fresh", "k", "v2").ok());
  auto versions = other->ListObjectVersions("fresh", VersionListQuery{});
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->versions.size(), 2u);
  // Without a refresh period (one process owns the store) the mirror is the truth.
  ASSERT_TRUE(other->CreateBucket("unseen", "").ok());
  EXPECT_EQ(store_->GetBucket("unseen").status().code(), Code::kNoSuchBucket);
}

// On a shared index a gateway that died between publishing a blob and committing it leaves an
// intent that no restart of its own may sweep: the others sweep it once it is older than the
// grace, and spare younger ones (another gateway may be about to commit them).
TEST_F(IndexRaceTest, AnotherGatewaySweepsAnAbandonedWriteOnceItsIntentIsOld) {
  HookedIndex* hooks = nullptr;
  auto other = OpenGateway(&hooks, {}, std::chrono::seconds(60));
  ASSERT_NE(other, nullptr);
  const size_t before = testing::DataFileCount(dir_.path());
  const blobs::BlobId old_one = Abandoned(std::chrono::seconds(120));
  const blobs::BlobId young = Abandoned(std::chrono::seconds(0));
  ASSERT_EQ(testing::DataFileCount(dir_.path()), before + 2);
  ASSERT_TRUE(other->SweepLeftovers().ok());
  EXPECT_EQ(testing::DataFileCount(dir_.path()), before + 1);
  EXPECT_FALSE(HasKey(IntentKey("bkt", "abandoned", old_one)));
  EXPECT_TRUE(HasKey(IntentKey("bkt", "abandoned", young)));
  auto body = testing::GetString(*other, "bkt", "k");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "the latest one, in a data file");
}

// The sweep takes an intent on the condition that it is still as made: a commit that got there
// first (it deletes the intent) keeps its blob.
TEST_F(IndexRaceTest, ASweepLeavesTheBlobOfAWriteThatCommittedMeanwhile) {
  HookedIndex* hooks = nullptr;
  auto other = OpenGateway(&hooks, {}, std::chrono::seconds(60));
  ASSERT_NE(other, nullptr);
  const blobs::BlobId id = Abandoned(std::chrono::seconds(120));
  const size_t before = testing::DataFileCount(dir_.path());
  hooks->BeforeConditionalWrite([&] {  // the commit, as another gateway makes it
    index::IndexBatch commit;
    commit.Delete(IntentKey("bkt", "abandoned", id));
    ASSERT_TRUE(shared_->Write(commit, /*sync=*/true).ok());
  });
  ASSERT_TRUE(other->SweepLeftovers().ok());
  EXPECT_TRUE(hooks->fired());
  EXPECT_EQ(hooks->conflicts(), 1);
  EXPECT_EQ(testing::DataFileCount(dir_.path()), before);
}

// A write stalled past the grace finds its intent taken and its blob gone: it is refused, and
// leaves neither a record pointing at nothing nor a file.
TEST_F(IndexRaceTest, AWriteThatOutlivesItsIntentIsRefusedAndLeavesNothing) {
  HookedIndex* hooks = nullptr;
  auto slow = OpenGateway(&hooks, {}, std::chrono::seconds(1));
  ASSERT_NE(slow, nullptr);
  const size_t before = testing::DataFileCount(dir_.path());
  hooks->BeforeConditionalWrite([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // the intent is old now
    ASSERT_TRUE(slow->SweepLeftovers().ok());
  });
  auto put = PutString(*slow, "bkt", "late", std::string(100, 'x'));
  EXPECT_TRUE(hooks->fired());
  EXPECT_EQ(put.status().code(), Code::kInternal) << put.status().ToString();
  EXPECT_EQ(testing::GetString(*store_, "bkt", "late").status().code(), Code::kNoSuchKey);
  EXPECT_EQ(testing::DataFileCount(dir_.path()), before);
  auto intents = shared_->NewIterator(meta::PrefixSuccessor(kIntentPrefix));
  intents->Seek(kIntentPrefix);
  EXPECT_FALSE(intents->Valid());
}

}  // namespace
}  // namespace cairn::storage
