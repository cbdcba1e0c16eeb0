#include "http/tls_context.h"

#include <spdlog/spdlog.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace cairn::http {

namespace {

namespace fs = std::filesystem;

// TLS 1.2's forward-secret AEAD suites (Mozilla "intermediate"); TLS 1.3 keeps OpenSSL's
// default suites, which are all modern.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

constexpr const char* kCertFile = "public.crt";
constexpr const char* kKeyFile = "private.key";

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Only HTTP/1.1 is spoken: a client offering h2 alone gets no ALPN answer and falls back.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
               unsigned int in_len, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kHttp11, sizeof kHttp11, in, in_len) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

int SelectByServerName(SSL* ssl, int*, void* arg) {
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr) return SSL_TLSEXT_ERR_OK;
  const auto* context = static_cast<const TlsContext*>(arg);
  SSL_CTX* chosen = context->ForServerName(name);
  if (chosen != context->default_context()) SSL_set_SSL_CTX(ssl, chosen);
  return SSL_TLSEXT_ERR_OK;
}

Result<SSL_CTX*> NewServerContext(const fs::path& folder) {
  std::string cert = (folder / kCertFile).string();
  std::string key = (folder / kKeyFile).string();
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status(Code::kInternal, "SSL_CTX_new: " + OpenSslError());
  auto fail = [ctx](std::string why) {
    SSL_CTX_free(ctx);
    return Status(Code::kInvalidArgument, std::move(why));
  };
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Partial writes let the server's write loop work like sendmsg on a non-blocking socket;
  // released buffers keep idle keep-alive connections small.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1)
    return fail("cipher list: " + OpenSslError());
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    return fail("cannot load " + cert + ": " + OpenSslError());
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
    return fail("cannot load " + key + ": " + OpenSslError());
  if (SSL_CTX_check_private_key(ctx) != 1)
    return fail(key + " does not match " + cert + ": " + OpenSslError());
  SSL_CTX_set_alpn_select_cb(ctx, SelectAlpn, nullptr);
  return ctx;
}

// Whether FOLDER holds a certificate pair; an error when it holds half of one.
Result<bool> HasPair(const fs::path& folder) {
  std::error_code ec;
  bool cert = fs::is_regular_file(folder / kCertFile, ec);
  bool key = fs::is_regular_file(folder / kKeyFile, ec);
  if (cert != key) {
    return Status(Code::kInvalidArgument,
                  (folder / (cert ? kKeyFile : kCertFile)).string() + " is missing (" +
                      (folder / (cert ? kCertFile : kKeyFile)).string() + " is there)");
  }
  return cert;
}

// Host folders with a certificate pair, sorted; CAs/ is not one.
Result<std::vector<std::string>> HostFolders(const fs::path& dir) {
  std::vector<std::string> hosts;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    std::string name = it->path().filename().string();
    if (name == "CAs" || name.starts_with('.')) continue;
    CAIRN_ASSIGN_OR_RETURN(bool has_pair, HasPair(it->path()));
    if (has_pair) hosts.push_back(name);
  }
  std::sort(hosts.begin(), hosts.end());
  return hosts;
}

// What identifies the certificate files' current contents, cheaply: path, mtime, size, inode.
std::string Fingerprint(const fs::path& dir) {
  std::string out;
  auto add = [&out](const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      out += file.string() + " -\n";
      return;
    }
    out += file.string() + " " + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_size) + " " +
           std::to_string(st.st_ino) + "\n";
  };
  add(dir / kCertFile);
  add(dir / kKeyFile);
  std::vector<fs::path> folders;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() != "CAs") folders.push_back(it->path());
  }
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    add(folder / kCertFile);
    add(folder / kKeyFile);
  }
  return out;
}

}  // namespace

TlsContext::~TlsContext() {
  for (auto& [host, ctx] : by_host_) SSL_CTX_free(ctx);
  SSL_CTX_free(default_);
}

