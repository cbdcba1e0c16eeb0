#include "s3/bucket_name.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn::s3 {
namespace {

TEST(BucketNameTest, AcceptsDnsNames) {
  for (const char* name :
       {"abc", "my-bucket", "my.bucket.2", "0bucket", "ensure-study-documents", "a1b"}) {
    EXPECT_TRUE(IsValidBucketName(name)) << name;
  }
  EXPECT_TRUE(IsValidBucketName(std::string(63, 'a')));
}

TEST(BucketNameTest, RejectsWhatS3Rejects) {
  for (const char* name :
       {"ab", "UPPER", "a_b", "-ab", "ab-", ".ab", "ab.", "a..b", "a.-b", "a-.b", "192.168.1.1",
        "xn--abc", "sthree-x", "abc-s3alias", "abc--ol-s3", "abc.mrap", "a b", "ab/c", ""}) {
    EXPECT_FALSE(IsValidBucketName(name)) << name;
  }
  EXPECT_FALSE(IsValidBucketName(std::string(64, 'a')));
  EXPECT_TRUE(IsValidBucketName("192.168.1.a"));
}

}  // namespace
}  // namespace cairn::s3
