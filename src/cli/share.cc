#include "cli/share.h"

#include <nlohmann/json.hpp>

#include "auth/post_policy.h"
#include "auth/sigv4.h"
#include "cli/s3_client.h"

namespace cairn::cli {

UploadShare BuildUploadShare(const Alias& alias, std::string_view bucket, std::string_view key,
                             std::string_view content_type, std::chrono::seconds expires,
                             TimePoint now) {
  auth::SigningParams params;
  params.access_key = alias.access_key;
  params.secret_key = alias.secret_key;

  UploadShare share;
  share.url = alias.url + ObjectPath(bucket);
  share.expiration = now + expires;
  bool prefix = key.empty() || key.back() == '/';

  using Json = nlohmann::json;
  Json conditions = Json::array();
  conditions.push_back(Json::array({"eq", "$bucket", bucket}));
  conditions.push_back(Json::array({prefix ? "starts-with" : "eq", "$key", key}));
  if (!content_type.empty()) {
    conditions.push_back(Json::array({"starts-with", "$Content-Type", content_type}));
  }
  conditions.push_back(Json::array({"eq", "$x-amz-algorithm", "AWS4-HMAC-SHA256"}));
  conditions.push_back(
      Json::array({"eq", "$x-amz-credential", auth::PostCredentialV4(params, now)}));
  conditions.push_back(Json::array({"eq", "$x-amz-date", FormatAmzDate(now)}));
  Json policy = {{"expiration", FormatIso8601(share.expiration)}, {"conditions", conditions}};
  share.policy_json = policy.dump();

  auth::PostForm form;
  form.fields.emplace_back("bucket", std::string(bucket));
  form.fields.emplace_back("key", prefix ? std::string(key) + "${filename}" : std::string(key));
  if (!content_type.empty()) form.fields.emplace_back("Content-Type", std::string(content_type));
  auth::SignPostFormV4(params, share.policy_json, now, form);
  share.form = std::move(form.fields);
  return share;
}

std::string ShellQuote(std::string_view s) {
  bool plain = !s.empty();
  for (char c : s) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-_./:=@%+,").find(c) != std::string_view::npos;
    if (!safe) plain = false;
  }
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

std::string UploadShareCurl(const UploadShare& share) {
  std::string out = "curl " + ShellQuote(share.url);
  for (const auto& [name, value] : share.form) {
    bool special = !value.empty() && (value[0] == '@' || value[0] == '<');
    special = special || value.find(';') != std::string::npos;
    out += special ? " --form-string " : " -F ";
    out += ShellQuote(name + "=" + value);
  }
  out += " -F file=@<FILE>";
  return out;
}

}  // namespace cairn::cli
