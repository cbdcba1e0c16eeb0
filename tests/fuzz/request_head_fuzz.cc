// The request head, as the server reads it: the bytes go through the server's own head reading
// (http/request_head.h: Beast's parser with the server's limits, then the http::Request), then
// every S3 request parser that reads the head runs on it: the query, the router (path decoding,
// virtual-host buckets with domains), key and bucket validation, body size, write conditions,
// Content-MD5, copy source, part numbers, stored attributes, checksums and the CORS preflight.
//
// Input: the raw head (and possibly body bytes, which are not read), e.g. a captured request.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
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

namespace beast_http = boost::beast::http;

namespace {

// server.cc's ServerOptions::max_header_bytes default.
constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// As Connection::ReadRequestHead: nullopt where the server would answer 400/431 or wait.
std::optional<cairn::http::Request> ParseHead(std::string_view bytes) {
  cairn::http::HeadParser parser;
  cairn::http::ConfigureHeadParser(parser, kMaxHeaderBytes);
  boost::beast::error_code ec;
  size_t used = 0;
  while (!parser.is_header_done()) {
    size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec || n == 0) break;
  }
  if (!parser.is_header_done()) return std::nullopt;
  cairn::http::Request request;
  cairn::http::RequestFromHead(parser, "127.0.0.1", request);
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
