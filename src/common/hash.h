// Incremental digests over OpenSSL 3 (EVP), used while bodies stream: MD5 for ETags, SHA-256
// for signed payloads, SHA-1 for checksums, HMAC-SHA256 for SigV4.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;
struct evp_md_st;

namespace cairn {

enum class DigestAlgorithm { kMd5, kSha1, kSha256 };

class Digest {
 public:
  explicit Digest(DigestAlgorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Update(const void* data, size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Returns the raw digest and resets for reuse.
  std::string Finish();
  size_t size() const;

 private:
  evp_md_ctx_st* ctx_;
  const evp_md_st* md_;
};

std::string Md5(std::string_view data);     // raw 16 bytes
std::string Sha256(std::string_view data);  // raw 32 bytes
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes

// CRC-32 (IEEE, as zlib and x-amz-checksum-crc32) over ISA-L, continuing from `crc`.
uint32_t Crc32(uint32_t crc, const void* data, size_t n);
// CRC-32C (Castagnoli, as iSCSI and x-amz-checksum-crc32c) over ISA-L, continuing from `crc`
// (0 to start), with the same convention as Crc32.
uint32_t Crc32c(uint32_t crc, const void* data, size_t n);
// CRC-64/NVME (x-amz-checksum-crc64nvme: reflected poly 0xad93d23594c93659, init and xorout all
// ones), continuing from `crc` (0 to start). Table-driven, slicing by 8.
uint64_t Crc64Nvme(uint64_t crc, const void* data, size_t n);

// CRC combination: given crc1 = CRC(A) and crc2 = CRC(B) with len2 = |B| bytes, the CRC of the
// concatenation A||B, without the bytes (zlib's crc32_combine, for each algorithm above). Costs
// O(log len2) carry-less multiplications modulo the polynomial. Multipart FULL_OBJECT checksums
// are built from the parts' CRCs this way.
uint32_t Crc32Combine(uint32_t crc1, uint32_t crc2, uint64_t len2);
uint32_t Crc32cCombine(uint32_t crc1, uint32_t crc2, uint64_t len2);
uint64_t Crc64NvmeCombine(uint64_t crc1, uint64_t crc2, uint64_t len2);

// Compares two strings in time independent of where they differ (for signatures).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cairn
