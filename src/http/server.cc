#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
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

#include "common/time.h"
#include "http/status_text.h"

namespace cairn::http {

namespace asio = boost::asio;
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
constexpr int kMaxIoThreads = 8;

bool HeadByteAllowed(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

bool TokenByte(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  return std::strchr("()<>@,;:\\\"/[]?={}", c) == nullptr;
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
  bool word_start = true;
  for (char c : name) {
    out += (word_start && c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    word_start = c == '-';
  }
}

// The Date field, formatted once per second rather than once per response.
std::string CurrentHttpDate() {
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
  head += std::to_string(status);
  head += ' ';
  head += StatusText(status);
  head += "\r\n";
  for (const auto& [name, value] : headers.fields()) {
    if (name == "content-length" || name == "connection") continue;
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
          return TokenByte(static_cast<unsigned char>(c));
        })) {
      return Status(Code::kInternal, "response header name with a forbidden byte");
    }
    if (!std::all_of(value.begin(), value.end(),
                     [](char c) { return HeadByteAllowed(static_cast<unsigned char>(c)); })) {
      return Status(Code::kInternal, "response header '" + name + "' with a control byte");
    }
    AppendHeaderName(head, name);
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (content_length) {
    head += "Content-Length: ";
    head += std::to_string(*content_length);
    head += "\r\n";
  }
  if (!headers.Has("date")) {
    head += "Date: ";
    head += CurrentHttpDate();
    head += "\r\n";
  }
  if (!headers.Has("server")) head += "Server: Cairn\r\n";
  if (close) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

class Connection;
using ConnectionPtr = std::shared_ptr<Connection>;

// One I/O thread's loop and the connections it is waiting on (touched only on that thread).
struct IoLoop {
  asio::io_context ioc{1};
  std::unordered_set<Connection*> waiting;
  std::thread thread;  // not started for loop 0, which runs on Serve()'s thread
};

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  ~Impl() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  Status Listen(uint16_t& port);
  void Serve();
  void Shutdown(std::chrono::milliseconds grace);

  // Worker pool. False when the queue is full.
  bool Submit(ConnectionPtr connection);

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  int connection_count() const { return connections_.load(); }
  int queued() const { return queued_.load(std::memory_order_relaxed); }

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

 private:
  friend class Connection;
  void ArmAccept();
  void AcceptReady();
  void CloseWaiting(IoLoop& loop);
  void WorkerLoop();
  bool WaitForDrain(Clock::time_point deadline);

  ServerOptions options_;
  Handler handler_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> refused_lingering_{0};
  std::atomic<int> queued_{0};  // queue_.size(), readable without the lock
  size_t next_loop_ = 0;        // loop 0's thread only

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<ConnectionPtr> queue_;       // guarded by mu_
  std::unordered_set<Connection*> busy_;  // on a worker; guarded by mu_
  int idle_workers_ = 0;                  // guarded by mu_
  bool workers_stop_ = false;             // guarded by mu_
  bool force_close_ = false;              // guarded by mu_
  bool started_ = false;                  // guarded by mu_
  bool shutdown_called_ = false;          // guarded by mu_
  std::vector<std::thread> workers_;

  // Destroyed first: pending handlers own connections, whose destructors use the counters.
  std::vector<std::unique_ptr<IoLoop>> loops_;
  std::unique_ptr<asio::posix::stream_descriptor> acceptor_;  // on loops_[0]
  std::unique_ptr<asio::steady_timer> accept_backoff_;
};

// One client connection. While it waits (idle, or a head still arriving, or lingering before
// close) it lives on its I/O loop; while a request runs, one worker owns it exclusively and
// uses the socket directly, waiting with poll() under the idle timeout.
class Connection final : public ByteSource,
                         public ResponseWriter,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, IoLoop& loop, int fd, std::string remote_ip, bool counted)
      : server_(server),
        loop_(loop),
        socket_(loop.ioc, fd),
        timer_(loop.ioc),
        fd_(fd),
        remote_ip_(std::move(remote_ip)),
        counted_(counted) {}

  ~Connection() override {
    boost::system::error_code ec;
    socket_.close(ec);
    server_.ConnectionClosed(counted_);
  }

  int fd() const { return fd_; }

  // ---- On the I/O loop ----------------------------------------------------------------------

  // Waits for the next request (or the rest of a partial one).
  void StartWaiting() {
    if (server_.stopping()) return CloseNow();
    loop_.waiting.insert(this);
    ++wait_generation_;
    if (in_begin_ < in_end_) {
      // A partial pipelined head: its deadline starts now.
      head_timer_armed_ = true;
      ArmTimer(Clock::now() + server_.options().read_header_timeout);
    } else {
      // Idle: hold no buffers.
      in_begin_ = in_end_ = 0;
      input_.reset();
      input_size_ = 0;
      parser_.reset();
      request_ = Request();
      head_timer_armed_ = false;
      ArmTimer(Clock::now() + server_.options().idle_timeout);
    }
    ArmRead();
  }

  // Over the connection cap: answer 503 at once, then linger briefly and close.
  void RefuseOverloaded() {
    close_ = true;
    SendCannedNow(server_.Overload());
    StartLinger(std::chrono::milliseconds(1000));
  }

  void CloseNow() {
    loop_.waiting.erase(this);
    ++wait_generation_;
    boost::system::error_code ec;
    timer_.cancel();
    socket_.close(ec);
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // answer before the client reads it (clients that send the body before looking for a
  // response then see EPIPE instead of the S3 error). So: send FIN, then discard what the
  // client still sends until it closes or a short bound passes, without holding a thread.
  void StartLinger(std::chrono::milliseconds how_long) {
    ::shutdown(fd_, SHUT_WR);
    loop_.waiting.insert(this);
    ++wait_generation_;
    lingering_ = true;
    linger_discarded_ = 0;
    ArmTimer(Clock::now() + how_long);
    ArmRead();
  }

  // ---- On a worker --------------------------------------------------------------------------

  // Serves the request whose head is parsed, and any complete pipelined ones after it, then
  // hands the connection back to its loop (or closes it).
  void RunOnWorker() {
    on_worker_ = true;
    for (;;) {
      ServeOne();
      if (close_) break;
      if (in_begin_ == in_end_ && !WaitBrieflyForNextRequest()) break;
      parser_.reset();  // the next request's head is already buffered (pipelining)
      HeadState state = ParseHead();
      if (state == HeadState::kRejected) return;
      if (state == HeadState::kNeedMore) break;
    }
    on_worker_ = false;
    if (close_ && !(sent_ && BodyUnread())) return;  // the last owner closes the socket
    ConnectionPtr self = shared_from_this();
    bool linger = close_;
    asio::post(loop_.ioc, [self, linger] {
      if (linger) {
        self->StartLinger(kLingerTime);
      } else {
        self->StartWaiting();
      }
    });
  }

  // A keep-alive client usually sends its next request right after reading the answer. When
  // no other request is queued, the worker waits a moment for it on the socket: a request
  // then costs one wake-up, as with a thread per connection, instead of a trip through the
  // loop and the queue. Under load (queue not empty) it goes back to the loop at once.
  bool WaitBrieflyForNextRequest() {
    auto wait = server_.options().next_request_wait;
    if (wait.count() <= 0 || server_.stopping() || server_.queued() > 0) return false;
    timespec timeout{static_cast<time_t>(wait.count() / 1'000'000),
                     static_cast<long>(wait.count() % 1'000'000) * 1000};
    pollfd p{fd_, POLLIN, 0};
    if (::ppoll(&p, 1, &timeout, nullptr) <= 0) return false;
    EnsureInput();
    in_begin_ = in_end_ = 0;
    ssize_t got = ::recv(fd_, input_.get(), input_size_, MSG_DONTWAIT);
    if (got <= 0) {
      if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) close_ = true;
      return false;
    }
    in_end_ = static_cast<size_t>(got);
    return true;
  }

  // ---- ByteSource: the request body ---------------------------------------------------------

  Result<size_t> Read(char* buf, size_t n) override {
    if (body_failed_) return Status(Code::kIncompleteBody, "request body already failed");
    if (expect_continue_ && !sent_) {
      expect_continue_ = false;
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      iovec iov{const_cast<char*>(kContinue), sizeof kContinue - 1};
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

  bool sent() const override { return sent_; }

  enum class HeadState { kNeedMore, kDone, kRejected };

  // Feeds buffered bytes to the head parser. kDone: request_ is filled in. kRejected: a 4xx
  // was sent (or not, if it could not be) and the connection is closing.
  HeadState ParseHead() {
    if (!parser_) {
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
      parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
      parser_->eager(false);
    }
    boost::beast::error_code ec;
    size_t used =
        parser_->put(boost::asio::buffer(input_.get() + in_begin_, in_end_ - in_begin_), ec);
    in_begin_ += used;
    if (parser_->is_header_done()) {
      FillRequest();
      return HeadState::kDone;
    }
    if (ec == beast_http::error::need_more) {
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
    }
    return RejectHead(ec == beast_http::error::header_limit ? 431 : 400);
  }

 private:
  void ArmRead() {
    socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                       [self = shared_from_this(),
                        generation = wait_generation_](const boost::system::error_code& ec) {
                         if (ec || generation != self->wait_generation_) return;
                         if (self->lingering_) {
                           self->OnLingerReadable();
                         } else {
                           self->OnReadable();
                         }
                       });
  }

  void ArmTimer(Clock::time_point deadline) {
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this(),
                       generation = wait_generation_](const boost::system::error_code& ec) {
      if (ec || generation != self->wait_generation_) return;
      // A stale expiry already queued when the timer was moved.
      if (self->timer_.expiry() > Clock::now()) return;
      self->CloseNow();
    });
  }

  void OnReadable() {
    EnsureInput();
    for (;;) {
      ssize_t got = ::recv(fd_, input_.get() + in_end_, input_size_ - in_end_, MSG_DONTWAIT);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ArmRead();
      if (got <= 0) return CloseNow();
      in_end_ += static_cast<size_t>(got);
      HeadState state = ParseHead();
      if (state == HeadState::kRejected) return;
      if (state == HeadState::kDone) return HandToWorker();
      if (!head_timer_armed_) {
        // The whole head must arrive within the header timeout of its first byte.
        head_timer_armed_ = true;
        ArmTimer(Clock::now() + server_.options().read_header_timeout);
      }
    }
  }

  void EnsureInput() {
    if (input_) return;
    input_size_ = kInitialInputSize;
    input_.reset(new char[input_size_]);
  }

  void GrowInput() {
    std::unique_ptr<char[]> bigger(new char[kMaxInputSize]);
    std::memcpy(bigger.get(), input_.get(), in_end_);
    input_ = std::move(bigger);
    input_size_ = kMaxInputSize;
  }

  void OnLingerReadable() {
    char scratch[16 * 1024];
    for (;;) {
      ssize_t got = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ArmRead();
      if (got <= 0) return CloseNow();
      linger_discarded_ += static_cast<uint64_t>(got);
      if (linger_discarded_ >= kMaxLingerBytes) return CloseNow();
    }
  }

  void HandToWorker() {
    loop_.waiting.erase(this);
    ++wait_generation_;
    timer_.cancel();
    if (server_.Submit(shared_from_this())) return;
    // Every worker busy and the queue full: 503, then close.
    close_ = true;
    SendCannedNow(server_.Overload());
    if (BodyUnread()) {
      StartLinger(kLingerTime);
    } else {
      CloseNow();
    }
  }

  // A canned answer from the I/O loop: one non-blocking write; a client whose socket buffer
  // is full does not get to hold the loop.
  void SendCannedNow(const CannedResponse& canned) {
    bool head_request = request_.method == "HEAD";
    Result<std::string> head =
        ResponseHead(canned.status, canned.headers, canned.body.size(), /*close=*/true);
    if (!head.ok()) return;
    std::string text = *head;
    if (!head_request) text += canned.body;
    sent_ = true;
    [[maybe_unused]] ssize_t n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  void FillRequest() {
    auto& msg = parser_->get();
    request_ = Request();
    request_.method.assign(msg.method_string().data(), msg.method_string().size());
    request_.target.assign(msg.target().data(), msg.target().size());
    size_t q = request_.target.find('?');
    request_.path = request_.target.substr(0, q);
    if (q != std::string::npos) request_.query = request_.target.substr(q + 1);
    for (const auto& field : msg) {
      request_.headers.Add(std::string_view(field.name_string().data(), field.name_string().size()),
                           std::string_view(field.value().data(), field.value().size()));
    }
    request_.chunked = parser_->chunked();
    if (auto length = parser_->content_length()) request_.content_length = *length;
    request_.remote_ip = remote_ip_;
    body_left_ = request_.content_length.value_or(0);
    body_failed_ = false;
    sent_ = false;
    is_head_ = request_.method == "HEAD";
    close_ = !msg.keep_alive();
    auto expect = request_.headers.Get("expect");
    expect_continue_ =
        expect && EqualsIgnoreCase(*expect, "100-continue") && (request_.chunked || body_left_ > 0);
  }

  HeadState RejectHead(int status) {
    request_ = Request();
    is_head_ = false;
    sent_ = false;
    close_ = true;
    if (on_worker_) {
      Send(status, Headers(), "").IgnoreError();
      on_worker_ = false;
      return HeadState::kRejected;  // the worker drops the last reference: closed
    }
    SendCannedNow(CannedResponse{status, Headers(), ""});
    CloseNow();
    return HeadState::kRejected;
  }

  // The handler's turn, then what it left of the body.
  void ServeOne() {
    try {
      server_.handler()(request_, *this, *this);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cairn: a request handler threw (%s); %s\n", e.what(),
                   sent_ ? "closed the connection" : "answered 500");
      AnswerInternalError();
    } catch (...) {
      std::fprintf(stderr, "cairn: a request handler threw a non-exception; %s\n",
                   sent_ ? "closed the connection" : "answered 500");
      AnswerInternalError();
    }
    if (!sent_) {
      std::fprintf(stderr, "cairn: a request handler sent no response; answered 500\n");
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
    std::fprintf(stderr, "cairn: refused to send a response head: %s; answered 500\n",
                 why.message().c_str());
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
      ssize_t got = ::recv(fd_, buf, n, MSG_DONTWAIT);
      if (got >= 0) return got;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!WaitReady(POLLIN)) return -2;
    }
  }

  // Writes everything, waiting at most the idle timeout for each bit of progress.
  bool SendAllV(iovec* iov, int count) {
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
  IoLoop& loop_;
  asio::posix::stream_descriptor socket_;
  asio::steady_timer timer_;
  const int fd_;
  const std::string remote_ip_;
  const bool counted_;  // counts toward max_connections (false: refused over the cap)
  // Loop-thread state.
  uint64_t wait_generation_ = 0;
  bool head_timer_armed_ = false;
  bool lingering_ = false;
  uint64_t linger_discarded_ = 0;
  // Request state, owned by whichever side holds the connection.
  std::unique_ptr<char[]> input_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  size_t input_size_ = 0;
  std::optional<beast_http::request_parser<beast_http::buffer_body>> parser_;
  Request request_;
  uint64_t body_left_ = 0;
  bool body_failed_ = false;
  bool expect_continue_ = false;
  bool sent_ = false;
  bool is_head_ = false;
  bool close_ = false;
  bool on_worker_ = false;
  bool refusing_ = false;
};

