// LocalStore through the MultipartStore interface: uploads, parts, completion (ETag, checksums,
// zero-copy stitching), readers across part boundaries, listings, errors, crash leftovers.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "common/encoding.h"
#include "common/hash.h"
#include "platform/env.h"
#include "storage/local_store.h"
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
using testing::TestSource;

std::string BigEndianBytes(uint64_t v, int n) {
  std::string out(n, '\0');
  for (int i = n - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

class MultipartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.inline_threshold = 4096;
    options_.io_buffer_size = 16 << 10;
    options_.min_part_size = 1000;
    Open();
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }

  void Open() {
    store_.reset();
    store_ = testing::OpenOrDie(dir_.path(), options_);
  }

  std::string Create(const std::string& key, const PutOptions& options = {}) {
    auto up = store_->CreateMultipartUpload("bkt", key, options);
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    return up.ok() ? up->upload_id : "";
  }

  Result<PartInfo> Part(const std::string& key, const std::string& id, int number,
                        const std::string& data, const PartOptions& options = {}) {
    TestSource source(data, 5000);
    return store_->UploadPart("bkt", key, id, number, source, data.size(), options);
  }

  // Uploads `pieces` as parts 1..n and completes them all.
  Result<ObjectInfo> Upload(const std::string& key, const std::vector<std::string>& pieces,
                            const PutOptions& options = {}) {
    std::string id = Create(key, options);
    std::vector<CompletedPart> list;
    for (size_t i = 0; i < pieces.size(); ++i) {
      auto part = Part(key, id, static_cast<int>(i) + 1, pieces[i]);
      if (!part.ok()) return part.status();
      list.push_back({part->number, part->etag, {}});
    }
    return store_->CompleteMultipartUpload("bkt", key, id, list, {});
  }

  size_t DataFileCount() { return testing::DataFileCount(dir_.path()); }

  TempDir dir_;
  LocalStoreOptions options_;
  std::unique_ptr<LocalStore> store_;
};

std::string MultipartEtag(const std::vector<std::string>& pieces) {
  std::string md5s;
  for (const auto& p : pieces) md5s += Md5(p);
  return HexEncode(Md5(md5s)) + "-" + std::to_string(pieces.size());
}

TEST_F(MultipartTest, RoundTripReadsAcrossPartBoundaries) {
  std::vector<std::string> pieces = {Bytes(3000, 1), Bytes(1000, 2), Bytes(50000, 3), Bytes(7, 4)};
  std::string whole;
  for (const auto& p : pieces) whole += p;
  PutOptions opts;
  opts.attributes.content_type = "text/plain";
  opts.attributes.headers = {{"x-amz-meta-a", "b"}};
  auto info = Upload("obj", pieces, opts);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, whole.size());
  EXPECT_EQ(info->etag, MultipartEtag(pieces));
  ASSERT_EQ(info->parts.size(), 4u);
  EXPECT_EQ(info->parts[2].number, 3);
  EXPECT_EQ(info->parts[2].size, 50000u);
  EXPECT_EQ(info->parts[2].etag, HexEncode(Md5(pieces[2])));
  EXPECT_TRUE(info->checksums.empty());

  EXPECT_EQ(*GetString(*store_, "bkt", "obj"), whole);
  auto head = store_->HeadObject("bkt", "obj");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, info->etag);
  EXPECT_EQ(head->attributes.content_type, "text/plain");
  EXPECT_EQ(head->attributes.headers, opts.attributes.headers);
  ASSERT_EQ(head->parts.size(), 4u);
  EXPECT_EQ(head->parts[3].size, 7u);
  auto list = store_->ListObjects("bkt", {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->objects.size(), 1u);
  EXPECT_EQ(list->objects[0].etag, info->etag);
  EXPECT_EQ(list->objects[0].parts.size(), 4u);

  // Every range that starts or ends near a boundary, byte-exact.
  auto reader = store_->OpenObject("bkt", "obj");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->info().parts.size(), 4u);
  std::vector<uint64_t> points = {0,    1,    2999,  3000,  3001,  3999,
                                  4000, 4001, 53999, 54000, 54006, 54007};
  for (uint64_t a : points) {
    for (uint64_t b : points) {
      if (b < a) continue;
      auto src = (*reader)->OpenRange(a, b - a);
      ASSERT_TRUE(src.ok());
      auto got = Drain(**src);
      ASSERT_TRUE(got.ok());
      EXPECT_TRUE(*got == whole.substr(a, b - a)) << a << "-" << b;
    }
  }
  EXPECT_EQ((*reader)->OpenRange(54000, 8).status().code(), Code::kInvalidRange);
  // A file region is offered only while the rest lies within one part's file.
  auto within = (*reader)->OpenRange(3100, 500);
  ASSERT_TRUE(within.ok());
  auto region = (*within)->RemainingFileRegion();
  ASSERT_TRUE(region.has_value());
  EXPECT_EQ(region->offset, 100u);
  EXPECT_EQ(region->length, 500u);
  auto across = (*reader)->OpenRange(2000, 3000);
  ASSERT_TRUE(across.ok());
  EXPECT_FALSE((*across)->RemainingFileRegion().has_value());
  // Once the rest lies within the third part's file it is one region again.
  char buf[2000];
  size_t read = 0;
  while (read < 2000) {
    auto n = (*across)->Read(buf + read, 2000 - read);
    ASSERT_TRUE(n.ok());
    read += *n;
  }
  EXPECT_TRUE(std::string(buf, 2000) == whole.substr(2000, 2000));
  auto rest = (*across)->RemainingFileRegion();
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->offset, 0u);
  EXPECT_EQ(rest->length, 1000u);
}

