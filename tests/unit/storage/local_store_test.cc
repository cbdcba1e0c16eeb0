// LocalStore through the ObjectStore interface: round trips, digests, failures, conditions,
// odd keys, concurrency.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/encoding.h"
#include "common/hash.h"
#include "storage/local_store.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using testing::Bytes;
using testing::GetString;
using testing::PutString;
using testing::TempDir;
using testing::TestSource;

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.inline_threshold = 4096;
    options_.io_buffer_size = 64 << 10;
    store_ = testing::OpenOrDie(dir_.path(), options_);
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }

  void ExpectObject(const std::string& key, const std::string& data) {
    auto got = GetString(*store_, "bkt", key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
    EXPECT_EQ(got->size(), data.size());
    EXPECT_TRUE(*got == data) << key;
  }

  size_t DataFileCount() { return testing::DataFileCount(dir_.path()); }
  size_t TmpFileCount() { return testing::TmpFileCount(dir_.path()); }

  TempDir dir_;
  LocalStoreOptions options_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(LocalStoreTest, BucketsCreateGetListDelete) {
  EXPECT_EQ(store_->CreateBucket("bkt", "").code(), Code::kBucketAlreadyOwnedByYou);
  ASSERT_TRUE(store_->CreateBucket("a-bucket", "eu-west-1").ok());
  auto info = store_->GetBucket("a-bucket");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->region, "eu-west-1");
  EXPECT_LE(info->created, Now());
  EXPECT_EQ(store_->GetBucket("nope").status().code(), Code::kNoSuchBucket);
  auto list = store_->ListBuckets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a-bucket");
  EXPECT_EQ((*list)[1].name, "bkt");
  EXPECT_EQ(store_->DeleteBucket("nope").code(), Code::kNoSuchBucket);
  ASSERT_TRUE(PutString(*store_, "a-bucket", "k", "v").ok());
  EXPECT_EQ(store_->DeleteBucket("a-bucket").code(), Code::kBucketNotEmpty);
  ASSERT_TRUE(store_->DeleteObject("a-bucket", "k").ok());
  ASSERT_TRUE(store_->DeleteBucket("a-bucket").ok());
  EXPECT_EQ(store_->GetBucket("a-bucket").status().code(), Code::kNoSuchBucket);
  // A bucket whose name is a prefix of another's does not see its objects.
  ASSERT_TRUE(store_->CreateBucket("bk", "").ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "x", "1").ok());
  ASSERT_TRUE(store_->DeleteBucket("bk").ok());
}

TEST_F(LocalStoreTest, RoundTripsAtEverySize) {
  // 0 bytes, inline, exactly the threshold, just above, several io buffers plus a tail.
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097},
                      size_t{64 << 10}, size_t{(3 << 16) + 17}}) {
    std::string key = "obj-" + std::to_string(size);
    std::string data = Bytes(size, static_cast<uint32_t>(size));
    auto put = PutString(*store_, "bkt", key, data);
    ASSERT_TRUE(put.ok()) << size << ": " << put.status().ToString();
    EXPECT_EQ(put->size, size);
    EXPECT_EQ(put->etag, HexEncode(Md5(data)));
    EXPECT_EQ(put->bucket, "bkt");
    EXPECT_EQ(put->key, key);
    ExpectObject(key, data);
    auto head = store_->HeadObject("bkt", key);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->size, size);
    EXPECT_EQ(head->etag, put->etag);
    EXPECT_EQ(head->modified, put->modified);
  }
  EXPECT_EQ(DataFileCount(), 3u);  // only the sizes above the inline threshold
  EXPECT_EQ(TmpFileCount(), 0u);
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(store_->HeadObject("bkt", "obj-0")->etag, "d41d8cd98f00b204e9800998ecf8427e");
}

