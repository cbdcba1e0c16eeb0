// The browser-facing safety rules of the console, kept apart so they can be tested alone:
// the session cookie, the CSRF checks (Origin and a per-session header) and the response headers
// (Content-Security-Policy without inline script, nosniff, no framing).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/headers.h"
#include "http/request.h"

namespace cairn::console {

inline constexpr std::string_view kSessionCookie = "cairn_session";
inline constexpr std::string_view kCsrfHeader = "x-cairn-csrf";

// The console page's policy: scripts and styles only from the console's own files (no inline
// script), previews from blob:/data: URLs, no plugins, never framed by another page.
inline constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; frame-src 'self' blob:; frame-ancestors 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'";

// Proxied S3/admin answers carry user data (an uploaded HTML file, say). Opened as a page they
// run sandboxed in an opaque origin with no script, so they can never act as the console; they
// may still be framed by the console itself (PDF and text previews).
inline constexpr std::string_view kProxiedPolicy =
    "sandbox; default-src 'none'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "frame-ancestors 'self'";

// The value of cookie `name` in the request's Cookie header(s), if present.
std::optional<std::string> CookieValue(const Headers& headers, std::string_view name);

// Set-Cookie for a new session: HttpOnly, SameSite=Strict, Path=/, Secure under TLS, Max-Age.
std::string SessionCookie(std::string_view id, bool secure, std::chrono::seconds max_age);
// Set-Cookie that removes the session cookie.
std::string ClearedSessionCookie(bool secure);

// "http://host:port" as the browser names this server: scheme from the connection, authority
// from Host. Empty when the request has no Host.
std::string OwnOrigin(const http::Request& request);

// True when the request may change state on behalf of a session: GET and HEAD always (they
// never do); anything else only with an Origin equal to OwnOrigin() and `csrf_token` echoed in
// X-Cairn-CSRF (a custom header a cross-origin page cannot send without a CORS preflight, which
// the console never grants).
bool CsrfCheckPasses(const http::Request& request, std::string_view csrf_token);

// Sign-in has no session yet: it needs a same-origin Origin and a JSON body (which a cross-origin
// form cannot send without a preflight either).
bool LoginCsrfCheckPasses(const http::Request& request);

// Headers every console response carries.
void AddCommonSecurityHeaders(Headers& headers);
// The page policy (HTML, scripts, console JSON).
void AddPageSecurityHeaders(Headers& headers);
// The policy for proxied S3/admin answers.
void AddProxiedSecurityHeaders(Headers& headers);

// The host part of a Host header value: "example.com:9001" -> "example.com", "[::1]:9001" ->
// "[::1]". Empty for an empty value.
std::string HostWithoutPort(std::string_view host);

}  // namespace cairn::console
