// What every audit target reports for the metrics endpoint (MinIO's minio_audit_* families).
#pragma once

#include <cstdint>
#include <string>

#include "audit/record_hub.h"

namespace cairn::audit {

struct TargetStats {
  uint64_t total_messages = 0;   // records handed to the target since start
  uint64_t failed_messages = 0;  // records dropped: a full queue, or a write that failed
  uint64_t queue_length = 0;     // records waiting to be delivered
};

class AuditTarget : public RecordSink {
 public:
  virtual const std::string& id() const = 0;  // the target_id label
  virtual TargetStats stats() const = 0;
};

}  // namespace cairn::audit
