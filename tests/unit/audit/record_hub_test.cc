#include "audit/record_hub.h"

#include <gtest/gtest.h>

#include "audit/trace_stream.h"

namespace cairn::audit {
namespace {

class CountingSink : public RecordSink {
 public:
  void Consume(const RecordPtr& record) override { seen.push_back(record->api_name); }
  std::vector<std::string> seen;
};

RequestRecord Record(std::string api, int status = 200) {
  RequestRecord r;
  r.api_name = std::move(api);
  r.status = status;
  return r;
}

TEST(RecordHubTest, WantedOnlyWithSubscribers) {
  RecordHub hub;
  EXPECT_FALSE(hub.wanted());
  auto sub = hub.Subscribe(TraceFilter{});
  EXPECT_TRUE(hub.wanted());
  hub.Unsubscribe(sub);
  EXPECT_FALSE(hub.wanted());
  auto sink = std::make_shared<CountingSink>();
  hub.AddSink(sink);
  EXPECT_TRUE(hub.wanted());
  hub.Publish(Record("GetObject"));
  EXPECT_EQ(sink->seen, std::vector<std::string>{"GetObject"});
}

TEST(RecordHubTest, SlowReaderDropsAndIsTold) {
  RecordHub hub(8, 4);
  auto sub = hub.Subscribe(TraceFilter{});
  for (int i = 0; i < 10; ++i) hub.Publish(Record("PutObject"));
  TraceSubscription::Batch batch = sub->Take(std::chrono::milliseconds(0));
  EXPECT_EQ(batch.records.size(), 4u);
  EXPECT_EQ(batch.dropped, 6u);
  EXPECT_EQ(hub.trace_dropped(), 6u);
  batch = sub->Take(std::chrono::milliseconds(0));
  EXPECT_TRUE(batch.records.empty());
  EXPECT_EQ(batch.dropped, 0u);
  hub.Unsubscribe(sub);
  EXPECT_EQ(hub.trace_dropped(), 6u);  // kept after the tracer left
}

TEST(RecordHubTest, AtMostMaxTracersAndNoneAfterClose) {
  RecordHub hub(2, 4);
  auto a = hub.Subscribe(TraceFilter{});
  auto b = hub.Subscribe(TraceFilter{});
  EXPECT_EQ(hub.Subscribe(TraceFilter{}), nullptr);
  hub.Unsubscribe(a);
  auto c = hub.Subscribe(TraceFilter{});
  EXPECT_NE(c, nullptr);
  hub.Close();
  EXPECT_TRUE(b->Take(std::chrono::milliseconds(0)).closed);
  hub.Unsubscribe(b);
  EXPECT_EQ(hub.Subscribe(TraceFilter{}), nullptr);
}

TEST(RecordHubTest, ErrorsOnlyFilter) {
  RecordHub hub;
  TraceFilter filter;
  filter.errors_only = true;
  auto sub = hub.Subscribe(filter);
  hub.Publish(Record("GetObject", 200));
  hub.Publish(Record("GetObject", 404));
  auto batch = sub->Take(std::chrono::milliseconds(0));
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0]->status, 404);
}

TEST(TraceStreamTest, LinesKeepAliveDropNoticeAndEnd) {
  RecordHub hub(8, 2);
  auto sub = hub.Subscribe(TraceFilter{});
  TraceStream stream(hub, sub, "node:9000", std::chrono::milliseconds(10));
  char buf[64 * 1024];
  size_t n = stream.Read(buf, sizeof buf).value();
  EXPECT_EQ(std::string(buf, n), "\n");  // nothing yet: a keep-alive
  for (int i = 0; i < 5; ++i) hub.Publish(Record("HeadObject"));
  n = stream.Read(buf, sizeof buf).value();
  std::string text(buf, n);
  EXPECT_NE(text.find("cairn.TraceDropped"), std::string::npos);
  EXPECT_NE(text.find("3 trace records"), std::string::npos);
  EXPECT_NE(text.find("s3.HeadObject"), std::string::npos);
  hub.Close();
  EXPECT_EQ(stream.Read(buf, sizeof buf).value(), 0u);
}

}  // namespace
}  // namespace cairn::audit