TEST_F(LocalStoreTest, UnknownSizeStreamsToTheEndOfTheBody) {
  // A browser form's file part: the length is known only when the body ends.
  for (size_t size : {size_t{0}, size_t{4096}, size_t{4097}, size_t{(3 << 16) + 17}}) {
    std::string key = "unknown-" + std::to_string(size);
    std::string data = Bytes(size, static_cast<uint32_t>(size) + 7);
    TestSource source(data, 1000);
    auto put = store_->PutObject("bkt", key, source, kUnknownSize, {});
    ASSERT_TRUE(put.ok()) << size << ": " << put.status().ToString();
    EXPECT_EQ(put->size, size);
    EXPECT_EQ(put->etag, HexEncode(Md5(data)));
    ExpectObject(key, data);
  }
  EXPECT_EQ(DataFileCount(), 2u);
  // A body error at its very end stores nothing.
  std::string data = Bytes(300000, 9);
  TestSource late(data);
  late.FailAfter(data.size(), Status(Code::kEntityTooSmall, "too small"));
  EXPECT_EQ(store_->PutObject("bkt", "late", late, kUnknownSize, {}).status().code(),
            Code::kEntityTooSmall);
  EXPECT_EQ(store_->HeadObject("bkt", "late").status().code(), Code::kNoSuchKey);
  EXPECT_EQ(DataFileCount(), 2u);
  EXPECT_EQ(TmpFileCount(), 0u);
}

TEST_F(LocalStoreTest, RangesInlineAndFile) {
  for (size_t size : {size_t{1000}, size_t{200000}}) {
    std::string data = Bytes(size, 7);
    ASSERT_TRUE(PutString(*store_, "bkt", "r", data).ok());
    auto reader = store_->OpenObject("bkt", "r");
    ASSERT_TRUE(reader.ok());
    auto src = (*reader)->OpenRange(10, size - 20);
    ASSERT_TRUE(src.ok());
    EXPECT_EQ(*testing::Drain(**src), data.substr(10, size - 20));
    EXPECT_EQ((*reader)->OpenRange(size, 1).status().code(), Code::kInvalidRange);
    EXPECT_EQ((*reader)->OpenRange(1, size).status().code(), Code::kInvalidRange);
    auto tail = (*reader)->OpenRange(size, 0);
    ASSERT_TRUE(tail.ok());
    EXPECT_EQ(*testing::Drain(**tail), "");
    // File-backed ranges can go out by sendfile.
    auto region = (*(*reader)->OpenRange(5, 6))->RemainingFileRegion();
    EXPECT_EQ(region.has_value(), size > options_.inline_threshold);
    if (region) {
      EXPECT_EQ(region->offset, 5u);
      EXPECT_EQ(region->length, 6u);
    }
  }
}

TEST_F(LocalStoreTest, AttributesAndChecksumsPreservedExactly) {
  PutOptions opts;
  opts.attributes.content_type = "application/x-weird; a=\"b\"";
  opts.attributes.headers = {{"cache-control", "max-age=60"},
                             {"content-encoding", "gzip"},
                             {"x-amz-meta-emoji", "\xf0\x9f\x98\x80"},
                             {"x-amz-meta-empty", ""},
                             {"expires", "Thu, 01 Dec 1994 16:00:00 GMT"}};
  opts.checksums = {{"crc32", ""}, {"crc32c", ""}, {"crc64nvme", ""}, {"sha1", ""}, {"sha256", ""}};
  for (size_t size : {size_t{9}, size_t{100000}}) {
    std::string data = size == 9 ? "123456789" : Bytes(size);
    auto put = PutString(*store_, "bkt", "attrs", data, opts);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    auto head = store_->HeadObject("bkt", "attrs");
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->attributes.content_type, opts.attributes.content_type);
    EXPECT_EQ(head->attributes.headers, opts.attributes.headers);
    ASSERT_EQ(head->checksums.size(), 5u);
    EXPECT_EQ(head->checksums, put->checksums);
    if (size == 9) {
      EXPECT_EQ(head->checksums[0], (std::pair<std::string, std::string>{"crc32", "y/Q5Jg=="}));
      EXPECT_EQ(head->checksums[1], (std::pair<std::string, std::string>{"crc32c", "4waSgw=="}));
      EXPECT_EQ(head->checksums[2],
                (std::pair<std::string, std::string>{"crc64nvme", "rosUhgp5mIg="}));
      EXPECT_EQ(head->checksums[3].second,
                Base64Encode(*HexDecode("f7c3bc1d808e04732adf679965ccc34ca7ae3441")));
      EXPECT_EQ(head->checksums[4].second, Base64Encode(Sha256(data)));
    }
    // Expected values given up front that are right are accepted.
    PutOptions given = opts;
    for (size_t i = 0; i < given.checksums.size(); ++i) {
      given.checksums[i].second = put->checksums[i].second;
    }
    ASSERT_TRUE(PutString(*store_, "bkt", "attrs2", data, given).ok());
  }
}

