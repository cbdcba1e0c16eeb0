#include "console/web_security.h"

#include <string>

#include "common/hash.h"

namespace cairn::console {

std::optional<std::string> CookieValue(const Headers& headers, std::string_view name) {
  for (const auto& [field, value] : headers.fields()) {
    if (field != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t end = rest.find(';');
      std::string_view pair = TrimWhitespace(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (TrimWhitespace(pair.substr(0, eq)) != name) continue;
      std::string_view v = TrimWhitespace(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view id, bool secure, std::chrono::seconds max_age) {
  std::string cookie =
      std::string(kSessionCookie) + "=" + std::string(id) +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string ClearedSessionCookie(bool secure) {
  std::string cookie =
      std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string OwnOrigin(const http::Request& request) {
  auto host = request.headers.Get("host");
  if (!host || host->empty()) return "";
  return std::string(request.secure ? "https://" : "http://") + ToLower(*host);
}

namespace {

bool OriginMatches(const http::Request& request) {
  auto origin = request.headers.Get("origin");
  std::string own = OwnOrigin(request);
  if (!origin || own.empty()) return false;
  std::string given = ToLower(TrimWhitespace(*origin));
  if (given == own) return true;
  // Browsers leave the default port out of Origin while a Host header may carry it.
  if (!request.secure && own.ends_with(":80")) return given == own.substr(0, own.size() - 3);
  if (request.secure && own.ends_with(":443")) return given == own.substr(0, own.size() - 4);
  return false;
}

}  // namespace

bool CsrfCheckPasses(const http::Request& request, std::string_view csrf_token) {
  if (request.method == "GET" || request.method == "HEAD") return true;
  if (!OriginMatches(request)) return false;
  auto given = request.headers.Get(kCsrfHeader);
  if (!given || csrf_token.empty()) return false;
  return ConstantTimeEquals(*given, csrf_token);
}

bool LoginCsrfCheckPasses(const http::Request& request) {
  if (!OriginMatches(request)) return false;
  auto type = request.headers.Get("content-type");
  return type && StartsWithIgnoreCase(TrimWhitespace(*type), "application/json");
}

void AddCommonSecurityHeaders(Headers& headers) {
  headers.Set("x-content-type-options", "nosniff");
  headers.Set("referrer-policy", "no-referrer");
  headers.Set("cross-origin-opener-policy", "same-origin");
  headers.Set("cross-origin-resource-policy", "same-origin");
}

void AddPageSecurityHeaders(Headers& headers) {
  AddCommonSecurityHeaders(headers);
  headers.Set("content-security-policy", kPagePolicy);
  headers.Set("x-frame-options", "DENY");
}

void AddProxiedSecurityHeaders(Headers& headers) {
  AddCommonSecurityHeaders(headers);
  headers.Set("content-security-policy", kProxiedPolicy);
  headers.Set("x-frame-options", "SAMEORIGIN");
}

std::string HostWithoutPort(std::string_view host) {
  host = TrimWhitespace(host);
  if (host.empty()) return "";
  if (host.front() == '[') {
    size_t close = host.find(']');
    return std::string(close == std::string_view::npos ? host : host.substr(0, close + 1));
  }
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(':') == colon) host = host.substr(0, colon);
  return std::string(host);
}

}  // namespace cairn::console
