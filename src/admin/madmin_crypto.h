// madmin-go's encrypted admin payloads (EncryptData/DecryptData in madmin-go's encrypt.go),
// byte for byte, so MinIO's clients can send and read the bodies MinIO encrypts (add-user,
// list-users, service accounts, config). The secret is the caller's secret key.
//
//   salt (32 random bytes) | id (1 byte) | nonce (8 random bytes) | sio-go DARE 2.0 stream
//
// id 0: Argon2id (time 1, 64 MiB, 4 lanes, 32-byte key) + AES-256-GCM; id 1: Argon2id +
// ChaCha20-Poly1305; id 2: PBKDF2-HMAC-SHA256 (8192 rounds) + AES-256-GCM (madmin's FIPS mode).
// The stream (github.com/secure-io/sio-go): the plaintext in 16 KiB fragments, each sealed with
// the 12-byte nonce `nonce | LE32(sequence)`, sequence 1, 2, ...; the associated data of every
// fragment is `flag | tag`, flag 0x80 on the last fragment and 0x00 before it, tag the AEAD's tag
// of the empty message under sequence 0. Every fragment but the last holds exactly 16 KiB; the
// last holds the rest (nothing only when the plaintext is empty).
//
// Deriving an Argon2id key costs 64 MiB and tens of milliseconds: callers decrypt only bodies of
// requests whose signature has been verified, and cap their size; at most two derivations run at
// once (others wait), so concurrent admin calls cannot exhaust memory. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::admin {

enum class MadminCipher : uint8_t {
  kArgon2idAesGcm = 0x00,
  kArgon2idChaCha20Poly1305 = 0x01,
  kPbkdf2AesGcm = 0x02,
};

// The ciphertext of `data` under `password`, with a fresh random salt and nonce. Errors:
// kInternal when OpenSSL or libargon2 fail (out of memory).
Result<std::string> MadminEncrypt(std::string_view password, std::string_view data,
                                  MadminCipher cipher = MadminCipher::kArgon2idAesGcm);

// The plaintext of a MadminEncrypt (or madmin.EncryptData) ciphertext. Errors:
// kInvalidArgument for a payload that is too short, names an unknown algorithm, was encrypted
// under another password, or was changed in any byte (truncated, reordered, extended).
Result<std::string> MadminDecrypt(std::string_view password, std::string_view ciphertext);

// madmin.IsEncrypted: longer than the salt and with a known algorithm id after it.
bool MadminIsEncrypted(std::string_view data);

}  // namespace cairn::admin
