#include "server/run.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "admin/admin_api.h"
#include "auth/sigv4.h"
#include "console/console.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "iam/bucket_policies.h"
#include "iam/iam_store.h"
#include "iam/policy_authorizer.h"
#include "platform/file_lock.h"
#include "platform/process_limits.h"
#include "s3/api.h"
#include "s3/bucket_cors.h"
#include "s3/errors.h"
#include "server/audit_setup.h"
#include "server/health.h"
#include "server/metrics_endpoint.h"
#include "server/store_setup.h"
#include "server/system_follower.h"
#include "storage/local_store.h"
#include "storage/scanner/lifecycle_scanner.h"

namespace cairn::server {

namespace {

// How often a gateway on a shared store looks for IAM and configuration changes of the others
// when no signal came: their notify makes them take effect at once, and a lost one within about
// this (the issue: within a second).
constexpr std::chrono::milliseconds kFollowPeriod{500};

std::string DisplayHost(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::") return "127.0.0.1";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

// The admin API renders errors from the S3 layer's one table.
admin::ErrorInfo AdminErrorInfo(Code code) {
  const s3::S3ErrorInfo& info = s3::ErrorInfoFor(code);
  return {info.code, info.http_status, info.message};
}

// The front door's own answers, in the S3 XML clients parse.
http::CannedResponse S3Canned(const s3::S3ErrorInfo& info) {
  http::CannedResponse out;
  out.status = info.http_status;
  std::string request_id = s3::NewRequestId();
  out.headers.Add("content-type", "application/xml");
  out.headers.Add("x-amz-request-id", request_id);
  if (info.http_status == 503) out.headers.Add("retry-after", "1");
  out.body = s3::ErrorXml(info, "", "/", request_id, "", "");
  return out;
}

void SetFrontDoor(const ServerConfig& config, http::ServerOptions& options) {
  options.read_header_timeout = config.read_header_timeout;
  options.idle_timeout = config.idle_timeout;
  options.max_connections = config.max_connections;
  options.overload_response = [] { return S3Canned(s3::SlowDownErrorInfo()); };
  options.internal_error_response = [] { return S3Canned(s3::ErrorInfoFor(Code::kInternal)); };
}

}  // namespace

int RunServer(const ServerConfig& config) {
  // An admin restart or stop (0 none): the handler records it and signals this process, so both
  // go down the SIGTERM path below and the reply is sent before the drain ends.
  enum ServiceAction { kNone, kStop, kRestart };
  static std::atomic<int> service_action{kNone};
  // Signals are taken by one waiting thread, so every other thread runs undisturbed.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reloads the TLS certificates
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  uint64_t open_files = platform::RaiseOpenFileLimit();
  if (open_files != 0 && open_files < static_cast<uint64_t>(config.max_connections) + 512) {
    spdlog::warn(
        "the open-file limit ({}) is below --max-connections ({}) plus what the store needs; "
        "raise it (ulimit -n) or lower --max-connections",
        open_files, config.max_connections);
  }

  // Everything that needs the open store is built once it is open; until then the API port
  // answers health checks with 503 and every other request with 503 ServiceUnavailable.
  struct Services {
    std::unique_ptr<storage::LocalStore> store;
    std::unique_ptr<iam::IamStore> iam;
    std::unique_ptr<iam::BucketPolicies> bucket_policies;
    std::unique_ptr<s3::BucketCors> bucket_cors;
    std::unique_ptr<iam::PolicyAuthorizer> authorizer;
    std::unique_ptr<auth::Verifier> verifier;
    std::unique_ptr<s3::S3Api> api;
    std::unique_ptr<admin::AdminApi> admin_api;
    std::unique_ptr<MetricsEndpoint> metrics;
    // Rados: reloads IAM, bucket policies and CORS that other gateways changed. After them,
    // so it stops first.
    std::unique_ptr<SystemFollower> follower;
    // Last, so it is destroyed (stopped) before the store it walks.
    std::unique_ptr<storage::scanner::LifecycleScanner> scanner;
  };
  // Before the services: the APIs publish into its hub, and its targets outlive every request.
  std::unique_ptr<AuditServices> audit;
  Services services;
  // Before the API that counts into it, so it outlives every request.
  s3::S3Metrics request_metrics;
  std::atomic<s3::S3Api*> api{nullptr};
  // Set with `api`: the health checks ask it for the drives.
  std::atomic<storage::LocalStore*> open_store{nullptr};
  // Published before `api`, as admin_api.
  std::atomic<MetricsEndpoint*> metrics{nullptr};
  // Published before `api`, so a request that sees the S3 API ready sees this one too.
  std::atomic<admin::AdminApi*> admin_api{nullptr};
  const TimePoint started = Now();

  std::atomic<uint16_t> console_port{0};  // set once the console listens

  // HTTPS on both ports when the certificates folder holds a default certificate.
  std::shared_ptr<http::TlsCertificates> tls;
  if (!config.certs_dir.empty()) {
    Result<bool> has_certificates = http::HasCertificates(config.certs_dir);
    if (!has_certificates.ok()) {
      spdlog::error("{}", has_certificates.status().message());
      return 1;
    }
    if (*has_certificates) {
      auto opened = http::TlsCertificates::Open(config.certs_dir);
      if (!opened.ok()) {
        spdlog::error("cannot serve HTTPS: {}", opened.status().message());
        return 1;
      }
      tls = std::move(*opened);
      tls->StartWatching(std::chrono::seconds(2));  // replaced files are picked up, too
    }
  }
  const char* scheme = tls ? "https://" : "http://";

  http::ServerOptions options;
  options.host = config.address.host;
  options.port = config.address.port;
  SetFrontDoor(config, options);
  options.tls = tls;
  // The API port's handler; the console dispatches its signed calls to this same function.
  http::Handler api_handler = [&api, &open_store, &admin_api, &metrics, &console_port](
                                  const http::Request& request, ByteSource& body,
                                  http::ResponseWriter& out) {
    s3::S3Api* ready = api.load();
    if (request.path.starts_with("/minio/health/")) {
      std::optional<storage::StoreHealth> health;
      if (storage::LocalStore* open = open_store.load()) health = open->Health();
      if (ServeHealth(request, out, health ? &*health : nullptr)) return;
    }
    if (ready != nullptr && MetricsEndpoint::Handles(request)) {
      return metrics.load()->Handle(request, out);
    }
    if (uint16_t port = console_port.load(); port != 0) {
      if (console::RedirectBrowserToConsole(request, port, out)) return;
    }
    if (ready == nullptr) {
      Headers headers;
      headers.Add("x-amz-request-id", s3::NewRequestId());
      headers.Add("retry-after", "1");
      out.Send(503, headers, "").IgnoreError();
      return;
    }
    if (admin::AdminApi::Handles(request)) return admin_api.load()->Handle(request, body, out);
    ready->Handle(request, body, out);
  };
  http::Server server(options, api_handler);
  if (Status listening = server.Listen(); !listening.ok()) {
    spdlog::error("{}", listening.message());
    return 1;
  }
  std::thread serving([&server] { server.Serve(); });

  // The local folder of this process: the data folder, or a RADOS gateway's state folder.
  const std::string& dir = config.state_dir.empty() ? config.data_dirs.front() : config.state_dir;
  // A gateway owns its state folder: the folder's path is its name as the lifecycle lease's
  // holder, and its audit queues are its own, so a second gateway on it is refused.
  std::unique_ptr<platform::FileLock> state_lock;
  if (!config.state_dir.empty()) {
    std::error_code made;
    std::filesystem::create_directories(config.state_dir, made);
    auto locked =
        made ? Result<std::unique_ptr<platform::FileLock>>(Status(Code::kIOError, made.message()))
             : platform::FileLock::Acquire(config.state_dir + "/gateway.lock");
    if (!locked.ok()) {
      spdlog::error(
          "cannot own the state folder {} (CAIRN_STATE_DIR; each gateway needs its own): {}",
          config.state_dir, locked.status().ToString());
      server.Shutdown(0);
      serving.join();
      return 1;
    }
    state_lock = std::move(locked).value();
  }
  auto fail_start = [&](const std::string& what, const Status& status) {
    spdlog::error("{} {}: {}", what, config.data_dirs.front(), status.ToString());
    server.Shutdown(0);
    serving.join();
    return 1;
  };
  storage::LocalStoreOptions store_options;
  if (!config.kms_secret_key.empty()) {
    auto kms = storage::crypto::ParseSecretKeyKms(config.kms_secret_key);
    if (!kms.ok()) return fail_start("cannot use MINIO_KMS_SECRET_KEY for", kms.status());
    store_options.kms = std::move(kms).value();
  }
  auto store = OpenStore(config, store_options);
  if (!store.ok()) {
    return fail_start(config.data_dirs.size() > 1 ? "cannot open the erasure set of"
                      : config.state_dir.empty()  ? "cannot open the data folder"
                                                  : "cannot open the store in",
                      store.status());
  }
  services.store = std::move(store).value();
  auto iam = iam::IamStore::Open(*services.store, {config.root_user, config.root_password});
  if (!iam.ok()) return fail_start("cannot load IAM records from", iam.status());
  services.iam = std::move(iam).value();
  auto bucket_policies = iam::BucketPolicies::Open(*services.store);
  if (!bucket_policies.ok()) {
    return fail_start("cannot load bucket policies from", bucket_policies.status());
  }
  services.bucket_policies = std::move(bucket_policies).value();
  auto bucket_cors = s3::BucketCors::Open(*services.store);
  if (!bucket_cors.ok())
    return fail_start("cannot load CORS configurations from", bucket_cors.status());
  services.bucket_cors = std::move(bucket_cors).value();
  if (!config.state_dir.empty()) {
    // A shared store (rados://): the other gateways' changes to these take effect here too.
    services.follower = std::make_unique<SystemFollower>(
        *services.store, kFollowPeriod,
        std::vector<std::function<Status()>>{[&] { return services.iam->Reload(); },
                                             [&] { return services.bucket_policies->Reload(); },
                                             [&] { return services.bucket_cors->Reload(); }},
        services.store->change_signal());
  }
  auto audit_started =
      StartAudit(dir, *services.store, audit::ProcessEnvironment(), config.trusted_cas_dir);
  if (!audit_started.ok())
    return fail_start("cannot start the audit targets for", audit_started.status());
  audit = std::move(audit_started).value();
  audit->hub.set_parent_lookup([iam = services.iam.get()](std::string_view access_key) {
    Result<iam::Principal> who = iam->Resolve(access_key);
    return who.ok() && who->user != access_key ? who->user : std::string();
  });
  services.authorizer = std::make_unique<iam::PolicyAuthorizer>(
      *services.iam, *services.bucket_policies, services.store.get());
  s3::ApiOptions api_options;
  api_options.domains = config.domains;
  api_options.region = config.region;
  api_options.lifecycle_day_seconds = config.lifecycle_day_seconds;
  api_options.metrics = &request_metrics;
  api_options.records = &audit->hub;
  storage::scanner::ScannerOptions scanner_options;
  scanner_options.day_seconds = config.lifecycle_day_seconds;
  scanner_options.lease = services.store->scan_lease();  // rados://: one gateway scans
  if (config.lifecycle_day_seconds != storage::kSecondsPerDay) {
    // The knob promises a pass at least every half day.
    scanner_options.interval =
        std::min(scanner_options.interval,
                 std::chrono::milliseconds(config.lifecycle_day_seconds * 1000 / 2));
  }
  services.scanner = std::make_unique<storage::scanner::LifecycleScanner>(
      *services.store, services.store.get(), services.store.get(), scanner_options);
  // A credential scope must name the server's region, as AWS S3 insists.
  services.verifier = std::make_unique<auth::Verifier>(*services.iam, api_options.region);
  services.api = std::make_unique<s3::S3Api>(
      api_options, *services.verifier, *services.authorizer, *services.store, services.store.get(),
      services.bucket_policies.get(), services.bucket_cors.get());
  admin::AdminOptions admin_options;
  admin_options.drive_paths = config.data_dirs;
  admin_options.store_health = [store = services.store.get()] { return store->Health(); };
  admin_options.heal = [store = services.store.get()](const storage::HealRequest& request) {
    return store->Heal(request);
  };
  if (config.admin_service_actions) {
    admin_options.service_action = [](std::string_view action) {
      service_action = action == "restart" ? kRestart : kStop;
      spdlog::warn("the admin API asked for a service {}", action);
      kill(getpid(), SIGTERM);
      return Status::Ok();
    };
  }
  admin_options.region = config.region;
  admin_options.started = started;
  admin_options.error_table = AdminErrorInfo;
  admin_options.new_request_id = s3::NewRequestId;
  admin_options.scanner_status = [scanner = services.scanner.get()] { return scanner->status(); };
  admin_options.records = &audit->hub;
  admin_options.node_name = DisplayHost(config.address.host) + ":" + std::to_string(server.port());
  services.admin_api =
      std::make_unique<admin::AdminApi>(std::move(admin_options), *services.verifier,
                                        *services.authorizer, *services.iam, *services.store);
  MetricsOptions metrics_options;
  metrics_options.drive_paths = config.data_dirs;
  metrics_options.store_health = [store = services.store.get()] { return store->Health(); };
  metrics_options.started = started;
  metrics_options.public_access = config.prometheus_public;
  metrics_options.audit_stats = [audit = audit.get()] {
    std::vector<std::pair<std::string, audit::TargetStats>> stats;
    for (const auto& target : audit->targets) stats.emplace_back(target->id(), target->stats());
    return stats;
  };
  metrics_options.server_name =
      DisplayHost(config.address.host) + ":" + std::to_string(server.port());
  services.metrics =
      std::make_unique<MetricsEndpoint>(std::move(metrics_options), request_metrics,
                                        *services.store, *services.iam, *services.authorizer);
  metrics.store(services.metrics.get());
  admin_api.store(services.admin_api.get());
  open_store.store(services.store.get());
  api.store(services.api.get());
  services.scanner->Start();

  // The web console on its own port, calling the API handler above as the signed-in user.
  std::unique_ptr<console::Console> web_console;
  std::unique_ptr<http::Server> console_server;
  std::thread console_serving;
  if (config.console_enabled) {
    console::ConsoleOptions console_options;
    console_options.api_host = "127.0.0.1:" + std::to_string(server.port());
    console_options.api_port = server.port();
    console_options.region = config.region;
    web_console = std::make_unique<console::Console>(console_options, *services.iam, api_handler);
    http::ServerOptions console_http;
    console_http.host = config.console_address.host;
    console_http.port = config.console_address.port;
    SetFrontDoor(config, console_http);
    console_http.tls = tls;
    // A few people at a browser: one loop and a few workers are plenty.
    console_http.worker_threads = 4;
    console_http.max_connections = std::min(config.max_connections, 1024);
    console_server = std::make_unique<http::Server>(
        console_http,
        [&web_console](const http::Request& request, ByteSource& body, http::ResponseWriter& out) {
          web_console->Handle(request, body, out);
        });
    if (Status listening = console_server->Listen(); !listening.ok()) {
      spdlog::error("cannot serve the console: {}", listening.message());
      server.Shutdown(0);
      serving.join();
      return 1;
    }
    console_port.store(console_server->port());
    console_serving = std::thread([&console_server] { console_server->Serve(); });
  }

  std::string endpoint =
      scheme + DisplayHost(config.address.host) + ":" + std::to_string(server.port());
  std::printf("Cairn S3 API listening on %s (bound to %s:%u)\n", endpoint.c_str(),
              config.address.host.empty() ? "0.0.0.0" : config.address.host.c_str(), server.port());
  if (console_server) {
    std::printf("Cairn console listening on %s%s:%u\n", scheme,
                DisplayHost(config.console_address.host).c_str(), console_server->port());
  }
  std::printf("%s", DescribeDrives(services.store->Health()).c_str());
  if (tls) std::printf("TLS certificates: %s (reloaded on SIGHUP)\n", tls->dir().c_str());
  if (config.default_credentials) {
    std::printf(
        "WARNING: no MINIO_ROOT_USER/MINIO_ROOT_PASSWORD set; using the default credentials "
        "minioadmin/minioadmin. Set your own before storing anything that matters.\n");
  }
  std::printf(
      "Log in with access key '%s' and the root password, e.g.:\n"
      "  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=... aws --endpoint-url %s s3 ls\n",
      config.root_user.c_str(), config.root_user.c_str(), endpoint.c_str());
  std::fflush(stdout);

  int received = 0;
  for (;;) {
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    if (tls && tls->Reload().ok()) {
      spdlog::info("reloaded the TLS certificates from {}", tls->dir());
    }
  }
  if (service_action != kNone) {
    std::printf("Service %s asked through the admin API: finishing requests in flight.\n",
                service_action == kRestart ? "restart" : "stop");
  } else {
    std::printf("Received %s: finishing requests in flight, then stopping.\n",
                received == SIGTERM ? "SIGTERM" : "SIGINT");
  }
  std::fflush(stdout);
  // Tracers end first, so their streams do not hold the drain below.
  audit->hub.Close();
  // Both servers drain at once; when Shutdown returns no handler runs any more, so the
  // store and the services below are destroyed only after every request has finished.
  std::thread console_stop;
  if (console_server) {
    console_stop = std::thread([&] { console_server->Shutdown(config.shutdown_timeout); });
  }
  server.Shutdown(config.shutdown_timeout);
  serving.join();
  if (console_server) {
    console_stop.join();
    console_serving.join();
  }
  api.store(nullptr);
  open_store.store(nullptr);
  admin_api.store(nullptr);
  metrics.store(nullptr);
  services.scanner->Stop();  // before the store closes
  std::printf(service_action == kRestart ? "Stopped; restarting.\n" : "Stopped.\n");
  std::fflush(stdout);
  return service_action == kRestart ? kRestartRequested : 0;
}

}  // namespace cairn::server
