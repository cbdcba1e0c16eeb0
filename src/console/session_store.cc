#include "console/session_store.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::console {

TimePoint Session::expires() const { return created + lifetime; }

std::string RandomHex(size_t n) {
  std::string raw(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n)) != 1) {
    // Without randomness no session id is safe to hand out: stop rather than guess.
    std::abort();
  }
  return HexEncode(raw);
}

bool SessionStore::Live(const Session& session, TimePoint now) const {
  return now < session.created + options_.lifetime && now < session.last_used + options_.idle;
}

Session SessionStore::Create(const std::string& access_key, const std::string& secret,
                             TimePoint now) {
  Session session;
  session.id = RandomHex(32);
  session.csrf_token = RandomHex(32);
  session.access_key = access_key;
  session.secret_sha256 = Sha256(secret);
  session.created = now;
  session.last_used = now;
  session.lifetime = options_.lifetime;

  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= options_.max_sessions) {
    // Forget dead sessions first, then the oldest live ones.
    std::erase_if(sessions_, [&](const auto& entry) { return !Live(entry.second, now); });
    while (sessions_.size() >= options_.max_sessions) {
      auto oldest = sessions_.begin();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->second.created < oldest->second.created) oldest = it;
      }
      sessions_.erase(oldest);
    }
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<Session> SessionStore::Touch(const std::string& id, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (!Live(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void SessionStore::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(id);
}

size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace cairn::console
