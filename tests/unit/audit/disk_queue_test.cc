#include "audit/disk_queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cairn::audit {
namespace {

class DiskQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cairn-diskqueue-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<DiskQueue> Open(DiskQueueOptions options = {}) {
    auto q = DiskQueue::Open(nullptr, dir_, options);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    return std::move(q).value();
  }
  std::string dir_;
};

TEST_F(DiskQueueTest, AppendPeekPopInOrder) {
  auto q = Open();
  ASSERT_EQ(q->Append({"a", "bb", "ccc"}).value(), 3u);
  ASSERT_EQ(q->Append({"dddd"}).value(), 1u);
  EXPECT_EQ(q->size(), 4u);
  EXPECT_EQ(q->Peek(2).value(), (std::vector<std::string>{"a", "bb"}));
  ASSERT_TRUE(q->Pop(2).ok());
  EXPECT_EQ(q->Peek(10).value(), (std::vector<std::string>{"ccc", "dddd"}));
  ASSERT_TRUE(q->Pop(2).ok());
  EXPECT_EQ(q->size(), 0u);
  EXPECT_TRUE(q->Peek(1).value().empty());
}

TEST_F(DiskQueueTest, CapDropsTheRest) {
  DiskQueueOptions options;
  options.max_records = 3;
  auto q = Open(options);
  EXPECT_EQ(q->Append({"1", "2"}).value(), 2u);
  EXPECT_EQ(q->Append({"3", "4", "5"}).value(), 1u);  // 4 and 5 are the caller's to count
  EXPECT_EQ(q->size(), 3u);
  options.max_records = 100;
  options.max_bytes = 8 + 10;
  auto dir2 = dir_ + "/bytes";
  auto q2 = DiskQueue::Open(nullptr, dir2, options).value();
  EXPECT_EQ(q2->Append({"0123456789", "x"}).value(), 1u);
}

TEST_F(DiskQueueTest, SurvivesReopenAcrossSegments) {
  DiskQueueOptions options;
  options.segment_bytes = 20;  // a new segment every record or two
  {
    auto q = Open(options);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(q->Append({"record-" + std::to_string(i)}).value(), 1u);
    ASSERT_TRUE(q->Pop(3).ok());
  }
  auto q = Open(options);
  EXPECT_EQ(q->size(), 7u);
  std::vector<std::string> all = q->Peek(100).value();
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.front(), "record-3");
  EXPECT_EQ(all.back(), "record-9");
  ASSERT_EQ(q->Append({"record-10"}).value(), 1u);
  EXPECT_EQ(q->Peek(100).value().back(), "record-10");
}

TEST_F(DiskQueueTest, PartlyDeliveredSegmentIsNotSentAgainAfterCleanClose) {
  {
    auto q = Open();
    ASSERT_EQ(q->Append({"a", "b", "c"}).value(), 3u);
    ASSERT_TRUE(q->Pop(1).ok());
  }
  auto q = Open();
  EXPECT_EQ(q->Peek(10).value(), (std::vector<std::string>{"b", "c"}));
}

TEST_F(DiskQueueTest, TornLastRecordIsIgnored) {
  {
    auto q = Open();
    ASSERT_EQ(q->Append({"good-1", "good-2"}).value(), 2u);
  }
  std::string segment;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() == ".seg") segment = entry.path();
  }
  ASSERT_FALSE(segment.empty());
  {
    // A record header claiming 100 bytes, then only a few: a write torn by a crash.
    std::ofstream out(segment, std::ios::app | std::ios::binary);
    const char torn[] = {100, 0, 0, 0, 1, 2, 3, 4, 'x', 'y'};
    out.write(torn, sizeof torn);
  }
  auto q = Open();
  EXPECT_EQ(q->Peek(10).value(), (std::vector<std::string>{"good-1", "good-2"}));
  ASSERT_EQ(q->Append({"after"}).value(), 1u);
  EXPECT_EQ(q->Peek(10).value().back(), "after");
}

TEST_F(DiskQueueTest, CorruptRecordEndsItsSegment) {
  {
    auto q = Open();
    ASSERT_EQ(q->Append({"aaaa", "bbbb"}).value(), 2u);
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".seg") continue;
    std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8 + 4 + 8);  // the second record's first payload byte
    f.put('X');
  }
  auto q = Open();
  EXPECT_EQ(q->Peek(10).value(), (std::vector<std::string>{"aaaa"}));
}

}  // namespace
}  // namespace cairn::audit