TEST_F(MultipartTest, CompletionStitchesFilesWithoutCopies) {
  std::string id = Create("k");
  ASSERT_TRUE(Part("k", id, 1, Bytes(2000, 1)).ok());
  ASSERT_TRUE(Part("k", id, 2, Bytes(10, 2)).ok());  // small parts still get files
  auto p3 = Part("k", id, 3, Bytes(2000, 3));
  ASSERT_TRUE(p3.ok());
  EXPECT_EQ(DataFileCount(), 3u);
  // Part 2 is left out: its file goes at completion; the other two become the object's.
  auto p1 = store_->ListParts("bkt", "k", id, 0, 10);
  ASSERT_TRUE(p1.ok());
  auto done = store_->CompleteMultipartUpload("bkt", "k", id,
                                              {{1, p1->parts[0].etag, {}}, {3, p3->etag, {}}}, {});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(DataFileCount(), 2u);
  EXPECT_EQ(*GetString(*store_, "bkt", "k"), Bytes(2000, 1) + Bytes(2000, 3));
  EXPECT_EQ(done->parts[1].number, 3);
  // Overwriting the key with a plain PUT collects both part files.
  ASSERT_TRUE(PutString(*store_, "bkt", "k", "small").ok());
  EXPECT_EQ(DataFileCount(), 0u);
  // Another multipart object, then a delete: its files go too.
  ASSERT_TRUE(Upload("k", {Bytes(1500, 5), Bytes(1500, 6)}).ok());
  EXPECT_EQ(DataFileCount(), 2u);
  ASSERT_TRUE(Upload("k",
                     {
                         Bytes(1500, 7),
                         Bytes(1, 8),
                     })
                  .ok());  // overwrite by multipart
  EXPECT_EQ(DataFileCount(), 2u);
  ASSERT_TRUE(store_->DeleteObject("bkt", "k").ok());
  EXPECT_EQ(DataFileCount(), 0u);
  EXPECT_EQ(testing::TmpFileCount(dir_.path()), 0u);
}

