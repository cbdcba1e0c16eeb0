// Object lock in the S3 layer: the x-amz-object-lock-* request headers, the three XML bodies
// (ObjectLockConfiguration, Retention, LegalHold) and the response headers. Pure parsing and
// rendering; the rules live in storage/object_lock.h, the handlers in object_lock_handlers.cc.
#pragma once

#include <string>
#include <string_view>

#include "common/headers.h"
#include "common/status.h"
#include "common/time.h"
#include "storage/object_store.h"

namespace cairn::s3 {

// "GOVERNANCE" / "COMPLIANCE" ("" for kNone).
std::string_view RetentionModeName(storage::RetentionMode mode);

// x-amz-object-lock-mode with x-amz-object-lock-retain-until-date (both or neither; the date in
// the future of `now`), and x-amz-object-lock-legal-hold (ON/OFF). kInvalidArgumentS3 otherwise.
Result<storage::ObjectLock> LockFromHeaders(const Headers& headers, TimePoint now);
// The same from a POST form's fields (lower-case names, as headers).
Result<storage::ObjectLock> LockFromFields(std::string_view mode, std::string_view until,
                                           std::string_view legal_hold, TimePoint now);

// The lock headers HEAD and GET answer, for a version that has any lock state: the mode and
// retain-until date (when it has a retention) if `retention`, the legal hold (ON/OFF) if
// `legal_hold` — each shown only to a caller allowed to read it.
void AddLockHeaders(const storage::ObjectLock& lock, Headers& out, bool retention = true,
                    bool legal_hold = true);

struct ObjectLockConfiguration {
  storage::DefaultRetention default_retention;  // mode kNone: no <Rule>
};
// <ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>[<Rule>
// <DefaultRetention><Mode>GOVERNANCE|COMPLIANCE</Mode><Days>n</Days>|<Years>n</Years>
// </DefaultRetention></Rule>]</ObjectLockConfiguration>. kMalformedXML for a missing or other
// ObjectLockEnabled, a missing Mode, both or neither of Days and Years; kInvalidArgumentS3 for an
// unknown mode or a period that is not a positive integer.
Result<ObjectLockConfiguration> ParseObjectLockConfiguration(std::string_view xml);
std::string RenderObjectLockConfiguration(const storage::BucketInfo& bucket);

struct Retention {
  storage::RetentionMode mode = storage::RetentionMode::kNone;  // kNone: an empty <Retention/>
  TimePoint retain_until{};
};
// <Retention><Mode>..</Mode><RetainUntilDate>ISO 8601</RetainUntilDate></Retention>; both or
// neither (kMalformedXML); kInvalidArgumentS3 for an unknown mode or a date not in the future.
Result<Retention> ParseRetention(std::string_view xml, TimePoint now);

// <LegalHold><Status>ON|OFF</Status></LegalHold>; kMalformedXML otherwise.
Result<bool> ParseLegalHold(std::string_view xml);

}  // namespace cairn::s3