TEST_F(LocalStoreTest, UnknownChecksumAlgorithmIsRejected) {
  PutOptions opts;
  opts.checksums = {{"md4", ""}};
  EXPECT_EQ(PutString(*store_, "bkt", "k", "x", opts).status().code(), Code::kInvalidRequest);
}

TEST_F(LocalStoreTest, BadDigestsStoreNothingAndKeepTheOldVersion) {
  for (size_t size : {size_t{100}, size_t{50000}}) {
    std::string old_data = Bytes(size, 1);
    std::string new_data = Bytes(size, 2);
    ASSERT_TRUE(PutString(*store_, "bkt", "k", old_data).ok());
    size_t files = DataFileCount();

    PutOptions md5;
    md5.content_md5 = Md5(old_data);  // wrong for new_data
    EXPECT_EQ(PutString(*store_, "bkt", "k", new_data, md5).status().code(), Code::kBadDigest);
    PutOptions short_md5;
    short_md5.content_md5 = "short";
    EXPECT_EQ(PutString(*store_, "bkt", "k", new_data, short_md5).status().code(),
              Code::kInvalidDigest);

    for (const char* alg : {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"}) {
      PutOptions sum;
      sum.checksums = {{alg, Base64Encode(std::string(std::string_view(alg) == "sha256" ? 32
                                                      : std::string_view(alg) == "sha1" ? 20
                                                                                        : 4,
                                                      'x'))}};
      EXPECT_EQ(PutString(*store_, "bkt", "k", new_data, sum).status().code(), Code::kBadDigest)
          << alg;
    }
    // The trailer carries the expected value when the request left it empty.
    PutOptions trailer;
    trailer.checksums = {{"crc32", ""}};
    TestSource bad(new_data);
    bad.mutable_trailers().Add("x-amz-checksum-crc32", "AAAAAA==");
    EXPECT_EQ(store_->PutObject("bkt", "k", bad, size, trailer).status().code(), Code::kBadDigest);

    ExpectObject("k", old_data);
    EXPECT_EQ(store_->HeadObject("bkt", "k")->etag, HexEncode(Md5(old_data)));
    EXPECT_EQ(DataFileCount(), files);
    EXPECT_EQ(TmpFileCount(), 0u);

    // And a right trailer / Content-MD5 is accepted.
    uint32_t crc = Crc32(0, new_data.data(), new_data.size());
    std::string be = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                      static_cast<char>(crc >> 8), static_cast<char>(crc)};
    TestSource good(new_data);
    good.mutable_trailers().Add("x-amz-checksum-crc32", Base64Encode(be));
    trailer.content_md5 = Md5(new_data);
    auto ok = store_->PutObject("bkt", "k", good, size, trailer);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->checksums[0].second, Base64Encode(be));
    ExpectObject("k", new_data);
  }
}

TEST_F(LocalStoreTest, BodyErrorsAndShortBodiesStoreNothing) {
  for (size_t size : {size_t{3000}, size_t{300000}}) {
    std::string old_data = Bytes(size, 3);
    ASSERT_TRUE(PutString(*store_, "bkt", "k", old_data).ok());
    size_t files = DataFileCount();
    std::string data = Bytes(size, 4);

    TestSource failing(data, 1000);
    failing.FailAfter(size / 2, Status(Code::kSignatureDoesNotMatch, "chunk signature"));
    auto r = store_->PutObject("bkt", "k", failing, size, {});
    EXPECT_EQ(r.status().code(), Code::kSignatureDoesNotMatch);
    EXPECT_EQ(r.status().message(), "chunk signature");  // unchanged

    TestSource truncated(data.substr(0, size - 1));
    EXPECT_EQ(store_->PutObject("bkt", "k", truncated, size, {}).status().code(),
              Code::kIncompleteBody);

    TestSource longer(data + "extra");
    EXPECT_FALSE(store_->PutObject("bkt", "k", longer, size, {}).ok());

    // An error at the very end (e.g. the final chunk's signature) still stores nothing.
    TestSource late(data);
    late.FailAfter(size, Status(Code::kSignatureDoesNotMatch, "final chunk"));
    EXPECT_EQ(store_->PutObject("bkt", "k", late, size, {}).status().code(),
              Code::kSignatureDoesNotMatch);

    ExpectObject("k", old_data);
    EXPECT_EQ(DataFileCount(), files);
    EXPECT_EQ(TmpFileCount(), 0u);
  }
  TestSource nothing("");
  EXPECT_EQ(store_->PutObject("bkt", "new", nothing, 1, {}).status().code(), Code::kIncompleteBody);
  EXPECT_EQ(store_->HeadObject("bkt", "new").status().code(), Code::kNoSuchKey);
}

