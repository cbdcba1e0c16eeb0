// `share upload`: the POST policy the client builds is the one the server's verifier accepts,
// and only within its key, prefix, content type and time.
#include "cli/share.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "auth/post_policy.h"
#include "common/encoding.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;
using std::chrono::seconds;

class OneKey : public auth::CredentialLookup {
 public:
  Result<auth::Credentials> Lookup(std::string_view access_key) const override {
    if (access_key != "minioadmin") return Status(Code::kInvalidAccessKeyId, "no");
    return auth::Credentials{"minioadmin", "minioadmin123"};
  }
};

Alias TestAlias() {
  Alias a;
  a.url = "http://127.0.0.1:9000";
  a.access_key = "minioadmin";
  a.secret_key = "minioadmin123";
  return a;
}

TimePoint T0() { return *ParseIso8601("2024-05-01T12:00:00Z"); }

// The form as a browser would send it: the fields, with `key` replaced when asked.
auth::PostForm Form(const UploadShare& share, std::string_view bucket,
                    std::string_view filename = "report.pdf", const std::string* key = nullptr) {
  auth::PostForm form;
  form.bucket = std::string(bucket);
  form.filename = std::string(filename);
  for (const auto& [name, value] : share.form) {
    form.fields.emplace_back(name, name == "key" && key != nullptr ? *key : value);
  }
  return form;
}

std::string Field(const UploadShare& share, std::string_view name) {
  for (const auto& [n, v] : share.form) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(ShareUploadTest, ExactKeyPolicyVerifiesOnTheServer) {
  OneKey keys;
  UploadShare share =
      BuildUploadShare(TestAlias(), "inbox", "a/report.pdf", "", seconds(3600), T0());
  EXPECT_EQ(share.url, "http://127.0.0.1:9000/inbox");
  EXPECT_EQ(Field(share, "key"), "a/report.pdf");
  EXPECT_EQ(Field(share, "bucket"), "inbox");
  EXPECT_EQ(Field(share, "x-amz-algorithm"), "AWS4-HMAC-SHA256");
  EXPECT_EQ(Field(share, "x-amz-credential"), "minioadmin/20240501/us-east-1/s3/aws4_request");
  EXPECT_EQ(Field(share, "x-amz-date"), "20240501T120000Z");
  EXPECT_EQ(Field(share, "Content-Type"), "<absent>");
  EXPECT_EQ(share.form.back().first, "x-amz-signature");
  EXPECT_EQ(Field(share, "x-amz-signature").size(), 64u);

  Json policy = Json::parse(*Base64Decode(Field(share, "policy")));
  EXPECT_EQ(policy["expiration"], "2024-05-01T13:00:00.000Z");
  EXPECT_EQ(policy["conditions"][0], Json::array({"eq", "$bucket", "inbox"}));
  EXPECT_EQ(policy["conditions"][1], Json::array({"eq", "$key", "a/report.pdf"}));

  auto ok = auth::VerifyPostPolicy(Form(share, "inbox"), keys, T0() + seconds(60));
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->key, "a/report.pdf");
  EXPECT_EQ(ok->identity.access_key, "minioadmin");

  std::string other = "a/other.pdf";
  auto wrong_key = auth::VerifyPostPolicy(Form(share, "inbox", "x", &other), keys, T0());
  EXPECT_EQ(wrong_key.status().code(), Code::kAccessDenied);
  auto wrong_bucket = auth::VerifyPostPolicy(Form(share, "outbox"), keys, T0());
  EXPECT_EQ(wrong_bucket.status().code(), Code::kAccessDenied);
  auto expired = auth::VerifyPostPolicy(Form(share, "inbox"), keys, T0() + seconds(3601));
  EXPECT_EQ(expired.status().code(), Code::kExpiredPresignedRequest);
}

TEST(ShareUploadTest, PrefixPolicyTakesAnyNameUnderIt) {
  OneKey keys;
  UploadShare share =
      BuildUploadShare(TestAlias(), "inbox", "photos/", "image/", seconds(60), T0());
  EXPECT_EQ(Field(share, "key"), "photos/${filename}");
  EXPECT_EQ(Field(share, "Content-Type"), "image/");
  Json policy = Json::parse(share.policy_json);
  EXPECT_EQ(policy["conditions"][1], Json::array({"starts-with", "$key", "photos/"}));
  EXPECT_EQ(policy["conditions"][2], Json::array({"starts-with", "$Content-Type", "image/"}));

  // The Content-Type field as a browser fills it in.
  auth::PostForm form = Form(share, "inbox", "cat.png");
  for (auto& [name, value] : form.fields) {
    if (name == "Content-Type") value = "image/png";
  }
  auto ok = auth::VerifyPostPolicy(form, keys, T0());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->key, "photos/cat.png");

  std::string inside = "photos/deep/x.png";
  EXPECT_TRUE(auth::VerifyPostPolicy(Form(share, "inbox", "x", &inside), keys, T0()).ok());
  std::string outside = "other/x.png";
  EXPECT_EQ(auth::VerifyPostPolicy(Form(share, "inbox", "x", &outside), keys, T0()).status().code(),
            Code::kAccessDenied);

  for (auto& [name, value] : form.fields) {
    if (name == "Content-Type") value = "text/html";
  }
  EXPECT_EQ(auth::VerifyPostPolicy(form, keys, T0()).status().code(), Code::kAccessDenied);
}

TEST(ShareUploadTest, WholeBucketAndWrongSecret) {
  OneKey keys;
  UploadShare share = BuildUploadShare(TestAlias(), "inbox", "", "", seconds(60), T0());
  EXPECT_EQ(Field(share, "key"), "${filename}");
  auto ok = auth::VerifyPostPolicy(Form(share, "inbox", "any.bin"), keys, T0());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->key, "any.bin");

  Alias wrong = TestAlias();
  wrong.secret_key = "not-the-secret";
  UploadShare forged = BuildUploadShare(wrong, "inbox", "", "", seconds(60), T0());
  EXPECT_EQ(auth::VerifyPostPolicy(Form(forged, "inbox"), keys, T0()).status().code(),
            Code::kSignatureDoesNotMatch);
}

TEST(ShareUploadTest, CurlLine) {
  UploadShare share = BuildUploadShare(TestAlias(), "inbox", "photos/", "", seconds(60), T0());
  std::string line = UploadShareCurl(share);
  EXPECT_EQ(
      line.rfind("curl http://127.0.0.1:9000/inbox -F bucket=inbox -F 'key=photos/${filename}'"
                 " -F x-amz-algorithm=AWS4-HMAC-SHA256 -F x-amz-credential=minioadmin/",
                 0),
      0u)
      << line;
  EXPECT_NE(line.find(" -F policy="), std::string::npos);
  EXPECT_NE(line.find(" -F x-amz-signature=" + Field(share, "x-amz-signature")), std::string::npos);
  EXPECT_TRUE(line.ends_with(" -F file=@<FILE>")) << line;

  // Values curl would read as a file or as ;type= go through --form-string, quoted.
  UploadShare odd = BuildUploadShare(TestAlias(), "inbox", "@it's;x", "", seconds(60), T0());
  EXPECT_NE(UploadShareCurl(odd).find(" --form-string 'key=@it'\\''s;x'"), std::string::npos)
      << UploadShareCurl(odd);
}

TEST(ShareUploadTest, ShellQuote) {
  EXPECT_EQ(ShellQuote("abc-1.2/x=y"), "abc-1.2/x=y");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$HOME"), "'$HOME'");
}

}  // namespace
}  // namespace cairn::cli