TEST_F(MultipartTest, ErrorsOfCompletion) {
  std::string id = Create("e");
  auto p1 = Part("e", id, 1, Bytes(999, 1));  // below min_part_size (1000)
  auto p2 = Part("e", id, 2, Bytes(1000, 2));
  auto p3 = Part("e", id, 3, Bytes(10, 3));
  ASSERT_TRUE(p1.ok() && p2.ok() && p3.ok());
  auto complete = [&](std::vector<CompletedPart> parts) {
    return store_->CompleteMultipartUpload("bkt", "e", id, parts, {}).status().code();
  };
  EXPECT_EQ(complete({{2, p2->etag, {}}, {1, p1->etag, {}}}), Code::kInvalidPartOrder);
  EXPECT_EQ(complete({{2, p2->etag, {}}, {2, p2->etag, {}}}), Code::kInvalidPartOrder);
  EXPECT_EQ(complete({{2, p2->etag, {}}, {3, p1->etag, {}}}), Code::kInvalidPart);  // etag
  EXPECT_EQ(complete({{2, p2->etag, {}}, {4, p3->etag, {}}}), Code::kInvalidPart);  // missing
  EXPECT_EQ(complete({{1, p1->etag, {}}, {2, p2->etag, {}}}), Code::kEntityTooSmall);
  EXPECT_EQ(complete({}), Code::kMalformedXML);
  EXPECT_EQ(complete({{2, p2->etag, {{"crc32", "AAAAAA=="}}}}), Code::kInvalidPart);
  EXPECT_EQ(
      store_->CompleteMultipartUpload("bkt", "e", "nope", {{2, p2->etag, {}}}, {}).status().code(),
      Code::kNoSuchUpload);
  EXPECT_EQ(
      store_->CompleteMultipartUpload("bkt", "other", id, {{2, p2->etag, {}}}, {}).status().code(),
      Code::kNoSuchUpload);
  // Conditions: If-Match on a missing key is NoSuchKey (as AWS), and the upload is still there.
  WriteConditions if_match;
  if_match.if_match = "abc";
  EXPECT_EQ(store_->CompleteMultipartUpload("bkt", "e", id, {{2, p2->etag, {}}}, if_match)
                .status()
                .code(),
            Code::kNoSuchKey);
  // The last part may be small; quotes-free etag in any case is accepted.
  std::string upper = p2->etag;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto ok =
      store_->CompleteMultipartUpload("bkt", "e", id, {{2, upper, {}}, {3, p3->etag, {}}}, {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->etag, MultipartEtag({Bytes(1000, 2), Bytes(10, 3)}));
  EXPECT_EQ(complete({{2, p2->etag, {}}}), Code::kNoSuchUpload);
  EXPECT_EQ(Part("e", id, 4, "x").status().code(), Code::kNoSuchUpload);
  EXPECT_EQ(store_->ListParts("bkt", "e", id, 0, 10).status().code(), Code::kNoSuchUpload);
  EXPECT_EQ(store_->GetUpload("bkt", "e", id).status().code(), Code::kNoSuchUpload);
  // If-None-Match: * now fails: the key exists.
  std::string id2 = Create("e");
  auto q = Part("e", id2, 1, "x");
  ASSERT_TRUE(q.ok());
  WriteConditions none;
  none.if_none_match_any = true;
  EXPECT_EQ(
      store_->CompleteMultipartUpload("bkt", "e", id2, {{1, q->etag, {}}}, none).status().code(),
      Code::kPreconditionFailed);
  WriteConditions match;
  match.if_match = ok->etag;
  EXPECT_TRUE(store_->CompleteMultipartUpload("bkt", "e", id2, {{1, q->etag, {}}}, match).ok());
  EXPECT_EQ(*GetString(*store_, "bkt", "e"), "x");
}

TEST_F(MultipartTest, UploadPartErrorsAndDigests) {
  std::string id = Create("d");
  EXPECT_EQ(Part("d", id, 0, "x").status().code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(Part("d", id, 10001, "x").status().code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(Part("d", "0123", 1, "x").status().code(), Code::kNoSuchUpload);
  EXPECT_EQ(Part("d2", id, 1, "x").status().code(), Code::kNoSuchUpload);
  TestSource s("x");
  EXPECT_EQ(store_->UploadPart("nob", "d", id, 1, s, 1, {}).status().code(), Code::kNoSuchBucket);
  PartOptions md5;
  md5.content_md5 = Md5("y");
  EXPECT_EQ(Part("d", id, 1, "x", md5).status().code(), Code::kBadDigest);
  PartOptions crc;
  crc.checksums = {{"crc32", Base64Encode(BigEndianBytes(Crc32(0, "y", 1), 4))}};
  EXPECT_EQ(Part("d", id, 1, "x", crc).status().code(), Code::kBadDigest);
  // A short body.
  TestSource shortsrc(std::string(10, 'a'));
  EXPECT_EQ(store_->UploadPart("bkt", "d", id, 1, shortsrc, 11, {}).status().code(),
            Code::kIncompleteBody);
  // Checksum in a trailer.
  PartOptions trailer;
  trailer.checksums = {{"crc32c", ""}};
  TestSource t("hello");
  t.mutable_trailers().Add("x-amz-checksum-crc32c",
                           Base64Encode(BigEndianBytes(Crc32c(0, "hello", 5), 4)));
  auto part = store_->UploadPart("bkt", "d", id, 1, t, 5, trailer);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  ASSERT_EQ(part->checksums.size(), 1u);
  EXPECT_EQ(part->etag, HexEncode(Md5("hello")));
  EXPECT_EQ(DataFileCount(), 1u);
  EXPECT_EQ(testing::TmpFileCount(dir_.path()), 0u);
  auto parts = store_->ListParts("bkt", "d", id, 0, 10);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->parts.size(), 1u);
  EXPECT_EQ(parts->parts[0].checksums, part->checksums);
}

TEST_F(MultipartTest, ReuploadReplacesPart) {
  std::string id = Create("r");
  ASSERT_TRUE(Part("r", id, 1, Bytes(1200, 1)).ok());
  ASSERT_TRUE(Part("r", id, 2, "tail").ok());
  auto again = Part("r", id, 1, Bytes(1300, 9));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DataFileCount(), 2u);  // the replaced file is gone
  auto parts = store_->ListParts("bkt", "r", id, 0, 10);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->parts.size(), 2u);
  EXPECT_EQ(parts->parts[0].size, 1300u);
  EXPECT_EQ(parts->parts[0].etag, again->etag);
  auto done = store_->CompleteMultipartUpload(
      "bkt", "r", id, {{1, again->etag, {}}, {2, parts->parts[1].etag, {}}}, {});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*GetString(*store_, "bkt", "r"), Bytes(1300, 9) + "tail");
}

TEST_F(MultipartTest, AbortRemovesPartsAndFiles) {
  std::string id = Create("a");
  ASSERT_TRUE(Part("a", id, 1, Bytes(5000, 1)).ok());
  ASSERT_TRUE(Part("a", id, 2, Bytes(5000, 2)).ok());
  EXPECT_EQ(DataFileCount(), 2u);
  EXPECT_EQ(store_->AbortMultipartUpload("bkt", "b", id).code(), Code::kNoSuchUpload);
  ASSERT_TRUE(store_->AbortMultipartUpload("bkt", "a", id).ok());
  EXPECT_EQ(DataFileCount(), 0u);
  EXPECT_EQ(store_->AbortMultipartUpload("bkt", "a", id).code(), Code::kNoSuchUpload);
  EXPECT_EQ(store_->CompleteMultipartUpload("bkt", "a", id, {{1, "x", {}}}, {}).status().code(),
            Code::kNoSuchUpload);
  EXPECT_EQ(store_->HeadObject("bkt", "a").status().code(), Code::kNoSuchKey);
  auto uploads = store_->ListMultipartUploads("bkt", {});
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->uploads.empty());
}

