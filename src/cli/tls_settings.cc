#include "cli/tls_settings.h"

#include <atomic>
#include <cstdlib>
#include <string_view>

namespace cairn::cli {

namespace {

std::atomic<bool> insecure_flag{false};

bool IsOn(const char* value) {
  if (value == nullptr) return false;
  std::string_view v(value);
  return v == "on" || v == "ON" || v == "true" || v == "TRUE" || v == "1" || v == "yes";
}

const char* ProcessGetenv(const char* name) { return std::getenv(name); }

}  // namespace

void SetInsecureFlag(bool insecure) { insecure_flag.store(insecure); }

TlsSettings CurrentTlsSettings(EnvGetter env) {
  if (env == nullptr) env = ProcessGetenv;
  TlsSettings settings;
  settings.insecure =
      insecure_flag.load() || IsOn(env("CAIRN_INSECURE")) || IsOn(env("MC_INSECURE"));
  for (const char* name : {"CAIRN_CA_FILE", "SSL_CERT_FILE"}) {
    const char* value = env(name);
    if (value != nullptr && *value != '\0') {
      settings.ca_file = value;
      break;
    }
  }
  return settings;
}

}  // namespace cairn::cli
