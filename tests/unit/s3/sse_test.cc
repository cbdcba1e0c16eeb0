#include "s3/sse.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::s3 {
namespace {

using storage::SseMode;

Headers Of(std::initializer_list<std::pair<std::string, std::string>> fields) {
  Headers h;
  for (const auto& [n, v] : fields) h.Add(n, v);
  return h;
}

Headers CustomerHeaders(const std::string& key,
                        std::string prefix = "x-amz-server-side-encryption-customer-") {
  return Of({{prefix + "algorithm", "AES256"},
             {prefix + "key", Base64Encode(key)},
             {prefix + "key-md5", Base64Encode(Md5(key))}});
}

TEST(SseTest, SseCTransportIsTlsOrLoopback) {
  http::Request r;
  for (const char* ip : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    r.remote_ip = ip;
    EXPECT_TRUE(SseCTransportAllowed(r)) << ip;
  }
  for (const char* ip : {"10.0.0.1", "192.168.1.5", "::ffff:10.1.2.3", "2001:db8::1", ""}) {
    r.remote_ip = ip;
    EXPECT_FALSE(SseCTransportAllowed(r)) << ip;
  }
  r.remote_ip = "10.0.0.1";
  r.secure = true;
  EXPECT_TRUE(SseCTransportAllowed(r));
}

TEST(SseTest, CustomerKeyParsingAnswersAsAws) {
  const std::string key(32, 'k');
  auto none = CustomerKeyFrom(Headers(), false);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto ok = CustomerKeyFrom(CustomerHeaders(key), false);
  ASSERT_TRUE(ok.ok() && ok->has_value());
  EXPECT_EQ(**ok, key);
  auto copy = CustomerKeyFrom(
      CustomerHeaders(key, "x-amz-copy-source-server-side-encryption-customer-"), true);
  ASSERT_TRUE(copy.ok() && copy->has_value());
  EXPECT_FALSE(
      CustomerKeyFrom(CustomerHeaders(key, "x-amz-copy-source-server-side-encryption-customer-"),
                      false)
          ->has_value());

  Headers bad_md5 = CustomerHeaders(key);
  bad_md5 = Of({{"x-amz-server-side-encryption-customer-algorithm", "AES256"},
                {"x-amz-server-side-encryption-customer-key", Base64Encode(key)},
                {"x-amz-server-side-encryption-customer-key-md5", Base64Encode(Md5("other"))}});
  EXPECT_EQ(CustomerKeyFrom(bad_md5, false).status().code(), Code::kInvalidArgumentS3);
  Headers short_key = CustomerHeaders(std::string(16, 'k'));
  EXPECT_EQ(CustomerKeyFrom(short_key, false).status().code(), Code::kInvalidArgumentS3);
  EXPECT_EQ(
      CustomerKeyFrom(Of({{"x-amz-server-side-encryption-customer-algorithm", "AES128"}}), false)
          .status()
          .code(),
      Code::kInvalidArgumentS3);
  EXPECT_EQ(
      CustomerKeyFrom(Of({{"x-amz-server-side-encryption-customer-algorithm", "AES256"}}), false)
          .status()
          .code(),
      Code::kInvalidArgumentS3);
}

TEST(SseTest, WriteHeadersAndTheirConflicts) {
  auto none = EncryptionFromHeaders(Headers());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->mode, SseMode::kNone);
  auto s3 = EncryptionFromHeaders(Of({{"x-amz-server-side-encryption", "AES256"}}));
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->mode, SseMode::kS3);
  auto kms = EncryptionFromHeaders(
      Of({{"x-amz-server-side-encryption", "aws:kms"},
          {"x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:my-key"},
          {"x-amz-server-side-encryption-context", Base64Encode(R"({"b":"2","a":"1"})")},
          {"x-amz-server-side-encryption-bucket-key-enabled", "true"}}));
  ASSERT_TRUE(kms.ok()) << kms.status().ToString();
  EXPECT_EQ(kms->mode, SseMode::kKms);
  EXPECT_EQ(kms->kms_key_id, "my-key");
  EXPECT_EQ(kms->context, R"({"a":"1","b":"2"})");
  EXPECT_TRUE(kms->bucket_key_enabled);
  auto c = EncryptionFromHeaders(CustomerHeaders(std::string(32, 'z')));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mode, SseMode::kCustomer);
  EXPECT_EQ(c->customer_key, std::string(32, 'z'));

  auto code = [](Headers h) { return EncryptionFromHeaders(h).status().code(); };
  Headers both = CustomerHeaders(std::string(32, 'z'));
  both.Add("x-amz-server-side-encryption", "AES256");
  EXPECT_EQ(code(both), Code::kInvalidArgumentS3) << "SSE-C with SSE-S3";
  EXPECT_EQ(code(Of({{"x-amz-server-side-encryption", "DES"}})), Code::kInvalidArgumentS3);
  EXPECT_EQ(code(Of({{"x-amz-server-side-encryption", "AES256"},
                     {"x-amz-server-side-encryption-aws-kms-key-id", "k"}})),
            Code::kInvalidArgumentS3)
      << "a KMS key id with AES256";
  EXPECT_EQ(code(Of({{"x-amz-server-side-encryption-aws-kms-key-id", "k"}})),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(code(Of({{"x-amz-server-side-encryption", "aws:kms"},
                     {"x-amz-server-side-encryption-context", "not base64!"}})),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(code(Of({{"x-amz-server-side-encryption", "aws:kms"},
                     {"x-amz-server-side-encryption-context", Base64Encode("[1]")}})),
            Code::kInvalidArgumentS3);
  EXPECT_EQ(code(Of({{"x-amz-server-side-encryption", "aws:kms:dsse"}})), Code::kNotImplemented);
}

TEST(SseTest, ResponsesEchoTheMode) {
  Headers out;
  AddEncryptionHeaders(storage::ObjectEncryption{SseMode::kKms, "k1", R"({"a":"1"})", true},
                       Headers(), out);
  EXPECT_EQ(out.Get("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-aws-kms-key-id"), "arn:aws:kms:k1");
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-context"), Base64Encode(R"({"a":"1"})"));
  EXPECT_EQ(out.Get("x-amz-server-side-encryption-bucket-key-enabled"), "true");
  Headers s3;
  AddEncryptionHeaders(storage::ObjectEncryption{SseMode::kS3, "k1", "", false}, Headers(), s3);
  EXPECT_EQ(s3.Get("x-amz-server-side-encryption"), "AES256");
  EXPECT_FALSE(s3.Has("x-amz-server-side-encryption-aws-kms-key-id"));
  Headers c;
  AddEncryptionHeaders(storage::ObjectEncryption{SseMode::kCustomer, "", "", false},
                       CustomerHeaders(std::string(32, 'q')), c);
  EXPECT_EQ(c.Get("x-amz-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_EQ(c.Get("x-amz-server-side-encryption-customer-key-md5"),
            Base64Encode(Md5(std::string(32, 'q'))));
  Headers plain;
  AddEncryptionHeaders(storage::ObjectEncryption{}, Headers(), plain);
  EXPECT_TRUE(plain.empty());
}

}  // namespace
}  // namespace cairn::s3
