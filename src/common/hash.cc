#include "common/hash.h"

#include <isa-l/crc.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace cairn {

namespace {
// Fetched once: EVP_md5() and friends make every EVP_DigestInit_ex look the implementation up
// again in the provider store (a lock and a hash-table probe), about a third of a short hash.
struct Mds {
  EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
};

const EVP_MD* MdFor(DigestAlgorithm algorithm) {
  static const Mds mds;
  const EVP_MD* md = nullptr;
  switch (algorithm) {
    case DigestAlgorithm::kMd5: md = mds.md5; break;
    case DigestAlgorithm::kSha1: md = mds.sha1; break;
    case DigestAlgorithm::kSha256: md = mds.sha256; break;
  }
  if (md == nullptr) std::abort();
  return md;
}

// One SHA-256 context per thread for one-shot hashes (signatures, canonical requests): no
// allocation, no provider context set-up per hash.
EVP_MD_CTX* ThreadSha256() {
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx c;
  if (c.ctx == nullptr) std::abort();
  return c.ctx;
}

constexpr size_t kSha256Size = 32;
constexpr size_t kSha256Block = 64;

// SHA-256 of the concatenation of `parts` into out[32].
void Sha256Parts(std::initializer_list<std::string_view> parts, unsigned char* out) {
  EVP_MD_CTX* ctx = ThreadSha256();
  if (EVP_DigestInit_ex2(ctx, MdFor(DigestAlgorithm::kSha256), nullptr) != 1) std::abort();
  for (std::string_view p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
}

std::string_view AsView(const unsigned char* p, size_t n) {
  return std::string_view(reinterpret_cast<const char*>(p), n);
}
}  // namespace

Digest::Digest(DigestAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()), md_(MdFor(algorithm)) {
  if (ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) std::abort();
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
  EVP_DigestInit_ex2(ctx_, md_, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

size_t Digest::size() const { return static_cast<size_t>(EVP_MD_get_size(md_)); }

std::string Md5(std::string_view data) {
  Digest d(DigestAlgorithm::kMd5);
  d.Update(data);
  return d.Finish();
}

std::string Sha256(std::string_view data) {
  unsigned char out[kSha256Size];
  Sha256Parts({data}, out);
  return std::string(AsView(out, sizeof out));
}

std::string Sha256Hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char raw[kSha256Size];
  Sha256Parts({data}, raw);
  std::string out(2 * kSha256Size, '\0');
  for (size_t i = 0; i < kSha256Size; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 15];
  }
  return out;
}

// RFC 2104 over the thread's SHA-256 context: OpenSSL's HMAC() one-shot builds and frees an
// EVP_MAC and two digest contexts per call, several times the cost of the hashing itself.
std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char k[kSha256Block] = {};
  if (key.size() > kSha256Block) {
    Sha256Parts({key}, k);
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  unsigned char pad[kSha256Block];
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = k[i] ^ 0x36;
  unsigned char inner[kSha256Size];
  Sha256Parts({AsView(pad, sizeof pad), data}, inner);
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = k[i] ^ 0x5c;
  unsigned char out[kSha256Size];
  Sha256Parts({AsView(pad, sizeof pad), AsView(inner, sizeof inner)}, out);
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  return std::string(AsView(out, sizeof out));
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