// ---- Server::Impl ---------------------------------------------------------------------------

Status Server::Impl::Listen(uint16_t& port) {
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
    int io_threads = options_.io_threads;
    if (io_threads <= 0) {
      io_threads =
          std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, kMaxIoThreads);
    }
    for (int i = 0; i < io_threads; ++i) loops_.push_back(std::make_unique<IoLoop>());
    acceptor_ = std::make_unique<asio::posix::stream_descriptor>(loops_[0]->ioc, listen_fd_);
    listen_fd_ = -1;  // owned by acceptor_ now
    accept_backoff_ = std::make_unique<asio::steady_timer>(loops_[0]->ioc);
    int workers = std::max(1, options_.worker_threads);
    for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    for (size_t i = 1; i < loops_.size(); ++i) {
      IoLoop& loop = *loops_[i];
      loop.thread = std::thread([&loop] {
        auto guard = asio::make_work_guard(loop.ioc);
        loop.ioc.run();
      });
    }
  }
  asio::post(loops_[0]->ioc, [this] { ArmAccept(); });
  auto guard = asio::make_work_guard(loops_[0]->ioc);
  loops_[0]->ioc.run();
}

void Server::Impl::ArmAccept() {
  acceptor_->async_wait(asio::posix::stream_descriptor::wait_read,
                        [this](const boost::system::error_code& ec) {
                          if (ec || stopping()) return;
                          AcceptReady();
                        });
}

