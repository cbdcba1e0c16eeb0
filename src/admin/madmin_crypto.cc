#include "admin/madmin_crypto.h"

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstddef>
#include <memory>
#include <semaphore>

namespace cairn::admin {

namespace {

constexpr size_t kSaltSize = 32;
constexpr size_t kNonceSize = 8;  // sio's stream nonce: the AEAD's 12 bytes less the sequence
constexpr size_t kHeaderSize = kSaltSize + 1 + kNonceSize;
constexpr size_t kKeySize = 32;
constexpr size_t kTagSize = 16;
constexpr size_t kFragmentSize = 1 << 14;  // sio.BufSize
constexpr uint8_t kFinalFlag = 0x80;

constexpr uint32_t kArgon2Time = 1;
constexpr uint32_t kArgon2MemoryKiB = 64 * 1024;
constexpr uint32_t kArgon2Lanes = 4;
constexpr int kPbkdf2Rounds = 8192;
constexpr std::ptrdiff_t kMaxArgon2AtOnce = 2;  // 128 MiB at most

Status NotAuthentic() {
  return Status(Code::kInvalidArgument,
                "The encrypted payload is not authentic: wrong secret key or changed bytes.");
}

bool KnownCipher(uint8_t id) { return id <= static_cast<uint8_t>(MadminCipher::kPbkdf2AesGcm); }

Result<std::string> DeriveKey(MadminCipher cipher, std::string_view password,
                              std::string_view salt) {
  std::string key(kKeySize, '\0');
  if (cipher == MadminCipher::kPbkdf2AesGcm) {
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()),
                          static_cast<int>(salt.size()), kPbkdf2Rounds, EVP_sha256(),
                          static_cast<int>(key.size()),
                          reinterpret_cast<unsigned char*>(key.data())) != 1) {
      return Status(Code::kInternal, "PBKDF2 key derivation failed");
    }
    return key;
  }
  // Each derivation holds 64 MiB for tens of milliseconds, and any signed caller can ask for
  // one (add-service-account decrypts before it knows whether the caller may): at most
  // kMaxArgon2AtOnce run at once, so a burst of admin calls costs time, not the server's memory.
  static std::counting_semaphore<kMaxArgon2AtOnce> slots(kMaxArgon2AtOnce);
  slots.acquire();
  int rc = argon2id_hash_raw(kArgon2Time, kArgon2MemoryKiB, kArgon2Lanes, password.data(),
                             password.size(), salt.data(), salt.size(), key.data(), key.size());
  slots.release();
  if (rc != ARGON2_OK) {
    return Status(Code::kInternal,
                  std::string("Argon2id key derivation failed: ") + argon2_error_message(rc));
  }
  return key;
}

// One AEAD key with sio's nonce schedule. Seal/Open take the sequence number and the associated
// data; the 12-byte nonce is base | LE32(sequence).
class FragmentCipher {
 public:
  FragmentCipher(MadminCipher cipher, std::string key, std::string_view base_nonce)
      : evp_(cipher == MadminCipher::kArgon2idChaCha20Poly1305 ? EVP_chacha20_poly1305()
                                                               : EVP_aes_256_gcm()),
        key_(std::move(key)),
        ctx_(EVP_CIPHER_CTX_new()) {
    nonce_.assign(base_nonce);
    nonce_.resize(kNonceSize + 4, '\0');
  }

  Result<std::string> Seal(uint32_t sequence, std::string_view plaintext, std::string_view aad) {
    if (!ctx_ || !Init(sequence, /*encrypt=*/true)) return Failed();
    std::string out(plaintext.size() + kTagSize, '\0');
    int n = 0;
    if (!Aad(aad) ||
        EVP_EncryptUpdate(ctx_.get(), Bytes(out), &n, Bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx_.get(), Bytes(out) + n, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize,
                            Bytes(out) + plaintext.size()) != 1) {
      return Failed();
    }
    return out;
  }

  // The plaintext, or NotAuthentic() when the tag does not verify.
  Result<std::string> Open(uint32_t sequence, std::string_view sealed, std::string_view aad) {
    if (sealed.size() < kTagSize) return NotAuthentic();
    if (!ctx_ || !Init(sequence, /*encrypt=*/false)) return Failed();
    size_t length = sealed.size() - kTagSize;
    std::string out(length, '\0');
    std::string tag(sealed.substr(length));
    int n = 0;
    if (!Aad(aad) ||
        EVP_DecryptUpdate(ctx_.get(), Bytes(out), &n, Bytes(sealed), static_cast<int>(length)) !=
            1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, tag.data()) != 1) {
      return Failed();
    }
    if (EVP_DecryptFinal_ex(ctx_.get(), Bytes(out) + n, &n) != 1) return NotAuthentic();
    return out;
  }

 private:
  struct CtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
  };

  static unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
  static const unsigned char* Bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
  }
  static Status Failed() { return Status(Code::kInternal, "the AEAD cipher failed"); }

  bool Init(uint32_t sequence, bool encrypt) {
    for (int i = 0; i < 4; ++i) {
      nonce_[kNonceSize + i] = static_cast<char>((sequence >> (8 * i)) & 0xff);
    }
    const unsigned char* key = Bytes(std::string_view(key_));
    const unsigned char* iv = Bytes(std::string_view(nonce_));
    // Both ciphers default to a 12-byte IV, which is sio's nonce size.
    return EVP_CipherInit_ex(ctx_.get(), evp_, nullptr, key, iv, encrypt ? 1 : 0) == 1;
  }

  bool Aad(std::string_view aad) {
    int n = 0;
    return aad.empty() ||
           EVP_CipherUpdate(ctx_.get(), nullptr, &n, Bytes(aad), static_cast<int>(aad.size())) == 1;
  }

  const EVP_CIPHER* evp_;
  std::string key_;
  std::string nonce_;
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx_;
};