TEST_F(MultipartTest, UploadsAndPartsSurviveReopen) {
  PutOptions opts;
  opts.attributes.content_type = "a/b";
  opts.checksums = {{"crc32", ""}};
  opts.tags = {{"team", "x"}, {"class", "public"}};
  std::string id = Create("persist", opts);
  ASSERT_TRUE(Part("persist", id, 1, Bytes(1500, 1)).ok());
  ASSERT_TRUE(Part("persist", id, 2, Bytes(20, 2)).ok());
  Open();
  auto uploads = store_->ListMultipartUploads("bkt", {});
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->uploads.size(), 1u);
  EXPECT_EQ(uploads->uploads[0].key, "persist");
  EXPECT_EQ(uploads->uploads[0].upload_id, id);
  EXPECT_EQ(uploads->uploads[0].attributes.content_type, "a/b");
  EXPECT_EQ(uploads->uploads[0].checksum_algorithm, "crc32");
  EXPECT_EQ(uploads->uploads[0].checksum_type, "COMPOSITE");
  auto parts = store_->ListParts("bkt", "persist", id, 0, 100);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->parts.size(), 2u);
  EXPECT_EQ(DataFileCount(), 2u);
  auto done = store_->CompleteMultipartUpload(
      "bkt", "persist", id,
      {{1, parts->parts[0].etag, {}}, {2, parts->parts[1].etag, parts->parts[1].checksums}}, {});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  Open();
  EXPECT_EQ(*GetString(*store_, "bkt", "persist"), Bytes(1500, 1) + Bytes(20, 2));
  auto head = store_->HeadObject("bkt", "persist");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->checksum_type, "COMPOSITE");
  EXPECT_EQ(head->parts.size(), 2u);
  EXPECT_EQ(head->etag, done->etag);
  // The upload's tags, kept across the restart, are the object's.
  EXPECT_EQ(head->tags, opts.tags);
  EXPECT_EQ(done->tags, opts.tags);
  EXPECT_EQ(DataFileCount(), 2u);
}

// Reference values computed from the bytes, per AWS's definitions.
TEST_F(MultipartTest, CompositeAndFullObjectChecksums) {
  std::vector<std::string> pieces = {Bytes(1024, 11), Bytes(4000, 12), Bytes(33, 13)};
  std::string whole = pieces[0] + pieces[1] + pieces[2];
  struct Case {
    std::string alg, type, want_type;
  };
  for (const Case& c : std::vector<Case>{{"crc32", "", "COMPOSITE"},
                                         {"crc32c", "", "COMPOSITE"},
                                         {"sha1", "", "COMPOSITE"},
                                         {"sha256", "COMPOSITE", "COMPOSITE"},
                                         {"crc64nvme", "", "FULL_OBJECT"},
                                         {"crc32", "FULL_OBJECT", "FULL_OBJECT"},
                                         {"crc32c", "full_object", "FULL_OBJECT"}}) {
    SCOPED_TRACE(c.alg + "/" + c.type);
    PutOptions opts;
    opts.checksums = {{c.alg, ""}};
    opts.checksum_type = c.type;
    auto up = store_->CreateMultipartUpload("bkt", "sum", opts);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    EXPECT_EQ(up->checksum_algorithm, c.alg);
    EXPECT_EQ(up->checksum_type, c.want_type);
    std::vector<CompletedPart> list;
    std::string raws;
    for (size_t i = 0; i < pieces.size(); ++i) {
      auto part = Part("sum", up->upload_id, static_cast<int>(i) + 1, pieces[i]);
      ASSERT_TRUE(part.ok());
      // The part carries the upload's algorithm though the request did not ask for it.
      ASSERT_EQ(part->checksums.size(), 1u);
      EXPECT_EQ(part->checksums[0].first, c.alg);
      raws += *Base64Decode(part->checksums[0].second);
      list.push_back({part->number, part->etag, part->checksums});
    }
    auto done = store_->CompleteMultipartUpload("bkt", "sum", up->upload_id, list, {});
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    ASSERT_EQ(done->checksums.size(), 1u);
    EXPECT_EQ(done->checksums[0].first, c.alg);
    EXPECT_EQ(done->checksum_type, c.want_type);
    std::string want;
    if (c.want_type == "COMPOSITE") {
      std::string raw;
      if (c.alg == "crc32") raw = BigEndianBytes(Crc32(0, raws.data(), raws.size()), 4);
      if (c.alg == "crc32c") raw = BigEndianBytes(Crc32c(0, raws.data(), raws.size()), 4);
      if (c.alg == "sha1") {
        Digest d(DigestAlgorithm::kSha1);
        d.Update(raws);
        raw = d.Finish();
      }
      if (c.alg == "sha256") raw = Sha256(raws);
      want = Base64Encode(raw) + "-3";
    } else {
      if (c.alg == "crc32")
        want = Base64Encode(BigEndianBytes(Crc32(0, whole.data(), whole.size()), 4));
      if (c.alg == "crc32c")
        want = Base64Encode(BigEndianBytes(Crc32c(0, whole.data(), whole.size()), 4));
      if (c.alg == "crc64nvme") {
        want = Base64Encode(BigEndianBytes(Crc64Nvme(0, whole.data(), whole.size()), 8));
      }
    }
    EXPECT_EQ(done->checksums[0].second, want);
    auto head = store_->HeadObject("bkt", "sum");
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->checksums, done->checksums);
    EXPECT_EQ(head->checksum_type, c.want_type);
  }
  // Combinations AWS refuses.
  auto refused = [&](std::string alg, std::string type) {
    PutOptions opts;
    if (!alg.empty()) opts.checksums = {{alg, ""}};
    opts.checksum_type = type;
    return store_->CreateMultipartUpload("bkt", "x", opts).status().code();
  };
  EXPECT_EQ(refused("crc64nvme", "COMPOSITE"), Code::kInvalidRequest);
  EXPECT_EQ(refused("sha256", "FULL_OBJECT"), Code::kInvalidRequest);
  EXPECT_EQ(refused("", "FULL_OBJECT"), Code::kInvalidRequest);
  EXPECT_EQ(refused("md5", ""), Code::kInvalidRequest);
  EXPECT_EQ(refused("crc32", "BOTH"), Code::kInvalidRequest);
  EXPECT_EQ(store_->CreateMultipartUpload("nob", "x", {}).status().code(), Code::kNoSuchBucket);
}

