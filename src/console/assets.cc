#include "console/assets.h"

#include <string>

#include "console/web_security.h"

namespace cairn::console {

const Asset* FindAsset(std::span<const Asset> assets, std::string_view path) {
  if (path == "/" || path.empty()) path = "/index.html";
  for (const Asset& asset : assets) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

std::string_view ContentTypeFor(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  for (const Type& t : kTypes) {
    if (path.ends_with(t.extension)) return t.type;
  }
  return "application/octet-stream";
}

void ServeAsset(std::span<const Asset> assets, const http::Request& request,
                http::ResponseWriter& out) {
  Headers headers;
  AddPageSecurityHeaders(headers);
  if (request.method != "GET" && request.method != "HEAD") {
    headers.Add("allow", "GET, HEAD");
    out.Send(405, headers, "").IgnoreError();
    return;
  }
  const Asset* asset = FindAsset(assets, request.path);
  if (asset == nullptr) {
    headers.Add("content-type", "text/plain; charset=utf-8");
    out.Send(404, headers, request.method == "HEAD" ? "" : "Not found\n").IgnoreError();
    return;
  }
  headers.Add("etag", asset->etag);
  // Vite names everything under /assets/ by its content hash, so those never change.
  headers.Add("cache-control", asset->path.starts_with("/assets/")
                                   ? "public, max-age=31536000, immutable"
                                   : "no-cache");
  auto match = request.headers.Get("if-none-match");
  if (match && match->find(asset->etag) != std::string_view::npos) {
    out.Send(304, headers, "").IgnoreError();
    return;
  }
  headers.Add("content-type", ContentTypeFor(asset->path));
  MemorySource body(asset->data, asset->size);
  out.SendStream(200, headers, asset->size, request.method == "HEAD" ? nullptr : &body)
      .IgnoreError();
}

}  // namespace cairn::console
