#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/time.h"
#include "http/request_head.h"
#include "http/status_text.h"
#include "http/tls_context.h"

namespace cairn::http {

namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// The input buffer is allocated when a request's first bytes arrive and released while the
// connection is idle, so an idle keep-alive connection holds no buffer. It starts small (most
// heads are far below 16 KiB; freeing 64 KiB blocks makes malloc consolidate its heap) and
// grows to the largest head allowed.
constexpr size_t kInitialInputSize = 16 * 1024;
constexpr size_t kMaxInputSize = 64 * 1024;
// Streamed (non-file) response bodies go out through one buffer per worker thread.
constexpr size_t kOutputChunkSize = 256 * 1024;
// A handler that answered without reading the body: drain up to this much to keep the
// connection alive; past it, closing is cheaper.
constexpr uint64_t kMaxDrainBytes = 256 * 1024;
// After answering early, how long and how much of an unwanted body is read before closing.
constexpr std::chrono::milliseconds kLingerTime(2000);
constexpr uint64_t kMaxLingerBytes = 64ull * 1024 * 1024;
// Connections refused over the cap linger too (so the 503 is not lost to a reset), but only
// this many at once; past it they are closed at once.
constexpr int kMaxRefusedLingering = 1024;
// How long accept() pauses when the process is out of descriptors.
constexpr std::chrono::milliseconds kAcceptBackoff(100);
// A worker busy with one event for longer than this no longer counts as a poller.
constexpr std::chrono::milliseconds kStuckAfter(2);
// Under TLS, head and body go out as one record (one SSL_write) up to this size.
constexpr size_t kTlsCoalesceBytes = 16 * 1024;
// The first byte of every TLS connection: a handshake record.
constexpr unsigned char kTlsHandshakeRecord = 0x16;
// What Go's net/http answers plain HTTP on an HTTPS port with (MinIO sends the same).
constexpr std::string_view kPlainOnTlsBody = "Client sent an HTTP request to an HTTPS server.\n";

// RFC 9110 token bytes, as a table (this runs for every response header name).
struct TokenTable {
  bool ok[256] = {};
  constexpr TokenTable() {
    for (int c = 0x21; c < 0x7f; ++c) ok[c] = true;
    for (const char* p = "()<>@,;:\\\"/[]?={}"; *p != 0; ++p)
      ok[static_cast<unsigned char>(*p)] = false;
  }
};
constexpr TokenTable kTokenTable;

bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!kTokenTable.ok[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// Header names go out in the capitalisation S3 uses ("Content-Length", "ETag", but lower-case
// "x-amz-*"): HTTP names are case-insensitive, yet some clients look them up verbatim.
void AppendHeaderName(std::string& out, std::string_view name) {
  if (name.starts_with("x-amz-")) {
    out += name;
    return;
  }
  if (name == "etag") {
    out += "ETag";
    return;
  }
  size_t at = out.size();
  out += name;
  bool word_start = true;
  for (size_t i = at; i < out.size(); ++i) {
    char c = out[i];
    if (word_start && c >= 'a' && c <= 'z') out[i] = static_cast<char>(c - 'a' + 'A');
    word_start = c == '-';
  }
}

void AppendNumber(std::string& out, uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

// The Date field, formatted once per second rather than once per response.
const std::string& CurrentHttpDate() {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  TimePoint now = Now();
  int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cached_second) {
    cached = FormatHttpDate(now);
    cached_second = second;
  }
  return cached;
}

}  // namespace

Result<std::string> ResponseHead(int status, const Headers& headers,
                                 std::optional<uint64_t> content_length, bool close) {
  if (status < 100 || status > 999) return Status(Code::kInternal, "bad response status");
  std::string head;
  head.reserve(512);
  head += "HTTP/1.1 ";
  AppendNumber(head, static_cast<uint64_t>(status));
  head += ' ';
  head += StatusText(status);
  head += "\r\n";
  bool has_date = false;
  bool has_server = false;
  for (const auto& [name, value] : headers.fields()) {
    if (name == "content-length" || name == "connection") continue;
    if (!IsToken(name))
      return Status(Code::kInternal, "response header name with a forbidden byte");
    if (!IsSafeHeaderValue(value)) {
      return Status(Code::kInternal, "response header '" + name + "' with a control byte");
    }
    has_date = has_date || name == "date";
    has_server = has_server || name == "server";
    AppendHeaderName(head, name);
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (content_length) {
    head += "Content-Length: ";
    AppendNumber(head, *content_length);
    head += "\r\n";
  }
  if (!has_date) {
    head += "Date: ";
    head += CurrentHttpDate();
    head += "\r\n";
  }
  if (!has_server) head += "Server: Cairn\r\n";
  if (close) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

class Connection;

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  ~Impl();

  Status Listen(uint16_t& port);
  void Serve();
  void Shutdown(std::chrono::milliseconds grace);

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  int connection_count() const { return connections_.load(); }

  CannedResponse Overload() const {
    if (options_.overload_response) return options_.overload_response();
    return CannedResponse{503, Headers(), ""};
  }
  CannedResponse InternalError() const {
    if (options_.internal_error_response) return options_.internal_error_response();
    return CannedResponse{500, Headers(), ""};
  }

  void ConnectionClosed(bool counted) {
    if (counted) {
      connections_.fetch_sub(1);
    } else {
      refused_lingering_.fetch_sub(1);
    }
  }

  // Arms the one-shot readiness wait of a connection the caller owns; from then on the thread
  // that sees it readable (or the sweeper) owns it.
  void Arm(Connection* connection, bool add);
  // Forgets and frees a connection the caller owns.
  void Close(Connection* connection);

 private:
  void WorkerLoop(int index);
  // Standby: more threads wait on the epoll set than there are cores plus stuck ones.
  bool ParkIfSurplus();
  void WatchStuck();  // on the accept thread: promotes standby threads past stuck ones
  void OnEvent(Connection* connection);
  // A complete head: run it here, queue it, or refuse it (503).
  void Dispatch(Connection* connection);
  void RunRequest(Connection* connection);  // with a handler slot taken
  Connection* PopQueued();
  void AcceptReady();
  std::chrono::milliseconds Sweep();  // expires waiting connections past their deadline
  void ExpireWaiting();               // shutdown: every waiting connection
  bool WaitForDrain(Clock::time_point deadline);

  ServerOptions options_;
  Handler handler_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: readable (level) once the workers must return
  int wake_fd_ = -1;  // eventfd: wakes the accept thread
  int handler_slots_ = 1;
  bool errno_backoff_ = false;  // the accept thread only
  std::atomic<bool> stopping_{false};
  std::atomic<bool> workers_stop_{false};
  std::atomic<bool> force_close_{false};
  std::atomic<bool> serve_done_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> refused_lingering_{0};
  std::atomic<int> running_{0};  // handlers running (at most handler_slots_)
  std::atomic<int> queued_{0};   // queue_.size(), readable without the lock

  // Only `pollers_` (one per core) threads wait on the epoll set; the others are on standby.
  // The kernel wakes epoll waiters in FIFO order, so with every pool thread waiting each
  // request woke a different, cold thread: measured on 4 KiB GETs at c=16, 33 waiters cost
  // ~35% more CPU per request and ~40% of the throughput against 3. A thread busy with one
  // event for longer than kStuckAfter (a slow disk, a slow client) is "stuck": the accept
  // thread then promotes a standby thread, so slow handlers never leave ready sockets unread.
  int pollers_ = 1;
  int total_threads_ = 1;
  std::atomic<int> active_{0};  // threads not on standby
  std::atomic<int> stuck_{0};
  std::unique_ptr<std::atomic<int64_t>[]> busy_since_;  // per thread; 0 = not busy
  std::mutex standby_mu_;
  std::condition_variable standby_cv_;
  int standby_wakeups_ = 0;              // guarded by standby_mu_
  std::atomic<bool> watch_fast_{false};  // the accept thread checks every kStuckAfter
  Clock::time_point last_busy_;          // the accept thread only

  std::mutex mu_;
  std::deque<Connection*> queue_;  // complete heads waiting for a handler slot; guarded by mu_
  bool started_ = false;           // guarded by mu_
  bool shutdown_called_ = false;   // guarded by mu_
  std::vector<std::thread> workers_;

  // Every open connection, for the sweeper and shutdown. A connection is freed only by the
  // thread that owns it, after leaving this set, so whoever holds registry_mu_ may touch it.
  std::mutex registry_mu_;
  std::unordered_set<Connection*> registry_;
};

// One client connection. While it waits (idle, a head still arriving, or lingering before
// close) it is armed in the shared epoll set with EPOLLONESHOT and no thread holds it; the
// worker that sees it readable owns it exclusively, reads and parses the head and runs the
// handler right there, using the socket directly and waiting with poll() under the idle
// timeout when it is not ready. Then it arms the wait again (or closes).
class Connection final : public ByteSource, public ResponseWriter {
 public:
  enum State : int { kWaiting, kBusy, kExpired };

  Connection(Server::Impl& server, int fd, std::string remote_ip, bool counted)
      : server_(server), fd_(fd), remote_ip_(std::move(remote_ip)), counted_(counted) {}

  ~Connection() override {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      SSL_shutdown(ssl_);  // best effort close_notify; the socket is non-blocking
      SSL_free(ssl_);
      ERR_clear_error();
    }
    ::close(fd_);
    server_.ConnectionClosed(counted_);
  }

  int fd() const { return fd_; }
  std::atomic<int>& state() { return state_; }
  // Steady-clock nanoseconds after which a waiting connection is expired.
  int64_t deadline() const { return deadline_.load(std::memory_order_relaxed); }
  bool lingering() const { return lingering_; }
  bool handshaking() const { return handshaking_; }
  // The events the next one-shot wait needs: also writable when a TLS handshake or read
  // waits for it, or when OpenSSL already holds decrypted bytes the socket will not signal.
  uint32_t ArmEvents() const {
    uint32_t events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    if (ssl_ != nullptr && (tls_want_write_ || SSL_pending(ssl_) > 0)) events |= EPOLLOUT;
    return events;
  }

  // ---- TLS handshake ------------------------------------------------------------------------

  // A new connection on an HTTPS port: the handshake must finish, and the request head
  // arrive, within the header timeout, so a silent client holds no thread and is cut.
  void StartTls(std::shared_ptr<const TlsContext> context) {
    tls_context_ = std::move(context);
    handshaking_ = true;
    head_timer_armed_ = true;
    SetDeadline(server_.options().read_header_timeout);
    server_.Arm(this, /*add=*/true);
  }

  // Readable (or writable) while handshaking: true once the handshake is done and the
  // connection is ready for its first head; otherwise it was armed again or closed.
  bool OnHandshakeReady() {
    if (ssl_ == nullptr) {
      // The first byte tells TLS from a plain HTTP request sent to this port.
      unsigned char first = 0;
      ssize_t got = ::recv(fd_, &first, 1, MSG_PEEK | MSG_DONTWAIT);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        server_.Arm(this, false);
        return false;
      }
      if (got <= 0) {
        server_.Close(this);
        return false;
      }
      if (first != kTlsHandshakeRecord) {
        handshaking_ = false;
        close_ = true;
        Headers headers;
        headers.Add("content-type", "text/plain; charset=utf-8");
        SendCannedNow(CannedResponse{400, headers, std::string(kPlainOnTlsBody)});
        StartLinger(kLingerTime);
        return false;
      }
      ssl_ = tls_context_->NewServerSsl(fd_);
      if (ssl_ == nullptr) {
        server_.Close(this);
        return false;
      }
    }
    ERR_clear_error();
    int done = SSL_do_handshake(ssl_);
    if (done == 1) {
      handshaking_ = false;
      tls_want_write_ = false;
      return true;
    }
    int error = SSL_get_error(ssl_, done);
    ERR_clear_error();
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      tls_want_write_ = error == SSL_ERROR_WANT_WRITE;
      server_.Arm(this, false);  // the deadline set at accept still holds
      return false;
    }
    server_.Close(this);  // a failed handshake (old protocol, no shared cipher, garbage)
    return false;
  }

  // ---- Waiting ------------------------------------------------------------------------------

  // Waits for the next request (or the rest of a partial one).
  void StartWaiting(bool add) {
    if (server_.stopping()) return server_.Close(this);
    if (in_begin_ < in_end_) {
      // A partial pipelined head: its deadline starts now.
      head_timer_armed_ = true;
      SetDeadline(server_.options().read_header_timeout);
    } else {
      // Idle: hold no buffers.
      in_begin_ = in_end_ = 0;
      ReleaseInput();
      parser_.reset();
      request_ = Request();
      head_scanned_ = 0;
      head_timer_armed_ = false;
      SetDeadline(server_.options().idle_timeout);
    }
    server_.Arm(this, add);
  }

  // Over the connection cap: answer 503 at once, then linger briefly and close.
  void RefuseOverloaded() {
    close_ = true;
    SendCannedNow(server_.Overload());
    StartLinger(std::chrono::milliseconds(1000), /*add=*/true);
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // answer before the client reads it (clients that send the body before looking for a
  // response then see EPIPE instead of the S3 error). So: send FIN, then discard what the
  // client still sends until it closes or a short bound passes, without holding a thread.
  void StartLinger(std::chrono::milliseconds how_long, bool add = false) {
    ::shutdown(fd_, SHUT_WR);
    lingering_ = true;
    linger_discarded_ = 0;
    SetDeadline(how_long);
    server_.Arm(this, add);
  }

  // Readable while lingering: discard, then wait again or close.
  void OnLingerReadable() {
    char scratch[16 * 1024];
    for (;;) {
      ssize_t got = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return server_.Arm(this, false);
      if (got <= 0) return server_.Close(this);
      linger_discarded_ += static_cast<uint64_t>(got);
      if (linger_discarded_ >= kMaxLingerBytes) return server_.Close(this);
    }
  }

  // Readable while waiting for a head: kDone when a complete head is parsed; otherwise the
  // connection was armed again or closed.
  bool OnReadable() {
    EnsureInput();
    for (;;) {
      ssize_t got = Recv(input_.get() + in_end_, input_size_ - in_end_);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        server_.Arm(this, false);  // the deadline set when it started waiting still holds
        return false;
      }
      if (got <= 0) {
        server_.Close(this);
        return false;
      }
      in_end_ += static_cast<size_t>(got);
      HeadState state = ParseHead();
      if (state == HeadState::kRejected) {
        server_.Close(this);
        return false;
      }
      if (state == HeadState::kDone) return true;
      if (!head_timer_armed_) {
        // The whole head must arrive within the header timeout of its first byte.
        head_timer_armed_ = true;
        SetDeadline(server_.options().read_header_timeout);
      }
    }
  }

  // Every handler slot taken and the queue full: 503, then close.
  void RefuseQueueFull() {
    close_ = true;
    SendCannedNow(server_.Overload());
    if (BodyUnread()) {
      StartLinger(kLingerTime);
    } else {
      server_.Close(this);
    }
  }

  // ---- Running ------------------------------------------------------------------------------

  // Serves the request whose head is parsed, and any complete pipelined ones after it, then
  // waits again, lingers or closes.
  void Run() {
    in_handler_loop_ = true;
    for (;;) {
      ServeOne();
      if (close_ || in_begin_ == in_end_) break;
      parser_.reset();  // the next request's head is already buffered (pipelining)
      HeadState state = ParseHead();
      if (state != HeadState::kDone) break;
    }
    in_handler_loop_ = false;
  }

  // After Run(), on the same thread.
  void AfterRun() {
    if (rejected_ || (close_ && !(sent_ && BodyUnread()))) return server_.Close(this);
    if (close_) return StartLinger(kLingerTime);
    StartWaiting(/*add=*/false);
  }

  // ---- ByteSource: the request body ---------------------------------------------------------

  Result<size_t> Read(char* buf, size_t n) override {
    if (body_failed_) return Status(Code::kIncompleteBody, "request body already failed");
    if (expect_continue_ && !sent_) {
      expect_continue_ = false;
      iovec iov{const_cast<char*>(kContinueLine.data()), kContinueLine.size()};
      if (!SendAllV(&iov, 1)) return BodyError("client went away");
    }
    if (request_.chunked) return ReadChunked(buf, n);
    if (body_left_ == 0 || n == 0) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, body_left_));
    size_t buffered = in_end_ - in_begin_;
    if (buffered > 0) {
      size_t take = std::min(want, buffered);
      std::memcpy(buf, input_.get() + in_begin_, take);
      in_begin_ += take;
      body_left_ -= take;
      return take;
    }
    // Large bodies go straight from the socket into the caller's buffer.
    ssize_t got = RecvSome(buf, want);
    if (got == -2) return BodyError("the request body stalled past the idle timeout");
    if (got <= 0) return BodyError("connection closed before the body was complete");
    body_left_ -= static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }

  // ---- ResponseWriter -----------------------------------------------------------------------

  Status Send(int status, const Headers& headers, std::string_view body) override {
    if (sent_) return Status(Code::kInternal, "response already sent");
    bool no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
    std::optional<uint64_t> length;
    if (!no_body) length = body.size();
    if (!no_body && is_head_) {
      if (auto given = headers.Get("content-length")) {
        uint64_t value = 0;
        auto [ptr, ec] = std::from_chars(given->data(), given->data() + given->size(), value);
        if (ec == std::errc() && ptr == given->data() + given->size()) length = value;
      }
    }
    PrepareClose(status);
    Result<std::string> head = ResponseHead(status, headers, length, close_);
    if (!head.ok()) return RefuseHead(head.status());
    if (continue_before_answer_) head->insert(0, kContinueLine);
    sent_ = true;
    iovec iov[2] = {{head->data(), head->size()}, {const_cast<char*>(body.data()), body.size()}};
    int count = (no_body || is_head_ || body.empty()) ? 1 : 2;
    if (!SendAllV(iov, count)) {
      close_ = true;
      return Status(Code::kIOError, "client went away");
    }
    return Status::Ok();
  }

  Status SendStream(int status, const Headers& headers, uint64_t length,
                    ByteSource* body) override {
    if (sent_) return Status(Code::kInternal, "response already sent");
    PrepareClose(status);
    Result<std::string> head = ResponseHead(status, headers, length, close_);
    if (!head.ok()) return RefuseHead(head.status());
    if (continue_before_answer_) head->insert(0, kContinueLine);
    sent_ = true;
    if (body == nullptr || is_head_ || length == 0) {
      iovec iov{head->data(), head->size()};
      if (!SendAllV(&iov, 1)) close_ = true;
      return close_ ? Status(Code::kIOError, "client went away") : Status::Ok();
    }
    Status st = StreamBody(*head, length, *body);
    if (!st.ok()) close_ = true;  // the client must see a short body, never a complete one
    return st;
  }

  Status SendChunked(int status, const Headers& headers, ByteSource& body) override {
    if (sent_) return Status(Code::kInternal, "response already sent");
    PrepareClose(status);
    close_ = true;  // a stream ends with the connection
    Headers framed = headers;
    framed.Set("transfer-encoding", "chunked");
    Result<std::string> head = ResponseHead(status, framed, std::nullopt, close_);
    if (!head.ok()) return RefuseHead(head.status());
    if (continue_before_answer_) head->insert(0, kContinueLine);
    sent_ = true;
    iovec iov{head->data(), head->size()};
    if (!SendAllV(&iov, 1)) return Status(Code::kIOError, "client went away");
    if (is_head_) return Status::Ok();
    char data[16 * 1024];
    for (;;) {
      Result<size_t> got = body.Read(data, sizeof data);
      if (!got.ok()) return got.status();
      char size_line[24];
      int size_length = std::snprintf(size_line, sizeof size_line, "%zx\r\n", *got);
      static constexpr char kCrlf[] = "\r\n";
      iovec chunk[3] = {{size_line, static_cast<size_t>(size_length)},
                        {data, *got},
                        {const_cast<char*>(kCrlf), 2}};
      if (*got == 0) {
        // The last chunk: "0\r\n" then the empty trailer line.
        iovec last[2] = {{size_line, static_cast<size_t>(size_length)},
                         {const_cast<char*>(kCrlf), 2}};
        if (!SendAllV(last, 2)) return Status(Code::kIOError, "client went away");
        return Status::Ok();
      }
      if (!SendAllV(chunk, 3)) return Status(Code::kIOError, "client went away");
    }
  }

  bool sent() const override { return sent_; }

  enum class HeadState { kNeedMore, kDone, kRejected };

  // Feeds buffered bytes to the head parser. kDone: request_ is filled in. kRejected: a 4xx
  // was sent (or not, if it could not be) and the connection is closing.
  HeadState ParseHead() {
    std::string_view buffered(input_.get() + in_begin_, in_end_ - in_begin_);
    size_t max_head = std::min(static_cast<size_t>(std::max(server_.options().max_header_bytes, 1)),
                               kMaxInputSize);
    HeadResult head = ParseRequestHead(buffered, max_head, remote_ip_, request_, head_scanned_);
    switch (head.status) {
      case HeadStatus::kComplete: break;
      case HeadStatus::kIncomplete:
        // Compact, so the rest of the head can be read into the free space.
        if (in_begin_ > 0) {
          std::memmove(input_.get(), input_.get() + in_begin_, in_end_ - in_begin_);
          in_end_ -= in_begin_;
          in_begin_ = 0;
        }
        if (in_end_ == input_size_) {
          if (input_size_ >= kMaxInputSize) return RejectHead(431);
          GrowInput();
        }
        return HeadState::kNeedMore;
      case HeadStatus::kTooLarge: return RejectHead(431);
      case HeadStatus::kBadVersion: return RejectHead(505);
      case HeadStatus::kBadEncoding: return RejectHead(501);
      case HeadStatus::kBad: return RejectHead(400);
    }
    head_scanned_ = 0;
    if (request_.chunked) {
      // Beast's parser decodes the chunks; it reads the head again to get there.
      parser_.emplace();
      if (!StartChunkedBodyParser(*parser_, buffered.substr(0, head.length)))
        return RejectHead(400);
    }
    in_begin_ += head.length;
    FillRequest(head.keep_alive);
    return HeadState::kDone;
  }

 private:
  void SetDeadline(std::chrono::nanoseconds from_now) {
    auto at = Clock::now() + from_now;
    deadline_.store(at.time_since_epoch().count(), std::memory_order_relaxed);
  }

  // A few initial-size buffers per thread, reused: a 16 KiB malloc is a "large" request that
  // makes glibc consolidate its fast bins each time, and a keep-alive GET takes one per request.
  struct InputPool {
    std::vector<std::unique_ptr<char[]>> free;
  };
  static InputPool& ThreadInputPool() {
    thread_local InputPool pool;
    return pool;
  }
  static constexpr size_t kPooledInputs = 4;

  void EnsureInput() {
    if (input_) return;
    input_size_ = kInitialInputSize;
    InputPool& pool = ThreadInputPool();
    if (!pool.free.empty()) {
      input_ = std::move(pool.free.back());
      pool.free.pop_back();
      return;
    }
    input_.reset(new char[input_size_]);
  }

  void ReleaseInput() {
    InputPool& pool = ThreadInputPool();
    if (input_ && input_size_ == kInitialInputSize && pool.free.size() < kPooledInputs) {
      pool.free.push_back(std::move(input_));
    }
    input_.reset();
    input_size_ = 0;
  }

  void GrowInput() {
    std::unique_ptr<char[]> bigger(new char[kMaxInputSize]);
    std::memcpy(bigger.get(), input_.get(), in_end_);
    input_ = std::move(bigger);
    input_size_ = kMaxInputSize;
  }

  // A canned answer outside a handler: one non-blocking write; a client whose socket buffer is
  // full does not get to hold the thread.
  void SendCannedNow(const CannedResponse& canned) {
    bool head_request = request_.method == "HEAD";
    Result<std::string> head =
        ResponseHead(canned.status, canned.headers, canned.body.size(), /*close=*/true);
    if (!head.ok()) return;
    std::string text = *head;
    if (!head_request) text += canned.body;
    sent_ = true;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      size_t written = 0;
      SSL_write_ex(ssl_, text.data(), text.size(), &written);
      ERR_clear_error();
      return;
    }
    [[maybe_unused]] ssize_t n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  void FillRequest(bool keep_alive) {
    request_.secure = ssl_ != nullptr;
    body_left_ = request_.content_length.value_or(0);
    body_failed_ = false;
    sent_ = false;
    is_head_ = request_.method == "HEAD";
    close_ = !keep_alive;
    auto expect = request_.headers.Get("expect");
    const bool expects = expect && EqualsIgnoreCase(*expect, "100-continue");
    expect_continue_ = expects && (request_.chunked || body_left_ > 0);
    // With no body a final answer alone is allowed (RFC 9110 10.1.1), but botocore then keeps
    // that answer's status line for the connection's next Expect request, misreads its reply and
    // waits for the idle timeout (boto3's empty put_object, then any PUT). S3 sends the 100
    // anyway; so does Cairn, in front of the final answer.
    continue_before_answer_ = expects && !expect_continue_;
  }

  HeadState RejectHead(int status) {
    request_ = Request();
    is_head_ = false;
    sent_ = false;
    continue_before_answer_ = false;
    close_ = true;
    rejected_ = true;
    if (in_handler_loop_) {
      Send(status, Headers(), "").IgnoreError();
    } else {
      SendCannedNow(CannedResponse{status, Headers(), ""});
    }
    return HeadState::kRejected;  // the caller closes the connection
  }

  // The handler's turn, then what it left of the body.
  void ServeOne() {
    try {
      server_.handler()(request_, *this, *this);
    } catch (const std::exception& e) {
      spdlog::error("http: a request handler threw ({}); {}", e.what(),
                    sent_ ? "closed the connection" : "answered 500");
      AnswerInternalError();
    } catch (...) {
      spdlog::error("http: a request handler threw a non-exception; {}",
                    sent_ ? "closed the connection" : "answered 500");
      AnswerInternalError();
    }
    if (!sent_) {
      spdlog::error("http: a request handler sent no response; answered 500");
      AnswerInternalError();
    }
    if (!close_) FinishBody();
  }

  // A 500 InternalError when nothing was sent yet; a broken response closes the connection.
  void AnswerInternalError() {
    close_ = true;
    if (sent_) return;
    CannedResponse canned = server_.InternalError();
    Send(canned.status, canned.headers, canned.body).IgnoreError();
    if (!sent_) {
      // Even the canned answer was refused: a bare 500.
      Send(500, Headers(), "").IgnoreError();
    }
  }

  // The writer's last guard: a head with a forbidden byte is never sent; the client gets a
  // 500 instead, with nothing of the refused fields.
  Status RefuseHead(const Status& why) {
    spdlog::error("http: refused to send a response head: {}; answered 500", why.message());
    close_ = true;
    if (!refusing_) {
      refusing_ = true;
      CannedResponse canned = server_.InternalError();
      Send(canned.status, canned.headers, canned.body).IgnoreError();
      if (!sent_) Send(500, Headers(), "").IgnoreError();
      refusing_ = false;
    }
    return Status(Code::kInternal, why.message());
  }

  Result<size_t> BodyError(const char* why) {
    body_failed_ = true;
    close_ = true;
    return Status(Code::kIncompleteBody, why);
  }

  void PrepareClose(int status) {
    if (server_.stopping()) close_ = true;
    // An unread body we cannot cheaply skip forces the connection closed after this answer.
    if (!request_.chunked && body_left_ > kMaxDrainBytes) close_ = true;
    if (request_.chunked && (!parser_ || !parser_->is_done())) close_ = true;
    if (body_failed_ || status == 400) close_ = true;
    // The client waits for "100 Continue" before sending the body; it will not come now.
    if (expect_continue_) close_ = true;
  }

  // Waits for the socket to be ready in `events`; false after the idle timeout (or an error).
  bool WaitReady(short events) {
    int timeout_ms = static_cast<int>(
        std::min<int64_t>(server_.options().idle_timeout.count(), std::numeric_limits<int>::max()));
    auto deadline = Clock::now() + server_.options().idle_timeout;
    for (;;) {
      pollfd p{fd_, events, 0};
      int ready = ::poll(&p, 1, timeout_ms);
      if (ready > 0) return true;
      if (ready == 0) return false;
      if (errno != EINTR) return false;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      timeout_ms = static_cast<int>(left.count());
    }
  }

  // recv with the idle timeout: >0 bytes, 0 EOF, -1 error, -2 timed out.
  ssize_t RecvSome(char* buf, size_t n) {
    for (;;) {
      ssize_t got = Recv(buf, n);
      if (got >= 0) return got;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!WaitReady(tls_want_write_ ? POLLOUT : POLLIN)) return -2;
    }
  }

  // One non-blocking read: plain recv(2), or SSL_read under TLS with the same contract
  // (>0 bytes, 0 end of stream, -1 with errno; EAGAIN when the socket must become ready).
  ssize_t Recv(char* buf, size_t n) {
    if (ssl_ == nullptr) return ::recv(fd_, buf, n, MSG_DONTWAIT);
    return TlsRecv(buf, n);
  }

  ssize_t TlsRecv(char* buf, size_t n) {
    ERR_clear_error();
    size_t got = 0;
    if (SSL_read_ex(ssl_, buf, n, &got) == 1) {
      tls_want_write_ = false;
      return static_cast<ssize_t>(got);
    }
    int error = SSL_get_error(ssl_, 0);
    ERR_clear_error();
    tls_want_write_ = error == SSL_ERROR_WANT_WRITE;
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      errno = EAGAIN;
      return -1;
    }
    if (error == SSL_ERROR_ZERO_RETURN) return 0;  // close_notify
    errno = ECONNRESET;
    return -1;
  }

  // Writes all of `data` with SSL_write, waiting at most the idle timeout for each bit of
  // progress.
  bool TlsSendAll(const char* data, size_t size) {
    while (size > 0) {
      ERR_clear_error();
      size_t written = 0;
      if (SSL_write_ex(ssl_, data, size, &written) == 1) {
        data += written;
        size -= written;
        continue;
      }
      int error = SSL_get_error(ssl_, 0);
      ERR_clear_error();
      if (error == SSL_ERROR_WANT_WRITE && WaitReady(POLLOUT)) continue;
      if (error == SSL_ERROR_WANT_READ && WaitReady(POLLIN)) continue;
      return false;
    }
    return true;
  }

  // The pieces of a response under TLS: small ones in one record, large ones one by one.
  bool TlsSendAllV(const iovec* iov, int count) {
    size_t total = 0;
    for (int i = 0; i < count; ++i) total += iov[i].iov_len;
    if (count > 1 && total <= kTlsCoalesceBytes) {
      thread_local std::string joined;
      joined.clear();
      for (int i = 0; i < count; ++i)
        joined.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      return TlsSendAll(joined.data(), joined.size());
    }
    for (int i = 0; i < count; ++i) {
      if (!TlsSendAll(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len)) return false;
    }
    return true;
  }

  // Writes everything, waiting at most the idle timeout for each bit of progress.
  bool SendAllV(iovec* iov, int count) {
    if (ssl_ != nullptr) return TlsSendAllV(iov, count);
    while (count > 0) {
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(count);
      ssize_t sent = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && WaitReady(POLLOUT)) continue;
        return false;
      }
      size_t left = static_cast<size_t>(sent);
      while (count > 0 && left >= iov->iov_len) {
        left -= iov->iov_len;
        ++iov;
        --count;
      }
      if (count > 0) {
        iov->iov_base = static_cast<char*>(iov->iov_base) + left;
        iov->iov_len -= left;
      }
    }
    return true;
  }

  Status StreamBody(std::string& head, uint64_t length, ByteSource& body) {
    if (std::optional<FileRegion> region = body.RemainingFileRegion()) {
      if (region->length < length) return Status(Code::kInternal, "file region too short");
      if (ssl_ != nullptr) return StreamFileTls(head, *region, length);
      iovec iov{head.data(), head.size()};
      if (!SendAllV(&iov, 1)) return Status(Code::kIOError, "client gone");
      off_t offset = static_cast<off_t>(region->offset);
      uint64_t left = length;
      while (left > 0) {
        ssize_t n = ::sendfile(fd_, region->fd, &offset,
                               static_cast<size_t>(std::min<uint64_t>(left, 1u << 30)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          if (WaitReady(POLLOUT)) continue;
          return Status(Code::kIOError, "client stopped reading");
        }
        if (n <= 0) return Status(Code::kIOError, "sendfile failed");
        left -= static_cast<uint64_t>(n);
      }
      return Status::Ok();
    }
    if (std::optional<std::string_view> memory = body.RemainingMemory()) {
      if (memory->size() < length) return Status(Code::kInternal, "memory body too short");
      iovec iov[2] = {{head.data(), head.size()},
                      {const_cast<char*>(memory->data()), static_cast<size_t>(length)}};
      if (!SendAllV(iov, 2)) return Status(Code::kIOError, "client went away");
      return Status::Ok();
    }
    thread_local std::unique_ptr<char[]> output(new char[kOutputChunkSize]);
    uint64_t left = length;
    bool head_sent = false;
    while (left > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(left, kOutputChunkSize));
      size_t filled = 0;
      while (filled < want) {
        Result<size_t> got = body.Read(output.get() + filled, want - filled);
        if (!got.ok()) return got.status();
        if (*got == 0) break;
        filled += *got;
      }
      if (filled == 0) return Status(Code::kInternal, "object body shorter than its length");
      // The head rides with the first chunk: one write for small objects.
      iovec iov[2] = {{head.data(), head.size()}, {output.get(), filled}};
      bool ok = head_sent ? SendAllV(&iov[1], 1) : SendAllV(iov, 2);
      head_sent = true;
      if (!ok) return Status(Code::kIOError, "client went away");
      left -= filled;
    }
    return Status::Ok();
  }

  // No sendfile under TLS: the file goes through pread and SSL_write, the head with its first
  // chunk.
  Status StreamFileTls(std::string& head, const FileRegion& region, uint64_t length) {
    thread_local std::unique_ptr<char[]> output(new char[kOutputChunkSize]);
    off_t offset = static_cast<off_t>(region.offset);
    uint64_t left = length;
    bool head_sent = false;
    while (left > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(left, kOutputChunkSize));
      ssize_t n = ::pread(region.fd, output.get(), want, offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Status(Code::kIOError, "cannot read the object's file");
      iovec iov[2] = {{head.data(), head.size()}, {output.get(), static_cast<size_t>(n)}};
      bool ok = head_sent ? SendAllV(&iov[1], 1) : SendAllV(iov, 2);
      head_sent = true;
      if (!ok) return Status(Code::kIOError, "client went away");
      offset += n;
      left -= static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  Result<size_t> ReadChunked(char* buf, size_t n) {
    if (parser_->is_done() || n == 0) return size_t{0};
    auto& body = parser_->get().body();
    for (;;) {
      body.data = buf;
      body.size = n;
      body.more = true;
      if (in_begin_ == in_end_) {
        in_begin_ = in_end_ = 0;
        ssize_t got = RecvSome(input_.get(), input_size_);
        if (got == -2) return BodyError("the request body stalled past the idle timeout");
        if (got <= 0) return BodyError("connection closed before the body was complete");
        in_end_ = static_cast<size_t>(got);
      }
      boost::beast::error_code ec;
      size_t used =
          parser_->put(boost::asio::buffer(input_.get() + in_begin_, in_end_ - in_begin_), ec);
      in_begin_ += used;
      size_t produced = n - body.size;
      if (ec == beast_http::error::need_buffer) return produced;
      if (ec && ec != beast_http::error::need_more) {
        body_failed_ = true;
        close_ = true;
        return Status(Code::kInvalidRequest, "malformed chunked request body");
      }
      if (produced > 0 || parser_->is_done()) return produced;
      if (used == 0 && in_begin_ < in_end_) {
        // A chunk header split across reads: keep the partial bytes and append more, or the
        // parser would be handed the same incomplete header forever.
        std::memmove(input_.get(), input_.get() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
        if (in_end_ == input_size_) {
          if (input_size_ >= kMaxInputSize) return BodyError("chunk header too long");
          GrowInput();
        }
        ssize_t got = RecvSome(input_.get() + in_end_, input_size_ - in_end_);
        if (got == -2) return BodyError("the request body stalled past the idle timeout");
        if (got <= 0) return BodyError("connection closed before the body was complete");
        in_end_ += static_cast<size_t>(got);
      }
    }
  }

  bool BodyUnread() const {
    if (body_failed_) return false;
    return request_.chunked ? (parser_ && !parser_->is_done()) : body_left_ > 0;
  }

  // Skips what the handler left of the body, so the next request starts at the right byte.
  void FinishBody() {
    char scratch[16 * 1024];
    for (int guard = 0; guard < 1 << 20; ++guard) {
      if (body_failed_) break;
      if (!request_.chunked && body_left_ == 0) return;
      if (request_.chunked && parser_->is_done()) return;
      Result<size_t> got = Read(scratch, sizeof scratch);
      if (!got.ok() || *got == 0) break;
    }
    close_ = true;
  }

  Server::Impl& server_;
  const int fd_;
  const std::string remote_ip_;
  const bool counted_;  // counts toward max_connections (false: refused over the cap)
  std::atomic<int> state_{kBusy};
  std::atomic<int64_t> deadline_{0};
  // Waiting state, touched by the owner only.
  bool head_timer_armed_ = false;
  bool lingering_ = false;
  uint64_t linger_discarded_ = 0;
  // Request state, owned by whichever thread holds the connection.
  std::unique_ptr<char[]> input_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  size_t input_size_ = 0;
  size_t head_scanned_ = 0;  // how far ParseRequestHead looked for the end of this head
  std::optional<ChunkedBodyParser> parser_;  // chunked requests only
  Request request_;
  uint64_t body_left_ = 0;
  bool body_failed_ = false;
  bool expect_continue_ = false;
  bool continue_before_answer_ = false;  // Expect: 100-continue on a request without a body
  static constexpr std::string_view kContinueLine = "HTTP/1.1 100 Continue\r\n\r\n";
  bool sent_ = false;
  bool is_head_ = false;
  bool close_ = false;
  bool rejected_ = false;
  bool in_handler_loop_ = false;
  bool refusing_ = false;
  // TLS (HTTPS ports only): the set this connection's handshake used, kept alive for its SNI
  // callback, and the session.
  std::shared_ptr<const TlsContext> tls_context_;
  SSL* ssl_ = nullptr;
  bool handshaking_ = false;
  bool tls_want_write_ = false;  // the last SSL call waits for the socket to be writable
};

// ---- Server::Impl ---------------------------------------------------------------------------

Server::Impl::~Impl() {
  for (Connection* connection : registry_) delete connection;
  registry_.clear();
  for (int fd : {listen_fd_, epoll_fd_, stop_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void Server::Impl::Arm(Connection* connection, bool add) {
  connection->state().store(Connection::kWaiting, std::memory_order_release);
  epoll_event ev{};
  ev.events = connection->ArmEvents();
  ev.data.ptr = connection;
  // After this call another thread may own the connection: touch nothing of it here.
  if (::epoll_ctl(epoll_fd_, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, connection->fd(), &ev) != 0) {
    int expected = Connection::kWaiting;
    if (connection->state().compare_exchange_strong(expected, Connection::kBusy)) Close(connection);
  }
}

void Server::Impl::Close(Connection* connection) {
  {
    std::lock_guard lock(registry_mu_);
    registry_.erase(connection);
  }
  delete connection;
}

Status Server::Impl::Listen(uint16_t& port) {
  // OpenSSL's socket BIO writes with write(2), which raises SIGPIPE on a reset connection.
  if (options_.tls != nullptr) ::signal(SIGPIPE, SIG_IGN);
  bool v6 = options_.host.find(':') != std::string::npos;
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Status(Code::kIOError, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage addr{};
  socklen_t len;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(options_.port);
    if (::inet_pton(AF_INET6, options_.host.c_str(), &a->sin6_addr) != 1) {
      ::close(fd);
      return Status(Code::kInvalidArgument, "bad listen address: " + options_.host);
    }
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(options_.port);
    std::string host = options_.host.empty() ? "0.0.0.0" : options_.host;
    if (host == "localhost") host = "127.0.0.1";
    if (::inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) {
      ::close(fd);
      return Status(Code::kInvalidArgument, "bad listen address: " + options_.host);
    }
    len = sizeof(sockaddr_in);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 4096) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return Status(Code::kIOError, "cannot listen on " + options_.host + ":" +
                                      std::to_string(options_.port) + ": " + why);
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                  : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  return Status::Ok();
}

void Server::Impl::Serve() {
  {
    std::lock_guard lock(mu_);
    if (shutdown_called_ || started_ || listen_fd_ < 0) return;
    started_ = true;
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || stop_fd_ < 0 || wake_fd_ < 0) {
      spdlog::error("http: cannot create the server's event descriptors: {}", std::strerror(errno));
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;  // level-triggered: every worker sees it
    ev.data.ptr = nullptr;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &ev);
    handler_slots_ = std::max(1, options_.worker_threads);
    // One thread more than handler slots: with every slot taken by a slow handler, one still
    // reads heads, so they are queued or refused (503) rather than left unread.
    total_threads_ = handler_slots_ + 1;
    pollers_ = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, total_threads_);
    busy_since_ = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(total_threads_));
    active_.store(total_threads_);
    for (int i = 0; i < total_threads_; ++i) workers_.emplace_back([this, i] { WorkerLoop(i); });
  }
  // This thread accepts and runs the deadlines; it never runs a handler, so a slow disk never
  // stalls accepting.
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  auto backoff_until = Clock::time_point::min();
  auto next_sweep = Clock::now();
  std::chrono::milliseconds period(250);
  while (!serve_done_.load()) {
    if (Clock::now() >= next_sweep) {
      period = Sweep();
      next_sweep = Clock::now() + period;
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_sweep - Clock::now()) +
                std::chrono::milliseconds(1);
    bool accepting = listen_fd_ >= 0 && !stopping();
    if (stopping() && listen_fd_ >= 0) {
      ::close(listen_fd_);
      listen_fd_ = -1;
    }
    bool backing_off = Clock::now() < backoff_until;
    fds[0].fd = accepting && !backing_off ? listen_fd_ : -1;
    if (backing_off) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(backoff_until -
                                                                                  Clock::now()) +
                                std::chrono::milliseconds(1));
    }
    // While handlers run, look for stuck ones often enough that ready sockets wait little.
    if (watch_fast_.load()) wait = std::min(wait, kStuckAfter);
    int ready = ::poll(fds, 2, static_cast<int>(wait.count()));
    WatchStuck();
    if (ready <= 0) continue;
    if (fds[1].revents != 0) {
      uint64_t value;
      [[maybe_unused]] ssize_t n = ::read(wake_fd_, &value, sizeof value);
    }
    if (fds[0].fd >= 0 && fds[0].revents != 0) {
      AcceptReady();
      // Out of descriptors: the backlog waits until some close, rather than spin.
      if (errno_backoff_) {
        errno_backoff_ = false;
        backoff_until = Clock::now() + kAcceptBackoff;
      }
    }
  }
}

