// Versions through the ObjectStore seam: enabled and suspended buckets, delete markers, deleting
// versions, listing versions with markers and delimiters, tags, restart, and stores written before
// versions existed.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "platform/env.h"
#include "storage/local_store.h"
#include "storage/meta/coding.h"
#include "storage/meta/meta_db.h"
#include "storage/records.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using testing::Bytes;
using testing::Drain;
using testing::GetString;
using testing::PutString;
using testing::TempDir;

class VersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.inline_threshold = 16;  // small bodies inline, larger ones in data files
    Open();
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }
  void Open() {
    store_.reset();
    store_ = testing::OpenOrDie(dir_.path(), options_);
  }
  void Enable() { ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok()); }

  std::string Put(const std::string& key, const std::string& data) {
    auto info = PutString(*store_, "bkt", key, data);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? info->version_id : "";
  }
  Result<std::string> Get(const std::string& key, const std::string& version) {
    CAIRN_ASSIGN_OR_RETURN(auto reader, store_->OpenObject("bkt", key, version));
    CAIRN_ASSIGN_OR_RETURN(auto source, reader->OpenRange(0, reader->info().size));
    return Drain(*source);
  }
  std::vector<ObjectInfo> AllVersions(const std::string& prefix = "") {
    VersionListQuery q;
    q.prefix = prefix;
    auto r = store_->ListObjectVersions("bkt", q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->versions : std::vector<ObjectInfo>{};
  }
  size_t DataFiles() { return testing::DataFileCount(dir_.path()); }

  TempDir dir_;
  LocalStoreOptions options_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(VersionsTest, UnversionedBucketShowsNoVersionIds) {
  EXPECT_EQ(store_->GetBucket("bkt")->versioning, Versioning::kUnversioned);
  EXPECT_EQ(Put("k", "one"), "");
  EXPECT_EQ(Put("k", "two"), "");
  auto versions = AllVersions();
  ASSERT_EQ(versions.size(), 1u);  // an overwrite replaces the null version
  EXPECT_EQ(versions[0].version_id, "");
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_EQ(*Get("k", "null"), "two");
  auto deleted = store_->DeleteObject("bkt", "k");
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(deleted->delete_marker);
  EXPECT_TRUE(AllVersions().empty());
  EXPECT_EQ(store_->SetBucketVersioning("bkt", Versioning::kUnversioned).code(), Code::kOk);
}

TEST_F(VersionsTest, EnabledBucketKeepsEveryVersionNewestFirst) {
  Enable();
  std::string v1 = Put("k", "first");
  std::string v2 = Put("k", Bytes(100, 2));  // a data file
  std::string v3 = Put("k", "third");
  EXPECT_EQ(v1.size(), 36u);
  EXPECT_NE(v1, v2);
  EXPECT_NE(v2, v3);
  EXPECT_EQ(*GetString(*store_, "bkt", "k"), "third");
  EXPECT_EQ(*Get("k", v1), "first");
  EXPECT_EQ(*Get("k", v2), Bytes(100, 2));
  EXPECT_EQ(store_->HeadObject("bkt", "k", v2)->size, 100u);
  EXPECT_EQ(store_->HeadObject("bkt", "k")->version_id, v3);
  auto versions = AllVersions();
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].version_id, v3);
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_EQ(versions[1].version_id, v2);
  EXPECT_FALSE(versions[1].is_latest);
  EXPECT_EQ(versions[2].version_id, v1);
  EXPECT_LT(versions[2].modified, versions[1].modified);
  // A well-formed id that is not there.
  EXPECT_EQ(store_->HeadObject("bkt", "k", "00000000-0000-0000-0000-000000000000").status().code(),
            Code::kNoSuchVersion);
  EXPECT_EQ(store_->HeadObject("bkt", "k", "null").status().code(), Code::kNoSuchVersion);
  // Only the latest shows in ListObjects.
  auto listed = store_->ListObjects("bkt", {});
  ASSERT_EQ(listed->objects.size(), 1u);
  EXPECT_EQ(listed->objects[0].version_id, v3);
}

