// Bucket lifecycle on the client side, as pure functions for `cairn ilm rule ...`: the
// configuration as mc's JSON ({"Rules": [{"ID": ..., "Status": ..., "Filter": {...},
// "Expiration": {"Days": 30}}]}, the same field names as S3's XML), converted to and from the
// <LifecycleConfiguration> documents, and the rules `ilm rule add` builds from its flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace cairn::cli {

// GetBucketLifecycleConfiguration's answer as {"Rules": [...]}: elements with children become
// objects, repeated Rule and And/Tag elements arrays ("Rules", "Tags"), counts numbers,
// ExpiredObjectDeleteMarker a boolean, everything else strings. kInvalidArgument on bad XML.
Result<nlohmann::json> LifecycleJsonFromXml(std::string_view xml);
// The <LifecycleConfiguration> document of a {"Rules": [...]} object (as `ilm rule export`
// prints it and `import` reads it). kInvalidArgument when it is not of that shape.
Result<std::string> LifecycleXmlFromJson(const nlohmann::json& config);

// What `ilm rule add` was given.
struct RuleFlags {
  std::string id;  // "" = generated
  std::string prefix;
  std::string tags;  // "k1=v1&k2=v2"
  std::optional<int64_t> expire_days;
  std::string expire_date;  // YYYY-MM-DD
  bool expire_delete_marker = false;
  std::optional<int64_t> noncurrent_expire_days;
  std::optional<int64_t> noncurrent_expire_newer;
  std::optional<int64_t> size_lt;
  std::optional<int64_t> size_gt;
  bool disable = false;
};

// The rule as JSON; kInvalidArgument when no action is given or a value is out of range.
Result<nlohmann::json> RuleFromFlags(const RuleFlags& flags);

// mc's `ilm rule ls` table: ID, STATUS, PREFIX, TAGS, EXPIRY (days or date; "DM" for
// ExpiredObjectDeleteMarker), NONCURRENT (days / newer), ABORT-MPU.
std::string LifecycleTable(const nlohmann::json& config);

}  // namespace cairn::cli