void Server::Impl::AcceptReady() {
  for (int batch = 0; batch < 64; ++batch) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len,
                       SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        errno_backoff_ = true;
        return;
      }
      continue;  // ECONNABORTED, EPROTO, EINTR...: that one client is gone
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char ip[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&peer)->sin_addr, ip, sizeof ip);
    } else if (peer.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&peer)->sin6_addr, ip, sizeof ip);
    }
    bool counted = connections_.load() < options_.max_connections;
    if (counted) {
      connections_.fetch_add(1);
    } else if (refused_lingering_.load() >= kMaxRefusedLingering || options_.tls != nullptr) {
      // Flooded: no more lingering sockets; a best-effort 503 and close. Under TLS, just
      // close: a 503 before the handshake would be garbage to the client.
      CannedResponse canned = Overload();
      Result<std::string> head = ResponseHead(canned.status, canned.headers, canned.body.size(),
                                              /*close=*/true);
      if (head.ok() && options_.tls == nullptr) {
        std::string text = *head + canned.body;
        [[maybe_unused]] ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
      continue;
    } else {
      refused_lingering_.fetch_add(1);
    }
    auto* connection = new Connection(*this, fd, std::string(ip), counted);
    {
      std::lock_guard lock(registry_mu_);
      registry_.insert(connection);
    }
    if (counted && options_.tls != nullptr) {
      connection->StartTls(options_.tls->Current());
    } else if (counted) {
      connection->StartWaiting(/*add=*/true);
    } else {
      connection->RefuseOverloaded();
    }
  }
}

