// How the server configures the admin API (everything it cannot learn from its collaborators).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "admin/json_errors.h"
#include "audit/record_hub.h"
#include "common/time.h"
#include "platform/env.h"
#include "storage/local_store.h"
#include "storage/scanner/lifecycle_scanner.h"
#include "storage/store_health.h"

namespace cairn::admin {

struct AdminOptions {
  std::string region = "us-east-1";
  // The data folders, reported with their capacity by `GET info`.
  std::vector<std::string> drive_paths;
  // The store's drives with their states and the set's geometry; when set, the info calls
  // report these drives (in place of drive_paths).
  std::function<storage::StoreHealth()> store_health;
  // Heals what a request names (the store's Heal); null: heal answers NotImplemented.
  std::function<Result<storage::HealSummary>(const storage::HealRequest&)> heal;
  // `service?action=restart|stop` once authorized: asks the server to restart or stop after
  // this reply; null when the server refuses them (CAIRN_ADMIN_SERVICE_ACTIONS off).
  std::function<Status(std::string_view action)> service_action;
  // When the server started, for the uptime `GET info` reports.
  TimePoint started = Now();
  // The S3 error table (s3::ErrorInfoFor, adapted); required.
  ErrorTable error_table = nullptr;
  // Makes x-amz-request-id values; null uses the admin API's own counter. The server passes the
  // S3 layer's generator so ids stay unique across both APIs.
  std::string (*new_request_id)() = nullptr;
  // Where disk capacity comes from; null means platform::Env::Default().
  platform::Env* env = nullptr;
  // The lifecycle scanner's state for `GET scanner/status`; null answers NotImplemented.
  std::function<storage::scanner::ScannerStatus()> scanner_status;
  // Live request records for GET trace; null answers NotImplemented.
  audit::RecordHub* records = nullptr;
  // The `nodename` of trace records: this server's host:port.
  std::string node_name;
};

}  // namespace cairn::admin
