#include "server/system_follower.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace cairn::server {
namespace {

// A SystemStore whose change counter the test moves (what another gateway's write does).
class CountingStore final : public storage::SystemStore {
 public:
  Result<std::optional<std::string>> GetSystem(std::string_view) override {
    return std::optional<std::string>();
  }
  Status PutSystem(std::string_view, std::string_view) override { return Status::Ok(); }
  Status DeleteSystem(std::string_view) override { return Status::Ok(); }
  Result<std::vector<std::pair<std::string, std::string>>> ListSystem(std::string_view) override {
    return std::vector<std::pair<std::string, std::string>>{};
  }
  Result<uint64_t> SystemGeneration() override { return generation.load(); }
  std::atomic<uint64_t> generation{7};
};

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

TEST(SystemFollowerTest, ReloadsWhenTheCounterMovesAndOnlyThen) {
  CountingStore store;
  std::atomic<int> first{0}, second{0};
  std::atomic<bool> fail_first{false};
  {
    SystemFollower follower(store, std::chrono::milliseconds(5),
                            {[&] {
                               ++first;
                               return fail_first ? Status(Code::kUnavailable, "down")
                                                 : Status::Ok();
                             },
                             [&] {
                               ++second;
                               return Status::Ok();
                             }});
    // Nothing changed since start-up: no reload.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(first, 0);
    store.generation = 8;
    ASSERT_TRUE(WaitFor([&] { return second == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(first, 1);  // once per change
    // A reload that fails is tried again until it succeeds.
    fail_first = true;
    store.generation = 9;
    ASSERT_TRUE(WaitFor([&] { return first >= 3; }));
    fail_first = false;
    ASSERT_TRUE(WaitFor([&] {
      const int seen = first;
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      return first == seen;  // settled: the last attempt succeeded
    }));
  }
  // Stopped with the follower: no reload after.
  const int after = first;
  store.generation = 10;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(first, after);
}

// A signal the test fires (what another gateway's notify does).
class TestSignal final : public storage::ChangeSignal {
 public:
  void Notify() override {
    std::function<void()> wake;
    {
      std::lock_guard lock(mu_);
      wake = wake_;
    }
    if (wake) wake();
  }
  Status Subscribe(std::function<void()> wake) override {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
    ++subscriptions;
    return Status::Ok();
  }
  Status Keep() override {
    ++kept;
    return Status::Ok();
  }
  int subscriptions = 0;  // under mu_ (read after the follower is gone)
  std::atomic<int> kept{0};

 private:
  std::mutex mu_;
  std::function<void()> wake_;
};

// With a signal the change takes effect at once, not a period later; without one (or with a
// lost one) the period still catches it.
TEST(SystemFollowerTest, ASignalReloadsAtOnceLongBeforeThePeriod) {
  CountingStore store;
  auto signal = std::make_shared<TestSignal>();
  std::atomic<int> reloads{0};
  {
    SystemFollower follower(store, std::chrono::hours(1), {[&] {
                              ++reloads;
                              return Status::Ok();
                            }},
                            signal);
    store.generation = 8;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(reloads, 0);  // no signal yet, and the period is an hour
    const auto signalled = std::chrono::steady_clock::now();
    signal->Notify();
    ASSERT_TRUE(WaitFor([&] { return reloads == 1; }));
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(1));
    EXPECT_GE(signal->kept, 1);  // each wake checks the watch
    // A signal with nothing changed reloads nothing.
    signal->Notify();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(reloads, 1);
  }
  // Unsubscribed with the follower: a later signal calls nothing.
  EXPECT_EQ(signal->subscriptions, 2);
  store.generation = 9;
  signal->Notify();
  EXPECT_EQ(reloads, 1);
}

}  // namespace
}  // namespace cairn::server
