// The body of GET /minio/admin/v3/trace as a pull stream: one TraceInfo JSON object per line as
// requests finish, a bare newline every `keepalive` without any (so a client that went away is
// noticed by the next write, and the JSON decoders of mc and madmin skip it), a TraceDropped line
// when this reader lost records, and the end when the subscription closes (server stopping).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "audit/record_hub.h"
#include "common/byte_source.h"

namespace cairn::audit {

class TraceStream final : public ByteSource {
 public:
  // Unsubscribes from `hub` when destroyed.
  TraceStream(RecordHub& hub, std::shared_ptr<TraceSubscription> subscription, std::string node,
              std::chrono::milliseconds keepalive = std::chrono::milliseconds(1000));
  ~TraceStream() override;

  Result<size_t> Read(char* buf, size_t n) override;

 private:
  RecordHub& hub_;
  std::shared_ptr<TraceSubscription> subscription_;
  std::string node_;
  std::chrono::milliseconds keepalive_;
  std::string pending_;
  size_t pending_at_ = 0;
  bool ended_ = false;
};

}  // namespace cairn::audit