TEST_F(MultipartTest, CompleteVerifiesTheWholeObjectChecksum) {
  std::vector<std::string> pieces = {Bytes(1024, 21), Bytes(77, 22)};
  std::string whole = pieces[0] + pieces[1];
  PutOptions opts;
  opts.checksums = {{"crc32c", ""}};
  opts.checksum_type = "FULL_OBJECT";
  std::string id = Create("whole", opts);
  std::vector<CompletedPart> list;
  for (size_t i = 0; i < pieces.size(); ++i) {
    auto part = Part("whole", id, static_cast<int>(i) + 1, pieces[i]);
    ASSERT_TRUE(part.ok());
    list.push_back({part->number, part->etag, {}});
  }
  const std::string right = Base64Encode(BigEndianBytes(Crc32c(0, whole.data(), whole.size()), 4));
  auto code = [&](CompleteOptions o) {
    return store_->CompleteMultipartUpload("bkt", "whole", id, list, o).status().code();
  };
  CompleteOptions wrong;
  wrong.checksums = {{"crc32c", Base64Encode(BigEndianBytes(1234, 4))}};
  EXPECT_EQ(code(wrong), Code::kBadDigest);
  CompleteOptions other_alg;
  other_alg.checksums = {{"crc32", right}};
  EXPECT_EQ(code(other_alg), Code::kInvalidRequest);
  CompleteOptions other_type;
  other_type.checksum_type = "COMPOSITE";
  EXPECT_EQ(code(other_type), Code::kBadDigest);
  CompleteOptions size;
  size.object_size = whole.size() + 1;
  EXPECT_EQ(code(size), Code::kInvalidRequest);
  EXPECT_EQ(store_->HeadObject("bkt", "whole").status().code(), Code::kNoSuchKey);
  CompleteOptions good;
  good.checksums = {{"crc32c", right}};
  good.checksum_type = "full_object";
  good.object_size = whole.size();
  auto done = store_->CompleteMultipartUpload("bkt", "whole", id, list, good);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->checksums[0].second, right);
}

TEST_F(MultipartTest, CompletingAgainAnswersTheSameVersion) {
  std::vector<std::string> pieces = {Bytes(1500, 31), Bytes(10, 32)};
  std::string id = Create("again");
  std::vector<CompletedPart> list;
  for (size_t i = 0; i < pieces.size(); ++i) {
    auto part = Part("again", id, static_cast<int>(i) + 1, pieces[i]);
    ASSERT_TRUE(part.ok());
    list.push_back({part->number, part->etag, {}});
  }
  auto first = store_->CompleteMultipartUpload("bkt", "again", id, list, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // A retry after a lost answer, even one that carried If-None-Match: *.
  WriteConditions none_match;
  none_match.if_none_match_any = true;
  auto second = store_->CompleteMultipartUpload("bkt", "again", id, list, none_match);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->etag, first->etag);
  EXPECT_EQ(second->size, first->size);
  // Another part list is not the same request.
  EXPECT_EQ(store_->CompleteMultipartUpload("bkt", "again", id, {list[0]}, {}).status().code(),
            Code::kNoSuchUpload);
  // The record keeps the upload id across a restart.
  Open();
  auto third = store_->CompleteMultipartUpload("bkt", "again", id, list, {});
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->etag, first->etag);
  EXPECT_EQ(*GetString(*store_, "bkt", "again"), pieces[0] + pieces[1]);
  // Once the key holds another version, the upload is gone for good.
  ASSERT_TRUE(PutString(*store_, "bkt", "again", "new").ok());
  EXPECT_EQ(store_->CompleteMultipartUpload("bkt", "again", id, list, {}).status().code(),
            Code::kNoSuchUpload);
  EXPECT_EQ(*GetString(*store_, "bkt", "again"), "new");
}