TEST_F(LocalStoreTest, MissingBucketAndKey) {
  EXPECT_EQ(PutString(*store_, "nope", "k", "v").status().code(), Code::kNoSuchBucket);
  EXPECT_EQ(store_->HeadObject("nope", "k").status().code(), Code::kNoSuchBucket);
  EXPECT_EQ(store_->OpenObject("nope", "k").status().code(), Code::kNoSuchBucket);
  EXPECT_EQ(store_->DeleteObject("nope", "k").status().code(), Code::kNoSuchBucket);
  EXPECT_EQ(store_->ListObjects("nope", {}).status().code(), Code::kNoSuchBucket);
  EXPECT_EQ(store_->HeadObject("bkt", "k").status().code(), Code::kNoSuchKey);
  EXPECT_EQ(store_->OpenObject("bkt", "k").status().code(), Code::kNoSuchKey);
  EXPECT_TRUE(store_->DeleteObject("bkt", "k").ok());  // idempotent
}

TEST_F(LocalStoreTest, OverwriteAndDeleteReleaseDataFiles) {
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(10000, 1)).ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(20000, 2)).ok());
  EXPECT_EQ(DataFileCount(), 1u);
  ExpectObject("k", Bytes(20000, 2));
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "small").ok());  // file -> inline
  EXPECT_EQ(DataFileCount(), 0u);
  ExpectObject("k", "small");
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(10000, 3)).ok());
  EXPECT_EQ(DataFileCount(), 1u);
  ASSERT_TRUE(store_->DeleteObject("bkt", "k").ok());
  EXPECT_EQ(DataFileCount(), 0u);
  EXPECT_EQ(store_->HeadObject("bkt", "k").status().code(), Code::kNoSuchKey);
}

TEST_F(LocalStoreTest, ConditionalWrites) {
  PutOptions none_match;
  none_match.conditions.if_none_match_any = true;
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "v1", none_match).ok());
  EXPECT_EQ(PutString(*store_, "bkt", "k", "v2", none_match).status().code(),
            Code::kPreconditionFailed);
  EXPECT_EQ(PutString(*store_, "bkt", "k", Bytes(9000), none_match).status().code(),
            Code::kPreconditionFailed);

  PutOptions match;
  match.conditions.if_match = HexEncode(Md5("other"));
  EXPECT_EQ(PutString(*store_, "bkt", "k", "v2", match).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(PutString(*store_, "bkt", "absent", "v2", match).status().code(), Code::kNoSuchKey);
  match.conditions.if_match = HexEncode(Md5("v1"));
  ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(9000), match).ok());
  EXPECT_EQ(PutString(*store_, "bkt", "k", "v3", match).status().code(), Code::kPreconditionFailed);
  ExpectObject("k", Bytes(9000));
  EXPECT_EQ(DataFileCount(), 1u);
  EXPECT_EQ(TmpFileCount(), 0u);
  match.conditions.if_match = "*";  // any existing object
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "v4", match).ok());
  EXPECT_EQ(PutString(*store_, "bkt", "absent", "v4", match).status().code(), Code::kNoSuchKey);
}

TEST_F(LocalStoreTest, ConditionalDelete) {
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "v1").ok());
  DeleteOptions wrong;
  wrong.if_match_etag = HexEncode(Md5("other"));
  EXPECT_EQ(store_->DeleteObject("bkt", "k", "", wrong).status().code(), Code::kPreconditionFailed);
  DeleteOptions size;
  size.if_match_size = 3;
  EXPECT_EQ(store_->DeleteObject("bkt", "k", "", size).status().code(), Code::kPreconditionFailed);
  ExpectObject("k", "v1");
  EXPECT_EQ(store_->DeleteObject("bkt", "absent", "", wrong).status().code(), Code::kNoSuchKey);
  DeleteOptions right;
  right.if_match_etag = HexEncode(Md5("v1"));
  right.if_match_size = 2;
  ASSERT_TRUE(store_->DeleteObject("bkt", "k", "", right).ok());
  EXPECT_EQ(store_->HeadObject("bkt", "k").status().code(), Code::kNoSuchKey);
}

