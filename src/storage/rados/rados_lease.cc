#include "storage/rados/rados_lease.h"

#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace cairn::storage::rados {

RadosLease::RadosLease(std::shared_ptr<RadosPool> pool, std::string object, std::string name,
                       std::string holder)
    : pool_(std::move(pool)),
      object_(std::move(object)),
      name_(std::move(name)),
      cookie_(std::move(holder)),
      named_(!cookie_.empty()) {
  if (named_) return;
  std::random_device random;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", random(), random());
  cookie_ = hex;
}

RadosLease::~RadosLease() { Release(); }

Result<bool> RadosLease::Hold(std::chrono::seconds duration) {
  timeval tv{static_cast<time_t>(duration.count()), 0};
  // MAY_RENEW: taking it again as the same holder extends it instead of failing.
  int r = rados_lock_exclusive(pool_->io(), object_.c_str(), name_.c_str(), cookie_.c_str(),
                               "cairn lifecycle scanner", &tv, LIBRADOS_LOCK_FLAG_MAY_RENEW);
  if (r == 0) return true;
  if (r != -EBUSY && r != -EEXIST) return RadosError(r, "locking " + object_);
  // Held. RADOS names a locker by its connection and cookie: when the cookie is ours, the
  // holder is this gateway's previous run (killed before it released), and its lock is broken.
  if (!named_ || !BreakOwnStaleLock()) return false;
  r = rados_lock_exclusive(pool_->io(), object_.c_str(), name_.c_str(), cookie_.c_str(),
                           "cairn lifecycle scanner", &tv, LIBRADOS_LOCK_FLAG_MAY_RENEW);
  if (r == 0) return true;
  if (r == -EBUSY || r == -EEXIST) return false;
  return RadosError(r, "locking " + object_);
}

bool RadosLease::BreakOwnStaleLock() {
  int exclusive = 0;
  char tag[64], clients[1024], cookies[1024], addrs[1024];
  size_t tag_len = sizeof tag, clients_len = sizeof clients, cookies_len = sizeof cookies,
         addrs_len = sizeof addrs;
  ssize_t n =
      rados_list_lockers(pool_->io(), object_.c_str(), name_.c_str(), &exclusive, tag, &tag_len,
                         clients, &clients_len, cookies, &cookies_len, addrs, &addrs_len);
  if (n != 1) return false;  // none (it just ran out: the next Hold takes it), or unreadable
  if (std::string(cookies, strnlen(cookies, cookies_len)) != cookie_) return false;
  const std::string client(clients, strnlen(clients, clients_len));
  return rados_break_lock(pool_->io(), object_.c_str(), name_.c_str(), client.c_str(),
                          cookie_.c_str()) == 0;
}

void RadosLease::Release() {
  // -ENOENT: not held (never taken, or it ran out); nothing to give up.
  (void)rados_unlock(pool_->io(), object_.c_str(), name_.c_str(), cookie_.c_str());
}

}  // namespace cairn::storage::rados
