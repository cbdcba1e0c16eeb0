// The policy languages: IAM policy JSON (iam::policy::ParsePolicy, identity and bucket kinds,
// then evaluation, IsPublic and the bucket resource check), and the POST Object policy
// document (auth::VerifyPostPolicy). Byte 0 picks (mod 3, so seeds start with a digit):
//   0 identity policy, 1 bucket policy: the rest is the JSON document;
//   2 POST policy: form fields "name=value", one a line, up to an empty line, then the policy
//     JSON. The target signs the form itself (SignPostFormV4 with a known key), so the
//     verifier reaches the policy's JSON, its expiration and its conditions.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "auth/post_policy.h"
#include "fuzz_util.h"
#include "iam/policy/policy.h"

namespace {

class OneKey final : public cairn::auth::CredentialLookup {
 public:
  cairn::Result<cairn::auth::Credentials> Lookup(std::string_view access_key) const override {
    if (access_key != "AKIAIOSFODNN7EXAMPLE") {
      return cairn::Status(cairn::Code::kInvalidAccessKeyId, "");
    }
    return cairn::auth::Credentials{"AKIAIOSFODNN7EXAMPLE",
                                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  }
};

void FuzzIamPolicy(std::string_view json, cairn::iam::policy::PolicyKind kind) {
  namespace policy = cairn::iam::policy;
  auto parsed = policy::ParsePolicy(json, policy::ParseOptions{kind});
  if (!parsed.ok()) return;
  policy::RequestContext context;
  context.principal_arn = "arn:aws:iam:::user/alice";
  context.username = "alice";
  context.values["aws:SourceIp"] = {"192.168.1.10"};
  context.values["s3:prefix"] = {"home/alice/"};
  context.values["aws:CurrentTime"] = {"2013-05-24T00:00:00Z"};
  context.values["aws:SecureTransport"] = {"false"};
  std::string resource = policy::S3ResourceArn("examplebucket", "home/alice/photo.jpg");
  for (const char* action : {"s3:GetObject", "s3:ListBucket", "admin:CreateUser"}) {
    (void)policy::Evaluate(*parsed, policy::Request{action, resource, &context});
    (void)policy::Evaluate(*parsed, policy::Request{action, resource, nullptr});
  }
  (void)policy::IsPublic(*parsed);
  (void)policy::CheckBucketPolicyResources(*parsed, "examplebucket");
}

void FuzzPostPolicy(cairn::fuzz::Input& in) {
  using namespace cairn;
  auth::PostForm form;
  form.bucket = "examplebucket";
  form.filename = "photo.jpg";
  for (int i = 0; i < 32 && !in.empty(); ++i) {
    std::string_view line = in.Line();
    if (line.empty()) break;
    size_t eq = line.find('=');
    form.fields.emplace_back(std::string(line.substr(0, eq)),
                             eq == std::string_view::npos ? "" : std::string(line.substr(eq + 1)));
  }
  std::string_view json = in.Rest();
  static const OneKey keys;
  TimePoint now = *ParseAmzDate("20130524T000000Z");
  auth::SigningParams params{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  auth::PostForm signed_form = form;
  auth::SignPostFormV4(params, json, now, signed_form);
  (void)auth::VerifyPostPolicy(signed_form, keys, now);
  auth::PostForm v2_form = form;
  auth::SignPostFormV2(params, json, v2_form);
  (void)auth::VerifyPostPolicy(v2_form, keys, now);
  (void)auth::VerifyPostPolicy(form, keys, now);  // as sent: usually anonymous or unsigned
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::fuzz::Input in(data, size);
  switch (in.Byte() % 3) {
    case 0: FuzzIamPolicy(in.Rest(), cairn::iam::policy::PolicyKind::kIdentity); break;
    case 1: FuzzIamPolicy(in.Rest(), cairn::iam::policy::PolicyKind::kBucket); break;
    default: FuzzPostPolicy(in); break;
  }
  return 0;
}
