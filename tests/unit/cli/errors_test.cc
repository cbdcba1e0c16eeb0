#include "cli/errors.h"

#include <gtest/gtest.h>

#include "cli/output.h"

namespace cairn::cli {
namespace {

TEST(ErrorsTest, S3XmlBecomesOneLine) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
      "<Message>The specified bucket does not exist</Message><Resource>/x</Resource>"
      "<RequestId>1</RequestId></Error>";
  Status s = ErrorFromResponse(404, body, "x");
  EXPECT_EQ(s.code(), Code::kNoSuchBucket);
  EXPECT_EQ(s.message(), "The specified bucket does not exist (NoSuchBucket)");
  EXPECT_EQ(ErrorCodeName(s), "NoSuchBucket");
  EXPECT_EQ(Output::ErrorLine(s, "local/x"),
            "cairn: local/x: The specified bucket does not exist (NoSuchBucket)");
}

TEST(ErrorsTest, AdminJson) {
  Status s = ErrorFromResponse(404, R"({"Code":"NoSuchUser","Message":"no user ana"})", "local");
  EXPECT_EQ(s.message(), "no user ana (NoSuchUser)");
  EXPECT_EQ(ErrorCodeName(s), "NoSuchUser");
}

TEST(ErrorsTest, BodilessStatuses) {
  EXPECT_EQ(ErrorFromResponse(403, "", "b/k").code(), Code::kAccessDenied);
  Status nf = ErrorFromResponse(404, "", "b/k");
  EXPECT_EQ(nf.code(), Code::kNotFound);
  EXPECT_NE(nf.message().find("`b/k`"), std::string::npos);
  Status other = ErrorFromResponse(502, "<html>bad gateway</html>", "b");
  EXPECT_EQ(other.code(), Code::kUnavailable);
  EXPECT_EQ(other.message().find('<'), std::string::npos);
}

TEST(ErrorsTest, MessagesAreFlattened) {
  EXPECT_EQ(OneLine("a\nb\r\n\tc\x01"), "a b c");
  Status s =
      ErrorFromResponse(400, "<Error><Code>X</Code><Message>line1\nline2</Message></Error>", "");
  EXPECT_EQ(s.message(), "line1 line2 (X)");
}

TEST(ErrorsTest, LocalErrorsHaveNoCodeName) {
  EXPECT_EQ(ErrorCodeName(Status(Code::kIOError, "cannot open x (y z)")), "");
}

TEST(ProgressTest, RendersBytesRateAndEta) {
  std::string line = Progress::Render(50 << 20, 200 << 20, 2.0, 10);
  EXPECT_EQ(line, "50.0MiB / 200.0MiB [==>       ] 25.0MiB/s ETA 6s");
  EXPECT_NE(Progress::Render(0, 0, 0, 10).find("ETA --"), std::string::npos);
}

}  // namespace
}  // namespace cairn::cli
