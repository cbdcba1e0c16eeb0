// Every XML request body the S3 layer parses. Byte 0 picks the parser (its value mod 4, so the
// seeds start with a digit): 0 CompleteMultipartUpload, 1 Delete (DeleteObjects),
// 2 CreateBucketConfiguration, 3 CORSConfiguration; the rest is the body.
//
// Beyond not crashing, a CORS configuration that parses must survive the round trip through
// CorsConfigXml, which is how BucketCors stores it: a stored configuration that no longer
// parses would make the server refuse to start (BucketCors::Open answers kCorruption).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_util.h"
#include "s3/cors.h"
#include "s3/request_xml.h"

namespace {

bool SameRules(const cairn::s3::CorsConfig& a, const cairn::s3::CorsConfig& b) {
  if (a.rules.size() != b.rules.size()) return false;
  for (size_t i = 0; i < a.rules.size(); ++i) {
    const auto& x = a.rules[i];
    const auto& y = b.rules[i];
    if (x.id != y.id || x.allowed_origins != y.allowed_origins ||
        x.allowed_methods != y.allowed_methods || x.allowed_headers != y.allowed_headers ||
        x.expose_headers != y.expose_headers || x.max_age_seconds != y.max_age_seconds) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  using namespace cairn::s3;
  fuzz::Input in(data, size);
  uint8_t which = in.Byte() % 4;
  std::string_view xml = in.Rest();
  switch (which) {
    case 0: {
      auto parts = ParseCompleteMultipartUpload(xml);
      if (parts.ok()) {
        if (parts->empty() || parts->size() > kMaxCompletedParts) abort();
        for (const auto& part : *parts) {
          if (part.number < 1 || part.number > 10000) abort();
        }
      }
      break;
    }
    case 1: {
      auto request = ParseDeleteObjects(xml);
      if (request.ok() &&
          (request->objects.empty() || request->objects.size() > kMaxDeleteObjects)) {
        abort();
      }
      break;
    }
    case 2: (void)ParseCreateBucketConfiguration(xml); break;
    case 3: {
      auto config = ParseCorsConfig(xml);
      if (!config.ok()) break;
      std::string stored = CorsConfigXml(*config);
      auto again = ParseCorsConfig(stored);
      if (!again.ok() || !SameRules(*config, *again)) {
        fprintf(stderr, "CORS round trip failed: %s\nstored: %s\n",
                again.ok() ? "rules differ" : again.status().ToString().c_str(), stored.c_str());
        abort();
      }
      // What every browser request then does with the rules.
      Headers preflight;
      preflight.Add("origin", "https://app.example.com");
      preflight.Add("access-control-request-method", "PUT");
      preflight.Add("access-control-request-headers", "content-type, x-amz-date");
      (void)CorsPreflight(&*config, preflight);
      Headers out;
      AddCorsResponseHeaders(&*config, "http://localhost:3000", "GET", out);
      break;
    }
  }
  return 0;
}
