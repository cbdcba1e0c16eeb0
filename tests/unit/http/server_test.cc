#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace cairn::http {
namespace {

// Echoes "METHOD PATH QUERY len=<body bytes>" and, for /stream, streams a 300 KiB body.
void EchoHandler(const Request& request, ByteSource& body, ResponseWriter& out) {
  if (request.path == "/no-read") {
    out.Send(403, Headers(), "denied").IgnoreError();
    return;
  }
  if (request.path == "/stream") {
    static const std::string big(300 * 1024, 'x');
    MemorySource source(big.data(), big.size());
    out.SendStream(200, Headers(), big.size(), &source).IgnoreError();
    return;
  }
  size_t total = 0;
  char buf[4096];
  for (;;) {
    Result<size_t> n = body.Read(buf, sizeof buf);
    if (!n.ok()) {
      out.Send(400, Headers(), "body error").IgnoreError();
      return;
    }
    if (*n == 0) break;
    total += *n;
  }
  std::string text =
      request.method + " " + request.path + " " + request.query + " len=" + std::to_string(total);
  Headers headers;
  headers.Add("X-Test", "yes");
  out.Send(200, headers, text).IgnoreError();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.idle_timeout = std::chrono::seconds(5);
    server_ = std::make_unique<Server>(options, EchoHandler);
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Serve(); });
  }
  void TearDown() override {
    server_->Shutdown(2);
    thread_.join();
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

  static void SendText(int fd, const std::string& text) {
    ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(text.size()));
  }

  // Reads until `marker` has been seen `count` times or the peer closes.
  static std::string ReadUntil(int fd, const std::string& marker, int count = 1) {
    std::string got;
    char buf[65536];
    for (;;) {
      int seen = 0;
      for (size_t pos = got.find(marker); pos != std::string::npos;
           pos = got.find(marker, pos + 1)) {
        ++seen;
      }
      if (seen >= count) return got;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return got;
      got.append(buf, static_cast<size_t>(n));
    }
  }

  static bool PeerClosed(int fd) {
    char c;
    return ::recv(fd, &c, 1, 0) == 0;
  }

  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequests) {
  int fd = Connect();
  SendText(fd, "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string first = ReadUntil(fd, "len=0");
  EXPECT_NE(first.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_NE(first.find("X-Test: yes"), std::string::npos);
  EXPECT_NE(first.find("GET /a x=1 len=0"), std::string::npos);
  SendText(fd, "PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
  std::string second = ReadUntil(fd, "len=5");
  EXPECT_NE(second.find("PUT /b  len=5"), std::string::npos) << second;
  ::close(fd);
}

TEST_F(ServerTest, PipelinedRequestsAnswerInOrder) {
  int fd = Connect();
  SendText(fd,
           "PUT /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
           "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string got = ReadUntil(fd, "len=", 2);
  size_t one = got.find("PUT /1  len=3");
  size_t two = got.find("GET /2  len=0");
  ASSERT_NE(one, std::string::npos);
  ASSERT_NE(two, std::string::npos);
  EXPECT_LT(one, two);
  ::close(fd);
}

TEST_F(ServerTest, ChunkedTransferEncodingIsDecoded) {
  int fd = Connect();
  SendText(fd,
           "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  EXPECT_NE(ReadUntil(fd, "len=").find("len=11"), std::string::npos);
  ::close(fd);
}

// Clients (the AWS SDK for JavaScript among them) write chunk headers in separate packets.
TEST_F(ServerTest, ChunkHeaderSplitAcrossPacketsIsDecoded) {
  int fd = Connect();
  SendText(fd, "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  SendText(fd, "0\r\n0123456789abcdef\r");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  SendText(fd, "\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  SendText(fd, "0\r\n\r\n");
  EXPECT_NE(ReadUntil(fd, "len=").find("len=16"), std::string::npos);
  ::close(fd);
}

// A large body the handler refused: the answer must reach a client still sending, not be lost
// to a reset when the server closes with unread input.
TEST_F(ServerTest, EarlyAnswerSurvivesAClientStillSending) {
  int fd = Connect();
  SendText(fd, "PUT /no-read HTTP/1.1\r\nHost: h\r\nContent-Length: 8388608\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string chunk(64 * 1024, 'z');
  size_t sent = 0;
  while (sent < 8u * 1024 * 1024) {
    ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    ASSERT_GT(n, 0) << "server reset the connection after " << sent << " bytes";
    sent += static_cast<size_t>(n);
  }
  std::string got = ReadUntil(fd, "denied");
  EXPECT_NE(got.find("HTTP/1.1 403"), std::string::npos);
  EXPECT_NE(got.find("Connection: close"), std::string::npos);
  ::close(fd);
}

TEST_F(ServerTest, ExpectContinueSendsInterimResponse) {
  int fd = Connect();
  SendText(fd, "PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(ReadUntil(fd, "\r\n\r\n").find("HTTP/1.1 100 Continue"), std::string::npos);
  SendText(fd, "data");
  EXPECT_NE(ReadUntil(fd, "len=").find("len=4"), std::string::npos);
  ::close(fd);
}

TEST_F(ServerTest, UnreadExpectContinueBodyClosesConnection) {
  int fd = Connect();
  SendText(
      fd, "PUT /no-read HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
  std::string got = ReadUntil(fd, "denied");
  EXPECT_NE(got.find("HTTP/1.1 403"), std::string::npos);
  EXPECT_EQ(got.find("100 Continue"), std::string::npos);
  EXPECT_NE(got.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(PeerClosed(fd));
  ::close(fd);
}

TEST_F(ServerTest, SmallUnreadBodyIsDrainedAndConnectionKept) {
  int fd = Connect();
  SendText(fd, "PUT /no-read HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd");
  ReadUntil(fd, "denied");
  SendText(fd, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_NE(ReadUntil(fd, "len=").find("GET /next  len=0"), std::string::npos);
  ::close(fd);
}

TEST_F(ServerTest, StreamsLargeBodyAndHeadSendsNoBody) {
  int fd = Connect();
  SendText(fd, "GET /stream HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string got;
  char buf[65536];
  while (got.size() < 300 * 1024) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    got.append(buf, static_cast<size_t>(n));
  }
  size_t head_end = got.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_NE(got.find("Content-Length: 307200"), std::string::npos);
  while (got.size() < head_end + 4 + 300 * 1024) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got.size(), head_end + 4 + 300 * 1024);
  SendText(fd, "HEAD /stream HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string head = ReadUntil(fd, "\r\n\r\n");
  EXPECT_NE(head.find("Content-Length: 307200"), std::string::npos);
  SendText(fd, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string after = ReadUntil(fd, "len=");
  // Nothing of a body followed the HEAD answer: the next bytes are the next response.
  EXPECT_EQ(after.rfind("HTTP/1.1 200 OK", 0), 0u) << after.substr(0, 40);
  ::close(fd);
}

TEST_F(ServerTest, MalformedRequestGets400AndClose) {
  int fd = Connect();
  SendText(fd, "THIS IS NOT HTTP\r\n\r\n");
  std::string got = ReadUntil(fd, "\r\n\r\n");
  EXPECT_NE(got.find("HTTP/1.1 400"), std::string::npos);
  EXPECT_TRUE(PeerClosed(fd));
  ::close(fd);
}

TEST_F(ServerTest, BodyCutShortIsAnError) {
  int fd = Connect();
  SendText(fd, "PUT /short HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly-this");
  ::shutdown(fd, SHUT_WR);
  std::string got = ReadUntil(fd, "body error");
  EXPECT_NE(got.find("HTTP/1.1 400"), std::string::npos);
  ::close(fd);
}

TEST_F(ServerTest, ShutdownClosesIdleConnectionsPromptly) {
  int fd = Connect();
  SendText(fd, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
  ReadUntil(fd, "len=0");
  auto start = std::chrono::steady_clock::now();
  server_->Shutdown(5);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(PeerClosed(fd));
  ::close(fd);
}

}  // namespace
}  // namespace cairn::http