TEST_F(MultipartTest, ListPartsPaging) {
  std::string id = Create("lp");
  for (int n : {1, 2, 5, 9, 10, 100, 10000}) ASSERT_TRUE(Part("lp", id, n, std::to_string(n)).ok());
  std::vector<int> seen;
  int marker = 0;
  for (int page = 0; page < 10; ++page) {
    auto r = store_->ListParts("bkt", "lp", id, marker, 3);
    ASSERT_TRUE(r.ok());
    for (const auto& p : r->parts) {
      seen.push_back(p.number);
      EXPECT_EQ(p.size, std::to_string(p.number).size());
    }
    if (!r->truncated) break;
    EXPECT_EQ(r->next_part_number_marker, r->parts.back().number);
    marker = r->next_part_number_marker;
  }
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 5, 9, 10, 100, 10000}));
  auto after = store_->ListParts("bkt", "lp", id, 9, 1000);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->parts.size(), 3u);
  EXPECT_EQ(after->parts[0].number, 10);
  EXPECT_FALSE(after->truncated);
  auto exact = store_->ListParts("bkt", "lp", id, 0, 7);
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->truncated);
}

TEST_F(MultipartTest, ListUploadsOrderMarkersAndDelimiter) {
  // Keys with odd bytes: a NUL inside, and prefixes of each other.
  std::string nul_key = std::string("a\0b", 3);
  std::map<std::string, std::vector<std::string>> ids;
  for (const std::string& key :
       {std::string("b"), std::string("a"), nul_key, std::string("ab"), std::string("dir/x"),
        std::string("dir/y"), std::string("a"), std::string("dir/x"), std::string("z")}) {
    ids[key].push_back(Create(key));
    std::this_thread::sleep_for(std::chrono::microseconds(10));
  }
  // Expected order: by key bytes, then by initiation.
  std::vector<std::pair<std::string, std::string>> want;
  for (const auto& [key, list] : ids) {
    for (const auto& id : list) want.emplace_back(key, id);
  }
  auto all = store_->ListMultipartUploads("bkt", {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->uploads.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(all->uploads[i].key, want[i].first) << i;
    EXPECT_EQ(all->uploads[i].upload_id, want[i].second) << i;
  }
  EXPECT_FALSE(all->truncated);
  // Paging by two with both markers visits everything once, in order.
  std::vector<std::pair<std::string, std::string>> paged;
  ListUploadsQuery q;
  q.max_uploads = 2;
  for (int page = 0; page < 20; ++page) {
    auto r = store_->ListMultipartUploads("bkt", q);
    ASSERT_TRUE(r.ok());
    for (const auto& u : r->uploads) paged.emplace_back(u.key, u.upload_id);
    if (!r->truncated) break;
    q.key_marker = r->next_key_marker;
    q.upload_id_marker = r->next_upload_id_marker;
  }
  EXPECT_EQ(paged, want);
  // Key marker alone: keys strictly after it.
  ListUploadsQuery km;
  km.key_marker = "a";
  auto r = store_->ListMultipartUploads("bkt", km);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->uploads.empty());
  EXPECT_EQ(r->uploads[0].key, nul_key);
  // Both markers: the later upload of "a", then later keys.
  km.upload_id_marker = ids["a"][0];
  r = store_->ListMultipartUploads("bkt", km);
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r->uploads.size(), 2u);
  EXPECT_EQ(r->uploads[0].key, "a");
  EXPECT_EQ(r->uploads[0].upload_id, ids["a"][1]);
  EXPECT_EQ(r->uploads[1].key, nul_key);
  // Prefix (with a NUL byte) and delimiter.
  ListUploadsQuery pq;
  pq.prefix = std::string("a\0", 2);
  r = store_->ListMultipartUploads("bkt", pq);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->uploads.size(), 1u);
  EXPECT_EQ(r->uploads[0].key, nul_key);
  ListUploadsQuery dq;
  dq.delimiter = "/";
  r = store_->ListMultipartUploads("bkt", dq);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->common_prefixes, std::vector<std::string>{"dir/"});
  EXPECT_EQ(r->uploads.size(), want.size() - 3);
  // Delimiter paging: the common prefix counts once and is not repeated.
  dq.max_uploads = 5;  // a, a, a\0b, ab, b
  r = store_->ListMultipartUploads("bkt", dq);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->uploads.size(), 5u);
  dq.key_marker = r->next_key_marker;
  dq.upload_id_marker = r->next_upload_id_marker;
  dq.max_uploads = 1;
  r = store_->ListMultipartUploads("bkt", dq);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->common_prefixes, std::vector<std::string>{"dir/"});
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->next_key_marker, "dir/");
  dq.key_marker = r->next_key_marker;
  dq.upload_id_marker = r->next_upload_id_marker;
  r = store_->ListMultipartUploads("bkt", dq);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->uploads.size(), 1u);
  EXPECT_EQ(r->uploads[0].key, "z");
  EXPECT_TRUE(r->common_prefixes.empty());
  EXPECT_FALSE(r->truncated);
  EXPECT_EQ(store_->ListMultipartUploads("nob", {}).status().code(), Code::kNoSuchBucket);
  // Another bucket sees none of them.
  ASSERT_TRUE(store_->CreateBucket("bk", "").ok());
  r = store_->ListMultipartUploads("bk", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->uploads.empty());
}