TEST_F(LocalStoreTest, ConcurrentIfNoneMatchHasOneWinner) {
  for (int round = 0; round < 5; ++round) {
    std::string key = "race-" + std::to_string(round);
    std::atomic<int> wins{0}, lost{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        PutOptions opts;
        opts.conditions.if_none_match_any = true;
        auto r = PutString(*store_, "bkt", key, Bytes(t % 2 ? 100 : 10000, t), opts);
        if (r.ok()) {
          ++wins;
        } else if (r.status().code() == Code::kPreconditionFailed) {
          ++lost;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(lost.load(), 5);
  }
  EXPECT_EQ(TmpFileCount(), 0u);
}

TEST_F(LocalStoreTest, OddKeysAreOpaque) {
  std::vector<std::string> keys = {"a/../b",
                                   "../../etc/passwd",
                                   "//x",
                                   "trailing/",
                                   "/",
                                   ".",
                                   "..",
                                   "with space",
                                   "100%",
                                   "a+b",
                                   "\xf0\x9f\x98\x80 emoji",
                                   "tab\tnew\nline",
                                   std::string(1024, 'k'),
                                   std::string(1020, 'x') + "\xf0\x9f\x98\x80",
                                   ".cairn/meta/CURRENT"};
  for (const auto& key : keys) {
    ASSERT_TRUE(PutString(*store_, "bkt", key, "v:" + key).ok()) << key;
    ASSERT_TRUE(PutString(*store_, "bkt", key + "-big", Bytes(5000)).ok()) << key;
  }
  for (const auto& key : keys) {
    ExpectObject(key, "v:" + key);
    ExpectObject(key + "-big", Bytes(5000));
  }
  ListQuery q;
  auto list = store_->ListObjects("bkt", q);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->objects.size(), keys.size() * 2);
  // Nothing escaped the store's own tree.
  auto top = platform::Env::Default()->ListDir(dir_.path());
  EXPECT_EQ(*top, std::vector<std::string>{".cairn"});
  EXPECT_EQ(PutString(*store_, "bkt", "", "v").status().code(), Code::kInvalidArgument);
}

TEST_F(LocalStoreTest, ReaderSurvivesOverwriteAndDelete) {
  for (size_t size : {size_t{100}, size_t{100000}}) {
    std::string v1 = Bytes(size, 1);
    ASSERT_TRUE(PutString(*store_, "bkt", "k", v1).ok());
    auto reader = store_->OpenObject("bkt", "k");
    ASSERT_TRUE(reader.ok());
    auto early = (*reader)->OpenRange(0, size);
    ASSERT_TRUE(PutString(*store_, "bkt", "k", Bytes(size + 1, 2)).ok());
    auto late = (*reader)->OpenRange(0, size);
    ASSERT_TRUE(store_->DeleteObject("bkt", "k").ok());
    EXPECT_EQ(DataFileCount(), 0u);  // unlinked, yet still readable through the handles
    EXPECT_EQ(*testing::Drain(**early), v1);
    EXPECT_EQ(*testing::Drain(**late), v1);
    auto again = (*reader)->OpenRange(size / 2, size - size / 2);
    EXPECT_EQ(*testing::Drain(**again), v1.substr(size / 2));
    EXPECT_EQ((*reader)->info().etag, HexEncode(Md5(v1)));
  }
}

// Writers and deleters hammer one key (inline and file-backed versions) while readers check
// that every version they open is whole and matches its ETag.
TEST_F(LocalStoreTest, ConcurrentPutsDeletesAndReadsStayConsistent) {
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, bad{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if ((i + t) % 7 == 0) {
          if (!store_->DeleteObject("bkt", "hot").ok()) ++bad;
          continue;
        }
        size_t size = (i % 3 == 0) ? 1000 + i : 20000 + 997 * i;
        if (!PutString(*store_, "bkt", "hot", Bytes(size, t * 1000 + i)).ok()) ++bad;
      }
    });
  }
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto reader = store_->OpenObject("bkt", "hot");
        if (!reader.ok()) {
          if (reader.status().code() != Code::kNoSuchKey) ++bad;
          continue;
        }
        auto src = (*reader)->OpenRange(0, (*reader)->info().size);
        auto data = testing::Drain(**src);
        if (!data.ok() || data->size() != (*reader)->info().size ||
            HexEncode(Md5(*data)) != (*reader)->info().etag) {
          ++bad;
        }
        ++reads;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);

  auto head = store_->HeadObject("bkt", "hot");
  if (head.ok()) {
    auto data = GetString(*store_, "bkt", "hot");
    ASSERT_TRUE(data.ok());
    EXPECT_EQ(HexEncode(Md5(*data)), head->etag);
    EXPECT_EQ(DataFileCount(), head->size > options_.inline_threshold ? 1u : 0u);
  } else {
    EXPECT_EQ(head.status().code(), Code::kNoSuchKey);
    EXPECT_EQ(DataFileCount(), 0u);
  }
  EXPECT_EQ(TmpFileCount(), 0u);
}