TEST_F(VersionsTest, DeleteMarkersHideAndDeletingThemRestores) {
  Enable();
  std::string v1 = Put("k", "data");
  auto marker = store_->DeleteObject("bkt", "k");
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->delete_marker);
  EXPECT_EQ(marker->version_id.size(), 36u);
  EXPECT_EQ(store_->HeadObject("bkt", "k").status().code(), Code::kNoSuchKey);
  auto latest = store_->LatestDeleteMarker("bkt", "k");
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->version_id, marker->version_id);
  EXPECT_EQ(store_->HeadObject("bkt", "k", marker->version_id).status().code(),
            Code::kMethodNotAllowed);
  EXPECT_EQ(*Get("k", v1), "data");  // the old version is still there
  EXPECT_TRUE(store_->ListObjects("bkt", {})->objects.empty());
  auto versions = AllVersions();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_TRUE(versions[0].delete_marker);
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_FALSE(versions[1].is_latest);
  // A bucket holding only history is not empty.
  EXPECT_EQ(store_->DeleteBucket("bkt").code(), Code::kBucketNotEmpty);

  auto undone = store_->DeleteObject("bkt", "k", marker->version_id);
  ASSERT_TRUE(undone.ok());
  EXPECT_TRUE(undone->delete_marker);
  EXPECT_EQ(*GetString(*store_, "bkt", "k"), "data");
  EXPECT_EQ(store_->HeadObject("bkt", "k")->version_id, v1);
  EXPECT_FALSE(store_->LatestDeleteMarker("bkt", "k")->has_value());
  ASSERT_EQ(store_->ListObjects("bkt", {})->objects.size(), 1u);
}

TEST_F(VersionsTest, DeletingVersionsFreesDataAndPromotesTheNextNewest) {
  Enable();
  std::string v1 = Put("k", Bytes(100, 1));
  std::string v2 = Put("k", Bytes(200, 2));
  EXPECT_EQ(DataFiles(), 2u);
  auto gone = store_->DeleteObject("bkt", "k", v2);  // the latest
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->version_id, v2);
  EXPECT_FALSE(gone->delete_marker);
  EXPECT_EQ(DataFiles(), 1u);
  EXPECT_EQ(*GetString(*store_, "bkt", "k"), Bytes(100, 1));
  EXPECT_EQ(store_->HeadObject("bkt", "k")->version_id, v1);
  // Deleting a version that does not exist succeeds and changes nothing (as S3).
  ASSERT_TRUE(store_->DeleteObject("bkt", "k", v2).ok());
  ASSERT_TRUE(store_->DeleteObject("bkt", "k", v1).ok());
  EXPECT_EQ(DataFiles(), 0u);
  EXPECT_TRUE(AllVersions().empty());
  EXPECT_TRUE(store_->DeleteBucket("bkt").ok());
}

TEST_F(VersionsTest, SuspendedWritesReplaceOnlyTheNullVersion) {
  std::string before = Put("k", "pre-versioning");  // the null version
  EXPECT_EQ(before, "");
  Enable();
  std::string v1 = Put("k", "versioned");
  EXPECT_EQ(*Get("k", "null"), "pre-versioning");
  ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kSuspended).ok());
  EXPECT_EQ(store_->SetBucketVersioning("bkt", Versioning::kUnversioned).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Put("k", "suspended-1"), "null");
  EXPECT_EQ(*Get("k", "null"), "suspended-1");
  EXPECT_EQ(*Get("k", v1), "versioned");
  EXPECT_EQ(Put("k", Bytes(50, 3)), "null");
  auto versions = AllVersions();
  ASSERT_EQ(versions.size(), 2u);  // one null version, one real one
  EXPECT_EQ(versions[0].version_id, "null");
  EXPECT_EQ(versions[1].version_id, v1);
  // A delete in a suspended bucket writes a null marker, replacing the null version.
  auto marker = store_->DeleteObject("bkt", "k");
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->delete_marker);
  EXPECT_EQ(marker->version_id, "null");
  versions = AllVersions();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_TRUE(versions[0].delete_marker);
  EXPECT_EQ(versions[1].version_id, v1);
  EXPECT_EQ(DataFiles(), 0u);  // the replaced 50-byte null version's file is gone
}

