// The console's web files (built by Vite from web/console/ during the build) embedded in the
// binary, and how they are served: right Content-Type, a strong ETag, long caching for the
// content-hashed files under /assets/ and revalidation for index.html.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "common/byte_source.h"
#include "http/request.h"
#include "http/response_writer.h"

namespace cairn::console {

struct Asset {
  std::string_view path;  // "/index.html", "/assets/index-3f2a.js"
  std::string_view etag;  // quoted, from the SHA-256 of the content
  const unsigned char* data;
  size_t size;
};

// Every embedded file (generated at build time into console_assets_data.cc).
std::span<const Asset> EmbeddedAssets();

// The file served for a request path: "/" is index.html; nullptr when there is none.
const Asset* FindAsset(std::span<const Asset> assets, std::string_view path);

// The Content-Type for a file name, from its extension.
std::string_view ContentTypeFor(std::string_view path);

// Answers GET/HEAD for an embedded file: 200, 304 for a matching If-None-Match, 404 when there
// is no such file, 405 for other methods.
void ServeAsset(std::span<const Asset> assets, const http::Request& request,
                http::ResponseWriter& out);

}  // namespace cairn::console
