// How the client checks HTTPS servers, for every request of the process (as mc does):
// `--insecure`, or CAIRN_INSECURE / MC_INSECURE set to on/true/1, skips certificate and host
// name checks; CAIRN_CA_FILE (else SSL_CERT_FILE) names the CA bundle to trust instead of the
// system's.
#pragma once

#include <optional>
#include <string>

namespace cairn::cli {

struct TlsSettings {
  bool insecure = false;
  std::optional<std::string> ca_file;
};

// Set from the --insecure flag before any request is sent.
void SetInsecureFlag(bool insecure);

// The flag and the environment, looked up now. `env` is swappable for tests.
using EnvGetter = const char* (*)(const char* name);
TlsSettings CurrentTlsSettings(EnvGetter env = nullptr);

}  // namespace cairn::cli
