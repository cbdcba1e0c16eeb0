#include "cli/trace_lines.h"

#include <gtest/gtest.h>

namespace cairn::cli {
namespace {

TEST(TraceLinesTest, McStyleLine) {
  nlohmann::json info = nlohmann::json::parse(R"({
    "type": 4, "nodename": "127.0.0.1:9000", "funcname": "s3.PutObject",
    "time": "2024-05-06T07:08:09.123456789Z", "path": "/b/k", "dur": 1234567,
    "http": {"request": {"method": "PUT", "path": "/b/k", "rawquery": "x=1",
                         "headers": {"Host": ["127.0.0.1:9000"], "X-Amz-Date": ["d"]},
                         "client": "127.0.0.1"},
             "response": {"headers": {"Etag": ["\"e\""]}, "statuscode": 200},
             "stats": {"inputbytes": 5, "outputbytes": 0, "timetofirstbyte": 1}}})");
  EXPECT_EQ(TraceText(info, false),
            "2024-05-06T07:08:09.123 [200 OK] s3.PutObject 127.0.0.1:9000/b/k?x=1 127.0.0.1 "
            "1.23ms ↑ 5 B ↓ 0 B");
  std::string verbose = TraceText(info, true);
  EXPECT_NE(verbose.find("\n  > X-Amz-Date: d"), std::string::npos);
  EXPECT_NE(verbose.find("\n  < Etag: \"e\""), std::string::npos);
}

TEST(TraceLinesTest, NoticeAndDurations) {
  nlohmann::json info = nlohmann::json::parse(
      R"({"funcname": "cairn.TraceDropped", "time": "2024-05-06T07:08:09Z", "error": "3 lost"})");
  EXPECT_EQ(TraceText(info, false), "2024-05-06T07:08:09 cairn.TraceDropped 3 lost");
  EXPECT_EQ(ShortDuration(812), "812ns");
  EXPECT_EQ(ShortDuration(2050000000), "2.05s");
}

}  // namespace
}  // namespace cairn::cli
