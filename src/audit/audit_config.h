// The audit targets MinIO's environment configures, read from a list of variables:
//   MINIO_AUDIT_WEBHOOK_ENABLE[_<ID>]=on        the target exists (also "true", "1")
//   MINIO_AUDIT_WEBHOOK_ENDPOINT[_<ID>]=URL     required for an enabled target
//   MINIO_AUDIT_WEBHOOK_AUTH_TOKEN[_<ID>]       sent as the Authorization value, as is
//   MINIO_AUDIT_WEBHOOK_QUEUE_DIR[_<ID>]        default: <data>/.cairn/audit/<ID>
//   MINIO_AUDIT_WEBHOOK_QUEUE_SIZE[_<ID>]       records (default 100000)
//   MINIO_AUDIT_WEBHOOK_BATCH_SIZE[_<ID>]       entries per POST (default 1)
//   MINIO_AUDIT_WEBHOOK_HTTP_TIMEOUT[_<ID>]     "5s", "500ms" (default 5s)
// and CAIRN_AUDIT_FILE=/path, a local file of entries. The un-suffixed form is the target "_".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/webhook_target.h"
#include "common/status.h"

namespace cairn::audit {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct AuditConfig {
  std::vector<WebhookConfig> webhooks;  // queue_dir filled; deployment_id and ca_file are not
  std::string file;                     // CAIRN_AUDIT_FILE, "" = none
};

// Errors (kInvalidArgument, a message for the operator): an enabled target without an endpoint,
// an endpoint that is not http(s)://, a size or timeout that does not parse, a client
// certificate (not supported yet).
Result<AuditConfig> ParseAuditConfig(const Environment& env, const std::string& default_queue_root);

// The process environment as a list (environ).
Environment ProcessEnvironment();

}  // namespace cairn::audit