Result<std::shared_ptr<const TlsContext>> TlsContext::Load(const std::string& dir) {
  fs::path root(dir);
  CAIRN_ASSIGN_OR_RETURN(bool has_default, HasPair(root));
  if (!has_default) {
    return Status(Code::kInvalidArgument,
                  "no " + (root / kCertFile).string() + " and " + (root / kKeyFile).string());
  }
  std::shared_ptr<TlsContext> context(new TlsContext());
  CAIRN_ASSIGN_OR_RETURN(context->default_, NewServerContext(root));
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> hosts, HostFolders(root));
  for (const std::string& host : hosts) {
    CAIRN_ASSIGN_OR_RETURN(SSL_CTX * ctx, NewServerContext(root / host));
    context->by_host_.emplace_back(Lower(host), ctx);
  }
  std::sort(context->by_host_.begin(), context->by_host_.end());
  SSL_CTX_set_tlsext_servername_callback(context->default_, SelectByServerName);
  SSL_CTX_set_tlsext_servername_arg(context->default_, context.get());
  return std::shared_ptr<const TlsContext>(std::move(context));
}

SSL_CTX* TlsContext::ForServerName(std::string_view name) const {
  std::string host = Lower(name);
  auto it =
      std::lower_bound(by_host_.begin(), by_host_.end(), host,
                       [](const auto& entry, const std::string& key) { return entry.first < key; });
  if (it != by_host_.end() && it->first == host) return it->second;
  return default_;
}

SSL* TlsContext::NewServerSsl(int fd) const {
  ERR_clear_error();
  SSL* ssl = SSL_new(default_);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    ERR_clear_error();
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return ssl;
}

std::vector<std::string> TlsContext::host_names() const {
  std::vector<std::string> names;
  for (const auto& [host, ctx] : by_host_) names.push_back(host);
  return names;
}

Result<bool> HasCertificates(const std::string& dir) { return HasPair(fs::path(dir)); }

Result<std::unique_ptr<TlsCertificates>> TlsCertificates::Open(std::string dir) {
  std::unique_ptr<TlsCertificates> certificates(new TlsCertificates(std::move(dir)));
  std::lock_guard lock(certificates->mu_);
  CAIRN_RETURN_IF_ERROR(certificates->LoadLocked(Fingerprint(certificates->dir_)));
  return certificates;
}

TlsCertificates::~TlsCertificates() {
  {
    std::lock_guard lock(watch_mu_);
    watch_stop_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

std::shared_ptr<const TlsContext> TlsCertificates::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

int TlsCertificates::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

Status TlsCertificates::LoadLocked(const std::string& fingerprint) {
  fingerprint_ = fingerprint;
  Result<std::shared_ptr<const TlsContext>> loaded = TlsContext::Load(dir_);
  if (!loaded.ok()) return loaded.status();
  current_ = std::move(*loaded);
  ++generation_;
  return Status::Ok();
}

Status TlsCertificates::Reload() {
  std::lock_guard lock(mu_);
  Status st = LoadLocked(Fingerprint(dir_));
  if (!st.ok()) {
    spdlog::error("kept the current TLS certificates: {}", st.message());
  }
  return st;
}

Status TlsCertificates::ReloadIfChanged(bool* reloaded) {
  if (reloaded != nullptr) *reloaded = false;
  std::string now = Fingerprint(dir_);
  std::lock_guard lock(mu_);
  if (now == fingerprint_) return Status::Ok();
  Status st = LoadLocked(now);
  if (!st.ok()) {
    spdlog::error("kept the current TLS certificates: {}", st.message());
    return st;
  }
  if (reloaded != nullptr) *reloaded = true;
  spdlog::info("reloaded the TLS certificates from {}", dir_);
  return Status::Ok();
}

void TlsCertificates::StartWatching(std::chrono::milliseconds period) {
  if (watcher_.joinable()) return;
  watcher_ = std::thread([this, period] {
    std::unique_lock lock(watch_mu_);
    while (!watch_cv_.wait_for(lock, period, [this] { return watch_stop_; })) {
      lock.unlock();
      ReloadIfChanged().IgnoreError();
      lock.lock();
    }
  });
}

}  // namespace cairn::http
