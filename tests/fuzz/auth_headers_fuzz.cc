// Request authentication: the SigV4 Authorization header parser (ParseAuthorization and the
// credential / signed-headers parsers under it), the canonical URI, query and headers, the
// SigV2 string to sign, and the whole Verifier on the request: header SigV4 and SigV2, presigned
// SigV4 (X-Amz-* query) and SigV2 (AWSAccessKeyId/Signature/Expires). When the request verifies,
// the rest of the input is its body, read through VerifiedBody (aws-chunked when it says so).
//
// Input: byte 0 holds flags (bit 0: virtual-host bucket "examplebucket"; bit 1: the verifier
// accepts only region us-east-1); then lines: method, raw path, raw query, header lines
// "Name: value" up to an empty line; the rest is the body. "now" is the request's own
// x-amz-date / X-Amz-Date / Date when it has one, so captured requests stay in their window.
// The one known key is the AWS documentation's example key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "auth/canonical.h"
#include "auth/sigv2.h"
#include "auth/sigv4.h"
#include "common/encoding.h"
#include "common/time.h"
#include "fuzz_util.h"

namespace {

class OneKey final : public cairn::auth::CredentialLookup {
 public:
  cairn::Result<cairn::auth::Credentials> Lookup(std::string_view access_key) const override {
    if (access_key != "AKIAIOSFODNN7EXAMPLE") {
      return cairn::Status(cairn::Code::kInvalidAccessKeyId, "");
    }
    return cairn::auth::Credentials{"AKIAIOSFODNN7EXAMPLE",
                                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  }
};

cairn::TimePoint RequestTime(const cairn::Headers& headers, std::string_view raw_query) {
  using namespace cairn;
  if (auto date = headers.Get("x-amz-date")) {
    if (auto t = ParseAmzDate(*date)) return *t;
    if (auto t = ParseHttpDate(*date)) return *t;
  }
  if (auto params = ParseQuery(raw_query)) {
    for (const auto& [name, value] : *params) {
      if (name == "X-Amz-Date") {
        if (auto t = ParseAmzDate(value)) return *t;
      }
    }
  }
  if (auto date = headers.Get("date")) {
    if (auto t = ParseHttpDate(*date)) return *t;
  }
  return *ParseAmzDate("20130524T000000Z");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  fuzz::Input in(data, size);
  uint8_t flags = in.Byte();
  std::string method(in.Line());
  std::string path(in.Line());
  std::string query(in.Line());
  Headers headers;
  for (int i = 0; i < 64 && !in.empty(); ++i) {
    std::string_view line = in.Line();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.Add(line.substr(0, colon), TrimWhitespace(line.substr(colon + 1)));
  }
  std::string_view body = in.Rest();
  std::string_view vhost = (flags & 1) ? "examplebucket" : "";

  // The parsers one by one.
  if (auto authorization = headers.Get("authorization")) {
    auto parsed = auth::ParseAuthorization(*authorization);
    if (parsed.ok()) {
      if (parsed->signed_headers.empty()) abort();
      (void)parsed->credential.Scope();
      (void)auth::CanonicalHeaders(headers, parsed->signed_headers);
      (void)auth::JoinSignedHeaders(parsed->signed_headers);
    }
  }
  (void)auth::CanonicalUri(path);
  (void)auth::CanonicalQuery(query, flags & 4);
  (void)auth::CanonicalAmzHeadersV2(headers);
  (void)auth::CanonicalResourceV2(vhost, path, query);
  (void)auth::StringToSignV2(method, headers, headers.Get("date").value_or(""), vhost, path, query);

  // The verifier, as S3Api::Handle calls it, then the body it protects.
  static const OneKey keys;
  static const auth::Verifier any_region(keys);
  static const auth::Verifier us_east_1(keys, "us-east-1");
  const auth::Verifier& verifier = (flags & 2) ? us_east_1 : any_region;
  auth::RequestView view{method, path, query, &headers, vhost};
  Result<auth::Identity> who = verifier.Verify(view, RequestTime(headers, query));
  if (!who.ok()) return 0;
  if (who->anonymous && !who->access_key.empty()) abort();
  MemorySource raw(body.data(), body.size());
  std::unique_ptr<ByteSource> verified = auth::VerifiedBody(raw, *who);
  char buf[1024];
  for (int i = 0; i < 1024; ++i) {
    Result<size_t> got = verified->Read(buf, sizeof buf);
    if (!got.ok() || *got == 0) break;
  }
  return 0;
}
