// AES-256-GCM through OpenSSL's EVP interface (AES-NI and PCLMUL when the CPU has them; OpenSSL
// picks them itself). The one authenticated cipher the KMS and the package stream share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::storage::crypto {

inline constexpr size_t kKeySize = 32;    // AES-256
inline constexpr size_t kNonceSize = 12;  // GCM's 96-bit nonce
inline constexpr size_t kTagSize = 16;    // GCM's 128-bit tag

// Encrypts `plain` under `key` (32 bytes) and `nonce` (12 bytes), authenticating `aad` too, and
// appends ciphertext then tag (plain.size() + 16 bytes) to `out`. kInternal only if OpenSSL fails.
Status AeadSeal(std::string_view key, std::string_view nonce, std::string_view aad,
                const char* plain, size_t size, std::string* out);
// The inverse: `sealed` is ciphertext then tag; writes sealed.size() - 16 bytes to `plain`.
// kCorruption when the tag does not verify (wrong key, nonce, aad, or altered bytes): nothing
// written to `plain` may then be used.
Status AeadOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                std::string_view sealed, char* plain);

// `n` bytes from OpenSSL's CSPRNG.
Result<std::string> RandomKeyBytes(size_t n);

}  // namespace cairn::storage::crypto
