// The lifecycle scanner's lease on RADOS: one holder at a time across connections (gateways),
// renewed by its holder, free once released or once its duration ran out.
#include "storage/rados/rados_lease.h"

#include <gtest/gtest.h>

#include <thread>

#include "rados_test_pool.h"
#include "test_util.h"

namespace cairn::storage::rados {
namespace {

class RadosLeaseTest : public ::testing::TestWithParam<int> {
 protected:
  std::string Object() { return dir_.path().substr(dir_.path().rfind('/') + 1) + "/lease"; }
  storage::testing::TempDir dir_;  // only its name: this test's object in the pool
};

TEST_P(RadosLeaseTest, OneHolderAtATimeUntilReleasedOrRunOut) {
  RadosLease a(testing::TestPool(), Object(), "lifecycle");
  RadosLease b(testing::SecondConnection(), Object(), "lifecycle");
  ASSERT_TRUE(*a.Hold(std::chrono::seconds(30)));
  EXPECT_FALSE(*b.Hold(std::chrono::seconds(30)));
  EXPECT_TRUE(*a.Hold(std::chrono::seconds(30)));  // its holder renews it
  a.Release();
  ASSERT_TRUE(*b.Hold(std::chrono::seconds(1)));
  EXPECT_FALSE(*a.Hold(std::chrono::seconds(30)));
  // b stops renewing (a dead gateway): the lease is free once its second is over.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(*a.Hold(std::chrono::seconds(30)));
  EXPECT_FALSE(*b.Hold(std::chrono::seconds(30)));
}

TEST_P(RadosLeaseTest, AHolderThatComesBackUnderItsNameTakesItAtOnce) {
  auto first = std::make_unique<RadosLease>(testing::TestPool(), Object(), "lifecycle", "gw-1");
  ASSERT_TRUE(*first->Hold(std::chrono::seconds(120)));
  first.reset();  // releases; a kill -9 would not, so hold again below without that
  RadosLease killed(testing::SecondConnection(), Object(), "lifecycle", "gw-1");
  ASSERT_TRUE(*killed.Hold(std::chrono::seconds(120)));
  // The same gateway restarted (a new connection, the same name) renews what it held.
  RadosLease restarted(testing::SecondConnection(), Object(), "lifecycle", "gw-1");
  EXPECT_TRUE(*restarted.Hold(std::chrono::seconds(120)));
  RadosLease other(testing::TestPool(), Object(), "lifecycle", "gw-2");
  EXPECT_FALSE(*other.Hold(std::chrono::seconds(120)));
}

INSTANTIATE_TEST_SUITE_P(Cluster, RadosLeaseTest, ::testing::ValuesIn(testing::Cases()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RadosLeaseTest);

}  // namespace
}  // namespace cairn::storage::rados
