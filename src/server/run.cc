#include "server/run.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "auth/sigv4.h"
#include "http/server.h"
#include "iam/authorizer.h"
#include "s3/api.h"
#include "server/health.h"
#include "storage/local_store.h"

namespace cairn::server {

namespace {

constexpr int kShutdownGraceSeconds = 20;

std::string DisplayHost(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::") return "127.0.0.1";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

}  // namespace

int RunServer(const ServerConfig& config) {
  // Signals are taken by one waiting thread, so every other thread runs undisturbed.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  iam::RootCredentials credentials({config.root_user, config.root_password});
  iam::RootOnlyAuthorizer authorizer(config.root_user);
  auth::Verifier verifier(credentials);
  s3::ApiOptions api_options;
  api_options.domains = config.domains;
  s3::S3Api api(api_options, verifier, authorizer);

  http::ServerOptions options;
  options.host = config.address.host;
  options.port = config.address.port;
  http::Server server(
      options, [&api](const http::Request& request, ByteSource& body, http::ResponseWriter& out) {
        if (ServeHealth(request, out, api.ready())) return;
        api.Handle(request, body, out);
      });
  if (Status listening = server.Listen(); !listening.ok()) {
    std::fprintf(stderr, "cairn: %s\n", listening.message().c_str());
    return 1;
  }
  std::thread serving([&server] { server.Serve(); });

  const std::string& dir = config.data_dirs.front();
  Result<std::unique_ptr<storage::LocalStore>> store =
      storage::OpenLocalStore(dir, storage::LocalStoreOptions());
  if (!store.ok()) {
    std::fprintf(stderr, "cairn: cannot open the data folder %s: %s\n", dir.c_str(),
                 store.status().ToString().c_str());
    server.Shutdown(0);
    serving.join();
    return 1;
  }
  api.AttachMultipart(store->get());
  api.AttachStore(store->get());

  std::string endpoint =
      "http://" + DisplayHost(config.address.host) + ":" + std::to_string(server.port());
  std::printf("Cairn S3 API listening on %s (bound to %s:%u)\n", endpoint.c_str(),
              config.address.host.empty() ? "0.0.0.0" : config.address.host.c_str(), server.port());
  std::printf("Data folder: %s\n", dir.c_str());
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
  sigwait(&signals, &received);
  std::printf("Received %s: finishing requests in flight, then stopping.\n",
              received == SIGTERM ? "SIGTERM" : "SIGINT");
  std::fflush(stdout);
  server.Shutdown(kShutdownGraceSeconds);
  serving.join();
  api.AttachStore(nullptr);
  return 0;
}

}  // namespace cairn::server
