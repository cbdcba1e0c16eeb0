// HTTPS: certificate folders (RSA, ECDSA, SNI folders, bad pairs), reload keeping the old set
// on a bad file, and the real server over loopback (handshake, SNI, secure flag, plain HTTP
// answered 400, a silent client cut at the header deadline while others are served).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "http/server.h"
#include "http/tls_context.h"

namespace cairn::http {
namespace {

namespace fs = std::filesystem;

enum class KeyType { kRsa, kEcdsa };

EVP_PKEY* NewKey(KeyType type) {
  return type == KeyType::kRsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
}

// A self-signed certificate for `name` and its key, as public.crt + private.key in `folder`.
void WritePair(const fs::path& folder, const std::string& name, KeyType type,
               EVP_PKEY* key_override = nullptr) {
  fs::create_directories(folder);
  EVP_PKEY* key = NewKey(type);
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  ASSERT_NE(cert, nullptr);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(std::rand() % 100000 + 1));
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* out = std::fopen((folder / "public.crt").c_str(), "w");
  ASSERT_NE(out, nullptr);
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen((folder / "private.key").c_str(), "w");
  ASSERT_NE(out, nullptr);
  PEM_write_PrivateKey(out, key_override != nullptr ? key_override : key, nullptr, nullptr, 0,
                       nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/cairn-tls-test-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string SubjectCn(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return "";
  char cn[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  return cn;
}

TEST(TlsContextTest, LoadsRsaAndEcdsaPairsAndHostFolders) {
  TempDir dir;
  WritePair(dir.path(), "localhost", KeyType::kRsa);
  WritePair(dir.path() / "Other.Test", "other.test", KeyType::kEcdsa);
  fs::create_directories(dir.path() / "CAs");
  auto loaded = TlsContext::Load(dir.path().string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const TlsContext& context = **loaded;
  EXPECT_EQ(context.host_names(), std::vector<std::string>{"other.test"});
  EXPECT_EQ(SubjectCn(context.default_context()), "localhost");
  // SNI names are case-insensitive; unknown names get the default certificate.
  EXPECT_EQ(SubjectCn(context.ForServerName("OTHER.test")), "other.test");
  EXPECT_EQ(context.ForServerName("nobody.test"), context.default_context());
}

TEST(TlsContextTest, RefusesAKeyThatDoesNotMatch) {
  TempDir dir;
  EVP_PKEY* other = NewKey(KeyType::kEcdsa);
  WritePair(dir.path(), "localhost", KeyType::kEcdsa, other);
  EVP_PKEY_free(other);
  auto loaded = TlsContext::Load(dir.path().string());
  ASSERT_FALSE(loaded.ok());
  // OpenSSL notices the mismatch when the key is loaded ("key values mismatch").
  const std::string& why = loaded.status().message();
  EXPECT_TRUE(why.find("mismatch") != std::string::npos ||
              why.find("does not match") != std::string::npos)
      << why;
}

TEST(TlsContextTest, MissingFiles) {
  TempDir dir;
  auto none = HasCertificates(dir.path().string());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);  // no pair at all: plain HTTP
  EXPECT_FALSE(TlsCertificates::Open(dir.path().string()).ok());
  WritePair(dir.path(), "localhost", KeyType::kRsa);
  fs::remove(dir.path() / "private.key");
  EXPECT_FALSE(HasCertificates(dir.path().string()).ok());  // half a pair is an error
  EXPECT_FALSE(TlsContext::Load(dir.path().string()).ok());
  // A host folder with half a pair is refused too.
  WritePair(dir.path(), "localhost", KeyType::kRsa);
  WritePair(dir.path() / "other.test", "other.test", KeyType::kRsa);
  fs::remove(dir.path() / "other.test" / "public.crt");
  EXPECT_FALSE(TlsContext::Load(dir.path().string()).ok());
}

TEST(TlsCertificatesTest, ReloadSwapsAndABadFileKeepsTheOldSet) {
  TempDir dir;
  WritePair(dir.path(), "first", KeyType::kRsa);
  auto opened = TlsCertificates::Open(dir.path().string());
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  TlsCertificates& certs = **opened;
  std::shared_ptr<const TlsContext> first = certs.Current();
  EXPECT_EQ(SubjectCn(first->default_context()), "first");
  bool reloaded = true;
  EXPECT_TRUE(certs.ReloadIfChanged(&reloaded).ok());
  EXPECT_FALSE(reloaded);  // nothing changed

  WritePair(dir.path(), "second", KeyType::kEcdsa);
  EXPECT_TRUE(certs.ReloadIfChanged(&reloaded).ok());
  EXPECT_TRUE(reloaded);
  std::shared_ptr<const TlsContext> second = certs.Current();
  EXPECT_EQ(SubjectCn(second->default_context()), "second");
  // The old set lives on for whoever still holds it (connections opened before).
  EXPECT_EQ(SubjectCn(first->default_context()), "first");

  std::ofstream(dir.path() / "public.crt") << "not a certificate\n";
  EXPECT_FALSE(certs.Reload().ok());
  EXPECT_EQ(certs.Current(), second);
  EXPECT_FALSE(certs.ReloadIfChanged(&reloaded).ok() && reloaded);
  EXPECT_EQ(certs.Current(), second);
}

// ---- The server over loopback ---------------------------------------------------------------

// A body that is a region of an open file, as the store's object files are.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, uint64_t offset, uint64_t length) : fd_(fd), offset_(offset), left_(length) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, left_));
    ssize_t got = ::pread(fd_, buf, want, static_cast<off_t>(offset_));
    if (got < 0) return Status(Code::kIOError, "pread");
    offset_ += static_cast<uint64_t>(got);
    left_ -= static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  std::optional<FileRegion> RemainingFileRegion() override {
    return FileRegion{fd_, offset_, left_};
  }

 private:
  int fd_;
  uint64_t offset_;
  uint64_t left_;
};

constexpr uint64_t kFileOffset = 1000;
constexpr uint64_t kFileBytes = 700 * 1024 + 7;

char FileByte(uint64_t at) { return static_cast<char>('a' + at % 26); }

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      std::ofstream file(dir_.path() / "object.bin", std::ios::binary);
      for (uint64_t i = 0; i < kFileOffset + kFileBytes; ++i) file.put(FileByte(i));
    }
    file_fd_ = ::open((dir_.path() / "object.bin").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(file_fd_, 0);
    WritePair(dir_.path(), "localhost", KeyType::kRsa);
    WritePair(dir_.path() / "other.test", "other.test", KeyType::kEcdsa);
    auto opened = TlsCertificates::Open(dir_.path().string());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.worker_threads = 2;
    options.read_header_timeout = std::chrono::milliseconds(400);
    options.idle_timeout = std::chrono::seconds(5);
    options.tls = std::move(*opened);
    server_ = std::make_unique<Server>(
        options, [this](const Request& request, ByteSource& body, ResponseWriter& out) {
          if (request.path == "/file") {
            // A file body: under TLS the sendfile path falls back to pread + SSL_write.
            FileSource source(file_fd_, kFileOffset, kFileBytes);
            out.SendStream(200, Headers(), kFileBytes, &source).IgnoreError();
            return;
          }
          char buf[4096];
          size_t total = 0;
          for (;;) {
            Result<size_t> n = body.Read(buf, sizeof buf);
            if (!n.ok() || *n == 0) break;
            total += *n;
          }
          saw_secure_.store(request.secure);
          out.Send(200, Headers(), request.path + " len=" + std::to_string(total)).IgnoreError();
        });
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Serve(); });
    client_ = SSL_CTX_new(TLS_client_method());
  }
  void TearDown() override {
    server_->Shutdown(2);
    thread_.join();
    SSL_CTX_free(client_);
    ::close(file_fd_);
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

  // A blocking TLS client session; nullptr when the handshake failed.
  SSL* Handshake(int fd, const char* server_name, int max_version = 0) {
    SSL* ssl = SSL_new(client_);
    if (max_version != 0) {
      SSL_set_min_proto_version(ssl, max_version);
      SSL_set_max_proto_version(ssl, max_version);
    }
    if (server_name != nullptr) SSL_set_tlsext_host_name(ssl, server_name);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
      SSL_free(ssl);
      return nullptr;
    }
    return ssl;
  }

  static std::string PeerCn(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return "";
    char cn[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    X509_free(cert);
    return cn;
  }

  // Sends `request` and reads until the response's body (Content-Length) is complete.
  static std::string Exchange(SSL* ssl, const std::string& request) {
    EXPECT_EQ(SSL_write(ssl, request.data(), static_cast<int>(request.size())),
              static_cast<int>(request.size()));
    std::string got;
    char buf[4096];
    for (int i = 0; i < 5000; ++i) {
      size_t end = got.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t at = got.find("Content-Length: ");
        if (at != std::string::npos && got.size() >= end + 4 + std::stoul(got.substr(at + 16)))
          break;
      }
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) {
        int error = SSL_get_error(ssl, n);
        ADD_FAILURE() << "SSL_read: " << error << " errno " << errno << " after " << got.size();
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }

  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  SSL_CTX* client_ = nullptr;
  std::atomic<bool> saw_secure_{false};
  int file_fd_ = -1;
};

