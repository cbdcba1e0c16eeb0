// The request head, as the server reads it: the bytes go through the server's own head reading
// (http/request_head.h: ParseRequestHead with the server's limit, fed as a trickle of reads so
// that resumed scans are exercised too; a chunked head also through Beast's parser), then
// every S3 request parser that reads the head runs on it: the query, the router (path decoding,
// virtual-host buckets with domains), key and bucket validation, body size, write conditions,
// Content-MD5, copy source, part numbers, stored attributes, checksums and the CORS preflight.
//
// Input: the raw head (and possibly body bytes, which are not read), e.g. a captured request.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "common/encoding.h"
#include "http/request.h"
#include "http/request_head.h"
#include "s3/bucket_name.h"
#include "s3/cors.h"
#include "s3/object_headers.h"
#include "s3/query.h"
#include "s3/request_parts.h"
#include "s3/router.h"

namespace {

// server.cc's ServerOptions::max_header_bytes default.
constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// As Connection::ParseHead: nullopt where the server would answer 400/431/501/505 or wait.
std::optional<cairn::http::Request> ParseHead(std::string_view bytes) {
  using cairn::http::HeadStatus;
  cairn::http::Request request;
  size_t scanned = 0;
  cairn::http::HeadResult head;
  // Feed growing prefixes (1, 2, 4, ... bytes, then all) as reads would deliver them; each call
  // must agree with a fresh parse of the same prefix.
  for (size_t n = 1;; n = std::min(bytes.size(), n * 2)) {
    head = cairn::http::ParseRequestHead(bytes.substr(0, n), kMaxHeaderBytes, "127.0.0.1", request,
                                         scanned);
    if (head.status != HeadStatus::kIncomplete || n == bytes.size()) break;
  }
  cairn::http::Request fresh;
  size_t fresh_scanned = 0;
  cairn::http::HeadResult again =
      cairn::http::ParseRequestHead(bytes, kMaxHeaderBytes, "127.0.0.1", fresh, fresh_scanned);
  if (again.status != head.status || again.length != head.length) __builtin_trap();
  if (head.status != HeadStatus::kComplete) return std::nullopt;
  if (head.length > bytes.size() || head.length > kMaxHeaderBytes) __builtin_trap();
  if (request.chunked) {
    cairn::http::ChunkedBodyParser parser;
    (void)cairn::http::StartChunkedBodyParser(parser, bytes.substr(0, head.length));
  }
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  using namespace cairn::s3;
  std::optional<http::Request> parsed =
      ParseHead(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed) return 0;
  const http::Request& request = *parsed;

  // As S3Api::Handle.
  static const RouterOptions kOptions{{"s3.example.com", "localhost"}};
  Query query;
  if (auto params = ParseQuery(request.query)) query = Query(std::move(*params));
  Result<Route> route =
      ResolveRoute(request.method, request.headers.Get("host").value_or(""), request.path, query,
                   kOptions, request.headers.Has("x-amz-copy-source"));
  (void)UriDecode(request.path, false);
  if (route.ok()) {
    (void)ActionFor(route->operation);
    (void)OperationName(route->operation);
    (void)IsValidBucketName(route->bucket);
    (void)ValidateKey(route->key);
  }

  // What the handlers read from the head.
  (void)BodySizeOf(request);
  (void)WriteConditionsFrom(request.headers);
  (void)ContentMd5From(request.headers);
  if (request.headers.Has("x-amz-copy-source")) (void)CopySourceFrom(request.headers);
  if (auto part = query.Get("partNumber")) (void)PartNumberFrom(*part);
  (void)AttributesFromRequest(request.headers);
  (void)ChecksumsFromRequest(request.headers);
  if (request.method == "OPTIONS") (void)CorsPreflight(nullptr, request.headers);
  if (auto origin = request.headers.Get("origin")) {
    Headers out;
    AddCorsResponseHeaders(nullptr, *origin, request.method, out);
  }
  return 0;
}
