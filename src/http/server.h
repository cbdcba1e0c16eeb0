// A blocking HTTP/1.1 server: one thread accepts, one thread serves each connection. Blocking
// I/O keeps request bodies as plain pull streams end to end (socket -> auth -> store file), and
// on a small machine a thread per connection costs less than it saves.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/byte_source.h"
#include "common/status.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::http {

// Called once per request on the connection's thread. `body` yields the request body (already
// decoded from Transfer-Encoding: chunked); reading it first sends "100 Continue" when asked.
using Handler = std::function<void(const Request& request, ByteSource& body, ResponseWriter& out)>;

struct ServerOptions {
  std::string host = "0.0.0.0";  // "" or "0.0.0.0" = every IPv4 address; "::" = every address
  uint16_t port = 9000;          // 0 = any free port
  int max_connections = 4096;
  int idle_timeout_seconds = 60;  // waiting for a request, or for bytes of one
  int max_header_bytes = 64 * 1024;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. After this, port() is the bound port.
  Status Listen();
  uint16_t port() const { return port_; }

  // Accepts until Shutdown(); call from one thread.
  void Serve();

  // Stops accepting, closes idle connections, lets requests in flight finish for up to
  // `grace_seconds`, then returns. Safe from any thread (not from a signal handler).
  void Shutdown(int grace_seconds);

 private:
  friend class Connection;
  void ServeConnection(int fd, std::string remote_ip);
  // Connection bookkeeping for a graceful stop: idle connections are shut down at once.
  // False when the server is stopping and the connection should close instead of waiting.
  bool MarkIdle(int fd, bool idle);

  ServerOptions options_;
  Handler handler_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd that interrupts the accept loop
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;
  std::condition_variable drained_;
  int active_ = 0;          // guarded by mu_
  std::set<int> idle_fds_;  // guarded by mu_
};

}  // namespace cairn::http
