// The front door's limits, driven through a real Server on 127.0.0.1 with raw sockets and
// millisecond deadlines: header and idle timeouts, a stalled body, the connection cap, a full
// worker queue, the writer's guard against control bytes, and handlers that throw.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace cairn::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class FrontDoorTest : public ::testing::Test {
 protected:
  // Starts a server with `options` (host and port are filled in) and `handler`.
  void Start(ServerOptions options, Handler handler) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options, std::move(handler));
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Serve(); });
  }
  void TearDown() override {
    if (server_) {
      server_->Shutdown(milliseconds(500));
      thread_.join();
    }
  }

  int Connect() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
  }

  static bool SendText(int fd, const std::string& text) {
    return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }

  // Everything until the peer closes (or 5 s pass).
  static std::string ReadAll(int fd) {
    std::string got;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return got;
      got.append(buf, static_cast<size_t>(n));
    }
  }

  static std::string ReadUntil(int fd, const std::string& marker) {
    std::string got;
    char buf[4096];
    while (got.find(marker) == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }

  // Waits up to `limit` for the peer to close; the time it took, or nullopt if it did not.
  static std::optional<milliseconds> TimeToClose(int fd, milliseconds limit) {
    auto start = Clock::now();
    pollfd p{fd, POLLIN, 0};
    while (Clock::now() - start < limit) {
      int ready = ::poll(&p, 1, 50);
      if (ready > 0) {
        char buf[4096];
        ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      }
    }
    return std::nullopt;
  }

  std::unique_ptr<Server> server_;
  std::thread thread_;
};

void Ok(const Request&, ByteSource& body, ResponseWriter& out) {
  char buf[4096];
  size_t total = 0;
  for (;;) {
    Result<size_t> n = body.Read(buf, sizeof buf);
    if (!n.ok()) {
      out.Send(400, Headers(), "body error: " + n.status().message()).IgnoreError();
      return;
    }
    if (*n == 0) break;
    total += *n;
  }
  out.Send(200, Headers(), "ok len=" + std::to_string(total)).IgnoreError();
}

TEST_F(FrontDoorTest, TricklingHeadIsClosedAtTheHeaderDeadline) {
  ServerOptions options;
  options.read_header_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(5000);
  Start(options, Ok);
  int fd = Connect();
  const std::string head =
      "GET /slow HTTP/1.1\r\nHost: h\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  auto start = Clock::now();
  bool closed = false;
  // One byte every 50 ms: progress never stops, but the whole head takes ~3 s.
  for (size_t i = 0; i < head.size() && Clock::now() - start < std::chrono::seconds(3); ++i) {
    if (!SendText(fd, head.substr(i, 1))) {
      closed = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      char c;
      if (::recv(fd, &c, 1, MSG_DONTWAIT) == 0) {
        closed = true;
        break;
      }
    }
  }
  auto took = Clock::now() - start;
  EXPECT_TRUE(closed) << "a trickled head was served";
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(1500));
  ::close(fd);
}

