// Console sign-in sessions, kept in memory only: a restart signs everyone out. A session names
// an access key and remembers a hash of the secret it was opened with, never the secret itself;
// each use looks the key up again, so a disabled, removed or re-keyed user loses the session.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/time.h"

namespace cairn::console {

struct SessionOptions {
  std::chrono::seconds lifetime{12 * 3600};  // absolute, from sign-in
  std::chrono::seconds idle{2 * 3600};       // since the last request that used it
  size_t max_sessions = 10000;               // the oldest are dropped past this
};

struct Session {
  std::string id;          // the cookie value: 256 random bits, hex
  std::string csrf_token;  // echoed in X-Cairn-CSRF on every non-GET API call
  std::string access_key;
  std::string secret_sha256;  // raw SHA-256 of the secret the session was opened with
  TimePoint created;
  TimePoint last_used;
  TimePoint expires() const;  // filled from the store's options
  std::chrono::seconds lifetime{0};
};

class SessionStore {
 public:
  explicit SessionStore(SessionOptions options = {}) : options_(options) {}

  // Opens a session for a key whose secret the caller has just checked.
  Session Create(const std::string& access_key, const std::string& secret, TimePoint now);

  // The live session with this id, its idle clock restarted; nullopt when unknown, expired or
  // idle too long (such a session is forgotten). Thread-safe.
  std::optional<Session> Touch(const std::string& id, TimePoint now);

  void Remove(const std::string& id);
  size_t size() const;

 private:
  bool Live(const Session& session, TimePoint now) const;

  SessionOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Session> sessions_;  // guarded by mu_
};

// `n` random bytes from the OS's CSPRNG (OpenSSL), hex-encoded.
std::string RandomHex(size_t n);

}  // namespace cairn::console
