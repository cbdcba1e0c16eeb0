// ListObjects: byte order, prefix, delimiter, markers, pagination, and skipping.
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/local_store.h"
#include "storage/meta/meta_db.h"
#include "storage/records.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using testing::PutString;
using testing::TempDir;

struct Page {
  std::vector<std::string> entries;  // keys and "P:"-tagged common prefixes, in result order
  bool truncated = false;
  std::string next;
};

class ListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenOrDie(dir_.path());
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }

  void PutKeys(const std::vector<std::string>& keys) {
    for (const auto& k : keys) ASSERT_TRUE(PutString(*store_, "bkt", k, "x").ok()) << k;
  }

  // Objects and prefixes merged in byte order (how S3 clients interleave them).
  Page List(const std::string& prefix, const std::string& delim, const std::string& after,
            int max_keys = 1000) {
    ListQuery q{prefix, delim, after, max_keys};
    auto r = store_->ListObjects("bkt", q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    Page p;
    if (!r.ok()) return p;
    std::vector<std::pair<std::string, std::string>> all;
    for (const auto& o : r->objects) all.emplace_back(o.key, o.key);
    for (const auto& c : r->common_prefixes) all.emplace_back(c, "P:" + c);
    std::sort(all.begin(), all.end());
    for (auto& [k, v] : all) p.entries.push_back(v);
    p.truncated = r->truncated;
    p.next = r->next_marker;
    return p;
  }

  // Every page, following next_marker, concatenated.
  std::vector<std::string> ListAll(const std::string& prefix, const std::string& delim,
                                   int max_keys, int* pages = nullptr) {
    std::vector<std::string> out;
    std::string after;
    int n = 0;
    for (;;) {
      Page p = List(prefix, delim, after, max_keys);
      ++n;
      out.insert(out.end(), p.entries.begin(), p.entries.end());
      if (!p.truncated) break;
      EXPECT_FALSE(p.next.empty());
      after = p.next;
      if (n > 10000) break;
    }
    if (pages) *pages = n;
    return out;
  }

  TempDir dir_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(ListTest, ByteOrderIncludingMultibyteUtf8) {
  // U+00E9 (c3 a9) < U+4E2D (e4 b8 ad) < U+1F600 (f0 9f 98 80); all sort after ASCII, and
  // 'Z' < 'a' in bytes.
  std::vector<std::string> keys = {
      "\xf0\x9f\x98\x80", "\xe4\xb8\xad", "\xc3\xa9", "a", "Z", "a/b", "a-b", "a0", "~"};
  PutKeys(keys);
  std::vector<std::string> want = keys;
  std::sort(want.begin(), want.end());  // std::string compares as unsigned char bytes
  EXPECT_EQ(List("", "", "").entries, want);
  EXPECT_EQ(want.front(), "Z");
  EXPECT_EQ(want.back(), "\xf0\x9f\x98\x80");
}

TEST_F(ListTest, ObjectInfoInListings) {
  PutOptions opts;
  opts.attributes.content_type = "text/plain";
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "hello", opts).ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "big", std::string(300000, 'z')).ok());
  auto r = store_->ListObjects("bkt", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "big");
  EXPECT_EQ(r->objects[0].size, 300000u);
  EXPECT_EQ(r->objects[1].etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(r->objects[1].attributes.content_type, "text/plain");
  EXPECT_EQ(r->objects[1].bucket, "bkt");
  EXPECT_FALSE(r->truncated);
  EXPECT_TRUE(r->next_marker.empty());
}

TEST_F(ListTest, PrefixDelimiterAfter) {
  PutKeys({"a", "a/1", "a/2", "a/b/1", "ab", "b/1", "b/2/3", "c", "photos/2024/x.jpg",
           "photos/2024/y.jpg", "photos/2025/z.jpg", "photos/p.jpg"});
  EXPECT_EQ(List("", "/", "").entries,
            (std::vector<std::string>{"a", "P:a/", "ab", "P:b/", "c", "P:photos/"}));
  EXPECT_EQ(List("photos/", "/", "").entries,
            (std::vector<std::string>{"P:photos/2024/", "P:photos/2025/", "photos/p.jpg"}));
  EXPECT_EQ(List("a/", "/", "").entries, (std::vector<std::string>{"a/1", "a/2", "P:a/b/"}));
  EXPECT_EQ(List("a", "", "").entries,
            (std::vector<std::string>{"a", "a/1", "a/2", "a/b/1", "ab"}));
  EXPECT_EQ(List("zzz", "/", "").entries, std::vector<std::string>{});
  // after: strictly greater; equal to a common prefix does not repeat it.
  EXPECT_EQ(List("", "/", "a/").entries,
            (std::vector<std::string>{"ab", "P:b/", "c", "P:photos/"}));
  EXPECT_EQ(List("", "/", "a").entries,
            (std::vector<std::string>{"P:a/", "ab", "P:b/", "c", "P:photos/"}));
  EXPECT_EQ(List("", "", "b/1").entries,
            (std::vector<std::string>{"b/2/3", "c", "photos/2024/x.jpg", "photos/2024/y.jpg",
                                      "photos/2025/z.jpg", "photos/p.jpg"}));
  // after before the prefix starts at the prefix; after past it gives nothing.
  EXPECT_EQ(List("b/", "", "a").entries, (std::vector<std::string>{"b/1", "b/2/3"}));
  EXPECT_EQ(List("b/", "", "c").entries, std::vector<std::string>{});
  // A multi-byte delimiter.
  EXPECT_EQ(List("photos", "/20", "").entries,
            (std::vector<std::string>{"P:photos/20", "photos/p.jpg"}));
}

