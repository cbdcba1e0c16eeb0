// LocalStore with encryption at rest: SSE-S3, SSE-KMS and SSE-C versions round-trip (inline,
// single file, multipart), nothing of the plaintext reaches the disk, ranges decrypt, tampered
// bytes and wrong keys fail cleanly, and the records keep the encryption section.
#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <random>
#include <sstream>

#include "common/encoding.h"
#include "common/hash.h"
#include "storage/crypto/package_stream.h"
#include "storage/local_store.h"
#include "storage/records.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

using testing::Bytes;
using testing::Drain;
using testing::TempDir;
using testing::TestSource;

std::shared_ptr<const crypto::Kms> MakeKms(const std::string& name, char fill) {
  auto kms = crypto::ParseSecretKeyKms(name + ":" + Base64Encode(std::string(32, fill)));
  EXPECT_TRUE(kms.ok());
  return std::shared_ptr<const crypto::Kms>(std::move(kms).value());
}

EncryptionRequest SseS3() { return EncryptionRequest{SseMode::kS3, "", "", "", false}; }
EncryptionRequest SseKms(const std::string& id = "k1") {
  return EncryptionRequest{SseMode::kKms, id, R"({"app":"notes"})", "", false};
}
EncryptionRequest SseC(char fill = 'c') {
  return EncryptionRequest{SseMode::kCustomer, "", "", std::string(32, fill), false};
}

// Every regular file under `dir`, concatenated (the data files and RocksDB's).
std::string AllFileBytes(const std::string& dir) {
  std::string out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name;
    if (e->d_type == DT_DIR) {
      out += AllFileBytes(path);
    } else {
      std::ifstream in(path, std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      out += buf.str();
    }
  }
  closedir(d);
  return out;
}

class EncryptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.inline_threshold = 4096;
    options_.io_buffer_size = 16 << 10;
    options_.min_part_size = 1000;
    options_.kms = MakeKms("k1", 'a');
    Open();
    ASSERT_TRUE(store_->CreateBucket("bkt", "").ok());
  }
  void Open() {
    store_.reset();
    store_ = testing::OpenOrDie(dir_.path(), options_);
  }
  Result<ObjectInfo> Put(const std::string& key, const std::string& data,
                         const EncryptionRequest& enc, bool unknown_size = false) {
    PutOptions options;
    options.encryption = enc;
    TestSource source(data, 7000);
    return store_->PutObject("bkt", key, source, unknown_size ? kUnknownSize : data.size(),
                             options);
  }
  Result<std::string> Get(const std::string& key, std::optional<std::string> customer_key = {},
                          uint64_t offset = 0, std::optional<uint64_t> length = {}) {
    ReadOptions read;
    read.customer_key = std::move(customer_key);
    CAIRN_ASSIGN_OR_RETURN(auto reader, store_->OpenObject("bkt", key, "", read));
    uint64_t len = length.value_or(reader->info().size - offset);
    CAIRN_ASSIGN_OR_RETURN(auto source, reader->OpenRange(offset, len));
    return Drain(*source);
  }
  TempDir dir_;
  LocalStoreOptions options_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(EncryptionTest, EveryModeRoundTripsAtEdgeSizes) {
  const size_t P = crypto::kPackageSize;
  int n = 0;
  for (const EncryptionRequest& enc : {SseS3(), SseKms(), SseC()}) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{4096}, P - 1, P, P + 1, 3 * P + 5}) {
      for (bool unknown : {false, true}) {
        std::string key = "o" + std::to_string(n++);
        std::string body = Bytes(size, static_cast<uint32_t>(n));
        auto put = Put(key, body, enc, unknown);
        ASSERT_TRUE(put.ok()) << size << " " << put.status().ToString();
        EXPECT_EQ(put->size, size);
        EXPECT_EQ(put->encryption.mode, enc.mode);
        std::optional<std::string> ck;
        if (enc.mode == SseMode::kCustomer) ck = enc.customer_key;
        auto got = Get(key, ck);
        ASSERT_TRUE(got.ok()) << size << " " << got.status().ToString();
        EXPECT_EQ(*got, body) << size;
        auto head = store_->HeadObject("bkt", key);
        ASSERT_TRUE(head.ok());
        EXPECT_EQ(head->size, size);
        EXPECT_EQ(head->encryption.mode, enc.mode);
      }
    }
  }
}

