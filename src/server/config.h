// The server's settings from its command line and environment, MinIO's names first-class.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace cairn::server {

struct ListenAddress {
  std::string host;  // "" = every address
  uint16_t port = 0;
};

// ":9000", "127.0.0.1:9000", "[::1]:9000", "localhost:9000" or a bare port "9000".
Result<ListenAddress> ParseListenAddress(const std::string& text);

struct ServerConfig {
  std::vector<std::string> data_dirs;  // folders, or one "rados://POOL[/NAMESPACE]"
  // rados://POOL: the cluster's conf (--ceph-conf; "" = $CEPH_CONF, else /etc/ceph/ceph.conf),
  // the entity (--ceph-user), and the gateway's own folder for what is not the store (audit
  // queues): CAIRN_STATE_DIR, default /var/lib/cairn/rados-POOL[-NAMESPACE].
  std::string ceph_conf;
  std::string ceph_user;  // "" = client.admin (filled in for rados://)
  // The shard count of each bucket made from now on (rados://); -1 = unset (16).
  int bucket_shards = -1;
  std::string state_dir;
  ListenAddress address{"", 9000};
  ListenAddress console_address{"", 9001};
  std::vector<std::string> domains;
  // The region requests must be signed for (MINIO_SITE_REGION / MINIO_REGION; AWS's default).
  std::string region = "us-east-1";
  std::string root_user;
  std::string root_password;
  bool default_credentials = false;  // neither variable was set: minioadmin/minioadmin
  bool console_enabled = true;
  // CAIRN_ADMIN_SERVICE_ACTIONS=on: `mc admin service restart|stop` (madmin's ServiceRestart and
  // ServiceStop) restart or stop this process; off (the default) refuses them, since a service
  // manager usually owns the process (docs/admin-api.md).
  bool admin_service_actions = false;
  // The front door's limits (MinIO's names where MinIO has them).
  std::chrono::milliseconds read_header_timeout{30000};  // the whole request head
  std::chrono::milliseconds idle_timeout{30000};         // between requests; a stalled body
  std::chrono::milliseconds shutdown_timeout{20000};     // grace for requests in flight
  int max_connections = 16384;
  // A lifecycle day in seconds: CAIRN_LIFECYCLE_DAY_SECONDS, a testing knob (docs/lifecycle.md).
  int64_t lifecycle_day_seconds = 86400;
  // MINIO_PROMETHEUS_AUTH_TYPE=public: the metrics endpoints need no bearer token.
  bool prometheus_public = false;
  // The certificates folder serving HTTPS on both ports (public.crt + private.key, host
  // folders for SNI, CAs/); "" = plain HTTP. See docs/tls.md.
  std::string certs_dir;
  // The CAs/ folder of the certificates folder, when it exists ("" otherwise): CA certificates
  // to trust for outgoing calls (webhooks), read even when the server itself speaks plain HTTP.
  std::string trusted_cas_dir;
  // MINIO_KMS_SECRET_KEY (or _FILE): "<key-name>:<base64 of 32 bytes>", the built-in KMS for
  // SSE-S3 and SSE-KMS; "" = no KMS.
  std::string kms_secret_key;
  // Several data folders: one erasure set. MINIO_STORAGE_CLASS_STANDARD ("EC:n"; "" = MinIO's
  // default parity for the set's size).
  std::string storage_class;
  // The set's background work and geometry, Cairn's knobs (docs/erasure-sets.md):
  // CAIRN_DRIVE_CHECK_MS, CAIRN_HEAL_PAUSE_MS, CAIRN_HEAL_DEEP_INTERVAL_MS (hourly; 0 = no deep
  // pass), CAIRN_HEAL_DEEP_SHARE, CAIRN_ERASURE_BLOCK_SIZE (bytes; MinIO's 1 MiB by default).
  int64_t drive_check_ms = 5000;
  int64_t heal_pause_ms = 2;
  int64_t heal_deep_interval_ms = 3600000;
  int64_t heal_deep_share = 1000;
  int64_t erasure_block_size = 1 << 20;
};

// A Go-style duration as MinIO takes it: "30s", "500ms", "1m", "1h", "1m30s", "1.5s"; a bare
// number means seconds. Errors: kInvalidArgument.
Result<std::chrono::milliseconds> ParseDuration(const std::string& text);

// The front-door flags as given on the command line ("" = not given).
struct FrontDoorFlags {
  std::string read_header_timeout;
  std::string idle_timeout;
  std::string shutdown_timeout;
  std::string max_connections;
};

// A lookup of environment variables, swappable in tests.
using EnvLookup = std::string (*)(const char* name);
std::string ProcessEnv(const char* name);

// Completes `config` (whose data_dirs/address/console/domains may already come from flags; a
// flag wins over the environment) from MINIO_* / CAIRN_* variables and their _FILE forms, and
// validates it. Errors: kInvalidArgument with a message for the operator.
Status ResolveConfig(ServerConfig& config, bool address_flag, bool console_flag, bool domain_flag,
                     EnvLookup env = ProcessEnv);

// Chooses the certificates folder: `flag` (--certs-dir / -S) when given, else the first of
// ${HOME}/.minio/certs and ${HOME}/.cairn/certs holding public.crt + private.key. A folder
// without them means plain HTTP (as MinIO); one holding only half of the pair is an error.
// Also sets trusted_cas_dir: the serving folder's CAs/, else the first candidate's that exists.
Status ResolveCertsDir(ServerConfig& config, const std::string& flag, EnvLookup env = ProcessEnv);

// Fills the front-door limits from `flags`, else CAIRN_/MINIO_READ_HEADER_TIMEOUT,
// _IDLE_TIMEOUT, _SHUTDOWN_TIMEOUT and CAIRN_MAX_CONNECTIONS; durations must be positive.
Status ResolveFrontDoor(ServerConfig& config, const FrontDoorFlags& flags,
                        EnvLookup env = ProcessEnv);

}  // namespace cairn::server