TEST_F(ListTest, KeysEndingInDelimiterAndEmptySegments) {
  PutKeys({"dir/", "dir/x", "dir//y", "/root", "//double"});
  EXPECT_EQ(List("", "/", "").entries, (std::vector<std::string>{"P:/", "P:dir/"}));
  EXPECT_EQ(List("dir/", "/", "").entries, (std::vector<std::string>{"dir/", "P:dir//", "dir/x"}));
  EXPECT_EQ(List("/", "/", "").entries, (std::vector<std::string>{"P://", "/root"}));
}

TEST_F(ListTest, MaxKeysCountsObjectsAndPrefixesAndPaginates) {
  std::vector<std::string> keys;
  for (int i = 0; i < 7; ++i) keys.push_back("k" + std::to_string(i));
  for (int i = 0; i < 3; ++i) keys.push_back("d" + std::to_string(i) + "/a");
  for (int i = 0; i < 3; ++i) keys.push_back("d" + std::to_string(i) + "/b");
  PutKeys(keys);

  Page first = List("", "/", "", 2);
  EXPECT_EQ(first.entries, (std::vector<std::string>{"P:d0/", "P:d1/"}));
  EXPECT_TRUE(first.truncated);
  EXPECT_EQ(first.next, "d1/");
  Page second = List("", "/", first.next, 2);
  EXPECT_EQ(second.entries, (std::vector<std::string>{"P:d2/", "k0"}));
  EXPECT_EQ(second.next, "k0");

  // Exactly max_keys entries left: not truncated.
  Page last = List("", "/", "k4", 2);
  EXPECT_EQ(last.entries, (std::vector<std::string>{"k5", "k6"}));
  EXPECT_FALSE(last.truncated);
  EXPECT_TRUE(last.next.empty());
  Page zero = List("", "/", "", 0);
  EXPECT_TRUE(zero.entries.empty());

  for (int max_keys : {1, 2, 3, 5, 1000}) {
    int pages = 0;
    std::vector<std::string> all = ListAll("", "/", max_keys, &pages);
    EXPECT_EQ(all, (std::vector<std::string>{"P:d0/", "P:d1/", "P:d2/", "k0", "k1", "k2", "k3",
                                             "k4", "k5", "k6"}))
        << max_keys;
    EXPECT_EQ(pages, (10 + max_keys - 1) / max_keys) << max_keys;
    std::vector<std::string> flat = ListAll("", "", max_keys);
    EXPECT_EQ(flat.size(), keys.size());
    EXPECT_TRUE(std::is_sorted(flat.begin(), flat.end()));
  }
}

// 10,000 keys under one prefix: a delimiter listing must seek past them, not walk them.
TEST(ListSkipTest, DelimiterListingSeeksPastCommonPrefixes) {
  TempDir dir;
  {
    auto store = testing::OpenOrDie(dir.path());
    ASSERT_TRUE(store->CreateBucket("bkt", "").ok());
    ASSERT_TRUE(PutString(*store, "bkt", "a", "x").ok());
    ASSERT_TRUE(PutString(*store, "bkt", "z", "x").ok());
  }
  {
    // Bulk-load records straight into the index (10,000 synced PUTs would dominate the test).
    auto db = meta::MetaDb::Open(dir.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    meta::WriteBatch batch;
    ObjectRecord rec;
    rec.size = 1;
    rec.etag = "9dd4e461268c8034f5c8564e155c67a6";
    rec.inline_data = "x";
    for (int i = 0; i < 10000; ++i) {
      batch.Put(ObjectKey("bkt", "many/" + std::to_string(i)), EncodeObjectRecord(rec));
      batch.Put(ObjectKey("bkt", "more/" + std::to_string(i) + "/deep"), EncodeObjectRecord(rec));
    }
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }
  auto store = testing::OpenOrDie(dir.path());
  uint64_t before = meta::MetaDb::IteratorStepsForTest();
  auto r = store->ListObjects("bkt", {"", "/", "", 1000});
  uint64_t steps = meta::MetaDb::IteratorStepsForTest() - before;
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"many/", "more/"}));
  EXPECT_LT(steps, 20u);

  // Under "more/", each key is its own common prefix: 1000 per page, in order.
  before = meta::MetaDb::IteratorStepsForTest();
  r = store->ListObjects("bkt", {"more/", "/", "", 1000});
  steps = meta::MetaDb::IteratorStepsForTest() - before;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->common_prefixes.size(), 1000u);
  EXPECT_TRUE(r->truncated);
  EXPECT_LT(steps, 1100u);
  EXPECT_TRUE(std::is_sorted(r->common_prefixes.begin(), r->common_prefixes.end()));

  // The continuation picks up right after the last prefix.
  auto next = store->ListObjects("bkt", {"more/", "/", r->next_marker, 1000});
  ASSERT_TRUE(next.ok());
  ASSERT_FALSE(next->common_prefixes.empty());
  EXPECT_GT(next->common_prefixes.front(), r->common_prefixes.back());

  auto flat = store->ListObjects("bkt", {"many/", "", "many/9990", 1000});
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->objects.size(), 9u);  // many/9991 .. many/9999
}

}  // namespace
}  // namespace cairn::storage