std::chrono::milliseconds Server::Impl::Sweep() {
  // Deadlines are checked a few times per shortest timeout (at most every 250 ms).
  auto shortest = std::min(options_.read_header_timeout, options_.idle_timeout);
  auto period =
      std::clamp(shortest / 8, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  int64_t now = Clock::now().time_since_epoch().count();
  std::lock_guard lock(registry_mu_);
  for (Connection* connection : registry_) {
    if (connection->deadline() > now) continue;
    int expected = Connection::kWaiting;
    // Taken from the epoll set's future owner: the wake-up that follows finds it expired.
    if (connection->state().compare_exchange_strong(expected, Connection::kExpired)) {
      ::shutdown(connection->fd(), SHUT_RDWR);
    }
  }
  return period;
}

void Server::Impl::ExpireWaiting() {
  std::lock_guard lock(registry_mu_);
  for (Connection* connection : registry_) {
    int expected = Connection::kWaiting;
    if (connection->state().compare_exchange_strong(expected, Connection::kExpired)) {
      ::shutdown(connection->fd(), SHUT_RDWR);
    }
  }
}

void Server::Impl::WorkerLoop(int index) {
  std::atomic<int64_t>& busy_since = busy_since_[static_cast<size_t>(index)];
  auto mark_busy = [&busy_since] {
    busy_since.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  };
  for (;;) {
    if (!ParkIfSurplus()) return;
    if (Connection* queued = PopQueued()) {
      mark_busy();
      RunRequest(queued);
      busy_since.store(0, std::memory_order_relaxed);
      continue;
    }
    epoll_event ev{};
    int n = ::epoll_wait(epoll_fd_, &ev, 1, -1);
    if (n < 0 && errno != EINTR) {
      spdlog::error("http: epoll_wait: {}", std::strerror(errno));
      return;
    }
    if (n <= 0) continue;
    if (ev.data.ptr == nullptr) {
      if (workers_stop_.load()) return;
      continue;
    }
    mark_busy();
    OnEvent(static_cast<Connection*>(ev.data.ptr));
    busy_since.store(0, std::memory_order_relaxed);
  }
}

bool Server::Impl::ParkIfSurplus() {
  if (active_.load(std::memory_order_relaxed) <= pollers_ + stuck_.load(std::memory_order_relaxed))
    return !workers_stop_.load();
  std::unique_lock lock(standby_mu_);
  if (active_.load() <= pollers_ + stuck_.load()) return !workers_stop_.load();
  active_.fetch_sub(1);
  standby_cv_.wait(lock, [this] { return standby_wakeups_ > 0 || workers_stop_.load(); });
  if (workers_stop_.load()) return false;
  --standby_wakeups_;
  active_.fetch_add(1);
  return true;
}

void Server::Impl::WatchStuck() {
  if (busy_since_ == nullptr) return;
  int64_t limit = (Clock::now() - kStuckAfter).time_since_epoch().count();
  int stuck = 0;
  for (int i = 0; i < total_threads_; ++i) {
    int64_t since = busy_since_[static_cast<size_t>(i)].load(std::memory_order_relaxed);
    if (since != 0 && since < limit) ++stuck;
  }
  stuck_.store(stuck);
  // Fast watching lasts while handlers run, and a second after (see Dispatch).
  auto now = Clock::now();
  if (running_.load() > 0 || stuck > 0) {
    last_busy_ = now;
  } else if (now - last_busy_ > std::chrono::seconds(1)) {
    watch_fast_.store(false);
  }
  int want = std::min(total_threads_, pollers_ + stuck);
  std::lock_guard lock(standby_mu_);
  int missing = want - active_.load() - standby_wakeups_;
  for (; missing > 0; --missing) {
    ++standby_wakeups_;
    standby_cv_.notify_one();
  }
}

void Server::Impl::OnEvent(Connection* connection) {
  int expected = Connection::kWaiting;
  if (!connection->state().compare_exchange_strong(expected, Connection::kBusy,
                                                   std::memory_order_acquire)) {
    // Expired by the sweeper or by shutdown, which handed it to this wake-up.
    connection->state().store(Connection::kBusy);
    return Close(connection);
  }
  if (connection->lingering()) return connection->OnLingerReadable();
  if (connection->handshaking() && !connection->OnHandshakeReady()) return;
  if (connection->OnReadable()) Dispatch(connection);
}

void Server::Impl::Dispatch(Connection* connection) {
  int running = running_.fetch_add(1);
  if (running + 1 >= pollers_ && !watch_fast_.load(std::memory_order_relaxed) &&
      !watch_fast_.exchange(true)) {
    // Every poller may be in a handler now: the accept thread starts looking for stuck ones
    // (once per busy spell, not per request).
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
  if (running < handler_slots_) {
    connection->Run();
    running_.fetch_sub(1);
    connection->AfterRun();
    return;
  }
  running_.fetch_sub(1);
  {
    std::lock_guard lock(mu_);
    if (static_cast<int>(queue_.size()) < options_.max_queued_requests) {
      queue_.push_back(connection);
      queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
      return;
    }
  }
  connection->RefuseQueueFull();
}

Connection* Server::Impl::PopQueued() {
  if (queued_.load(std::memory_order_relaxed) == 0) return nullptr;
  std::lock_guard lock(mu_);
  if (queue_.empty()) return nullptr;
  if (!force_close_.load() && running_.load() >= handler_slots_) return nullptr;
  Connection* connection = queue_.front();
  queue_.pop_front();
  queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
  return connection;
}

void Server::Impl::RunRequest(Connection* connection) {
  if (force_close_.load()) return Close(connection);  // dropped past the grace
  running_.fetch_add(1);
  connection->Run();
  running_.fetch_sub(1);
  connection->AfterRun();
}

bool Server::Impl::WaitForDrain(Clock::time_point deadline) {
  for (;;) {
    if (connections_.load() == 0 && queued_.load() == 0 && running_.load() == 0) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Server::Impl::Shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mu_);
    if (shutdown_called_) return;
    shutdown_called_ = true;
    stopping_.store(true);
    if (!started_) return;
  }
  // Stop accepting and close every connection waiting for a request. Connections in a handler
  // see stopping() and close after their answer.
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  ExpireWaiting();
  if (!WaitForDrain(Clock::now() + grace)) {
    // Past the grace: cut what is still open so handlers' reads and writes fail fast, and
    // drop requests still queued.
    force_close_.store(true);
    {
      std::lock_guard lock(registry_mu_);
      for (Connection* connection : registry_) ::shutdown(connection->fd(), SHUT_RDWR);
    }
    ExpireWaiting();
    WaitForDrain(Clock::now() + std::chrono::seconds(2));
  }
  force_close_.store(true);
  {
    std::lock_guard lock(standby_mu_);
    workers_stop_.store(true);
  }
  standby_cv_.notify_all();
  n = ::write(stop_fd_, &one, sizeof one);
  // A handler blocked in the store is waited for: the store must outlive every handler.
  for (std::thread& worker : workers_) worker.join();
  // Queued requests dropped past the grace, if any, were closed by the workers; the rest is
  // freed with the server.
  serve_done_.store(true);
  n = ::write(wake_fd_, &one, sizeof one);
}

// ---- Server ---------------------------------------------------------------------------------

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

Status Server::Listen() { return impl_->Listen(port_); }

void Server::Serve() { impl_->Serve(); }

void Server::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }

int Server::connection_count() const { return impl_->connection_count(); }

}  // namespace cairn::http
