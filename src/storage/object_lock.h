// Object lock rules shared by every path that removes or changes a version: DeleteObject,
// DeleteObjects, PutObjectRetention, and the lifecycle scanner (which must never remove a locked
// version: it asks VersionIsLocked). Dates are judged against the caller's `now` (the server
// clock).
#pragma once

#include "common/status.h"
#include "common/time.h"
#include "storage/object_store.h"

namespace cairn::storage {

// AWS's message for every refusal object lock causes.
inline constexpr std::string_view kObjectLockedMessage =
    "Access Denied because object protected by object lock.";

// Whether a version may be removed now: OK, or kAccessDenied when a legal hold is on, when
// COMPLIANCE retention has not expired, or when GOVERNANCE retention has not expired and
// `bypass_governance` is false.
Status CheckVersionRemovable(const ObjectLock& lock, TimePoint now, bool bypass_governance);

// The lifecycle question: true when nothing (no bypass) may remove the version now.
inline bool VersionIsLocked(const ObjectLock& lock, TimePoint now) {
  return !CheckVersionRemovable(lock, now, /*bypass_governance=*/false).ok();
}

// Whether a version's retention may change from `current` to (mode, until) now: extending is
// always allowed; shortening, removing or weakening an active retention needs the bypass
// (GOVERNANCE) or is refused (COMPLIANCE). kAccessDenied.
Status CheckRetentionChange(const ObjectLock& current, RetentionMode mode, TimePoint until,
                            TimePoint now, bool bypass_governance);

// The retention a new version gets from its bucket's default, created at `now`; kNone when the
// default has none.
ObjectLock DefaultLockAt(const DefaultRetention& def, TimePoint now);

}  // namespace cairn::storage
