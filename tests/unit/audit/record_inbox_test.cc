#include "audit/record_inbox.h"

#include <gtest/gtest.h>

#include <thread>

namespace cairn::audit {
namespace {

RecordPtr Record(const std::string& api) {
  auto r = std::make_shared<RequestRecord>();
  r->api_name = api;
  return r;
}

TEST(RecordInboxTest, RefusesWhenFullAndHandsOverInOrder) {
  RecordInbox inbox(2);
  EXPECT_TRUE(inbox.Push(Record("a")));
  EXPECT_TRUE(inbox.Push(Record("b")));
  EXPECT_FALSE(inbox.Push(Record("c"))) << "a full inbox drops, never blocks";
  EXPECT_EQ(inbox.size(), 2u);
  std::deque<RecordPtr> out;
  EXPECT_FALSE(inbox.TakeAll(out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]->api_name, "a");
  EXPECT_EQ(out[1]->api_name, "b");
  EXPECT_EQ(inbox.size(), 0u);
  EXPECT_TRUE(inbox.Push(Record("c")));
}

TEST(RecordInboxTest, WaitsUntilADeadlineOrAClose) {
  RecordInbox inbox(4);
  std::deque<RecordPtr> out;
  auto start = RecordInbox::Clock::now();
  EXPECT_FALSE(inbox.TakeAll(out, start + std::chrono::milliseconds(30)));
  EXPECT_TRUE(out.empty());
  EXPECT_GE(RecordInbox::Clock::now() - start, std::chrono::milliseconds(30));

  EXPECT_TRUE(inbox.Push(Record("last")));
  std::thread closer([&] { EXPECT_TRUE(inbox.Close()); });
  closer.join();
  EXPECT_FALSE(inbox.Close()) << "closed once";
  EXPECT_FALSE(inbox.Push(Record("late")));
  EXPECT_TRUE(inbox.TakeAll(out)) << "closed: the taker's last round still gets what was queued";
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->api_name, "last");
}

}  // namespace
}  // namespace cairn::audit