TEST_F(MultipartTest, ReaderSurvivesOverwriteAndDelete) {
  std::vector<std::string> pieces = {Bytes(1500, 1), Bytes(1500, 2), Bytes(100, 3)};
  ASSERT_TRUE(Upload("keep", pieces).ok());
  auto reader = store_->OpenObject("bkt", "keep");
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(PutString(*store_, "bkt", "keep", "new").ok());
  EXPECT_EQ(DataFileCount(), 0u);  // unlinked, still open
  auto src = (*reader)->OpenRange(0, 3100);
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(*Drain(**src), pieces[0] + pieces[1] + pieces[2]);
  EXPECT_EQ(*GetString(*store_, "bkt", "keep"), "new");
}

TEST_F(MultipartTest, DeleteBucketAbortsUploadsInProgress) {
  ASSERT_TRUE(store_->CreateBucket("gone", "").ok());
  auto up = store_->CreateMultipartUpload("gone", "k", {});
  ASSERT_TRUE(up.ok());
  TestSource body(Bytes(5000));
  ASSERT_TRUE(store_->UploadPart("gone", "k", up->upload_id, 1, body, 5000, {}).ok());
  auto up2 = store_->CreateMultipartUpload("gone", "k2", {});
  ASSERT_TRUE(up2.ok());
  // Objects still keep it.
  ASSERT_TRUE(PutString(*store_, "gone", "obj", "x").ok());
  EXPECT_EQ(store_->DeleteBucket("gone").code(), Code::kBucketNotEmpty);
  ASSERT_TRUE(store_->DeleteObject("gone", "obj").ok());
  EXPECT_EQ(DataFileCount(), 1u);
  ASSERT_TRUE(store_->DeleteBucket("gone").ok());
  EXPECT_EQ(DataFileCount(), 0u);
  EXPECT_EQ(store_->GetUpload("gone", "k", up->upload_id).status().code(), Code::kNoSuchBucket);
  // Recreated, it holds no upload and no part.
  ASSERT_TRUE(store_->CreateBucket("gone", "").ok());
  auto list = store_->ListMultipartUploads("gone", {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->uploads.empty());
  EXPECT_EQ(store_->GetUpload("gone", "k", up->upload_id).status().code(), Code::kNoSuchUpload);
}

void WriteFile(const std::string& path, const std::string& data) {
  auto f = platform::Env::Default()->NewWritableFile(path);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(data.data(), data.size()).ok());
  ASSERT_TRUE((*f)->Close().ok());
}

// What kill -9 leaves, reproduced by hand while the store is closed: a part file published
// with its intent but never committed (mid-UploadPart), and the replaced object's files still
// on disk with their garbage records (a completion that committed but did not unlink yet). The
// sweep at the next open removes exactly those; live part files (of an upload in progress and
// of completed objects) stay.
TEST_F(MultipartTest, ReopenAfterCrashSweepsLeftovers) {
  std::string id = Create("c");
  auto p1 = Part("c", id, 1, Bytes(2000, 1));
  ASSERT_TRUE(p1.ok());
  ASSERT_TRUE(Upload("old", {Bytes(1500, 2), Bytes(10, 3)}).ok());
  EXPECT_EQ(DataFileCount(), 3u);
  store_.reset();

  auto path_of = [&](const blobs::BlobId& id) {
    return dir_.path() + "/.cairn/data/" + id.Hex().substr(0, 2) + "/" + id.Hex();
  };
  std::vector<blobs::BlobId> old_files;
  blobs::BlobId orphan = *blobs::BlobId::Random();
  {
    auto db = meta::MetaDb::Open(dir_.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    std::string value;
    ASSERT_TRUE((*db)->Get(ObjectKey("bkt", "old"), &value).ok());
    ObjectRecord rec;
    ASSERT_TRUE(DecodeObjectRecord(value, &rec, false).ok());
    ASSERT_TRUE(rec.is_multipart);
    old_files = DataFilesOf(rec);
    ASSERT_EQ(old_files.size(), 2u);
    WriteFile(path_of(orphan), "zz");
    ASSERT_TRUE((*db)->Put(IntentKey("bkt", "c", orphan), "", true).ok());
  }
  EXPECT_EQ(DataFileCount(), 4u);
  Open();
  EXPECT_EQ(DataFileCount(), 3u);  // only the orphan went
  EXPECT_EQ(*GetString(*store_, "bkt", "old"), Bytes(1500, 2) + Bytes(10, 3));

  // Complete "c" over "old": one batch; then undo the post-commit unlinks as a crash would.
  auto done = store_->CompleteMultipartUpload("bkt", "old", id, {{1, p1->etag, {}}}, {});
  EXPECT_EQ(done.status().code(), Code::kNoSuchUpload);  // the upload belongs to key "c"
  done = store_->CompleteMultipartUpload("bkt", "c", id, {{1, p1->etag, {}}}, {});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_TRUE(Upload("old", {Bytes(1700, 4)}).ok());
  EXPECT_EQ(DataFileCount(), 2u);
  store_.reset();
  {
    auto db = meta::MetaDb::Open(dir_.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    for (const auto& f : old_files) {
      WriteFile(path_of(f), "old bytes");
      ASSERT_TRUE((*db)->Put(GarbageKey("bkt", "old", f), "", true).ok());
    }
  }
  EXPECT_EQ(DataFileCount(), 4u);
  Open();
  EXPECT_EQ(DataFileCount(), 2u);
  EXPECT_EQ(*GetString(*store_, "bkt", "c"), Bytes(2000, 1));
  EXPECT_EQ(*GetString(*store_, "bkt", "old"), Bytes(1700, 4));
  auto uploads = store_->ListMultipartUploads("bkt", {});
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->uploads.empty());
}

// An upload fails mid-body: nothing is left, and the upload's other parts are untouched.
TEST_F(MultipartTest, FailedPartLeavesNothing) {
  std::string id = Create("f");
  ASSERT_TRUE(Part("f", id, 1, Bytes(3000, 1)).ok());
  TestSource broken(Bytes(50000, 2), 4000);
  broken.FailAfter(30000, Status(Code::kSignatureDoesNotMatch, "bad chunk"));
  EXPECT_EQ(store_->UploadPart("bkt", "f", id, 1, broken, 50000, {}).status().code(),
            Code::kSignatureDoesNotMatch);
  EXPECT_EQ(DataFileCount(), 1u);
  EXPECT_EQ(testing::TmpFileCount(dir_.path()), 0u);
  auto parts = store_->ListParts("bkt", "f", id, 0, 10);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->parts.size(), 1u);
  EXPECT_EQ(parts->parts[0].size, 3000u);
}

