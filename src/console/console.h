// The web console on its own port (:9001): the embedded single-page app, sign-in sessions, and
// the /api/ endpoints through which the page reaches S3 and the admin API as the signed-in user.
// See docs/console.md.
//
//   GET  /, /assets/...        the app (embedded files)
//   POST /api/login            {accessKey, secretKey} -> {accessKey, csrfToken} + session cookie
//   POST /api/logout           ends the session
//   GET  /api/session          {accessKey, csrfToken, expiresAt} or 401
//   POST /api/share            {bucket, key, expiresSeconds} -> {url}: a presigned GET URL
//   *    /api/s3/<path>        proxied to the S3 API as the user
//   *    /api/admin/<path>     proxied to /cairn/admin/v1/<path> as the user
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "auth/credentials.h"
#include "common/byte_source.h"
#include "console/assets.h"
#include "console/session_store.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "http/server.h"

namespace cairn::console {

struct ConsoleOptions {
  // Host header of proxied requests; any value the API handler does not take for a
  // virtual-host bucket domain ("127.0.0.1:9000").
  std::string api_host;
  uint16_t api_port = 9000;
  // Base of share links ("https://s3.example.com"); empty = the console's host name with
  // api_port, in the scheme the browser used.
  std::string api_public_url;
  std::string region = "us-east-1";
  SessionOptions sessions;
};

class Console {
 public:
  // `api` is the API port's own request handler; `credentials` checks sign-ins and re-checks
  // each session's key on every call. Both must outlive the console.
  Console(ConsoleOptions options, const auth::CredentialLookup& credentials, http::Handler api,
          std::span<const Asset> assets = EmbeddedAssets());

  void Handle(const http::Request& request, ByteSource& body, http::ResponseWriter& out);

  SessionStore& sessions() { return sessions_; }

 private:
  struct Caller;  // a live session with its current credentials
  void Login(const http::Request& request, ByteSource& body, http::ResponseWriter& out);
  void Logout(const http::Request& request, http::ResponseWriter& out);
  void SessionInfo(const http::Request& request, http::ResponseWriter& out);
  void Share(const http::Request& request, ByteSource& body, http::ResponseWriter& out);
  void Proxy(const http::Request& request, const std::string& api_path, ByteSource& body,
             http::ResponseWriter& out);
  // The caller's session, or an error answer already sent.
  bool Authenticate(const http::Request& request, http::ResponseWriter& out, Caller& caller);

  ConsoleOptions options_;
  const auth::CredentialLookup& credentials_;
  http::Handler api_;
  std::span<const Asset> assets_;
  SessionStore sessions_;
};

// On the API port: a browser opening "/" (GET, Accept: text/html, no signature) is sent to the
// console with a 307, at the same host name on `console_port`. Returns true when it answered.
bool RedirectBrowserToConsole(const http::Request& request, uint16_t console_port,
                              http::ResponseWriter& out);

}  // namespace cairn::console
