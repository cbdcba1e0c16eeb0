// `cairn share upload`: mc's browser-form upload. A POST policy (docs/post-object.md) signed
// with SigV4 on the client, and the ready-to-run curl line that posts a file with it. Pure: the
// server's own verifier (auth::VerifyPostPolicy) accepts what this builds, which the unit tests
// check.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"
#include "common/time.h"

namespace cairn::cli {

struct UploadShare {
  std::string url;  // where to POST: "http://host:port/bucket"
  // The form fields in the order they must be sent, before the file part: bucket, key,
  // [Content-Type], x-amz-algorithm, x-amz-credential, x-amz-date, policy, x-amz-signature.
  std::vector<std::pair<std::string, std::string>> form;
  std::string policy_json;  // the document before base64
  TimePoint expiration;
};

// A policy for `bucket` valid `expires` from `now`. A `key` that is empty or ends in '/' is a
// prefix: the policy says ["starts-with", "$key", key] and the form's key is key + "${filename}"
// (the server puts the uploaded file's name there); otherwise ["eq", "$key", key]. A non-empty
// `content_type` adds ["starts-with", "$Content-Type", content_type] and that form field.
// The signing fields are conditioned with "eq", as mc does; signed with alias's keys in the
// region every other request of the client uses (us-east-1).
UploadShare BuildUploadShare(const Alias& alias, std::string_view bucket, std::string_view key,
                             std::string_view content_type, std::chrono::seconds expires,
                             TimePoint now);

// `curl URL -F 'name=value' ... -F file=@<FILE>`, each argument quoted for a POSIX shell. A
// value curl would read specially with -F (starting with '@' or '<', or holding ';') is passed
// with --form-string instead.
std::string UploadShareCurl(const UploadShare& share);

// `s` single-quoted for a POSIX shell when it needs quoting.
std::string ShellQuote(std::string_view s);

}  // namespace cairn::cli
