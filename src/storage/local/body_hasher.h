// Hashing a body as it streams in: MD5 for the ETag plus every x-amz-checksum-* the client asked
// for, in one pass; and the reads that pull a body to its declared end.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/encoding.h"
#include "common/hash.h"
#include "common/headers.h"
#include "common/status.h"
#include "storage/records.h"

namespace cairn::storage::local {

// ---- Checksums requested by the client (x-amz-checksum-*) ----

enum class ChecksumKind { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

inline std::optional<ChecksumKind> KindOf(std::string_view name) {
  if (name == "crc32") return ChecksumKind::kCrc32;
  if (name == "crc32c") return ChecksumKind::kCrc32c;
  if (name == "crc64nvme") return ChecksumKind::kCrc64Nvme;
  if (name == "sha1") return ChecksumKind::kSha1;
  if (name == "sha256") return ChecksumKind::kSha256;
  return std::nullopt;
}

std::string BigEndian(uint64_t v, int bytes);

class Checksummer {
 public:
  explicit Checksummer(std::string name, ChecksumKind kind, std::string expected)
      : name_(std::move(name)), kind_(kind), expected_(std::move(expected)) {
    if (kind_ == ChecksumKind::kSha1) digest_.emplace(DigestAlgorithm::kSha1);
    if (kind_ == ChecksumKind::kSha256) digest_.emplace(DigestAlgorithm::kSha256);
  }

  void Update(const char* p, size_t n) {
    switch (kind_) {
      case ChecksumKind::kCrc32: crc32_ = Crc32(crc32_, p, n); break;
      case ChecksumKind::kCrc32c: crc32_ = Crc32c(crc32_, p, n); break;
      case ChecksumKind::kCrc64Nvme: crc64_ = Crc64Nvme(crc64_, p, n); break;
      case ChecksumKind::kSha1:
      case ChecksumKind::kSha256: digest_->Update(p, n); break;
    }
  }

  // The base64 of the big-endian digest.
  std::string Value() {
    switch (kind_) {
      case ChecksumKind::kCrc32:
      case ChecksumKind::kCrc32c: return Base64Encode(BigEndian(crc32_, 4));
      case ChecksumKind::kCrc64Nvme: return Base64Encode(BigEndian(crc64_, 8));
      case ChecksumKind::kSha1:
      case ChecksumKind::kSha256: return Base64Encode(digest_->Finish());
    }
    return {};
  }

  const std::string& name() const { return name_; }
  const std::string& expected() const { return expected_; }
  void set_expected(std::string v) { expected_ = std::move(v); }

 private:
  std::string name_;
  ChecksumKind kind_;
  std::string expected_;  // "" = none given (yet)
  uint32_t crc32_ = 0;
  uint64_t crc64_ = 0;
  std::optional<Digest> digest_;
};

// MD5 (the ETag) plus every requested checksum, fed from one pass over the body.
class BodyHasher {
 public:
  static Result<BodyHasher> Make(const Checksums& requested) {
    BodyHasher h;
    for (const auto& [name, expected] : requested) {
      auto kind = KindOf(name);
      if (!kind) return Status(Code::kInvalidRequest, "unknown checksum algorithm " + name);
      auto same = std::find_if(h.sums_.begin(), h.sums_.end(),
                               [&](const Checksummer& c) { return c.name() == name; });
      if (same == h.sums_.end()) {
        h.sums_.emplace_back(name, *kind, expected);
      } else if (same->expected().empty()) {
        same->set_expected(expected);
      }
    }
    return h;
  }

  void Update(const char* p, size_t n) {
    md5_.Update(p, n);
    for (auto& s : sums_) s.Update(p, n);
  }

  // Finishes every digest and compares it with what the client sent (in the request or, for a
  // value left empty, in the body's trailer). kBadDigest on a mismatch.
  Status Verify(const std::optional<std::string>& content_md5, const Headers* trailers,
                std::string* etag, Checksums* checksums) {
    std::string md5 = md5_.Finish();
    if (content_md5 && !ConstantTimeEquals(md5, *content_md5)) {
      return Status(Code::kBadDigest,
                    "the Content-MD5 you specified did not match what we "
                    "received");
    }
    *etag = HexEncode(md5);
    checksums->clear();
    for (auto& s : sums_) {
      std::string expected = s.expected();
      if (expected.empty() && trailers != nullptr) {
        if (auto t = trailers->Get("x-amz-checksum-" + s.name())) {
          expected = std::string(TrimWhitespace(*t));
        }
      }
      std::string actual = s.Value();
      if (!expected.empty() && expected != actual) {
        // Compare the decoded bytes so an equivalent encoding is not rejected.
        auto a = Base64Decode(expected);
        if (!a || *a != *Base64Decode(actual)) {
          return Status(Code::kBadDigest, "the " + s.name() +
                                              " checksum you specified did not match what we "
                                              "received");
        }
      }
      checksums->emplace_back(s.name(), std::move(actual));
    }
    return Status::Ok();
  }

 private:
  BodyHasher() : md5_(DigestAlgorithm::kMd5) {}
  Digest md5_;
  std::vector<Checksummer> sums_;
};
// Reads until `n` bytes or the end of the stream; a body error comes back unchanged.
Result<size_t> ReadFull(ByteSource& body, char* buf, size_t n);
Status IncompleteBody(uint64_t got, uint64_t want);
// After the declared bytes the stream must end; reading to the end also lets a chunked decoder
// verify its final chunk and parse its trailers.
Status ExpectEnd(ByteSource& body);

// `first` to its end, then `second` (a body whose head was read ahead).
class ChainedSource final : public ByteSource {
 public:
  ChainedSource(ByteSource& first, ByteSource& second) : first_(first), second_(second) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (!first_done_) {
      CAIRN_ASSIGN_OR_RETURN(size_t got, first_.Read(buf, n));
      if (got > 0 || n == 0) return got;
      first_done_ = true;
    }
    return second_.Read(buf, n);
  }
  const Headers* trailers() const override { return second_.trailers(); }

 private:
  ByteSource& first_;
  ByteSource& second_;
  bool first_done_ = false;
};

// Base64 values are compared as bytes, so an equivalent encoding is not rejected.
bool SameBase64(const std::string& a, const std::string& b);
const std::string* FindChecksum(const Checksums& sums, std::string_view alg);

// The object checksum of a completed upload, from its parts' stored checksums, as AWS defines
// it: COMPOSITE hashes the concatenated raw part checksums and appends "-N"; FULL_OBJECT is the
// CRC of the whole body, combined from the part CRCs and lengths.
Result<std::string> MultipartChecksum(const std::string& alg, const std::string& type,
                                      const std::vector<ObjectPart>& parts);

}  // namespace cairn::storage::local
