// cairn: the S3 server (`cairn server DIR`) and the mc-style client commands (src/cli).
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cli.h"
#include "server/config.h"
#include "server/logging.h"
#include "server/run.h"

int main(int argc, char** argv) {
  CLI::App app{"Cairn: S3-compatible object storage, a drop-in replacement for single-node MinIO"};
  app.set_version_flag("--version", std::string("cairn ") + CAIRN_VERSION);
  app.require_subcommand(1);

  cairn::server::ServerConfig config;
  std::string address;
  std::string console_address;
  std::string domain;
  CLI::App* server = app.add_subcommand("server", "Serve the S3 API from a data folder");
  server->add_option("--address", address, "API listen address (default :9000, MINIO_ADDRESS)");
  server->add_option("--console-address", console_address,
                     "console listen address (default :9001, MINIO_CONSOLE_ADDRESS)");
  server->add_option("--domain", domain,
                     "domain(s) for virtual-host-style requests, comma separated (MINIO_DOMAIN)");
  cairn::server::FrontDoorFlags front_door;
  server->add_option("--read-header-timeout", front_door.read_header_timeout,
                     "time for a whole request head to arrive (default 30s, "
                     "MINIO_READ_HEADER_TIMEOUT)");
  server->add_option("--idle-timeout", front_door.idle_timeout,
                     "keep-alive wait between requests, and the longest stall of a body "
                     "(default 30s, MINIO_IDLE_TIMEOUT)");
  server->add_option("--shutdown-timeout", front_door.shutdown_timeout,
                     "grace for requests in flight on SIGTERM (default 20s, "
                     "MINIO_SHUTDOWN_TIMEOUT)");
  server->add_option("--max-connections", front_door.max_connections,
                     "open client connections before new ones get 503 SlowDown (default 16384, "
                     "CAIRN_MAX_CONNECTIONS)");
  std::string certs_dir;
  server->add_option("-S,--certs-dir", certs_dir,
                     "folder with public.crt + private.key to serve HTTPS, host folders for SNI "
                     "(default ${HOME}/.minio/certs, then ${HOME}/.cairn/certs)");
  cairn::server::LogFlags log_flags;
  server->add_flag("--json", log_flags.json,
                   "log lines as JSON objects, one per line (CAIRN_LOG_FORMAT=json)");
  server->add_option("--log-level", log_flags.level,
                     "debug, info (default), warn or error (CAIRN_LOG_LEVEL)");
  server->add_option("DIR", config.data_dirs,
                     "data folder, several as one erasure set, or rados://POOL (or MINIO_VOLUMES)");
  server->add_option("--ceph-conf", config.ceph_conf,
                     "with rados://POOL: the cluster's ceph.conf (default $CEPH_CONF, then "
                     "/etc/ceph/ceph.conf)");
  server->add_option("--ceph-user", config.ceph_user,
                     "with rados://POOL: the Ceph entity (default client.admin; keyring from the "
                     "conf)");
  server->add_option("--bucket-shards", config.bucket_shards,
                     "with rados://POOL: the omap objects of each bucket made from now on "
                     "(default 16, at most 1024; 0 keeps new buckets in the index object)");
  server->footer(
      "Credentials come from MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (or CAIRN_ROOT_USER / "
      "CAIRN_ROOT_PASSWORD, or their _FILE forms).\n\nExample:\n"
      "  MINIO_ROOT_USER=admin MINIO_ROOT_PASSWORD=secret123 cairn server /data");

  cairn::cli::Register(app);

  CLI11_PARSE(app, argc, argv);

  if (auto status = cairn::cli::Run(app)) return *status;

  if (*server) {
    auto fail = [](const std::string& message) {
      std::fprintf(stderr, "cairn server: %s\n", message.c_str());
      return 1;
    };
    if (cairn::Status logging = cairn::server::ConfigureLogging(log_flags); !logging.ok()) {
      return fail(logging.message());
    }
    if (!address.empty()) {
      auto parsed = cairn::server::ParseListenAddress(address);
      if (!parsed.ok()) return fail(parsed.status().message());
      config.address = *parsed;
    }
    if (!console_address.empty()) {
      auto parsed = cairn::server::ParseListenAddress(console_address);
      if (!parsed.ok()) return fail(parsed.status().message());
      config.console_address = *parsed;
    }
    if (!domain.empty()) config.domains = {domain};
    cairn::Status resolved = cairn::server::ResolveConfig(
        config, !address.empty(), !console_address.empty(), !domain.empty());
    if (!resolved.ok()) return fail(resolved.message());
    resolved = cairn::server::ResolveFrontDoor(config, front_door);
    if (!resolved.ok()) return fail(resolved.message());
    resolved = cairn::server::ResolveCertsDir(config, certs_dir);
    if (!resolved.ok()) return fail(resolved.message());
    int code = cairn::server::RunServer(config);
    if (code == cairn::server::kRestartRequested) {
      // Everything the server held is closed (RunServer's scope has ended): the same command
      // line again, in this process, so a supervisor sees one process throughout.
      std::fflush(nullptr);
      execv("/proc/self/exe", argv);
      std::perror("cairn server: restart failed");
      return 1;
    }
    return code;
  }
  return 0;
}
