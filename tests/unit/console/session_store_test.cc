#include "console/session_store.h"

#include <gtest/gtest.h>

#include <set>

#include "common/hash.h"

namespace cairn::console {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint T0() { return FromUnixNanos(1'700'000'000'000'000'000); }

TEST(ConsoleSessionStore, CreateGivesRandomIdsAndTokensAndKeepsNoSecret) {
  SessionStore store;
  Session a = store.Create("alice", "alice-secret", T0());
  Session b = store.Create("alice", "alice-secret", T0());
  EXPECT_EQ(a.id.size(), 64u);
  EXPECT_EQ(a.csrf_token.size(), 64u);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.csrf_token, b.csrf_token);
  EXPECT_NE(a.id, a.csrf_token);
  EXPECT_EQ(a.secret_sha256, Sha256("alice-secret"));
  EXPECT_EQ(a.access_key, "alice");
  EXPECT_EQ(store.size(), 2u);
}

TEST(ConsoleSessionStore, TouchFindsLiveSessionsOnly) {
  SessionStore store;
  Session s = store.Create("alice", "secret123", T0());
  auto found = store.Touch(s.id, T0() + minutes(5));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->access_key, "alice");
  EXPECT_EQ(found->csrf_token, s.csrf_token);
  EXPECT_FALSE(store.Touch("nope", T0()).has_value());
  EXPECT_FALSE(store.Touch("", T0()).has_value());
}

TEST(ConsoleSessionStore, IdleTimeoutEndsSessionAndUseRestartsIt) {
  SessionOptions options;
  options.idle = minutes(30);
  SessionStore store(options);
  Session s = store.Create("alice", "secret123", T0());
  // Used every 20 minutes, the session lives on past the idle timeout.
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(store.Touch(s.id, T0() + minutes(20 * i)).has_value());
  // Then 31 minutes of silence end it, and it stays gone.
  EXPECT_FALSE(store.Touch(s.id, T0() + minutes(100 + 31)).has_value());
  EXPECT_FALSE(store.Touch(s.id, T0() + minutes(100)).has_value());
  EXPECT_EQ(store.size(), 0u);
}

TEST(ConsoleSessionStore, LifetimeIsAbsolute) {
  SessionOptions options;
  options.lifetime = hours(12);
  options.idle = hours(2);
  SessionStore store(options);
  Session s = store.Create("alice", "secret123", T0());
  EXPECT_EQ(s.expires(), T0() + hours(12));
  for (int i = 1; i < 12; ++i) ASSERT_TRUE(store.Touch(s.id, T0() + hours(i)).has_value());
  EXPECT_FALSE(store.Touch(s.id, T0() + hours(12) + seconds(1)).has_value());
}

TEST(ConsoleSessionStore, RemoveEndsSession) {
  SessionStore store;
  Session s = store.Create("alice", "secret123", T0());
  store.Remove(s.id);
  EXPECT_FALSE(store.Touch(s.id, T0()).has_value());
  store.Remove("unknown");  // harmless
}

TEST(ConsoleSessionStore, OldestSessionsAreDroppedPastTheLimit) {
  SessionOptions options;
  options.max_sessions = 3;
  SessionStore store(options);
  Session first = store.Create("a", "secret123", T0());
  Session second = store.Create("b", "secret123", T0() + seconds(1));
  Session third = store.Create("c", "secret123", T0() + seconds(2));
  Session fourth = store.Create("d", "secret123", T0() + seconds(3));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.Touch(first.id, T0() + seconds(4)).has_value());
  EXPECT_TRUE(store.Touch(second.id, T0() + seconds(4)).has_value());
  EXPECT_TRUE(store.Touch(fourth.id, T0() + seconds(4)).has_value());
}

TEST(ConsoleSessionStore, RandomHexIsHexOfTheAskedLength) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string r = RandomHex(16);
    ASSERT_EQ(r.size(), 32u);
    ASSERT_EQ(r.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(r);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace cairn::console