// sio's associated data before the flag is set: 0x00 | tag of the empty message, sequence 0.
Result<std::string> StreamAad(FragmentCipher& cipher) {
  CAIRN_ASSIGN_OR_RETURN(std::string tag, cipher.Seal(0, "", ""));
  return std::string(1, '\0') + tag;
}

}  // namespace

Result<std::string> MadminEncrypt(std::string_view password, std::string_view data,
                                  MadminCipher cipher) {
  std::string header(kHeaderSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(header.data()), kSaltSize) != 1 ||
      RAND_bytes(reinterpret_cast<unsigned char*>(header.data()) + kSaltSize + 1, kNonceSize) !=
          1) {
    return Status(Code::kInternal, "no random bytes for the payload's salt and nonce");
  }
  header[kSaltSize] = static_cast<char>(cipher);
  std::string_view salt = std::string_view(header).substr(0, kSaltSize);
  std::string_view nonce = std::string_view(header).substr(kSaltSize + 1);
  CAIRN_ASSIGN_OR_RETURN(std::string key, DeriveKey(cipher, password, salt));
  FragmentCipher aead(cipher, std::move(key), nonce);
  CAIRN_ASSIGN_OR_RETURN(std::string aad, StreamAad(aead));

  std::string out = header;
  out.reserve(kHeaderSize + data.size() + (data.size() / kFragmentSize + 1) * kTagSize);
  size_t full = data.empty() ? 0 : (data.size() - 1) / kFragmentSize;  // the last is never empty
  uint32_t sequence = 1;
  for (size_t i = 0; i < full; ++i, ++sequence) {
    CAIRN_ASSIGN_OR_RETURN(std::string sealed,
                           aead.Seal(sequence, data.substr(i * kFragmentSize, kFragmentSize), aad));
    out += sealed;
  }
  aad[0] = static_cast<char>(kFinalFlag);
  CAIRN_ASSIGN_OR_RETURN(std::string last,
                         aead.Seal(sequence, data.substr(full * kFragmentSize), aad));
  out += last;
  return out;
}

Result<std::string> MadminDecrypt(std::string_view password, std::string_view ciphertext) {
  if (ciphertext.size() < kHeaderSize + kTagSize) {
    return Status(Code::kInvalidArgument, "The encrypted payload is too short.");
  }
  auto id = static_cast<uint8_t>(ciphertext[kSaltSize]);
  if (!KnownCipher(id)) {
    return Status(Code::kInvalidArgument, "The encrypted payload names an unknown algorithm.");
  }
  auto cipher = static_cast<MadminCipher>(id);
  CAIRN_ASSIGN_OR_RETURN(std::string key,
                         DeriveKey(cipher, password, ciphertext.substr(0, kSaltSize)));
  FragmentCipher aead(cipher, std::move(key), ciphertext.substr(kSaltSize + 1, kNonceSize));
  CAIRN_ASSIGN_OR_RETURN(std::string aad, StreamAad(aead));

  std::string_view rest = ciphertext.substr(kHeaderSize);
  std::string out;
  out.reserve(rest.size());
  constexpr size_t kSealedFragment = kFragmentSize + kTagSize;
  // As sio's reader: a fragment is the last one exactly when no byte follows a full fragment.
  for (uint32_t sequence = 1;; ++sequence) {
    bool last = rest.size() <= kSealedFragment;
    if (last) aad[0] = static_cast<char>(kFinalFlag);
    std::string_view sealed = rest.substr(0, last ? rest.size() : kSealedFragment);
    CAIRN_ASSIGN_OR_RETURN(std::string plain, aead.Open(sequence, sealed, aad));
    out += plain;
    if (last) return out;
    rest.remove_prefix(kSealedFragment);
  }
}

bool MadminIsEncrypted(std::string_view data) {
  return data.size() > kSaltSize && KnownCipher(static_cast<uint8_t>(data[kSaltSize]));
}

}  // namespace cairn::admin
