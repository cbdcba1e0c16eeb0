#include "storage/data/data_dir.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace cairn::storage::data {
namespace {

using platform::Env;

TEST(FileIdTest, HexRoundTripAndValidation) {
  auto a = FileId::Random();
  auto b = FileId::Random();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->Hex().size(), 32u);
  EXPECT_EQ(FileId::FromHex(a->Hex()), *a);
  EXPECT_FALSE(FileId::FromHex("xyz"));
  EXPECT_FALSE(FileId::FromHex("00112233445566778899AABBCCDDEEFF"));  // lower-case only
  EXPECT_FALSE(FileId::FromHex(a->Hex() + "0"));
  EXPECT_FALSE(FileId::FromBytes("short"));
}

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = DataDir::Open(Env::Default(), dir_.path());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    data_ = std::move(*d);
  }
  testing::TempDir dir_;
  std::unique_ptr<DataDir> data_;
};

TEST_F(DataDirTest, WritePublishReadRanges) {
  auto w = data_->Create();
  ASSERT_TRUE(w.ok());
  FileId id = (*w)->id();
  std::string body = testing::Bytes(300000);
  ASSERT_TRUE((*w)->Append(body.data(), 100000).ok());
  ASSERT_TRUE((*w)->Append(body.data() + 100000, 200000).ok());
  EXPECT_EQ((*w)->size(), body.size());
  EXPECT_TRUE(Env::Default()->FileExists(data_->TmpPathOf(id)));
  EXPECT_EQ(data_->Open(id).status().code(), Code::kNotFound);  // not published yet
  EXPECT_FALSE(data_->Publish(**w).ok());                       // not finished yet
  ASSERT_TRUE((*w)->Finish().ok());
  ASSERT_TRUE(data_->Publish(**w).ok());
  w->reset();  // a published file survives its writer
  EXPECT_FALSE(Env::Default()->FileExists(data_->TmpPathOf(id)));
  std::string path = data_->PathOf(id);
  EXPECT_NE(path.find("/data/" + id.Hex().substr(0, 2) + "/" + id.Hex()), std::string::npos);

  auto file = data_->Open(id);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->size(), body.size());
  auto src = DataFile::OpenRange(*file, 1000, 5000);
  ASSERT_TRUE(src.ok());
  auto region = (*src)->RemainingFileRegion();
  ASSERT_TRUE(region.has_value());
  EXPECT_GE(region->fd, 0);
  EXPECT_EQ(region->offset, 1000u);
  EXPECT_EQ(region->length, 5000u);
  auto got = testing::Drain(**src);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, body.substr(1000, 5000));
  EXPECT_EQ(DataFile::OpenRange(*file, 299999, 2).status().code(), Code::kInvalidRange);
  auto empty = DataFile::OpenRange(*file, body.size(), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*testing::Drain(**empty), "");

  // Removal: later opens fail, an open handle keeps reading.
  ASSERT_TRUE(data_->Remove(id).ok());
  EXPECT_EQ(data_->Remove(id).code(), Code::kNotFound);
  EXPECT_EQ(data_->Open(id).status().code(), Code::kNotFound);
  auto again = DataFile::OpenRange(*file, 0, body.size());
  EXPECT_EQ(*testing::Drain(**again), body);
}

TEST_F(DataDirTest, AbandonedWriterRemovesTempFileAndOpenSweepsTmp) {
  std::string tmp;
  {
    auto w = data_->Create();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("x", 1).ok());
    tmp = data_->TmpPathOf((*w)->id());
    EXPECT_TRUE(Env::Default()->FileExists(tmp));
  }
  EXPECT_FALSE(Env::Default()->FileExists(tmp));
  // A crash leaves a temp file behind: the next Open empties tmp/.
  auto w = data_->Create();
  ASSERT_TRUE(w.ok());
  tmp = data_->TmpPathOf((*w)->id());
  auto reopened = DataDir::Open(Env::Default(), dir_.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(Env::Default()->FileExists(tmp));
  EXPECT_TRUE(Env::Default()->ListDir((*reopened)->tmp_dir())->empty());
  EXPECT_EQ(Env::Default()->ListDir(dir_.path() + "/data")->size(), 256u);
}

}  // namespace
}  // namespace cairn::storage::data
