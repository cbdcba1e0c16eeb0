// madmin-go's encrypted payloads: Cairn reads what madmin.EncryptData wrote (every algorithm id,
// fragment boundaries at and around 16 KiB; tests/data/madmin/vectors.txt from gen_vectors.go),
// reads back what it writes, and refuses a wrong password and any changed byte.
#include "admin/madmin_crypto.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace cairn::admin {
namespace {

struct Vector {
  int id = 0;
  std::string password;
  std::string plaintext;
  std::string ciphertext;
};

std::string Unhex(const std::string& hex) {
  if (hex == "-") return "";
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<Vector> LoadVectors() {
  std::ifstream in(std::string(CAIRN_MADMIN_DATA_DIR) + "/vectors.txt");
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Vector v;
    std::string password, plaintext, ciphertext;
    fields >> v.id >> password >> plaintext >> ciphertext;
    v.password = Unhex(password);
    v.plaintext = Unhex(plaintext);
    v.ciphertext = Unhex(ciphertext);
    out.push_back(std::move(v));
  }
  return out;
}

TEST(MadminCryptoTest, DecryptsMadminGoVectorsOfEveryAlgorithm) {
  std::vector<Vector> vectors = LoadVectors();
  ASSERT_GE(vectors.size(), 11u);
  std::set<int> ids;
  for (const Vector& v : vectors) {
    SCOPED_TRACE("id " + std::to_string(v.id) + ", " + std::to_string(v.plaintext.size()) +
                 " bytes");
    EXPECT_TRUE(MadminIsEncrypted(v.ciphertext));
    Result<std::string> plain = MadminDecrypt(v.password, v.ciphertext);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(*plain, v.plaintext);
    ids.insert(v.id);
  }
  EXPECT_EQ(ids, (std::set<int>{0, 1, 2}));
}

TEST(MadminCryptoTest, RefusesWrongPasswordAndEveryKindOfTampering) {
  std::vector<Vector> vectors = LoadVectors();
  ASSERT_FALSE(vectors.empty());
  const Vector& small = vectors[0];  // one fragment: the add-user body
  EXPECT_EQ(MadminDecrypt("not-the-secret", small.ciphertext).status().code(),
            Code::kInvalidArgument);
  // A flipped byte anywhere: salt (other key), id (other algorithm or unknown), nonce, body, tag.
  for (size_t at : {size_t{0}, size_t{32}, size_t{35}, size_t{45}, small.ciphertext.size() - 1}) {
    std::string changed = small.ciphertext;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    EXPECT_FALSE(MadminDecrypt(small.password, changed).ok()) << "byte " << at;
  }
  EXPECT_FALSE(MadminDecrypt(small.password, small.ciphertext.substr(0, 50)).ok());
  EXPECT_FALSE(MadminDecrypt(small.password, "").ok());

  // Several fragments: dropping the last one (so a middle one must pose as final), or appending
  // a byte (so the final one must pose as a middle one), both fail.
  for (const Vector& v : vectors) {
    if (v.plaintext.size() <= 16384 || v.id != 0) continue;
    std::string cut = v.ciphertext.substr(0, 41 + 16384 + 16);
    EXPECT_FALSE(MadminDecrypt(v.password, cut).ok());
    EXPECT_FALSE(MadminDecrypt(v.password, v.ciphertext + "x").ok());
  }
}

TEST(MadminCryptoTest, RoundTripsEveryAlgorithmAndSize) {
  for (MadminCipher cipher :
       {MadminCipher::kArgon2idAesGcm, MadminCipher::kArgon2idChaCha20Poly1305,
        MadminCipher::kPbkdf2AesGcm}) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{16383}, size_t{16384}, size_t{16385},
                        size_t{3 * 16384 + 7}}) {
      std::string data(size, '\0');
      for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i * 31 + 5);
      Result<std::string> sealed = MadminEncrypt("a-secret-key", data, cipher);
      ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
      // salt | id | nonce | one 16-byte tag per 16 KiB fragment (at least one).
      size_t fragments = size == 0 ? 1 : (size + 16383) / 16384;
      EXPECT_EQ(sealed->size(), 41 + size + 16 * fragments);
      EXPECT_EQ(static_cast<uint8_t>((*sealed)[32]), static_cast<uint8_t>(cipher));
      Result<std::string> opened = MadminDecrypt("a-secret-key", *sealed);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_EQ(*opened, data);
    }
  }
  // Fresh salt and nonce each time.
  EXPECT_NE(*MadminEncrypt("k", "same"), *MadminEncrypt("k", "same"));
}

TEST(MadminCryptoTest, ConcurrentCallsWaitForAnArgon2SlotAndAllSucceed) {
  // More callers than derivation slots: each waits its turn, none fails or deadlocks.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&ok, i] {
      std::string data = "payload " + std::to_string(i);
      auto sealed = MadminEncrypt("k", data);
      if (!sealed.ok()) return;
      Result<std::string> opened = MadminDecrypt("k", *sealed);
      if (opened.ok() && *opened == data) ++ok;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
}

}  // namespace
}  // namespace cairn::admin