TEST_F(EncryptionTest, EtagsAndKeyIdsFollowAws) {
  std::string body = Bytes(10000, 3);
  auto s3 = Put("s3", body, SseS3());
  auto kms = Put("kms", body, SseKms());
  auto c = Put("c", body, SseC());
  ASSERT_TRUE(s3.ok() && kms.ok() && c.ok());
  const std::string md5 = HexEncode(Md5(body));
  EXPECT_EQ(s3->etag, md5) << "SSE-S3 keeps the MD5 of the plaintext";
  EXPECT_NE(kms->etag, md5);
  EXPECT_NE(c->etag, md5);
  EXPECT_EQ(kms->etag.size(), 32u);
  EXPECT_EQ(s3->encryption.kms_key_id, "k1");
  EXPECT_EQ(kms->encryption.kms_key_id, "k1");
  EXPECT_EQ(kms->encryption.context, R"({"app":"notes"})");
  EXPECT_TRUE(c->encryption.kms_key_id.empty());
  auto head = store_->HeadObject("bkt", "kms");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, kms->etag) << "stable per version, so conditional requests work";
}

TEST_F(EncryptionTest, NothingOfThePlaintextReachesTheDisk) {
  std::string big = Bytes(300000, 11);
  std::string small = Bytes(2000, 12);
  ASSERT_TRUE(Put("big", big, SseS3()).ok());
  ASSERT_TRUE(Put("small", small, SseKms()).ok());
  ASSERT_TRUE(Put("c-small", Bytes(1500, 13), SseC()).ok());
  store_.reset();  // flushes and closes RocksDB
  std::string disk = AllFileBytes(dir_.path());
  ASSERT_GT(disk.size(), big.size());
  for (size_t at : {size_t{0}, size_t{70000}, big.size() - 64}) {
    EXPECT_EQ(disk.find(big.substr(at, 64)), std::string::npos) << at;
  }
  EXPECT_EQ(disk.find(small.substr(0, 64)), std::string::npos);
  EXPECT_EQ(disk.find(small.substr(1000, 64)), std::string::npos);
  EXPECT_EQ(disk.find(Bytes(1500, 13).substr(100, 64)), std::string::npos);
  // A plain control object is found the same way, so the scan itself works.
  Open();
  std::string plain = Bytes(2000, 14);
  ASSERT_TRUE(Put("plain", plain, EncryptionRequest{}).ok());
  store_.reset();
  EXPECT_NE(AllFileBytes(dir_.path()).find(plain.substr(100, 64)), std::string::npos);
}

TEST_F(EncryptionTest, RangesDecryptOnlyWhatTheyTouch) {
  const size_t n = 5 * crypto::kPackageSize + 123;
  std::string body = Bytes(n, 21);
  ASSERT_TRUE(Put("r", body, SseKms()).ok());
  std::mt19937 rng(4);
  for (int i = 0; i < 60; ++i) {
    uint64_t a = rng() % n;
    uint64_t len = 1 + rng() % (n - a);
    auto got = Get("r", std::nullopt, a, len);
    ASSERT_TRUE(got.ok()) << a << "+" << len << " " << got.status().ToString();
    EXPECT_EQ(*got, body.substr(a, len));
  }
}

