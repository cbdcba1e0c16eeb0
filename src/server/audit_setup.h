// The composition root's audit wiring: the deployment id, the hub every API publishes request
// records into, and the audit targets the environment asks for (audit/audit_config.h), started
// once the data folder is open.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audit/audit_config.h"
#include "audit/audit_target.h"
#include "audit/record_hub.h"
#include "storage/system_store.h"

namespace cairn::server {

struct AuditServices {
  std::string deployment_id;
  audit::RecordHub hub;
  std::vector<std::shared_ptr<audit::AuditTarget>> targets;
};

// The deployment's stable id: a UUID made once and kept in the SystemStore (`deployment/id`).
Result<std::string> LoadOrCreateDeploymentId(storage::SystemStore& system);

// Starts every configured target (queues under `data_dir`/.cairn/audit/<id> unless the target
// names its own). https webhooks trust CAIRN_CA_FILE / SSL_CERT_FILE (else the system's CAs) and,
// as MinIO does, every certificate in `trusted_cas_dir` (the certs folder's CAs/; "" for none).
// Errors: a configuration the operator must fix, a queue or file that cannot open.
Result<std::unique_ptr<AuditServices>> StartAudit(const std::string& data_dir,
                                                  storage::SystemStore& system,
                                                  const audit::Environment& environment,
                                                  const std::string& trusted_cas_dir = {});

// The PEM bundle `ca_file` (or the system's bundle when empty) plus every regular file in
// `cas_dir`; "" when `cas_dir` is empty or holds no file, so the plain CA file applies.
std::string TrustedCaBundle(const std::string& ca_file, const std::string& cas_dir);

}  // namespace cairn::server