TEST_F(FrontDoorTest, NormalClientIsServedWhileAnotherTrickles) {
  ServerOptions options;
  options.read_header_timeout = milliseconds(1000);
  Start(options, Ok);
  int slow = Connect();
  ASSERT_TRUE(SendText(slow, "GET /slow HTTP/1.1\r\nHo"));
  int fast = Connect();
  ASSERT_TRUE(SendText(fast, "GET /fast HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_NE(ReadUntil(fast, "ok len=0").find("200 OK"), std::string::npos);
  EXPECT_TRUE(TimeToClose(slow, milliseconds(3000)).has_value());
  ::close(slow);
  ::close(fast);
}

TEST_F(FrontDoorTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = milliseconds(300);
  Start(options, Ok);
  int fd = Connect();
  ASSERT_TRUE(SendText(fd, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_NE(ReadUntil(fd, "ok len=0").find("200 OK"), std::string::npos);
  std::optional<milliseconds> took = TimeToClose(fd, milliseconds(3000));
  ASSERT_TRUE(took.has_value());
  EXPECT_GE(took->count(), 200);
  EXPECT_LT(took->count(), 1500);
  ::close(fd);
}

TEST_F(FrontDoorTest, IdleTimerRestartsForEachRequest) {
  ServerOptions options;
  options.idle_timeout = milliseconds(400);
  Start(options, Ok);
  int fd = Connect();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(SendText(fd, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
    EXPECT_NE(ReadUntil(fd, "ok len=0").find("200 OK"), std::string::npos) << i;
    std::this_thread::sleep_for(milliseconds(250));
  }
  ::close(fd);
}

TEST_F(FrontDoorTest, StalledBodyFailsTheReadAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = milliseconds(300);
  Start(options, Ok);
  int fd = Connect();
  auto start = Clock::now();
  ASSERT_TRUE(SendText(fd, "PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nhalf"));
  std::string got = ReadAll(fd);
  auto took = Clock::now() - start;
  EXPECT_NE(got.find("body error"), std::string::npos) << got;
  EXPECT_NE(got.find("stalled"), std::string::npos) << got;
  EXPECT_GE(took, milliseconds(250));
  EXPECT_LT(took, milliseconds(2000));
  ::close(fd);
}

TEST_F(FrontDoorTest, ConnectionOverTheCapGets503AndClose) {
  ServerOptions options;
  options.max_connections = 2;
  options.overload_response = [] {
    CannedResponse r;
    r.status = 503;
    r.headers.Add("content-type", "application/xml");
    r.body = "<Error><Code>SlowDown</Code></Error>";
    return r;
  };
  Start(options, Ok);
  int a = Connect();
  int b = Connect();
  // Both are counted once the server has accepted them.
  for (int i = 0; i < 200 && server_->connection_count() < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(server_->connection_count(), 2);
  int c = Connect();
  ASSERT_TRUE(SendText(c, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string refused = ReadAll(c);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("<Code>SlowDown</Code>"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Connection: close"), std::string::npos) << refused;
  // The counted ones are still served, and a slot frees when one closes.
  ASSERT_TRUE(SendText(a, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_NE(ReadUntil(a, "ok len=0").find("200 OK"), std::string::npos);
  ::close(b);
  for (int i = 0; i < 200 && server_->connection_count() > 1; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  int d = Connect();
  ASSERT_TRUE(SendText(d, "GET /d HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_NE(ReadUntil(d, "ok len=0").find("200 OK"), std::string::npos);
  ::close(a);
  ::close(c);
  ::close(d);
}

TEST_F(FrontDoorTest, FullWorkerQueueGets503) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> running{0};
  ServerOptions options;
  options.worker_threads = 1;
  options.max_queued_requests = 1;
  Start(options, [&](const Request& request, ByteSource& body, ResponseWriter& out) {
    if (request.path == "/block") {
      ++running;
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::seconds(5), [&] { return release; });
    }
    Ok(request, body, out);
  });
  int first = Connect();
  ASSERT_TRUE(SendText(first, "GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  for (int i = 0; i < 200 && running.load() == 0; ++i) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_EQ(running.load(), 1);
  int queued = Connect();
  ASSERT_TRUE(SendText(queued, "GET /queued HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::this_thread::sleep_for(milliseconds(100));
  int refused = Connect();
  ASSERT_TRUE(SendText(refused, "GET /refused HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string answer = ReadAll(refused);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_NE(ReadUntil(first, "ok len=0").find("200 OK"), std::string::npos);
  EXPECT_NE(ReadUntil(queued, "ok len=0").find("200 OK"), std::string::npos);
  ::close(first);
  ::close(queued);
  ::close(refused);
}

// Only about one thread per core waits for sockets; the rest stand by. Handlers that block
// (a slow disk) must not leave other clients unserved: standby threads take over.
TEST_F(FrontDoorTest, BlockedHandlersDoNotStallOtherClients) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> running{0};
  ServerOptions options;
  options.worker_threads = 6;
  Start(options, [&](const Request& request, ByteSource& body, ResponseWriter& out) {
    if (request.path == "/block") {
      ++running;
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::seconds(5), [&] { return release; });
    }
    Ok(request, body, out);
  });
  std::vector<int> blocked;
  for (int i = 0; i < 4; ++i) {
    blocked.push_back(Connect());
    ASSERT_TRUE(SendText(blocked.back(), "GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  }
  for (int i = 0; i < 400 && running.load() < 4; ++i) std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(running.load(), 4);
  auto start = Clock::now();
  int fast = Connect();
  ASSERT_TRUE(SendText(fast, "GET /fast HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_NE(ReadUntil(fast, "ok len=0").find("200 OK"), std::string::npos);
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  for (int fd : blocked) {
    EXPECT_NE(ReadUntil(fd, "ok len=0").find("200 OK"), std::string::npos);
    ::close(fd);
  }
  ::close(fast);
}

CannedResponse InternalXml() {
  CannedResponse r;
  r.status = 500;
  r.headers.Add("content-type", "application/xml");
  r.body = "<Error><Code>InternalError</Code></Error>";
  return r;
}

TEST_F(FrontDoorTest, ThrowingHandlerGets500AndServerLives) {
  ServerOptions options;
  options.internal_error_response = InternalXml;
  Start(options, [](const Request& request, ByteSource& body, ResponseWriter& out) {
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/throw-int") throw 42;
    if (request.path == "/throw-late") {
      static const std::string big(1 << 20, 'x');
      out.Send(200, Headers(), big).IgnoreError();
      throw std::logic_error("after sending");
    }
    Ok(request, body, out);
  });
  for (const char* path : {"/throw", "/throw-int"}) {
    int fd = Connect();
    ASSERT_TRUE(SendText(fd, std::string("GET ") + path + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    std::string got = ReadAll(fd);
    EXPECT_EQ(got.rfind("HTTP/1.1 500", 0), 0u) << path << ": " << got;
    EXPECT_NE(got.find("<Code>InternalError</Code>"), std::string::npos) << got;
    ::close(fd);
  }
  // Thrown after the answer went out: the connection closes; nothing more is appended.
  int late = Connect();
  ASSERT_TRUE(SendText(late, "GET /throw-late HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string got = ReadAll(late);
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(got.find("HTTP/1.1 500"), std::string::npos);
  ::close(late);
  int fd = Connect();
  ASSERT_TRUE(SendText(fd, "GET /fine HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_NE(ReadUntil(fd, "ok len=0").find("200 OK"), std::string::npos);
  ::close(fd);
}

TEST_F(FrontDoorTest, HandlerThatSendsNothingGets500) {
  ServerOptions options;
  options.internal_error_response = InternalXml;
  Start(options, [](const Request&, ByteSource&, ResponseWriter&) {});
  int fd = Connect();
  ASSERT_TRUE(SendText(fd, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string got = ReadAll(fd);
  EXPECT_EQ(got.rfind("HTTP/1.1 500", 0), 0u) << got;
  EXPECT_NE(got.find("InternalError"), std::string::npos) << got;
  ::close(fd);
}

TEST(ResponseHeadTest, RefusesControlBytesInNamesAndValues) {
  for (int c = 0; c < 256; ++c) {
    bool allowed = c == '\t' || (c >= 0x20 && c != 0x7f);
    Headers value;
    value.Add("x-test", std::string("a") + static_cast<char>(c) + "b");
    EXPECT_EQ(ResponseHead(200, value, 0, false).ok(), allowed) << "value byte " << c;
  }
  for (const char* name : {"x\r\nset-cookie", "x y", "x:y", "x\ty", "x\x7f"}) {
    Headers headers;
    headers.Add(name, "v");
    EXPECT_FALSE(ResponseHead(200, headers, 0, false).ok()) << name;
  }
  Headers fine;
  fine.Add("content-type", "text/plain; charset=\"utf-8\"\twith tab");
  Result<std::string> head = ResponseHead(200, fine, 5, true);
  ASSERT_TRUE(head.ok());
  EXPECT_NE(head->find("Content-Type: text/plain"), std::string::npos);
  EXPECT_NE(head->find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(head->find("Connection: close\r\n"), std::string::npos);
}

TEST_F(FrontDoorTest, WriterRefusesASplitHeadAndAnswers500) {
  ServerOptions options;
  options.internal_error_response = InternalXml;
  Start(options, [](const Request& request, ByteSource&, ResponseWriter& out) {
    Headers headers;
    headers.Add("content-type", "text/plain\r\nSet-Cookie: evil=1");
    if (request.path == "/stream") {
      MemorySource source("abc", 3);
      EXPECT_FALSE(out.SendStream(200, headers, 3, &source).ok());
    } else {
      EXPECT_FALSE(out.Send(200, headers, "body").ok());
    }
  });
  for (const char* path : {"/send", "/stream"}) {
    int fd = Connect();
    ASSERT_TRUE(SendText(fd, std::string("GET ") + path + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    std::string got = ReadAll(fd);
    EXPECT_EQ(got.rfind("HTTP/1.1 500", 0), 0u) << path << ": " << got;
    EXPECT_EQ(got.find("evil"), std::string::npos) << got;
    EXPECT_EQ(got.find("Set-Cookie"), std::string::npos) << got;
    ::close(fd);
  }
}

TEST_F(FrontDoorTest, ShutdownLetsARequestInFlightFinish) {
  std::atomic<bool> started{false};
  ServerOptions options;
  Start(options, [&](const Request& request, ByteSource& body, ResponseWriter& out) {
    started = true;
    std::this_thread::sleep_for(milliseconds(300));
    Ok(request, body, out);
  });
  int fd = Connect();
  ASSERT_TRUE(SendText(fd, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"));
  for (int i = 0; i < 200 && !started.load(); ++i) std::this_thread::sleep_for(milliseconds(5));
  server_->Shutdown(milliseconds(3000));
  thread_.join();
  std::string got = ReadAll(fd);
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  server_.reset();
  ::close(fd);
}

TEST_F(FrontDoorTest, ShutdownCutsABodyThatOutlastsTheGrace) {
  std::atomic<bool> returned{false};
  ServerOptions options;
  options.idle_timeout = milliseconds(10000);
  Start(options, [&](const Request& request, ByteSource& body, ResponseWriter& out) {
    Ok(request, body, out);
    returned = true;
  });
  int fd = Connect();
  ASSERT_TRUE(SendText(fd, "PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nx"));
  std::this_thread::sleep_for(milliseconds(100));
  auto start = Clock::now();
  server_->Shutdown(milliseconds(200));
  thread_.join();
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
  // Shutdown returned only after the handler did.
  EXPECT_TRUE(returned.load());
  server_.reset();
  ::close(fd);
}

TEST_F(FrontDoorTest, ManyIdleConnectionsAreHeldAndTrafficFlows) {
  ServerOptions options;
  Start(options, Ok);
  std::vector<int> idle;
  for (int i = 0; i < 500; ++i) idle.push_back(Connect());
  int fd = Connect();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(SendText(fd, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
    EXPECT_NE(ReadUntil(fd, "ok len=0").find("200 OK"), std::string::npos);
  }
  for (int i = 0; i < 200 && server_->connection_count() < 501; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(server_->connection_count(), 501);
  for (int s : idle) ::close(s);
  ::close(fd);
}

// The input buffer starts small and grows: a head past its first size is still read whole,
// and one past the limit is refused.
TEST_F(FrontDoorTest, LargeHeadsAreReadUpToTheLimit) {
  Start(ServerOptions(), Ok);
  int fd = Connect();
  ASSERT_TRUE(SendText(fd, "GET /big HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(40000, 'b') +
                               "\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string got = ReadUntil(fd, "ok len=0");
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got.substr(0, 60);
  if (got.find("ok len=0") == got.rfind("ok len=0")) got += ReadUntil(fd, "ok len=0");
  EXPECT_NE(got.find("ok len=0"), got.rfind("ok len=0")) << "the pipelined request after it";
  ::close(fd);
  fd = Connect();
  SendText(fd, "GET /huge HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(70000, 'b') + "\r\n\r\n");
  got = ReadAll(fd);
  EXPECT_EQ(got.rfind("HTTP/1.1 431", 0), 0u) << got.substr(0, 60);
  ::close(fd);
}

}  // namespace
}  // namespace cairn::http
