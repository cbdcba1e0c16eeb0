#include "console/console.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/encoding.h"
#include "common/hash.h"
#include "common/time.h"
#include "console/proxy.h"
#include "console/web_security.h"

namespace cairn::console {

namespace {

using json = nlohmann::json;

constexpr size_t kMaxJsonBody = 64 * 1024;
constexpr int64_t kMaxShareSeconds = 7 * 24 * 3600;  // SigV4's presign limit

void SendJson(http::ResponseWriter& out, int status, const json& value,
              const Headers& extra = Headers()) {
  Headers headers = extra;
  AddPageSecurityHeaders(headers);
  headers.Set("content-type", "application/json");
  headers.Set("cache-control", "no-store");
  out.Send(status, headers, value.dump()).IgnoreError();
}

void SendError(http::ResponseWriter& out, int status, std::string_view code,
               std::string_view message, const Headers& extra = Headers()) {
  SendJson(out, status, json{{"Code", code}, {"Message", message}}, extra);
}

// The body as JSON, read up to kMaxJsonBody; nullopt (error sent) when too large or malformed.
std::optional<json> ReadJson(ByteSource& body, http::ResponseWriter& out) {
  std::string text;
  char buf[8192];
  while (true) {
    auto n = body.Read(buf, sizeof buf);
    if (!n.ok()) {
      SendError(out, 400, "IncompleteBody", "The request body could not be read.");
      return std::nullopt;
    }
    if (*n == 0) break;
    text.append(buf, *n);
    if (text.size() > kMaxJsonBody) {
      SendError(out, 413, "EntityTooLarge", "The request body is too large.");
      return std::nullopt;
    }
  }
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    SendError(out, 400, "InvalidArgument", "The request body must be a JSON object.");
    return std::nullopt;
  }
  return value;
}

std::string StringField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

struct Console::Caller {
  Session session;
  auth::Credentials credentials;
};

Console::Console(ConsoleOptions options, const auth::CredentialLookup& credentials,
                 http::Handler api, std::span<const Asset> assets)
    : options_(std::move(options)),
      credentials_(credentials),
      api_(std::move(api)),
      assets_(assets),
      sessions_(options_.sessions) {}

void Console::Handle(const http::Request& request, ByteSource& body, http::ResponseWriter& out) {
  const std::string& path = request.path;
  if (auto api_path = ApiPathFor(path)) {
    Proxy(request, *api_path, body, out);
    return;
  }
  if (path == "/api/login") {
    if (request.method != "POST") {
      SendError(out, 405, "MethodNotAllowed", "Use POST.");
      return;
    }
    Login(request, body, out);
    return;
  }
  if (path == "/api/logout") {
    if (request.method != "POST") {
      SendError(out, 405, "MethodNotAllowed", "Use POST.");
      return;
    }
    Logout(request, out);
    return;
  }
  if (path == "/api/session") {
    SessionInfo(request, out);
    return;
  }
  if (path == "/api/share") {
    if (request.method != "POST") {
      SendError(out, 405, "MethodNotAllowed", "Use POST.");
      return;
    }
    Share(request, body, out);
    return;
  }
  if (path.starts_with("/api/")) {
    SendError(out, 404, "NotFound", "No such console endpoint.");
    return;
  }
  ServeAsset(assets_, request, out);
}

void Console::Login(const http::Request& request, ByteSource& body, http::ResponseWriter& out) {
  if (!LoginCsrfCheckPasses(request)) {
    SendError(out, 403, "CsrfCheckFailed",
              "Sign-in must come from the console page itself (Origin and JSON body).");
    return;
  }
  auto input = ReadJson(body, out);
  if (!input) return;
  std::string access_key = StringField(*input, "accessKey");
  std::string secret_key = StringField(*input, "secretKey");
  auto found = credentials_.Lookup(access_key);
  // One answer for an unknown key and a wrong secret, so keys cannot be probed.
  if (access_key.empty() || !found.ok() || !ConstantTimeEquals(found->secret_key, secret_key)) {
    SendError(out, 401, "InvalidCredentials", "The access key or secret key is wrong.");
    return;
  }
  Session session = sessions_.Create(access_key, secret_key, Now());
  Headers headers;
  headers.Add("set-cookie", SessionCookie(session.id, request.secure, session.lifetime));
  SendJson(out, 200,
           json{{"accessKey", session.access_key},
                {"csrfToken", session.csrf_token},
                {"expiresAt", FormatIso8601(session.expires())}},
           headers);
}

void Console::Logout(const http::Request& request, http::ResponseWriter& out) {
  Headers headers;
  headers.Add("set-cookie", ClearedSessionCookie(request.secure));
  auto id = CookieValue(request.headers, kSessionCookie);
  if (id) {
    auto session = sessions_.Touch(*id, Now());
    if (session) {
      if (!CsrfCheckPasses(request, session->csrf_token)) {
        SendError(out, 403, "CsrfCheckFailed", "The request did not come from the console page.");
        return;
      }
      sessions_.Remove(*id);
    }
  }
  SendJson(out, 200, json::object(), headers);
}

bool Console::Authenticate(const http::Request& request, http::ResponseWriter& out,
                           Caller& caller) {
  auto id = CookieValue(request.headers, kSessionCookie);
  std::optional<Session> session;
  if (id) session = sessions_.Touch(*id, Now());
  if (!session) {
    SendError(out, 401, "SessionExpired", "Sign in to continue.");
    return false;
  }
  auto credentials = credentials_.Lookup(session->access_key);
  if (!credentials.ok() ||
      !ConstantTimeEquals(Sha256(credentials->secret_key), session->secret_sha256)) {
    // The key was disabled, removed or given a new secret since sign-in.
    sessions_.Remove(session->id);
    SendError(out, 401, "SessionExpired", "The account changed since sign-in; sign in again.");
    return false;
  }
  if (!CsrfCheckPasses(request, session->csrf_token)) {
    SendError(out, 403, "CsrfCheckFailed", "The request did not come from the console page.");
    return false;
  }
  caller.session = std::move(*session);
  caller.credentials = std::move(credentials).value();
  return true;
}

void Console::SessionInfo(const http::Request& request, http::ResponseWriter& out) {
  Caller caller;
  if (!Authenticate(request, out, caller)) return;
  SendJson(out, 200,
           json{{"accessKey", caller.session.access_key},
                {"csrfToken", caller.session.csrf_token},
                {"expiresAt", FormatIso8601(caller.session.expires())}});
}

void Console::Share(const http::Request& request, ByteSource& body, http::ResponseWriter& out) {
  Caller caller;
  if (!Authenticate(request, out, caller)) return;
  auto input = ReadJson(body, out);
  if (!input) return;
  std::string bucket = StringField(*input, "bucket");
  std::string key = StringField(*input, "key");
  int64_t seconds = input->value("expiresSeconds", int64_t{0});
  if (bucket.empty() || key.empty() || seconds < 1 || seconds > kMaxShareSeconds) {
    SendError(out, 400, "InvalidArgument",
              "A share link needs a bucket, a key and an expiry of 1 second to 7 days.");
    return;
  }
  std::string endpoint = options_.api_public_url;
  if (endpoint.empty()) {
    std::string host = HostWithoutPort(request.headers.Get("host").value_or("127.0.0.1"));
    if (host.empty()) host = "127.0.0.1";
    endpoint = std::string(request.secure ? "https://" : "http://") + host + ":" +
               std::to_string(options_.api_port);
  }
  while (endpoint.ends_with('/')) endpoint.pop_back();
  auth::SigningParams params{caller.credentials.access_key, caller.credentials.secret_key,
                             options_.region, "s3"};
  TimePoint now = Now();
  std::string url = auth::PresignUrl(params, "GET", endpoint,
                                     "/" + UriEncode(bucket, false) + "/" + UriEncode(key, true),
                                     "", std::chrono::seconds(seconds), now);
  SendJson(out, 200,
           json{{"url", url}, {"expiresAt", FormatIso8601(now + std::chrono::seconds(seconds))}});
}

void Console::Proxy(const http::Request& request, const std::string& api_path, ByteSource& body,
                    http::ResponseWriter& out) {
  Caller caller;
  if (!Authenticate(request, out, caller)) return;
  auth::SigningParams params{caller.credentials.access_key, caller.credentials.secret_key,
                             options_.region, "s3"};
  http::Request proxied = BuildProxiedRequest(request, api_path, options_.api_host, params, Now());
  ProxiedResponseWriter writer(out);
  api_(proxied, body, writer);
}

bool RedirectBrowserToConsole(const http::Request& request, uint16_t console_port,
                              http::ResponseWriter& out) {
  if (request.method != "GET" || request.path != "/" || !request.query.empty()) return false;
  if (request.headers.Has("authorization")) return false;
  auto accept = request.headers.Get("accept");
  if (!accept || ToLower(*accept).find("text/html") == std::string::npos) return false;
  std::string host = HostWithoutPort(request.headers.Get("host").value_or(""));
  if (host.empty()) return false;
  Headers headers;
  headers.Add("location", std::string(request.secure ? "https://" : "http://") + host + ":" +
                              std::to_string(console_port) + "/");
  headers.Add("content-type", "text/plain; charset=utf-8");
  out.Send(307, headers, "The Cairn console is on port " + std::to_string(console_port) + ".\n")
      .IgnoreError();
  return true;
}

}  // namespace cairn::console
