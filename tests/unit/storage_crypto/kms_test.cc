#include "storage/crypto/kms.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace cairn::storage::crypto {
namespace {

std::string Spec(const std::string& name, char fill) {
  return name + ":" + Base64Encode(std::string(32, fill));
}

TEST(SecretKeyKmsTest, ParsesNameAndKey) {
  auto kms = ParseSecretKeyKms(Spec("my-key", 'k'));
  ASSERT_TRUE(kms.ok()) << kms.status().ToString();
  EXPECT_EQ((*kms)->DefaultKeyId(), "my-key");
  EXPECT_TRUE((*kms)->HasKey("my-key"));
  EXPECT_FALSE((*kms)->HasKey("other"));
}

TEST(SecretKeyKmsTest, RefusesMalformedSpecs) {
  EXPECT_EQ(ParseSecretKeyKms("no-colon").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseSecretKeyKms(":" + Base64Encode(std::string(32, 'k'))).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ParseSecretKeyKms("k:" + Base64Encode(std::string(31, 'k'))).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ParseSecretKeyKms("k:not base64!").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseSecretKeyKms("a b:" + Base64Encode(std::string(32, 'k'))).status().code(),
            Code::kInvalidArgument);
}

TEST(SecretKeyKmsTest, SealsAndUnseals) {
  auto kms = ParseSecretKeyKms(Spec("k1", 'a'));
  ASSERT_TRUE(kms.ok());
  auto key = (*kms)->GenerateKey("k1", "ctx");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->plaintext.size(), 32u);
  EXPECT_EQ(key->sealed.size(), 12u + 32u + 16u);
  EXPECT_EQ(key->sealed.find(key->plaintext), std::string::npos);
  auto again = (*kms)->GenerateKey("k1", "ctx");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->plaintext, key->plaintext);
  auto plain = (*kms)->Unseal("k1", key->sealed, "ctx");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain, key->plaintext);
}

TEST(SecretKeyKmsTest, WrongKeyContextOrBytesFailCleanly) {
  auto kms = ParseSecretKeyKms(Spec("k1", 'a'));
  auto other = ParseSecretKeyKms(Spec("k1", 'b'));  // same name, other bytes
  auto renamed = ParseSecretKeyKms(Spec("k2", 'a'));
  ASSERT_TRUE(kms.ok() && other.ok() && renamed.ok());
  auto key = (*kms)->GenerateKey("k1", "ctx");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*other)->Unseal("k1", key->sealed, "ctx").status().code(), Code::kCorruption);
  EXPECT_EQ((*renamed)->Unseal("k1", key->sealed, "ctx").status().code(), Code::kKmsKeyNotFound);
  EXPECT_EQ((*kms)->Unseal("k1", key->sealed, "other ctx").status().code(), Code::kCorruption);
  std::string flipped = key->sealed;
  flipped[20] ^= 1;
  EXPECT_EQ((*kms)->Unseal("k1", flipped, "ctx").status().code(), Code::kCorruption);
  EXPECT_EQ((*kms)->Unseal("k1", key->sealed.substr(1), "ctx").status().code(), Code::kCorruption);
  EXPECT_EQ((*kms)->GenerateKey("nope", "").status().code(), Code::kKmsKeyNotFound);
}

TEST(CanonicalContextTest, SortsKeysAndRefusesNonStrings) {
  auto a = CanonicalContext(R"({"b":"2","a":"1"})");
  auto b = CanonicalContext(R"( { "a" : "1", "b" : "2" } )");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, R"({"a":"1","b":"2"})");
  EXPECT_EQ(CanonicalContext(R"({"a":1})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(CanonicalContext("[1]").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(CanonicalContext("not json").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(CanonicalContext({{"x", "1"}, {"a", "2"}}), R"({"a":"2","x":"1"})");
}

}  // namespace
}  // namespace cairn::storage::crypto
