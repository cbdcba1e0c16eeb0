// The change signal on RADOS watch/notify: a notify through one connection (a gateway) wakes
// the subscriber of another, and the notifier never waits for it.
#include "storage/rados/rados_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "rados_test_pool.h"
#include "test_util.h"

namespace cairn::storage::rados {
namespace {

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

class RadosWatchTest : public ::testing::TestWithParam<int> {
 protected:
  std::string Object() { return dir_.path().substr(dir_.path().rfind('/') + 1) + "/changes"; }
  storage::testing::TempDir dir_;  // only its name: this test's object in the pool
};

TEST_P(RadosWatchTest, ANotifyOnOneGatewayWakesTheOther) {
  RadosChangeSignal here(testing::TestPool(), Object());
  auto there = std::make_unique<RadosChangeSignal>(testing::SecondConnection(), Object());
  std::atomic<int> woken{0};
  ASSERT_TRUE(there->Subscribe([&] { ++woken; }).ok());
  ASSERT_TRUE(there->Keep().ok());
  const auto sent = std::chrono::steady_clock::now();
  here.Notify();  // returns at once: a thread of its own sends it
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(100));
  ASSERT_TRUE(WaitFor([&] { return woken >= 1; }));
  // Unsubscribed, and then gone: later notifies reach nobody and fail nothing.
  ASSERT_TRUE(there->Subscribe(nullptr).ok());
  const int seen = woken;
  here.Notify();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(woken, seen);
  there.reset();
  here.Notify();
}

INSTANTIATE_TEST_SUITE_P(Cluster, RadosWatchTest, ::testing::ValuesIn(testing::Cases()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RadosWatchTest);

}  // namespace
}  // namespace cairn::storage::rados