TEST_F(EncryptionTest, CustomerKeyIsRequiredAndChecked) {
  std::string body = Bytes(9000, 5);
  ASSERT_TRUE(Put("c", body, SseC('x')).ok());
  ASSERT_TRUE(Put("p", body, EncryptionRequest{}).ok());
  EXPECT_EQ(Get("c").status().code(), Code::kInvalidRequest);
  EXPECT_EQ(Get("c", std::string(32, 'y')).status().code(), Code::kAccessDenied);
  EXPECT_EQ(Get("p", std::string(32, 'x')).status().code(), Code::kInvalidRequest);
  auto ok = Get("c", std::string(32, 'x'));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, body);
  // SSE-C needs no KMS: it reads back on a store opened without one.
  options_.kms.reset();
  Open();
  ok = Get("c", std::string(32, 'x'));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, body);
}

TEST_F(EncryptionTest, KmsRequiredAndKnownKeysOnly) {
  EXPECT_EQ(Put("x", "abc", SseKms("nope")).status().code(), Code::kKmsKeyNotFound);
  ASSERT_TRUE(Put("kept", Bytes(200000, 6), SseS3()).ok());
  ASSERT_TRUE(Put("kept-inline", "tiny", SseKms()).ok());
  // Restart with the same key: everything reads.
  Open();
  auto same = Get("kept");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, Bytes(200000, 6));
  // Without a KMS: writes refused, reads fail cleanly.
  options_.kms.reset();
  Open();
  EXPECT_EQ(Put("y", "abc", SseS3()).status().code(), Code::kNotImplemented);
  EXPECT_EQ(Get("kept").status().code(), Code::kNotImplemented);
  EXPECT_TRUE(store_->HeadObject("bkt", "kept").ok()) << "metadata stays readable";
  // Another key of the same name: the data key does not unseal.
  options_.kms = MakeKms("k1", 'b');
  Open();
  EXPECT_EQ(Get("kept").status().code(), Code::kCorruption);
  EXPECT_EQ(Get("kept-inline").status().code(), Code::kCorruption);
  // Another name altogether.
  options_.kms = MakeKms("k2", 'a');
  Open();
  EXPECT_EQ(Get("kept").status().code(), Code::kKmsKeyNotFound);
}

TEST_F(EncryptionTest, FlippedByteInTheDataFileFailsTheRead) {
  std::string body = Bytes(200000, 7);
  auto put = Put("t", body, SseS3());
  ASSERT_TRUE(put.ok());
  // Find the one data file and flip a byte in its second package.
  std::string data_root = dir_.path() + "/.cairn/data";
  std::string path;
  DIR* d = opendir(data_root.c_str());
  while (dirent* e = readdir(d)) {
    std::string sub = data_root + "/" + e->d_name;
    if (e->d_name[0] == '.') continue;
    DIR* s = opendir(sub.c_str());
    while (dirent* f = s ? readdir(s) : nullptr) {
      if (f->d_name[0] != '.') path = sub + "/" + f->d_name;
    }
    if (s) closedir(s);
  }
  closedir(d);
  ASSERT_FALSE(path.empty());
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(crypto::kSealedPackageSize + 10);
  char c;
  f.seekg(crypto::kSealedPackageSize + 10);
  f.read(&c, 1);
  c ^= 1;
  f.seekp(crypto::kSealedPackageSize + 10);
  f.write(&c, 1);
  f.close();
  EXPECT_EQ(Get("t").status().code(), Code::kCorruption);
  // The first package is intact: a range within it still reads.
  auto first = Get("t", std::nullopt, 0, 1000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, body.substr(0, 1000));
  // A range starting in the flipped package fails before anything is returned.
  EXPECT_EQ(Get("t", std::nullopt, crypto::kPackageSize + 5, 10).status().code(),
            Code::kCorruption);
}