TEST_F(VersionsTest, ConditionalWritesJudgeTheLatestVersion) {
  Enable();
  Put("k", "a");
  ASSERT_TRUE(store_->DeleteObject("bkt", "k").ok());
  PutOptions create_only;
  create_only.conditions.if_none_match_any = true;
  // The latest is a marker: the key does not exist for If-None-Match.
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "b", create_only).ok());
  EXPECT_EQ(PutString(*store_, "bkt", "k", "c", create_only).status().code(),
            Code::kPreconditionFailed);
}

TEST_F(VersionsTest, ListingPagesWithMarkersAndDelimiters) {
  Enable();
  std::map<std::string, std::vector<std::string>> ids;  // key -> ids newest first
  for (const std::string key : {"a", "b/x", "b/y", "c"}) {
    for (int i = 0; i < 3; ++i)
      ids[key].insert(ids[key].begin(), Put(key, key + std::to_string(i)));
  }
  auto marker = store_->DeleteObject("bkt", "c");
  ids["c"].insert(ids["c"].begin(), marker->version_id);

  // Pages of 2 walk every version once, in order.
  std::vector<std::pair<std::string, std::string>> walked;
  VersionListQuery q;
  q.max_keys = 2;
  for (int page = 0; page < 20; ++page) {
    auto r = store_->ListObjectVersions("bkt", q);
    ASSERT_TRUE(r.ok());
    for (const ObjectInfo& v : r->versions) walked.emplace_back(v.key, v.version_id);
    if (!r->truncated) break;
    q.key_marker = r->next_key_marker;
    q.version_id_marker = r->next_version_id_marker;
  }
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& [key, list] : ids) {
    for (const std::string& id : list) expected.emplace_back(key, id);
  }
  EXPECT_EQ(walked, expected);

  // With a delimiter, b/ is one common prefix however many versions lie under it.
  VersionListQuery d;
  d.delimiter = "/";
  auto r = store_->ListObjectVersions("bkt", d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->common_prefixes, std::vector<std::string>{"b/"});
  EXPECT_EQ(r->versions.size(), 3u + 4u);
  // A key marker alone starts after every version of that key.
  VersionListQuery after;
  after.key_marker = "b/x";
  r = store_->ListObjectVersions("bkt", after);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->versions.front().key, "b/y");
  EXPECT_TRUE(r->versions.front().is_latest);
}

// A page ended on the live version, which is then deleted: the version that became live in its
// place is older than the marker and must still be listed on the next page.
TEST_F(VersionsTest, ResumingAfterTheMarkedVersionWasDeleted) {
  Enable();
  std::string v1 = Put("k", "1");
  std::string v2 = Put("k", "2");
  VersionListQuery q;
  q.max_keys = 1;
  auto first = store_->ListObjectVersions("bkt", q);
  ASSERT_TRUE(first.ok() && first->truncated);
  EXPECT_EQ(first->next_version_id_marker, v2);
  ASSERT_TRUE(store_->DeleteObject("bkt", "k", v2).ok());
  q.key_marker = first->next_key_marker;
  q.version_id_marker = first->next_version_id_marker;
  auto next = store_->ListObjectVersions("bkt", q);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->versions.size(), 1u);
  EXPECT_EQ(next->versions[0].version_id, v1);
  EXPECT_TRUE(next->versions[0].is_latest);  // it is the live latest version now
}

