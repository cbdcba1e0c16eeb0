#include "storage/crypto/aead.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace cairn::storage::crypto {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status Failed(const char* what) { return Status(Code::kInternal, std::string("AES-GCM: ") + what); }

}  // namespace

Status AeadSeal(std::string_view key, std::string_view nonce, std::string_view aad,
                const char* plain, size_t size, std::string* out) {
  if (key.size() != kKeySize || nonce.size() != kNonceSize) return Failed("bad key or nonce size");
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Failed("no context");
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce)) != 1) {
    return Failed("init");
  }
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) {
    return Failed("aad");
  }
  const size_t base = out->size();
  out->resize(base + size + kTagSize);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + base);
  if (size > 0 &&
      EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(plain),
                        static_cast<int>(size)) != 1) {
    return Failed("encrypt");
  }
  if (EVP_EncryptFinal_ex(ctx.get(), dst + size, &len) != 1) return Failed("final");
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          dst + size) != 1) {
    return Failed("tag");
  }
  return Status::Ok();
}

Status AeadOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                std::string_view sealed, char* plain) {
  if (key.size() != kKeySize || nonce.size() != kNonceSize) return Failed("bad key or nonce size");
  if (sealed.size() < kTagSize) return Status(Code::kCorruption, "sealed data shorter than a tag");
  const size_t size = sealed.size() - kTagSize;
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Failed("no context");
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce)) != 1) {
    return Failed("init");
  }
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) {
    return Failed("aad");
  }
  auto* dst = reinterpret_cast<unsigned char*>(plain);
  if (size > 0 &&
      EVP_DecryptUpdate(ctx.get(), dst, &len, Bytes(sealed), static_cast<int>(size)) != 1) {
    return Failed("decrypt");
  }
  // The tag is const for OpenSSL in spirit; its API takes a non-const pointer.
  std::string tag(sealed.substr(size));
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          tag.data()) != 1) {
    return Failed("tag");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), dst + size, &len) != 1) {
    return Status(Code::kCorruption,
                  "authentication failed: the encrypted data or its key differ "
                  "from what was written");
  }
  return Status::Ok();
}

Result<std::string> RandomKeyBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status(Code::kInternal, "the random number generator failed");
  }
  return out;
}

}  // namespace cairn::storage::crypto