void Server::Impl::AcceptReady() {
  for (int batch = 0; batch < 64; ++batch) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    int fd = ::accept4(acceptor_->native_handle(), reinterpret_cast<sockaddr*>(&peer), &peer_len,
                       SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: the backlog waits until some close, rather than spin.
        accept_backoff_->expires_after(kAcceptBackoff);
        accept_backoff_->async_wait([this](const boost::system::error_code& ec) {
          if (!ec && !stopping()) ArmAccept();
        });
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
    } else if (refused_lingering_.load() >= kMaxRefusedLingering) {
      // Flooded: no more lingering sockets; a best-effort 503 and close.
      CannedResponse canned = Overload();
      Result<std::string> head = ResponseHead(canned.status, canned.headers, canned.body.size(),
                                              /*close=*/true);
      if (head.ok()) {
        std::string text = *head + canned.body;
        [[maybe_unused]] ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
      continue;
    } else {
      refused_lingering_.fetch_add(1);
    }
    IoLoop& loop = *loops_[next_loop_++ % loops_.size()];
    asio::post(loop.ioc, [this, &loop, fd, counted, remote = std::string(ip)]() mutable {
      auto connection = std::make_shared<Connection>(*this, loop, fd, std::move(remote), counted);
      if (counted) {
        connection->StartWaiting();
      } else {
        connection->RefuseOverloaded();
      }
    });
  }
  ArmAccept();
}

