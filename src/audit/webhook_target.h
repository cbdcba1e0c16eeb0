// MinIO's audit webhook target: every record becomes MinIO's audit entry JSON, POSTed to the
// endpoint by one sender thread (libcurl), `batch_size` entries per request (newline-separated,
// as MinIO's encoder writes them), through a bounded on-disk queue that survives sink outages
// and restarts. Consume (a request thread) only hands the record over: a dead endpoint never
// slows a request, and a full queue drops records and counts them, never blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/audit_target.h"
#include "audit/disk_queue.h"
#include "audit/record_inbox.h"
#include "platform/env.h"

namespace cairn::audit {

struct WebhookConfig {
  std::string id;              // the <ID> of MINIO_AUDIT_WEBHOOK_*_<ID>; "_" for the default
  std::string endpoint;        // http:// or https:// URL
  std::string auth_token;      // sent as the Authorization value, as is
  std::string queue_dir;       // the on-disk queue's folder
  size_t queue_size = 100000;  // records the queue holds before it drops
  uint64_t queue_bytes = 256ull << 20;
  size_t batch_size = 1;
  std::chrono::milliseconds http_timeout{5000};
  std::string ca_file;  // trusted CAs for https endpoints ("" = the system's)
  // When set, the PEM certificates https endpoints are checked against instead of `ca_file`.
  std::string ca_pem;
  std::string deployment_id;
  std::string user_agent = "Cairn";
  // Retry pacing after a failed delivery: doubles from `retry_min` up to `retry_max`.
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{5000};
  // Records waiting in memory for the sender thread, past which Consume drops.
  size_t inbox_size = 10000;
};

class WebhookTarget final : public AuditTarget {
 public:
  // Opens the queue (delivering what an earlier run left) and starts the sender thread.
  static Result<std::shared_ptr<WebhookTarget>> Start(WebhookConfig config,
                                                      platform::Env* env = nullptr);
  // Stops the sender, writing what is still in memory to the queue first.
  ~WebhookTarget() override;

  void Consume(const RecordPtr& record) override;
  const std::string& id() const override { return config_.id; }
  TargetStats stats() const override;
  // Stops sending (an attempt in flight is cut) and persists the inbox; idempotent.
  void Stop();

 private:
  WebhookTarget(WebhookConfig config, std::unique_ptr<DiskQueue> queue);
  void Run();
  // POSTs `entries`; OK on a 2xx answer.
  Status Post(const std::vector<std::string>& entries);

  const WebhookConfig config_;
  std::unique_ptr<DiskQueue> queue_;  // the sender thread's
  RecordInbox inbox_;
  std::mutex stop_mu_;  // Stop() against Stop()
  std::atomic<bool> stop_flag_{false};
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> queued_{0};  // the disk queue's size, published by the sender
  std::thread sender_;
};

}  // namespace cairn::audit