// Parts of one upload in parallel, then completion: every part lands once.
TEST_F(MultipartTest, ConcurrentParts) {
  std::string id = Create("par");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = t + 1; n <= 20; n += 4) {
        if (!Part("par", id, n, Bytes(1000 + n, n)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto parts = store_->ListParts("bkt", "par", id, 0, 1000);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->parts.size(), 20u);
  std::vector<CompletedPart> list;
  std::string whole;
  for (const auto& p : parts->parts) {
    list.push_back({p.number, p.etag, {}});
    whole += Bytes(1000 + p.number, p.number);
  }
  ASSERT_TRUE(store_->CompleteMultipartUpload("bkt", "par", id, list, {}).ok());
  EXPECT_EQ(*GetString(*store_, "bkt", "par"), whole);
  EXPECT_EQ(DataFileCount(), 20u);
}

// A cairn-2 store kept parts by upload id alone ("p/<upload id>/<n>"). Opened by this Cairn,
// its uploads in progress carry on: their parts are moved under their objects' keys, listed
// and completed as before, and the store is marked cairn-3.
TEST_F(MultipartTest, AnUploadOfACairn2StoreIsMovedAndCompletes) {
  const std::string id = Create("sessions/1/frames.parquet");
  auto p1 = Part("sessions/1/frames.parquet", id, 1, Bytes(1500, 7));
  auto p2 = Part("sessions/1/frames.parquet", id, 2, Bytes(40, 8));
  ASSERT_TRUE(p1.ok() && p2.ok());
  store_.reset();
  {  // what the same upload looked like in a cairn-2 store
    auto db = meta::MetaDb::Open(dir_.path() + "/.cairn/meta", {});
    ASSERT_TRUE(db.ok());
    const std::string now = PartPrefix("bkt", "sessions/1/frames.parquet", id);
    auto it = (*db)->NewIterator();
    std::vector<std::pair<std::string, std::string>> parts;
    for (it->Seek(now); it->Valid() && it->key().starts_with(now); it->Next()) {
      parts.emplace_back(std::string(it->key().substr(now.size())), std::string(it->value()));
    }
    ASSERT_EQ(parts.size(), 2u);
    for (const auto& [number, value] : parts) {
      ASSERT_TRUE((*db)->Delete(now + number, true).ok());
      ASSERT_TRUE((*db)->Put("p/" + id + "/" + number, value, true).ok());
    }
    ASSERT_TRUE((*db)->Put(kFormatKey, kFormatVersion2, true).ok());
  }
  Open();
  auto listed = store_->ListParts("bkt", "sessions/1/frames.parquet", id, 0, 100);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->parts.size(), 2u);
  EXPECT_EQ(listed->parts[0].etag, p1->etag);
  EXPECT_EQ(listed->parts[1].size, 40u);
  auto done = store_->CompleteMultipartUpload("bkt", "sessions/1/frames.parquet", id,
                                              {{1, p1->etag, {}}, {2, p2->etag, {}}}, {});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(*GetString(*store_, "bkt", "sessions/1/frames.parquet"), Bytes(1500, 7) + Bytes(40, 8));
  store_.reset();
  auto db = meta::MetaDb::Open(dir_.path() + "/.cairn/meta", {});
  ASSERT_TRUE(db.ok());
  std::string format;
  ASSERT_TRUE((*db)->Get(kFormatKey, &format).ok());
  EXPECT_EQ(format, kFormatVersion);
  auto it = (*db)->NewIterator();
  it->Seek("p/");
  EXPECT_FALSE(it->Valid() && it->key().starts_with("p/")) << "a part record was left behind";
}

}  // namespace
}  // namespace cairn::storage
