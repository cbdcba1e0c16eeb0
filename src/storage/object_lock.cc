#include "storage/object_lock.h"

namespace cairn::storage {

namespace {
Status Locked() { return Status(Code::kAccessDenied, std::string(kObjectLockedMessage)); }
bool Active(const ObjectLock& lock, TimePoint now) {
  return lock.mode != RetentionMode::kNone && now < lock.retain_until;
}
}  // namespace

Status CheckVersionRemovable(const ObjectLock& lock, TimePoint now, bool bypass_governance) {
  if (lock.legal_hold) return Locked();
  if (!Active(lock, now)) return Status::Ok();
  if (lock.mode == RetentionMode::kGovernance && bypass_governance) return Status::Ok();
  return Locked();
}

Status CheckRetentionChange(const ObjectLock& current, RetentionMode mode, TimePoint until,
                            TimePoint now, bool bypass_governance) {
  if (!Active(current, now)) return Status::Ok();
  // Same or stronger mode, date not earlier: only adds protection.
  const bool weaker = mode == RetentionMode::kNone ||
                      (current.mode == RetentionMode::kCompliance && mode != current.mode) ||
                      until < current.retain_until;
  if (!weaker) return Status::Ok();
  if (current.mode == RetentionMode::kGovernance && bypass_governance) return Status::Ok();
  return Locked();
}

ObjectLock DefaultLockAt(const DefaultRetention& def, TimePoint now) {
  ObjectLock lock;
  if (def.mode == RetentionMode::kNone) return lock;
  lock.mode = def.mode;
  // AWS counts a year as 365 days for default retention.
  const int64_t days = static_cast<int64_t>(def.days) + 365 * static_cast<int64_t>(def.years);
  lock.retain_until = now + std::chrono::hours(24 * days);
  return lock;
}

}  // namespace cairn::storage