// The page ended at a key's latest entry, a delete marker; the marker was deleted before the
// next page, which brings the object back: the version resumed at is the latest, and says so.
TEST_F(VersionsTest, ResumingAfterTheMarkedDeleteMarkerWasDeleted) {
  Enable();
  std::string v1 = Put("k", "1");
  auto marker = store_->DeleteObject("bkt", "k");
  ASSERT_TRUE(marker.ok() && marker->delete_marker);
  Put("m", "other");
  VersionListQuery q;
  q.max_keys = 1;
  auto first = store_->ListObjectVersions("bkt", q);
  ASSERT_TRUE(first.ok() && first->truncated);
  ASSERT_EQ(first->versions.size(), 1u);
  EXPECT_TRUE(first->versions[0].delete_marker);
  EXPECT_TRUE(first->versions[0].is_latest);
  ASSERT_TRUE(store_->DeleteObject("bkt", "k", marker->version_id).ok());
  q.key_marker = first->next_key_marker;
  q.version_id_marker = first->next_version_id_marker;
  q.max_keys = 10;
  auto next = store_->ListObjectVersions("bkt", q);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->versions.size(), 2u);
  EXPECT_EQ(next->versions[0].key, "k");
  EXPECT_EQ(next->versions[0].version_id, v1);
  EXPECT_FALSE(next->versions[0].delete_marker);
  EXPECT_TRUE(next->versions[0].is_latest);
  EXPECT_EQ(next->versions[1].key, "m");
  EXPECT_TRUE(next->versions[1].is_latest);
  // Resumed past a marker that still exists, the older version is not the latest.
  Put("k", "2");
  auto again = store_->DeleteObject("bkt", "k");
  ASSERT_TRUE(again.ok());
  q.max_keys = 1;
  q.key_marker.clear();
  q.version_id_marker.clear();
  first = store_->ListObjectVersions("bkt", q);
  ASSERT_TRUE(first.ok());
  q.key_marker = first->next_key_marker;
  q.version_id_marker = first->next_version_id_marker;
  next = store_->ListObjectVersions("bkt", q);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->versions.size(), 1u);
  EXPECT_FALSE(next->versions[0].is_latest);
}

TEST_F(VersionsTest, ListingSkipsHistoryUnderCommonPrefixes) {
  Enable();
  for (int i = 0; i < 50; ++i) Put("deep/k" + std::to_string(i), "x");
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(store_->DeleteObject("bkt", "deep/k" + std::to_string(i)).ok());
  Put("z", "y");
  VersionListQuery d;
  d.delimiter = "/";
  uint64_t before = meta::MetaDb::IteratorStepsForTest();
  auto r = store_->ListObjectVersions("bkt", d);
  uint64_t steps = meta::MetaDb::IteratorStepsForTest() - before;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->common_prefixes.size(), 1u);
  EXPECT_EQ(r->versions.size(), 1u);
  EXPECT_LT(steps, 20u);  // not one step per version
  // ListObjects never walks the markers: the live keys are all it sees.
  before = meta::MetaDb::IteratorStepsForTest();
  auto listed = store_->ListObjects("bkt", {});
  EXPECT_LT(meta::MetaDb::IteratorStepsForTest() - before, 10u);
  ASSERT_EQ(listed->objects.size(), 1u);
}

TEST_F(VersionsTest, VersionsSurviveRestartAndOldStoresOpenUnchanged) {
  Put("old", "written-unversioned");
  Enable();
  std::string v1 = Put("k", Bytes(64, 9));
  auto marker = store_->DeleteObject("bkt", "k");
  Open();
  EXPECT_EQ(store_->GetBucket("bkt")->versioning, Versioning::kEnabled);
  EXPECT_EQ(*Get("k", v1), Bytes(64, 9));
  EXPECT_TRUE((*store_->LatestDeleteMarker("bkt", "k")).has_value());
  EXPECT_EQ(*Get("old", "null"), "written-unversioned");
  EXPECT_EQ(store_->HeadObject("bkt", "old")->version_id, "null");
}

