// An event-driven HTTP/1.1 server. Every socket that waits (idle keep-alive, a request head
// still arriving, lingering before close) sits in one epoll set with EPOLLONESHOT and holds no
// thread; a bounded pool of worker threads waits on that set, and the worker that sees a socket
// readable reads the head and runs the synchronous handler right there, so the handler's body
// stays a plain pull stream (socket -> auth -> store file). A separate thread accepts and runs
// the deadlines, so a slow disk never stalls accepting. See src/http/README.md for the reasons.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/byte_source.h"
#include "common/headers.h"
#include "common/status.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::http {

class TlsCertificates;

// Called once per request on a worker thread. `body` yields the request body (already decoded
// from Transfer-Encoding: chunked); reading it first sends "100 Continue" when asked. A Read
// that waits longer than the idle timeout for bytes fails (kIncompleteBody). Anything the
// handler throws is caught, logged and answered with `internal_error_response`.
using Handler = std::function<void(const Request& request, ByteSource& body, ResponseWriter& out)>;

// A fixed answer the server sends by itself (overload, internal error). The server adds
// Content-Length, Date, Server and Connection: close.
struct CannedResponse {
  int status = 500;
  Headers headers;
  std::string body;
};
// Called on I/O and worker threads, possibly concurrently; must not throw.
using CannedResponseBuilder = std::function<CannedResponse()>;

struct ServerOptions {
  std::string host = "0.0.0.0";    // "" or "0.0.0.0" = every IPv4 address; "::" = every address
  uint16_t port = 9000;            // 0 = any free port
  int worker_threads = 32;         // handlers running at once (one thread more waits for heads)
  int max_queued_requests = 4096;  // complete heads waiting for a worker; past it, overload
  int max_connections = 16384;     // open client connections; past it, overload
  // The whole request head must arrive within this, counted from its first byte.
  std::chrono::milliseconds read_header_timeout{30000};
  // Longest wait for the next request on a keep-alive connection, and for progress while a
  // body is read or a response is written.
  std::chrono::milliseconds idle_timeout{30000};
  int max_header_bytes = 64 * 1024;
  // 503 for a connection over max_connections or a request over max_queued_requests. Unset:
  // an empty 503.
  CannedResponseBuilder overload_response;
  // 500 for a handler that threw, answered nothing, or produced a head the writer refused.
  // Unset: an empty 500.
  CannedResponseBuilder internal_error_response;
  // Set: the port speaks only HTTPS with these certificates (handshakes count against
  // read_header_timeout); a plain HTTP request gets 400 and is closed. Unset: plain HTTP.
  std::shared_ptr<TlsCertificates> tls;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // Shutdown(0) if still serving
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. After this, port() is the bound port.
  Status Listen();
  uint16_t port() const { return port_; }

  // Starts the workers and serves until Shutdown() has finished; the calling thread accepts
  // and runs the deadlines. Call once, from one thread, after Listen().
  void Serve();

  // Stops accepting, closes idle connections, lets requests in flight finish for up to
  // `grace`, then cuts the connections still open and joins every worker: when it returns no
  // handler runs any more. Safe from any thread (not a signal
  // handler); a second call returns at once.
  void Shutdown(std::chrono::milliseconds grace);
  void Shutdown(int grace_seconds) { Shutdown(std::chrono::seconds(grace_seconds)); }

  // Open client connections (for tests and diagnostics).
  int connection_count() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

// The head as it would be sent, or an error when a status line or header field holds a byte no
// response head may carry (below 0x20 other than TAB, or 0x7f): the writer's last guard against
// response splitting. `content_length` absent = no Content-Length field. Exposed for tests.
Result<std::string> ResponseHead(int status, const Headers& headers,
                                 std::optional<uint64_t> content_length, bool close);

}  // namespace cairn::http
