#include "common/hash.h"

#include <isa-l/crc.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace cairn {

namespace {
const EVP_MD* MdFor(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return EVP_md5();
    case DigestAlgorithm::kSha1: return EVP_sha1();
    case DigestAlgorithm::kSha256: return EVP_sha256();
  }
  std::abort();
}
}  // namespace

Digest::Digest(DigestAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()), md_(MdFor(algorithm)) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, md_, nullptr) != 1) std::abort();
}

Digest::~Digest() {
  if (ctx_ != nullptr) EVP_MD_CTX_free(ctx_);
}

Digest::Digest(Digest&& other) noexcept : ctx_(other.ctx_), md_(other.md_) { other.ctx_ = nullptr; }

Digest& Digest::operator=(Digest&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) EVP_MD_CTX_free(ctx_);
    ctx_ = other.ctx_;
    md_ = other.md_;
    other.ctx_ = nullptr;
  }
  return *this;
}

void Digest::Update(const void* data, size_t n) { EVP_DigestUpdate(ctx_, data, n); }

std::string Digest::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, out, &len);
  EVP_DigestInit_ex(ctx_, md_, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

size_t Digest::size() const { return static_cast<size_t>(EVP_MD_get_size(md_)); }

static std::string OneShot(DigestAlgorithm algorithm, std::string_view data) {
  Digest d(algorithm);
  d.Update(data);
  return d.Finish();
}

std::string Md5(std::string_view data) { return OneShot(DigestAlgorithm::kMd5, data); }
std::string Sha256(std::string_view data) { return OneShot(DigestAlgorithm::kSha256, data); }

std::string Sha256Hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string raw = Sha256(data);
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

uint32_t Crc32(uint32_t crc, const void* data, size_t n) {
  return crc32_gzip_refl(crc, static_cast<const unsigned char*>(data), n);
}

uint32_t Crc32c(uint32_t crc, const void* data, size_t n) {
  // ISA-L's crc32_iscsi neither pre- nor post-inverts, and takes an int length.
  auto* p = static_cast<unsigned char*>(const_cast<void*>(data));
  crc = ~crc;
  while (n > 0) {
    size_t chunk = std::min<size_t>(n, size_t{1} << 30);
    crc = crc32_iscsi(p, static_cast<int>(chunk), crc);
    p += chunk;
    n -= chunk;
  }
  return ~crc;
}

namespace {
// Tables for slicing-by-8 CRC-64/NVME: kCrc64Table[k][b] is the CRC of byte b followed by k zero
// bytes.
struct Crc64Tables {
  uint64_t t[8][256];
  constexpr Crc64Tables() : t() {
    constexpr uint64_t kPolyReflected = 0x9a6c9329ac4bc9b5ULL;  // bit-reverse of 0xad93d23594c93659
    for (uint64_t b = 0; b < 256; ++b) {
      uint64_t crc = b;
      for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? kPolyReflected : 0);
      t[0][b] = crc;
    }
    for (int k = 1; k < 8; ++k) {
      for (int b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
};
constexpr Crc64Tables kCrc64Tables;
}  // namespace

uint64_t Crc64Nvme(uint64_t crc, const void* data, size_t n) {
  const auto& t = kCrc64Tables.t;
  auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);  // little-endian host (x86-64, aarch64)
    crc ^= word;
    crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^
          t[4][(crc >> 24) & 0xff] ^ t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^
          t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

namespace {
// Polynomials over GF(2) in the reflected bit order of these CRCs: for a width-w CRC, bit w-1
// holds x^0 and bit 0 holds x^(w-1). `poly` is the reflected generator without its x^w term.
struct ReflectedCrc {
  int width;
  uint64_t poly;
};

// a * b modulo the polynomial (zlib's multmodp, generalised to 64 bits).
uint64_t MultModP(const ReflectedCrc& c, uint64_t a, uint64_t b) {
  uint64_t m = uint64_t{1} << (c.width - 1);
  uint64_t p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ c.poly : b >> 1;
  }
  return p;
}

// x^(8 * len) modulo the polynomial: the operator that appends `len` zero bytes to a CRC
// register. Square-and-multiply over the bits of len.
uint64_t ZeroBytesOperator(const ReflectedCrc& c, uint64_t len) {
  uint64_t result = uint64_t{1} << (c.width - 1);      // x^0
  uint64_t square = uint64_t{1} << (c.width - 1 - 8);  // x^8: one byte
  while (len != 0) {
    if (len & 1) result = MultModP(c, square, result);
    len >>= 1;
    if (len != 0) square = MultModP(c, square, square);
  }
  return result;
}

// With init and xorout both all ones (true for all three CRCs here), the conditioning cancels:
// CRC(A||B) = CRC(A) * x^(8|B|) + CRC(B).
uint64_t Combine(const ReflectedCrc& c, uint64_t crc1, uint64_t crc2, uint64_t len2) {
  if (len2 == 0) return crc1;
  return MultModP(c, ZeroBytesOperator(c, len2), crc1) ^ crc2;
}

constexpr ReflectedCrc kCrc32Poly{32, 0xedb88320u};
constexpr ReflectedCrc kCrc32cPoly{32, 0x82f63b78u};
constexpr ReflectedCrc kCrc64NvmePoly{64, 0x9a6c9329ac4bc9b5ULL};
}  // namespace

uint32_t Crc32Combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
  return static_cast<uint32_t>(Combine(kCrc32Poly, crc1, crc2, len2));
}

uint32_t Crc32cCombine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
  return static_cast<uint32_t>(Combine(kCrc32cPoly, crc1, crc2, len2));
}

uint64_t Crc64NvmeCombine(uint64_t crc1, uint64_t crc2, uint64_t len2) {
  return Combine(kCrc64NvmePoly, crc1, crc2, len2);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cairn