// A store written by Cairn before versions existed (format cairn-1, format-1 records) opens as
// it is: its buckets are unversioned and its objects are null versions.
TEST(VersionsFormatTest, StoreOfTheFirstFormatOpensUnchanged) {
  TempDir dir;
  {
    ASSERT_TRUE(platform::Env::Default()->CreateDirs(dir.path() + "/.cairn").ok());
    auto db = meta::MetaDb::Open(dir.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    std::string bucket = "\x01";
    meta::PutFixed64(&bucket, 42);
    meta::PutLengthPrefixed(&bucket, "");
    std::string object = "\x01\x01";  // format 1, inline
    meta::PutVarint64(&object, 5);
    meta::PutLengthPrefixed(&object, "5d41402abc4b2a76b9719d911017c592");
    meta::PutFixed64(&object, 1700000000000000000);
    meta::PutLengthPrefixed(&object, "text/plain");
    meta::PutVarint32(&object, 0);
    meta::PutVarint32(&object, 0);
    object += "hello";
    ASSERT_TRUE((*db)->Put(kFormatKey, "cairn-1", true).ok());
    ASSERT_TRUE((*db)->Put(BucketKey("old"), bucket, true).ok());
    ASSERT_TRUE((*db)->Put(ObjectKey("old", "k"), object, true).ok());
  }
  auto store = testing::OpenOrDie(dir.path());
  EXPECT_EQ(store->GetBucket("old")->versioning, Versioning::kUnversioned);
  EXPECT_EQ(*GetString(*store, "old", "k"), "hello");
  EXPECT_EQ(store->HeadObject("old", "k")->version_id, "");
  ASSERT_TRUE(store->SetBucketVersioning("old", Versioning::kEnabled).ok());
  EXPECT_EQ(store->HeadObject("old", "k", "null")->version_id, "null");
  auto v = PutString(*store, "old", "k", "new");
  ASSERT_TRUE(v.ok());
  auto reader = store->OpenObject("old", "k", "null");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*Drain(**(*reader)->OpenRange(0, 5)), "hello");
}

TEST_F(VersionsTest, TagsBelongToOneVersion) {
  Enable();
  std::string v1 = Put("k", "a");
  std::string v2 = Put("k", "b");
  auto tagged = store_->SetObjectTags("bkt", "k", v1, {{"color", "red"}});
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(*tagged, v1);
  EXPECT_EQ(store_->HeadObject("bkt", "k", v1)->tags, (Tags{{"color", "red"}}));
  EXPECT_TRUE(store_->HeadObject("bkt", "k")->tags.empty());
  EXPECT_EQ(*Get("k", v1), "a");  // the inline body survives the tag rewrite
  ASSERT_TRUE(store_->SetObjectTags("bkt", "k", "", {{"x", "1"}}).ok());
  EXPECT_EQ(store_->HeadObject("bkt", "k", v2)->tags, (Tags{{"x", "1"}}));
  ASSERT_TRUE(store_->SetBucketTags("bkt", {{"team", "ops"}}).ok());
  Open();
  EXPECT_EQ(*store_->GetBucketTags("bkt"), (Tags{{"team", "ops"}}));
  EXPECT_EQ(store_->HeadObject("bkt", "k", v1)->tags, (Tags{{"color", "red"}}));
  auto marker = store_->DeleteObject("bkt", "k");
  EXPECT_EQ(store_->SetObjectTags("bkt", "k", marker->version_id, {}).status().code(),
            Code::kMethodNotAllowed);
  EXPECT_EQ(store_->SetObjectTags("bkt", "k", "", {}).status().code(), Code::kNoSuchKey);
}

TEST_F(VersionsTest, ConcurrentWritersEachGetAVersion) {
  Enable();
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto info = PutString(*store_, "bkt", "hot", "t" + std::to_string(t));
        if (info.ok()) ids[t].push_back(info->version_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& list : ids) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  auto versions = AllVersions();
  ASSERT_EQ(versions.size(), all.size());
  EXPECT_EQ(store_->HeadObject("bkt", "hot")->version_id, versions[0].version_id);
  for (size_t i = 1; i < versions.size(); ++i) {
    EXPECT_GT(versions[i - 1].modified, versions[i].modified);
  }
}

}  // namespace
}  // namespace cairn::storage
