#include "s3/xml_writer.h"

#include <gtest/gtest.h>

#include "s3/errors.h"

namespace cairn::s3 {
namespace {

TEST(XmlWriterTest, EscapesText) {
  XmlWriter xml;
  xml.OpenRoot("R");
  xml.Element("Key", "<img src=x onerror=\"alert(1)\"> & 'q'\r\n");
  xml.Close("R");
  std::string out = xml.Finish();
  EXPECT_NE(out.find("<Key>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &apos;q&apos;"
                     "&#xD;&#xA;</Key>"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.rfind("<?xml", 0), 0u);
}

TEST(ErrorsTest, TableMapsCodes) {
  EXPECT_EQ(ErrorInfoFor(Code::kNoSuchKey).code, "NoSuchKey");
  EXPECT_EQ(ErrorInfoFor(Code::kNoSuchKey).http_status, 404);
  EXPECT_EQ(ErrorInfoFor(Code::kContentSha256Mismatch).code, "XAmzContentSHA256Mismatch");
  EXPECT_EQ(ErrorInfoFor(Code::kKeyTooLong).code, "KeyTooLongError");
  EXPECT_EQ(ErrorInfoFor(Code::kIOError).http_status, 500);
  EXPECT_EQ(ErrorInfoFor(Code::kInvalidRange).http_status, 416);
  std::string xml = ErrorXml(ErrorInfoFor(Code::kNoSuchKey), "", "/b/k", "RID", "b", "k");
  EXPECT_NE(xml.find("<Code>NoSuchKey</Code>"), std::string::npos);
  EXPECT_NE(xml.find("<Key>k</Key>"), std::string::npos);
  EXPECT_NE(xml.find("<RequestId>RID</RequestId>"), std::string::npos);
}

}  // namespace
}  // namespace cairn::s3
