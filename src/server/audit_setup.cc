#include "server/audit_setup.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "audit/file_target.h"
#include "audit/webhook_target.h"
#include "platform/env.h"

namespace cairn::server {

namespace {
constexpr std::string_view kDeploymentIdKey = "deployment/id";

std::string NewUuid() {
  unsigned char b[16] = {};
  platform::RandomBytes(b, sizeof b).IgnoreError();
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[40];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}
}  // namespace

Result<std::string> LoadOrCreateDeploymentId(storage::SystemStore& system) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> stored, system.GetSystem(kDeploymentIdKey));
  if (stored && !stored->empty()) return *stored;
  std::string id = NewUuid();
  CAIRN_RETURN_IF_ERROR(system.PutSystem(kDeploymentIdKey, id));
  return id;
}

std::string TrustedCaBundle(const std::string& ca_file, const std::string& cas_dir) {
  if (cas_dir.empty()) return "";
  auto read = [](const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    std::string text = out.str();
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
    return text;
  };
  std::string folder;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(cas_dir, ec)) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) folder += read(file);
  if (folder.empty()) return "";
  // Debian's bundle when no CA file is named: the folder adds to the system's trust, not replaces
  // it.
  const std::string base = ca_file.empty() ? "/etc/ssl/certs/ca-certificates.crt" : ca_file;
  return read(base) + folder;
}

Result<std::unique_ptr<AuditServices>> StartAudit(const std::string& data_dir,
                                                  storage::SystemStore& system,
                                                  const audit::Environment& environment,
                                                  const std::string& trusted_cas_dir) {
  auto services = std::make_unique<AuditServices>();
  CAIRN_ASSIGN_OR_RETURN(services->deployment_id, LoadOrCreateDeploymentId(system));
  const std::string queue_root =
      platform::JoinPath(platform::JoinPath(data_dir, ".cairn"), "audit");
  CAIRN_ASSIGN_OR_RETURN(audit::AuditConfig config,
                         audit::ParseAuditConfig(environment, queue_root));
  // https endpoints trust CAIRN_CA_FILE / SSL_CERT_FILE, as the CLI does, and the CAs/ folder.
  std::string ca_file;
  for (const auto& [name, value] : environment) {
    if (name == "CAIRN_CA_FILE" || (name == "SSL_CERT_FILE" && ca_file.empty())) ca_file = value;
  }
  if (!config.file.empty()) {
    CAIRN_ASSIGN_OR_RETURN(auto file,
                           audit::FileTarget::Start(config.file, services->deployment_id));
    services->hub.AddSink(file);
    services->targets.push_back(std::move(file));
    spdlog::info("audit: writing entries to {}", config.file);
  }
  for (audit::WebhookConfig& webhook : config.webhooks) {
    webhook.deployment_id = services->deployment_id;
    webhook.ca_file = ca_file;
    webhook.ca_pem = TrustedCaBundle(ca_file, trusted_cas_dir);
    std::string id = webhook.id;
    std::string endpoint = webhook.endpoint;
    std::string queue_dir = webhook.queue_dir;
    auto target = audit::WebhookTarget::Start(std::move(webhook));
    if (!target.ok()) {
      return Status(target.status().code(), "audit webhook " + id + " (queue " + queue_dir +
                                                "): " + target.status().message());
    }
    services->hub.AddSink(*target);
    services->targets.push_back(std::move(*target));
    spdlog::info("audit: webhook {} -> {} (queue {})", id, endpoint, queue_dir);
  }
  return services;
}

}  // namespace cairn::server
