#include "audit/trace_stream.h"

#include <cstring>

#include "audit/trace_json.h"

namespace cairn::audit {

TraceStream::TraceStream(RecordHub& hub, std::shared_ptr<TraceSubscription> subscription,
                         std::string node, std::chrono::milliseconds keepalive)
    : hub_(hub),
      subscription_(std::move(subscription)),
      node_(std::move(node)),
      keepalive_(keepalive) {}

TraceStream::~TraceStream() { hub_.Unsubscribe(subscription_); }

Result<size_t> TraceStream::Read(char* buf, size_t n) {
  if (n == 0) return size_t{0};
  if (pending_at_ >= pending_.size()) {
    if (ended_) return size_t{0};
    pending_.clear();
    pending_at_ = 0;
    TraceSubscription::Batch batch = subscription_->Take(keepalive_);
    if (batch.dropped != 0) pending_ += TraceDroppedJson(batch.dropped, node_, Now()) + "\n";
    for (const RecordPtr& record : batch.records) pending_ += TraceInfoJson(*record, node_) + "\n";
    if (batch.closed) {
      ended_ = true;
      if (pending_.empty()) return size_t{0};
    }
    if (pending_.empty()) pending_.push_back('\n');  // keep-alive
  }
  size_t take = std::min(n, pending_.size() - pending_at_);
  std::memcpy(buf, pending_.data() + pending_at_, take);
  pending_at_ += take;
  return take;
}

}  // namespace cairn::audit
