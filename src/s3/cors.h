// Cross-origin resource sharing for browsers (docs/cors.md): a bucket's CORSConfiguration as S3
// defines it, and the Access-Control-* answers computed from it. Pure: no I/O.
//
// A bucket without a configuration answers like MinIO's default (MINIO_API_CORS_ALLOW_ORIGIN=*):
// any origin, any of the S3 methods, any requested header, with the response headers browsers
// need exposed. A bucket with one answers only the origins, methods and headers its rules allow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/headers.h"
#include "common/status.h"

namespace cairn::s3 {

struct CorsRule {
  std::string id;
  std::vector<std::string> allowed_origins;  // each with at most one '*'
  std::vector<std::string> allowed_methods;  // GET PUT POST DELETE HEAD
  std::vector<std::string> allowed_headers;  // each with at most one '*', matched any case
  std::vector<std::string> expose_headers;
  std::optional<int64_t> max_age_seconds;
};

struct CorsConfig {
  std::vector<CorsRule> rules;  // 1..100, the first matching rule answers
};

// Parses and validates a CORSConfiguration document. kMalformedXML for XML that does not parse
// or misses required elements (no rule, a rule without AllowedOrigin or AllowedMethod, more
// than 100 rules, a bad MaxAgeSeconds, an ID over 255 characters); kInvalidRequest with AWS's
// message for an unsupported method, a second wildcard, or a wildcard in ExposeHeader.
Result<CorsConfig> ParseCorsConfig(std::string_view xml);

// The configuration as GetBucketCors returns it.
std::string CorsConfigXml(const CorsConfig& config);

// `pattern` with at most one '*' standing for any run of characters.
bool WildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case);

// The first rule allowing `origin`, `method` and every one of `request_headers`, or null.
const CorsRule* MatchCorsRule(const CorsConfig& config, std::string_view origin,
                              std::string_view method,
                              const std::vector<std::string>& request_headers);

// The comma-separated Access-Control-Request-Headers value as a list of lower-case names.
std::vector<std::string> SplitHeaderList(std::string_view value);

// Access-Control-* headers for an actual (non-preflight) request from `origin`, added to `out`.
// `config` null: the default allow-all answer.
void AddCorsResponseHeaders(const CorsConfig* config, std::string_view origin,
                            std::string_view method, Headers& out);

// The headers answering a preflight (OPTIONS) request, or kCorsForbidden when no rule allows it
// and kInvalidRequest without Origin or Access-Control-Request-Method.
Result<Headers> CorsPreflight(const CorsConfig* config, const Headers& request_headers);

}  // namespace cairn::s3
