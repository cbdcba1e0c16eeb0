// The certificates the server presents over HTTPS, loaded from a MinIO-style certs folder:
//   DIR/public.crt + DIR/private.key      the default certificate
//   DIR/<host>/public.crt + private.key   chosen when the client's SNI names <host>
//   DIR/CAs/                              trusted CAs for outgoing calls (not used to serve)
// A TlsContext is immutable once loaded; TlsCertificates swaps in a new one on Reload(), so
// connections keep the context they started with while new handshakes use the new one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace cairn::http {

class TlsContext {
 public:
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Loads DIR's default certificate and every host folder. Errors (kInvalidArgument): no
  // default certificate, a certificate without its key (or the reverse), a key that does not
  // match its certificate, a file OpenSSL cannot read.
  static Result<std::shared_ptr<const TlsContext>> Load(const std::string& dir);

  // The context new connections start with; its SNI callback switches to a host's context.
  SSL_CTX* default_context() const { return default_; }
  // A server-side session on a non-blocking socket, starting with the default context
  // (nullptr when OpenSSL cannot make one). The caller frees it with SSL_free and keeps this
  // context alive as long as the session (its SNI callback points here).
  SSL* NewServerSsl(int fd) const;
  // The context for an SNI name (case-insensitive); the default when no folder matches.
  SSL_CTX* ForServerName(std::string_view name) const;
  // Host folder names, lower-case, sorted.
  std::vector<std::string> host_names() const;

 private:
  TlsContext() = default;
  SSL_CTX* default_ = nullptr;
  std::vector<std::pair<std::string, SSL_CTX*>> by_host_;
};

// Whether DIR holds a default certificate: false when neither public.crt nor private.key is
// there (serve plain HTTP), an error when only one is.
Result<bool> HasCertificates(const std::string& dir);

// The live certificates of a server: Current() for each new handshake; Reload() on SIGHUP;
// StartWatching() polls the files' modification times and reloads when they change. A bad new
// certificate keeps the old one serving and is reported on stderr (and by Reload's status).
class TlsCertificates {
 public:
  static Result<std::unique_ptr<TlsCertificates>> Open(std::string dir);
  ~TlsCertificates();  // stops the watcher

  std::shared_ptr<const TlsContext> Current() const;
  Status Reload();
  // Reloads when a certificate or key file changed (mtime, size or inode) since the last try.
  // `reloaded` (optional) tells whether a new context is now serving.
  Status ReloadIfChanged(bool* reloaded = nullptr);
  void StartWatching(std::chrono::milliseconds period);

  const std::string& dir() const { return dir_; }
  // DIR/CAs: CA certificates to trust for outgoing calls (webhooks); may not exist.
  std::string ca_dir() const { return dir_ + "/CAs"; }
  // Successful loads so far, the first included (for tests and logs).
  int generation() const;

 private:
  explicit TlsCertificates(std::string dir) : dir_(std::move(dir)) {}
  Status LoadLocked(const std::string& fingerprint);

  const std::string dir_;
  mutable std::mutex mu_;
  std::shared_ptr<const TlsContext> current_;  // guarded by mu_
  std::string fingerprint_;                    // of the files at the last attempt
  int generation_ = 0;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;
  std::thread watcher_;
};

}  // namespace cairn::http
