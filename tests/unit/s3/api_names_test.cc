#include <gtest/gtest.h>

#include "common/headers.h"
#include "s3/metrics.h"

namespace cairn::s3 {
namespace {

// The audit/trace name and the metrics label are one name in two spellings, as in MinIO.
TEST(ApiNamesTest, AuditNameIsTheMetricLabelCapitalized) {
  for (size_t i = 0; i < kOperationCount; ++i) {
    auto op = static_cast<Operation>(i);
    EXPECT_EQ(ToLower(AuditApiName(op)), MetricApiName(op)) << i;
  }
  EXPECT_EQ(AuditApiName(Operation::kPutObject), "PutObject");
  EXPECT_EQ(AuditApiName(Operation::kDeleteObjects), "DeleteMultipleObjects");
  EXPECT_EQ(AuditApiName(Operation::kUploadPart), "PutObjectPart");
}

}  // namespace
}  // namespace cairn::s3