TEST_F(EncryptionTest, MultipartPartsEachHaveTheirOwnStream) {
  for (const EncryptionRequest& enc : {SseS3(), SseKms(), SseC('m')}) {
    PutOptions options;
    options.encryption = enc;
    auto up = store_->CreateMultipartUpload("bkt", "mp", options);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    EXPECT_EQ(up->encryption.mode, enc.mode);
    std::optional<std::string> ck;
    if (enc.mode == SseMode::kCustomer) ck = enc.customer_key;
    std::vector<std::string> pieces = {Bytes(70000, 1), Bytes(70000, 2), Bytes(3, 3)};
    std::vector<CompletedPart> done;
    for (int i = 0; i < 3; ++i) {
      PartOptions po;
      po.customer_key = ck;
      TestSource source(pieces[i], 5000);
      auto part =
          store_->UploadPart("bkt", "mp", up->upload_id, i + 1, source, pieces[i].size(), po);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      if (enc.mode == SseMode::kS3) {
        EXPECT_EQ(part->etag, HexEncode(Md5(pieces[i])));
      }
      done.push_back(CompletedPart{i + 1, part->etag, {}});
    }
    if (ck) {
      PartOptions missing;
      TestSource source("abc");
      EXPECT_EQ(
          store_->UploadPart("bkt", "mp", up->upload_id, 9, source, 3, missing).status().code(),
          Code::kInvalidRequest);
      PartOptions wrong;
      wrong.customer_key = std::string(32, 'w');
      TestSource source2("abc");
      EXPECT_EQ(
          store_->UploadPart("bkt", "mp", up->upload_id, 9, source2, 3, wrong).status().code(),
          Code::kAccessDenied);
    }
    auto complete = store_->CompleteMultipartUpload("bkt", "mp", up->upload_id, done, {});
    ASSERT_TRUE(complete.ok()) << complete.status().ToString();
    EXPECT_EQ(complete->encryption.mode, enc.mode);
    std::string whole = pieces[0] + pieces[1] + pieces[2];
    auto got = Get("mp", ck);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, whole);
    for (auto [a, len] : std::vector<std::pair<uint64_t, uint64_t>>{
             {0, 1}, {69999, 2}, {65536, 70000}, {139999, 3}, {140000, 3}, {3, 140000}}) {
      auto range = Get("mp", ck, a, len);
      ASSERT_TRUE(range.ok()) << a << " " << range.status().ToString();
      EXPECT_EQ(*range, whole.substr(a, len)) << a;
    }
  }
}

TEST_F(EncryptionTest, BucketDefaultIsStoredAndChecked) {
  auto none = store_->GetBucketEncryption("bkt");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(
      store_->SetBucketEncryption("bkt", BucketEncryption{SseMode::kKms, "nope", false}).code(),
      Code::kKmsKeyNotFound);
  ASSERT_TRUE(store_->SetBucketEncryption("bkt", BucketEncryption{SseMode::kKms, "k1", true}).ok());
  Open();
  auto got = store_->GetBucketEncryption("bkt");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, (BucketEncryption{SseMode::kKms, "k1", true}));
  ASSERT_TRUE(store_->SetBucketEncryption("bkt", std::nullopt).ok());
  EXPECT_FALSE(store_->GetBucketEncryption("bkt")->has_value());
}

TEST_F(EncryptionTest, TagsAndVersionsKeepTheSealedBody) {
  ASSERT_TRUE(store_->SetBucketVersioning("bkt", Versioning::kEnabled).ok());
  std::string v1 = Bytes(3000, 31);  // inline
  ASSERT_TRUE(Put("k", v1, SseKms()).ok());
  auto first = store_->HeadObject("bkt", "k");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store_->SetObjectTags("bkt", "k", "", {{"a", "b"}}).ok());
  ASSERT_TRUE(Put("k", "second", SseS3()).ok());
  ReadOptions read;
  auto reader = store_->OpenObject("bkt", "k", first->version_id, read);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto src = (*reader)->OpenRange(0, v1.size());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ(*Drain(**src), v1);
}

}  // namespace
}  // namespace cairn::storage