TEST_F(LocalStoreTest, DeleteBucketNeverOrphansConcurrentPuts) {
  for (int round = 0; round < 10; ++round) {
    std::string bucket = "race" + std::to_string(round);
    ASSERT_TRUE(store_->CreateBucket(bucket, "").ok());
    std::atomic<int> stored{0};
    std::thread putter([&] {
      for (int i = 0; i < 20; ++i) {
        auto r = PutString(*store_, bucket, "k" + std::to_string(i), Bytes(i % 2 ? 50 : 6000, i));
        if (r.ok()) ++stored;
      }
    });
    Status deleted = Status(Code::kBucketNotEmpty, "");
    while (deleted.code() == Code::kBucketNotEmpty && stored.load() == 0) {
      deleted = store_->DeleteBucket(bucket);
    }
    putter.join();
    if (deleted.ok()) {
      // Puts that came after the delete failed; recreating shows no stray records.
      ASSERT_TRUE(store_->CreateBucket(bucket, "").ok());
      auto list = store_->ListObjects(bucket, {});
      ASSERT_TRUE(list.ok());
      EXPECT_TRUE(list->objects.empty());
    } else {
      auto list = store_->ListObjects(bucket, {});
      ASSERT_TRUE(list.ok());
      EXPECT_EQ(static_cast<int>(list->objects.size()), stored.load());
    }
  }
  EXPECT_EQ(TmpFileCount(), 0u);
}

}  // namespace
}  // namespace cairn::storage

namespace cairn::storage {
namespace {

TEST(LocalStoreSystemTest, SystemRecordsAreDurableAndSeparateFromObjects) {
  TempDir dir;
  {
    auto store = OpenLocalStore(dir.path(), LocalStoreOptions());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutSystem("iam/user/a", "1").ok());
    ASSERT_TRUE((*store)->PutSystem("iam/user/b", "2").ok());
    ASSERT_TRUE((*store)->PutSystem("iam/group/g", "3").ok());
    ASSERT_TRUE((*store)->DeleteSystem("iam/user/b").ok());
    ASSERT_TRUE((*store)->DeleteSystem("never/was").ok());
    // No bucket sees them.
    auto buckets = (*store)->ListBuckets();
    ASSERT_TRUE(buckets.ok());
    EXPECT_TRUE(buckets->empty());
  }
  auto store = OpenLocalStore(dir.path(), LocalStoreOptions());
  ASSERT_TRUE(store.ok());
  auto users = (*store)->ListSystem("iam/user/");
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].first, "iam/user/a");
  EXPECT_EQ((*users)[0].second, "1");
  EXPECT_EQ(*(*store)->GetSystem("iam/group/g").value(), "3");
  EXPECT_FALSE((*store)->GetSystem("iam/user/b")->has_value());
  // Five changes were made (deleting an absent record counts: the counter only says "look").
  EXPECT_EQ(*(*store)->SystemGeneration(), 5u);
  ASSERT_TRUE((*store)->PutSystem("iam/user/c", "4").ok());
  EXPECT_EQ(*(*store)->SystemGeneration(), 6u);
}

}  // namespace
}  // namespace cairn::storage
