#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include "common/time.h"
#include "http/status_text.h"

namespace cairn::http {

namespace beast_http = boost::beast::http;

namespace {

constexpr size_t kInputBufferSize = 64 * 1024;
constexpr size_t kOutputChunkSize = 256 * 1024;
// A handler that answered without reading the body: drain up to this much to keep the
// connection alive; past it, closing is cheaper.
constexpr uint64_t kMaxDrainBytes = 256 * 1024;
// After answering early, how long and how much of an unwanted body is read before closing.
constexpr std::chrono::milliseconds kLingerTime(2000);
constexpr uint64_t kMaxLingerBytes = 64ull * 1024 * 1024;

// The socket calls with EINTR handled. Errors (including SO_RCVTIMEO/SO_SNDTIMEO timeouts)
// end the connection, so callers only need success or failure.
ssize_t RecvSome(int fd, char* buf, size_t n) {
  for (;;) {
    ssize_t got = ::recv(fd, buf, n, 0);
    if (got >= 0) return got;
    if (errno != EINTR) return -1;
  }
}

bool SendAllV(int fd, iovec* iov, int count) {
  while (count > 0) {
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(count);
    ssize_t sent = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
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

bool SendAll(int fd, const char* data, size_t n) {
  iovec iov{const_cast<char*>(data), n};
  return SendAllV(fd, &iov, 1);
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

std::string HeadText(int status, const Headers& headers, std::optional<uint64_t> content_length,
                     bool close) {
  std::string head;
  head.reserve(512);
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += StatusText(status);
  head += "\r\n";
  for (const auto& [name, value] : headers.fields()) {
    if (name == "content-length" || name == "connection") continue;
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
    head += FormatHttpDate(Now());
    head += "\r\n";
  }
  if (!headers.Has("server")) head += "Server: Cairn\r\n";
  if (close) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

}  // namespace

// One client connection: reads requests in a loop and hands each to the server's handler.
class Connection final : public ByteSource, public ResponseWriter {
 public:
  Connection(Server& server, int fd, std::string remote_ip)
      : server_(server),
        fd_(fd),
        remote_ip_(std::move(remote_ip)),
        input_(new char[kInputBufferSize]) {}

  void Run() {
    while (!close_) {
      if (!server_.MarkIdle(fd_, true)) return;
      bool got = ReadRequestHead();
      if (!server_.MarkIdle(fd_, false)) close_ = true;
      if (!got) return;
      server_.handler_(request_, *this, *this);
      if (!sent_) {
        Send(500, Headers(), "").IgnoreError();
        close_ = true;
      }
      if (!close_) FinishBody();
    }
    if (sent_ && BodyUnread()) LingerBeforeClose();
  }

  // ByteSource: the request body.
  Result<size_t> Read(char* buf, size_t n) override {
    if (body_failed_) return Status(Code::kIncompleteBody, "request body already failed");
    if (expect_continue_ && !sent_) {
      expect_continue_ = false;
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      if (!SendAll(fd_, kContinue, sizeof kContinue - 1)) return BodyError("client went away");
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
    ssize_t got = RecvSome(fd_, buf, want);
    if (got <= 0) return BodyError("connection closed before the body was complete");
    body_left_ -= static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }

  // ResponseWriter.
  Status Send(int status, const Headers& headers, std::string_view body) override {
    if (sent_) return Status(Code::kInternal, "response already sent");
    sent_ = true;
    bool no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
    std::optional<uint64_t> length;
    if (!no_body) length = body.size();
    if (!no_body && is_head_ && headers.Has("content-length")) {
      length = std::stoull(std::string(*headers.Get("content-length")));
    }
    PrepareClose(status);
    std::string head = HeadText(status, headers, length, close_);
    iovec iov[2] = {{head.data(), head.size()}, {const_cast<char*>(body.data()), body.size()}};
    int count = (no_body || is_head_ || body.empty()) ? 1 : 2;
    if (!SendAllV(fd_, iov, count)) {
      close_ = true;
      return Status(Code::kIOError, "client went away");
    }
    return Status::Ok();
  }

  Status SendStream(int status, const Headers& headers, uint64_t length,
                    ByteSource* body) override {
    if (sent_) return Status(Code::kInternal, "response already sent");
    sent_ = true;
    PrepareClose(status);
    std::string head = HeadText(status, headers, length, close_);
    if (body == nullptr || is_head_ || length == 0) {
      if (!SendAll(fd_, head.data(), head.size())) close_ = true;
      return close_ ? Status(Code::kIOError, "client went away") : Status::Ok();
    }
    Status st = StreamBody(head, length, *body);
    if (!st.ok()) close_ = true;  // the client must see a short body, never a complete one
    return st;
  }

  bool sent() const override { return sent_; }

 private:
  Result<size_t> BodyError(const char* why) {
    body_failed_ = true;
    close_ = true;
    return Status(Code::kIncompleteBody, why);
  }

  void PrepareClose(int status) {
    if (server_.stopping_.load()) close_ = true;
    // An unread body we cannot cheaply skip forces the connection closed after this answer.
    if (!request_.chunked && body_left_ > kMaxDrainBytes) close_ = true;
    if (request_.chunked && !parser_->is_done()) close_ = true;
    if (body_failed_ || status == 400) close_ = true;
    // The client waits for "100 Continue" before sending the body; it will not come now.
    if (expect_continue_) close_ = true;
  }

  Status StreamBody(const std::string& head, uint64_t length, ByteSource& body) {
    if (std::optional<FileRegion> region = body.RemainingFileRegion()) {
      if (region->length < length) return Status(Code::kInternal, "file region too short");
      if (!SendAll(fd_, head.data(), head.size())) return Status(Code::kIOError, "client gone");
      off_t offset = static_cast<off_t>(region->offset);
      uint64_t left = length;
      while (left > 0) {
        ssize_t n = ::sendfile(fd_, region->fd, &offset,
                               static_cast<size_t>(std::min<uint64_t>(left, 1u << 30)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return Status(Code::kIOError, "sendfile failed");
        left -= static_cast<uint64_t>(n);
      }
      return Status::Ok();
    }
    if (!output_) output_.reset(new char[kOutputChunkSize]);
    uint64_t left = length;
    bool head_sent = false;
    while (left > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(left, kOutputChunkSize));
      size_t filled = 0;
      while (filled < want) {
        Result<size_t> got = body.Read(output_.get() + filled, want - filled);
        if (!got.ok()) return got.status();
        if (*got == 0) break;
        filled += *got;
      }
      if (filled == 0) return Status(Code::kInternal, "object body shorter than its length");
      // The head rides with the first chunk: one write for small objects.
      iovec iov[2] = {{const_cast<char*>(head.data()), head.size()}, {output_.get(), filled}};
      bool ok = head_sent ? SendAll(fd_, output_.get(), filled) : SendAllV(fd_, iov, 2);
      head_sent = true;
      if (!ok) return Status(Code::kIOError, "client went away");
      left -= filled;
    }
    return Status::Ok();
  }

  // Reads one request head. False when the connection should close (EOF, timeout, bad input;
  // a 400 is sent for bad input).
  bool ReadRequestHead() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->eager(false);
    for (;;) {
      if (in_begin_ == in_end_) {
        in_begin_ = in_end_ = 0;
        ssize_t got = RecvSome(fd_, input_.get(), kInputBufferSize);
        if (got <= 0) return false;
        in_end_ = static_cast<size_t>(got);
      }
      boost::beast::error_code ec;
      size_t used =
          parser_->put(boost::asio::buffer(input_.get() + in_begin_, in_end_ - in_begin_), ec);
      in_begin_ += used;
      if (parser_->is_header_done()) break;
      if (ec == beast_http::error::need_more) {
        // Compact, then read more into the free space; a head larger than the buffer fails.
        if (in_begin_ > 0) {
          std::memmove(input_.get(), input_.get() + in_begin_, in_end_ - in_begin_);
          in_end_ -= in_begin_;
          in_begin_ = 0;
        }
        if (in_end_ == kInputBufferSize) return RejectHead(431);
        ssize_t got = RecvSome(fd_, input_.get() + in_end_, kInputBufferSize - in_end_);
        if (got <= 0) return false;
        in_end_ += static_cast<size_t>(got);
        continue;
      }
      if (ec) return RejectHead(ec == beast_http::error::header_limit ? 431 : 400);
    }
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
    return true;
  }

  bool RejectHead(int status) {
    request_ = Request();
    is_head_ = false;
    sent_ = false;
    close_ = true;
    Send(status, Headers(), "").IgnoreError();
    return false;
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
        ssize_t got = RecvSome(fd_, input_.get(), kInputBufferSize);
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
        if (in_end_ == kInputBufferSize) return BodyError("chunk header too long");
        ssize_t got = RecvSome(fd_, input_.get() + in_end_, kInputBufferSize - in_end_);
        if (got <= 0) return BodyError("connection closed before the body was complete");
        in_end_ += static_cast<size_t>(got);
      }
    }
  }

  bool BodyUnread() const {
    if (body_failed_) return false;
    return request_.chunked ? (parser_ && !parser_->is_done()) : body_left_ > 0;
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // answer before the client reads it (clients that send the body before looking for a response
  // then see EPIPE instead of the S3 error). So: send FIN, then discard what the client still
  // sends until it closes or a short bound passes.
  void LingerBeforeClose() {
    ::shutdown(fd_, SHUT_WR);
    auto deadline = std::chrono::steady_clock::now() + kLingerTime;
    uint64_t discarded = 0;
    char scratch[16 * 1024];
    while (discarded < kMaxLingerBytes) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return;
      ssize_t got = ::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) return;
      discarded += static_cast<uint64_t>(got);
    }
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

  Server& server_;
  int fd_;
  std::string remote_ip_;
  std::unique_ptr<char[]> input_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::unique_ptr<char[]> output_;
  std::optional<beast_http::request_parser<beast_http::buffer_body>> parser_;
  Request request_;
  uint64_t body_left_ = 0;
  bool body_failed_ = false;
  bool expect_continue_ = false;
  bool sent_ = false;
  bool is_head_ = false;
  bool close_ = false;
};

Server::Server(ServerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

Server::~Server() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status Server::Listen() {
  bool v6 = options_.host.find(':') != std::string::npos;
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 1024) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return Status(Code::kIOError, "cannot listen on " + options_.host + ":" +
                                      std::to_string(options_.port) + ": " + why);
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  return Status::Ok();
}

void Server::Serve() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int ready = ::poll(fds, 2, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (stopping_.load()) break;
    if (!(fds[0].revents & POLLIN)) continue;
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    char ip[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&peer)->sin_addr, ip, sizeof ip);
    } else if (peer.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&peer)->sin6_addr, ip, sizeof ip);
    }
    {
      std::lock_guard lock(mu_);
      if (active_ >= options_.max_connections) {
        ::close(fd);
        continue;
      }
      ++active_;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout{options_.idle_timeout_seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::thread([this, fd, remote = std::string(ip)] { ServeConnection(fd, remote); }).detach();
  }
}

void Server::ServeConnection(int fd, std::string remote_ip) {
  {
    Connection connection(*this, fd, std::move(remote_ip));
    connection.Run();
  }
  std::lock_guard lock(mu_);
  idle_fds_.erase(fd);
  ::close(fd);
  --active_;
  drained_.notify_all();
}

bool Server::MarkIdle(int fd, bool idle) {
  std::lock_guard lock(mu_);
  if (idle) {
    if (stopping_.load()) return false;
    idle_fds_.insert(fd);
  } else {
    idle_fds_.erase(fd);
  }
  return true;
}

void Server::Shutdown(int grace_seconds) {
  {
    std::lock_guard lock(mu_);
    stopping_.store(true);
    // Idle connections wake from recv() with EOF and close.
    for (int fd : idle_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
  std::unique_lock lock(mu_);
  drained_.wait_for(lock, std::chrono::seconds(grace_seconds), [this] { return active_ == 0; });
}

}  // namespace cairn::http
