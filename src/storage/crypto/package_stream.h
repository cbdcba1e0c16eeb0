// The encrypted form of an object body (or of one multipart part): independent packages, so a
// range read decrypts only the packages it touches and any altered, moved or missing byte fails
// the read instead of returning wrong bytes.
//
//   body  = package 0 .. package n-1      n = max(1, ceil(size / 64 KiB)): an empty body is one
//                                         empty package, so even it is authenticated
//   package i = AES-256-GCM(stream key, nonce(i), aad = final flag) of plaintext bytes
//               [i * 64 KiB, min(size, (i + 1) * 64 KiB)), then its 16-byte tag
//   stream key = HMAC-SHA256(data key, "cairn/package-stream/v1" || nonce base)
//   nonce(i)   = nonce base XOR (4 zero bytes || big-endian 64-bit i)
//   final flag = one byte, 1 for package n-1, else 0
//
// The nonce base is 12 random bytes per stream (per version, per part), so no two streams share
// a key, and within a stream the sequence number makes every nonce distinct: moving a package
// changes its nonce and fails its tag; cutting the body at a package boundary leaves a last
// package without the final flag, which fails too. Layout in docs/storage-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/byte_source.h"
#include "common/status.h"
#include "storage/crypto/aead.h"

namespace cairn::storage::crypto {

inline constexpr size_t kPackageSize = 64 << 10;
inline constexpr size_t kSealedPackageSize = kPackageSize + kTagSize;
inline constexpr size_t kNonceBaseSize = kNonceSize;
inline constexpr uint64_t kUnknownPlainSize = UINT64_MAX;

// The key and nonce base of one stream.
struct StreamKey {
  std::string key;         // 32 bytes
  std::string nonce_base;  // 12 bytes
};
StreamKey DeriveStreamKey(std::string_view data_key, std::string_view nonce_base);
// A stream key with a fresh random nonce base.
Result<StreamKey> NewStreamKey(std::string_view data_key);

uint64_t PackageCount(uint64_t plain_size);
uint64_t SealedSize(uint64_t plain_size);
std::string PackageNonce(const StreamKey& key, uint64_t sequence);

// Seals package `sequence` (plaintext `size` <= kPackageSize), appending it to `out`.
Status SealPackage(const StreamKey& key, uint64_t sequence, bool final, const char* plain,
                   size_t size, std::string* out);
// A whole body sealed at once (bodies stored inline in their record).
Result<std::string> SealAll(const StreamKey& key, std::string_view plain);

// Reads a plaintext ByteSource and yields its sealed packages. With `plain_size` known it reads
// exactly that many bytes (kIncompleteBody if the source ends early) and never past them; with
// kUnknownPlainSize, to the end of the source. `on_plain` sees every plaintext byte once, in
// order (the store hashes the body with it).
class EncryptingSource final : public ByteSource {
 public:
  using PlainObserver = std::function<void(const char*, size_t)>;
  EncryptingSource(ByteSource& plain, StreamKey key, uint64_t plain_size,
                   PlainObserver on_plain = nullptr);
  Result<size_t> Read(char* buf, size_t n) override;
  // Plaintext bytes consumed so far.
  uint64_t plain_bytes() const { return consumed_; }

 private:
  Status NextPackage();
  ByteSource& plain_;
  StreamKey key_;
  uint64_t limit_;
  PlainObserver on_plain_;
  std::string pending_;  // plaintext read but not yet sealed (at most one package and a byte)
  std::string sealed_;   // the current sealed package
  size_t sealed_pos_ = 0;
  uint64_t consumed_ = 0;
  uint64_t sequence_ = 0;
  bool source_done_ = false;
  bool finished_ = false;  // the final package was produced
};

// Where plaintext bytes [offset, offset+length) of a body of `plain_size` bytes lie in its sealed
// form: whole packages, from the first one they touch to the last.
struct SealedRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t first_package = 0;
};
SealedRange SealedRangeOf(uint64_t plain_size, uint64_t offset, uint64_t length);

// Plaintext bytes [offset, offset+length) from `sealed`, a stream of the sealed packages of
// SealedRangeOf(plain_size, offset, length). The first package is opened here, so a wrong key
// or an altered first package is an error before anything is sent; a later failure is a read
// error (kCorruption), never wrong bytes.
Result<std::unique_ptr<ByteSource>> OpenDecrypting(std::unique_ptr<ByteSource> sealed,
                                                   const StreamKey& key, uint64_t plain_size,
                                                   uint64_t offset, uint64_t length);

}  // namespace cairn::storage::crypto
