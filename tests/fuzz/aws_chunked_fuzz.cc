// The aws-chunked decoder (auth::VerifiedBody) in its three streaming modes, read through a
// ByteSource that hands out the body in small reads of varying size, with varying caller buffer
// sizes, so chunk-size lines, data, CRLFs and trailer fields are split at every position.
//
// Input: byte 0 picks the mode (bits 0-1: 0 STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 1 ...-TRAILER,
// 2 STREAMING-UNSIGNED-PAYLOAD-TRAILER, 3 plain SHA-256 of the empty body) and whether
// x-amz-decoded-content-length is known (bit 2); byte 1 & 15 is the count k of read sizes that
// follow; then, with bit 2, the decimal decoded length and '\n'; the rest is the body. The
// signed modes use the key and seed signature of the AWS documentation's streaming example
// (tests/fuzz/make_seeds.py builds bodies whose signatures verify).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "auth/canonical.h"
#include "auth/sigv4.h"
#include "fuzz_util.h"

namespace {

const cairn::auth::Identity& BaseIdentity() {
  static const cairn::auth::Identity identity = [] {
    cairn::auth::Identity id;
    id.anonymous = false;
    id.access_key = "AKIAIOSFODNN7EXAMPLE";
    id.amz_date = "20130524T000000Z";
    id.scope = "20130524/us-east-1/s3/aws4_request";
    id.region = "us-east-1";
    id.signing_key = cairn::auth::DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                                   "20130524", "us-east-1", "s3");
    id.seed_signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    return id;
  }();
  return identity;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  fuzz::Input in(data, size);
  uint8_t flags = in.Byte();
  size_t k = in.Byte() & 15;
  std::string sizes;
  for (size_t i = 0; i < k; ++i) sizes.push_back(static_cast<char>(in.Byte()));

  auth::Identity id = BaseIdentity();
  switch (flags & 3) {
    case 0: id.payload = auth::PayloadMode::kStreamingSigned; break;
    case 1: id.payload = auth::PayloadMode::kStreamingSignedTrailer; break;
    case 2: id.payload = auth::PayloadMode::kStreamingUnsignedTrailer; break;
    default:
      id.payload = auth::PayloadMode::kSha256;
      id.payload_sha256_hex = std::string(auth::kEmptySha256Hex);
      break;
  }
  if (flags & 4) {
    std::string_view line = in.Line();
    uint64_t n = 0;
    for (char c : line.substr(0, 19)) n = n * 10 + static_cast<uint64_t>(c & 15) % 10;
    id.decoded_content_length = n;
  }

  fuzz::SmallReadSource raw(in.Rest(), sizes);
  std::unique_ptr<ByteSource> body = auth::VerifiedBody(raw, id);
  char buf[512];
  uint64_t total = 0;
  for (size_t turn = 0;; ++turn) {
    size_t want =
        sizes.empty() ? sizeof buf : (static_cast<uint8_t>(sizes[turn % k]) * 7) % sizeof buf + 1;
    Result<size_t> got = body->Read(buf, want);
    if (!got.ok()) break;
    if (*got > want) abort();  // a source never returns more than asked
    if (*got == 0) {
      // The streaming modes hold the body to x-amz-decoded-content-length.
      if (id.payload != auth::PayloadMode::kSha256 && id.decoded_content_length &&
          total != *id.decoded_content_length) {
        abort();
      }
      if (const Headers* trailers = body->trailers()) {
        for (const auto& [name, value] : trailers->fields()) {
          if (name.empty()) abort();
          (void)value;
        }
      }
      break;
    }
    total += *got;
  }
  return 0;
}
