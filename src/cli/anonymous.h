// Anonymous access as mc manages it: canned bucket-policy statements per bucket prefix, written
// in the same shapes as mc (minio-go pkg/policy) so policies set by either tool read the same.
//
// For `download` on prefix P of bucket B:
//   Allow * s3:GetBucketLocation on arn:aws:s3:::B
//   Allow * s3:ListBucket on arn:aws:s3:::B when StringEquals s3:prefix = P (no condition for
//   P = "")
//   Allow * s3:GetObject on arn:aws:s3:::B/P*
// `upload` adds s3:ListBucketMultipartUploads on the bucket and s3:AbortMultipartUpload,
// s3:DeleteObject, s3:ListMultipartUploadParts, s3:PutObject on the objects; `public` is both.
// A `*` inside P stays a wildcard: "classrooms/*/thumbnails/" → ".../classrooms/*/thumbnails/*".
// Statements of the document that are not such canned rules are kept untouched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cairn::cli {

enum class Access { kNone, kDownload, kUpload, kPublic, kCustom };

std::optional<Access> ParseAccess(std::string_view name);  // none|download|upload|public
std::string_view AccessName(Access access);                // "download"...
std::string_view AccessListName(Access access);            // mc's list form: "readonly"...

// Returns the document with the rule for `prefix` replaced by `access` (kNone removes it), or ""
// when no statement remains (the caller deletes the bucket policy). `existing` may be "".
// kMalformedPolicy when `existing` is not a JSON policy document.
Result<std::string> SetAnonymousPolicy(std::string_view existing, std::string_view bucket,
                                       std::string_view prefix, Access access);

// The access the document grants anonymously on `prefix`: the canned rule for exactly that
// prefix, else the one for the longest shorter prefix covering it, else kNone.
Result<Access> GetAnonymousAccess(std::string_view existing, std::string_view bucket,
                                  std::string_view prefix);

// Every canned rule: ("B/P*", access), in prefix order.
Result<std::vector<std::pair<std::string, Access>>> ListAnonymousRules(std::string_view existing,
                                                                       std::string_view bucket);

}  // namespace cairn::cli