bool Server::Impl::Submit(ConnectionPtr connection) {
  std::lock_guard lock(mu_);
  if (static_cast<int>(queue_.size()) >= options_.max_queued_requests) return false;
  queue_.push_back(std::move(connection));
  queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
  if (idle_workers_ > 0) work_cv_.notify_one();
  return true;
}

void Server::Impl::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    // Under load the next request is already queued: no sleep, no wake-up.
    while (queue_.empty() && !workers_stop_) {
      ++idle_workers_;
      work_cv_.wait(lock);
      --idle_workers_;
    }
    if (queue_.empty()) return;  // stopping and nothing left
    ConnectionPtr connection = std::move(queue_.front());
    queue_.pop_front();
    queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
    bool force = force_close_;
    if (!force) busy_.insert(connection.get());
    lock.unlock();
    if (!force) connection->RunOnWorker();
    lock.lock();
    busy_.erase(connection.get());
    lock.unlock();
    connection.reset();  // may close the socket: outside the lock
    lock.lock();
  }
}

void Server::Impl::CloseWaiting(IoLoop& loop) {
  std::vector<Connection*> waiting(loop.waiting.begin(), loop.waiting.end());
  for (Connection* connection : waiting) connection->CloseNow();
}

bool Server::Impl::WaitForDrain(Clock::time_point deadline) {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (connections_.load() == 0 && queue_.empty() && busy_.empty()) return true;
    }
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
  // Stop accepting and close every connection waiting for a request. Connections on a worker
  // see stopping() and close after their answer.
  asio::post(loops_[0]->ioc, [this] {
    boost::system::error_code ec;
    accept_backoff_->cancel();
    acceptor_->close(ec);
  });
  auto close_waiting = [this] {
    for (auto& loop : loops_) {
      IoLoop* l = loop.get();
      asio::post(l->ioc, [this, l] { CloseWaiting(*l); });
    }
  };
  close_waiting();
  if (!WaitForDrain(Clock::now() + grace)) {
    // Past the grace: cut what is still open so handlers' reads and writes fail fast, and
    // drop requests still queued.
    {
      std::lock_guard lock(mu_);
      force_close_ = true;
      for (Connection* connection : busy_) ::shutdown(connection->fd(), SHUT_RDWR);
    }
    close_waiting();
    WaitForDrain(Clock::now() + std::chrono::seconds(2));
  }
  {
    std::lock_guard lock(mu_);
    workers_stop_ = true;
    force_close_ = true;
    work_cv_.notify_all();
  }
  // A handler blocked in the store is waited for: the store must outlive every handler.
  for (std::thread& worker : workers_) worker.join();
  for (auto& loop : loops_) loop->ioc.stop();
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
  }
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
