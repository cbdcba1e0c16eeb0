#include "server/system_follower.h"

#include <gtest/gtest.h>

#include <atomic>
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

}  // namespace
}  // namespace cairn::server
