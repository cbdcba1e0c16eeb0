#include "common/hash.h"

#include <isa-l/crc.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

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

Digest::Digest(Digest&& other) noexcept : ctx_(other.ctx_), md_(other.md_) {
  other.ctx_ = nullptr;
}

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

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cairn
