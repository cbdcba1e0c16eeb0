// The engine without snapshots (issue 17: RADOS omap has none): a version moving between the live
// record and the history while a read looks for it. An index wrapper runs a commit at the worst
// moment of a read, deterministically; the read must still find every version that exists, once.
#include <gtest/gtest.h>

#include <functional>
#include <set>

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

// RocksIndex with a hook run once, before the read it is armed for, and disarmed before it runs
// (so the commit it makes goes through unhooked).
class HookedIndex final : public index::Index {
 public:
  explicit HookedIndex(std::unique_ptr<meta::MetaDb> db) : inner_(std::move(db)) {}

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
  bool fired() const { return fired_; }

  Status Get(std::string_view key, std::string* value) const override {
    if (get_hook_ && get_match_(key)) Fire(get_hook_);
    return inner_.Get(key, value);
  }
  Status Write(const index::IndexBatch& batch, bool sync) override {
    return inner_.Write(batch, sync);
  }
  std::unique_ptr<index::IndexIterator> NewIterator(std::string upper_bound) const override {
    if (iterator_hook_ && --iterators_left_ == 0) Fire(iterator_hook_);
    return inner_.NewIterator(std::move(upper_bound));
  }

 private:
  void Fire(std::function<void()>& slot) const {
    std::function<void()> hook = std::move(slot);
    slot = nullptr;
    fired_ = true;
    hook();
  }
  index::RocksIndex inner_;
  mutable std::function<bool(std::string_view)> get_match_;
  mutable std::function<void()> get_hook_;
  mutable int iterators_left_ = 0;
  mutable std::function<void()> iterator_hook_;
  mutable bool fired_ = false;
};

class IndexRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    platform::Env* env = platform::Env::Default();
    const std::string root = platform::JoinPath(dir_.path(), ".cairn");
    ASSERT_TRUE(env->CreateDirs(root).ok());
    auto db = meta::MetaDb::Open(platform::JoinPath(root, "meta"), {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto blobs = data::DataDir::Open(env, root);
    ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
    auto index = std::make_unique<HookedIndex>(std::move(*db));
    index_ = index.get();
    LocalStoreOptions options;
    options.inline_threshold = 16;
    auto store =
        OpenStoreOn(std::move(index), std::move(*blobs), options, [] { return StoreHealth{}; });
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
    ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok());
    older_ = Put("k", "older version");
    latest_ = Put("k", "the latest one, in a data file");
  }
  std::string Put(const std::string& key, const std::string& data) {
    auto info = PutString(*store_, "bkt", key, data);
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

  TempDir dir_;
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

}  // namespace
}  // namespace cairn::storage