TEST_F(TlsServerTest, ServesRequestsOverTlsWithSecureSet) {
  int fd = Connect();
  SSL* ssl = Handshake(fd, "localhost");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(PeerCn(ssl), "localhost");
  std::string body(100 * 1024, 'b');
  std::string answer = Exchange(ssl, "PUT /put HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(answer.find("/put len=102400"), std::string::npos) << answer;
  EXPECT_TRUE(saw_secure_.load());
  // Keep-alive: a second request on the same session.
  answer = Exchange(ssl, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(answer.find("/again len=0"), std::string::npos) << answer;
  SSL_free(ssl);
  ::close(fd);
}

TEST_F(TlsServerTest, FileBodiesAndChunkedUploadsGoThroughTls) {
  int fd = Connect();
  SSL* ssl = Handshake(fd, "localhost");
  ASSERT_NE(ssl, nullptr);
  std::string answer = Exchange(ssl, "GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  size_t body_at = answer.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos);
  std::string body = answer.substr(body_at + 4);
  ASSERT_EQ(body.size(), kFileBytes);
  std::string expected;
  for (uint64_t i = 0; i < kFileBytes; ++i) expected += FileByte(kFileOffset + i);
  EXPECT_TRUE(body == expected);
  // A chunked body on the same session, in pieces across TLS records.
  std::string chunk(5000, 'c');
  std::string request = "PUT /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "1388\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  answer = Exchange(ssl, request);
  EXPECT_NE(answer.find("/chunked len=15000"), std::string::npos) << answer;
  SSL_free(ssl);
  ::close(fd);
}

TEST_F(TlsServerTest, SniPicksTheHostFolderCertificate) {
  for (const auto& [name, cn] :
       {std::pair{"other.test", "other.test"}, std::pair{"localhost", "localhost"},
        std::pair{"unknown.test", "localhost"}}) {
    int fd = Connect();
    SSL* ssl = Handshake(fd, name);
    ASSERT_NE(ssl, nullptr) << name;
    EXPECT_EQ(PeerCn(ssl), cn) << name;
    EXPECT_NE(Exchange(ssl, "GET /sni HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1 200"),
              std::string::npos);
    SSL_free(ssl);
    ::close(fd);
  }
}

TEST_F(TlsServerTest, Tls12And13NegotiateTls11IsRefused) {
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    int fd = Connect();
    SSL* ssl = Handshake(fd, "localhost", version);
    ASSERT_NE(ssl, nullptr) << version;
    EXPECT_EQ(SSL_version(ssl), version);
    SSL_free(ssl);
    ::close(fd);
  }
  int fd = Connect();
  SSL_CTX_set_security_level(client_, 0);
  EXPECT_EQ(Handshake(fd, "localhost", TLS1_1_VERSION), nullptr);
  ::close(fd);
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortGets400) {
  int fd = Connect();
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string got;
  char buf[1024];
  for (int i = 0; i < 20; ++i) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
  EXPECT_NE(got.find("Client sent an HTTP request to an HTTPS server."), std::string::npos);
  ::close(fd);
}

TEST_F(TlsServerTest, ASilentClientIsCutAtTheHeaderDeadlineAndBlocksNoOne) {
  int silent = Connect();  // connects, never says hello
  auto started = std::chrono::steady_clock::now();
  // Others are served meanwhile.
  for (int i = 0; i < 3; ++i) {
    int fd = Connect();
    SSL* ssl = Handshake(fd, "localhost");
    ASSERT_NE(ssl, nullptr);
    EXPECT_NE(Exchange(ssl, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1 200"),
              std::string::npos);
    SSL_free(ssl);
    ::close(fd);
  }
  char byte;
  ssize_t n = ::recv(silent, &byte, 1, 0);  // returns when the server cuts it (5 s cap)
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LE(n, 0);
  EXPECT_LT(waited, std::chrono::seconds(3));
  ::close(silent);
  // A client that sends half a ClientHello is cut too.
  int half = Connect();
  const unsigned char partial[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
  ASSERT_EQ(::send(half, partial, sizeof partial, MSG_NOSIGNAL), 6);
  started = std::chrono::steady_clock::now();
  n = ::recv(half, &byte, 1, 0);
  EXPECT_LE(n, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  ::close(half);
}

}  // namespace
}  // namespace cairn::http
