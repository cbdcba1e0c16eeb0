#include "cli/anonymous.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace cairn::cli {
namespace {

using Json = nlohmann::json;
using StringSet = std::set<std::string>;

constexpr std::string_view kArn = "arn:aws:s3:::";
const StringSet kBucketActions = {"s3:GetBucketLocation", "s3:ListBucket",
                                  "s3:ListBucketMultipartUploads"};
const StringSet kReadObjectActions = {"s3:GetObject"};
const StringSet kWriteObjectActions = {"s3:AbortMultipartUpload", "s3:DeleteObject",
                                       "s3:ListMultipartUploadParts", "s3:PutObject"};

StringSet AsSet(const Json& value) {
  StringSet out;
  if (value.is_string()) {
    out.insert(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& v : value) {
      if (v.is_string()) out.insert(v.get<std::string>());
    }
  }
  return out;
}

bool Subset(const StringSet& a, const StringSet& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

bool AnonymousAllow(const Json& st) {
  if (st.value("Effect", "") != "Allow" || st.contains("NotAction") || st.contains("NotResource") ||
      st.contains("NotPrincipal")) {
    return false;
  }
  auto p = st.find("Principal");
  if (p == st.end()) return false;
  if (p->is_string()) return p->get<std::string>() == "*";
  if (p->is_object() && p->size() == 1 && p->contains("AWS"))
    return AsSet((*p)["AWS"]) == StringSet{"*"};
  return false;
}

struct Parsed {
  Json others = Json::array();          // statements that are not canned rules, kept as they are
  std::map<std::string, Access> rules;  // prefix → access
};

Access FromActions(bool read, bool write) {
  if (read && write) return Access::kPublic;
  if (read) return Access::kDownload;
  if (write) return Access::kUpload;
  return Access::kNone;
}

Result<Parsed> Parse(std::string_view existing, std::string_view bucket) {
  Parsed parsed;
  if (existing.empty()) return parsed;
  Json doc = Json::parse(existing, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(Code::kMalformedPolicy, "the bucket policy is not a JSON document");
  }
  Json statements = doc.value("Statement", Json::array());
  if (statements.is_object()) statements = Json::array({statements});
  const std::string bucket_arn = std::string(kArn) + std::string(bucket);
  const std::string object_arn = bucket_arn + "/";
  std::map<std::string, std::pair<bool, bool>> access;  // prefix → (read, write)
  for (const Json& st : statements) {
    if (!st.is_object()) continue;
    bool canned = false;
    if (AnonymousAllow(st)) {
      StringSet actions = AsSet(st.value("Action", Json()));
      StringSet resources = AsSet(st.value("Resource", Json()));
      bool has_condition = st.contains("Condition");
      bool all_objects = !resources.empty() && !has_condition;
      for (const auto& r : resources) {
        if (r.rfind(object_arn, 0) != 0 || r.back() != '*') all_objects = false;
      }
      if (all_objects && !actions.empty()) {
        bool read = actions.count("s3:GetObject") > 0;
        bool write = actions.count("s3:PutObject") > 0;
        StringSet known = kReadObjectActions;
        known.insert(kWriteObjectActions.begin(), kWriteObjectActions.end());
        if (Subset(actions, known) && (read || write)) {
          canned = true;
          for (const auto& r : resources) {
            std::string prefix = r.substr(object_arn.size(), r.size() - object_arn.size() - 1);
            auto& [rd, wr] = access[prefix];
            rd = rd || read;
            wr = wr || write;
          }
        }
      } else if (resources == StringSet{bucket_arn} && !actions.empty() &&
                 Subset(actions, kBucketActions)) {
        // Bucket-level canned statements are regenerated from the object rules.
        bool only_prefix_condition = true;
        if (has_condition) {
          const Json& c = st["Condition"];
          only_prefix_condition = c.is_object() && c.size() == 1 && c.contains("StringEquals") &&
                                  c["StringEquals"].is_object() && c["StringEquals"].size() == 1 &&
                                  c["StringEquals"].contains("s3:prefix");
        }
        canned = only_prefix_condition;
      }
    }
    if (!canned) parsed.others.push_back(st);
  }
  for (const auto& [prefix, rw] : access) {
    parsed.rules[prefix] = FromActions(rw.first, rw.second);
  }
  return parsed;
}

Json Statement(const StringSet& actions, const std::string& resource) {
  Json st;
  st["Effect"] = "Allow";
  st["Principal"] = {{"AWS", Json::array({"*"})}};
  st["Action"] = Json(std::vector<std::string>(actions.begin(), actions.end()));
  st["Resource"] = Json::array({resource});
  return st;
}

}  // namespace

std::optional<Access> ParseAccess(std::string_view name) {
  if (name == "none" || name == "private") return Access::kNone;
  if (name == "download" || name == "readonly") return Access::kDownload;
  if (name == "upload" || name == "writeonly") return Access::kUpload;
  if (name == "public" || name == "readwrite") return Access::kPublic;
  return std::nullopt;
}

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kNone: return "private";
    case Access::kDownload: return "download";
    case Access::kUpload: return "upload";
    case Access::kPublic: return "public";
    case Access::kCustom: return "custom";
  }
  return "custom";
}

std::string_view AccessListName(Access access) {
  switch (access) {
    case Access::kNone: return "none";
    case Access::kDownload: return "readonly";
    case Access::kUpload: return "writeonly";
    case Access::kPublic: return "readwrite";
    case Access::kCustom: return "custom";
  }
  return "custom";
}

Result<std::string> SetAnonymousPolicy(std::string_view existing, std::string_view bucket,
                                       std::string_view prefix, Access access) {
  Parsed parsed;
  { CAIRN_ASSIGN_OR_RETURN(parsed, Parse(existing, bucket)); }
  if (access == Access::kNone) {
    parsed.rules.erase(std::string(prefix));
  } else {
    parsed.rules[std::string(prefix)] = access;
  }
  const std::string bucket_arn = std::string(kArn) + std::string(bucket);
  Json statements = parsed.others;
  // Unconditioned bucket actions are shared by all prefixes: one statement for them.
  StringSet common;
  std::vector<Json> listing;
  std::vector<Json> objects;
  for (const auto& [p, a] : parsed.rules) {
    bool read = a == Access::kDownload || a == Access::kPublic;
    bool write = a == Access::kUpload || a == Access::kPublic;
    common.insert("s3:GetBucketLocation");
    if (write) common.insert("s3:ListBucketMultipartUploads");
    if (read) {
      if (p.empty()) {
        common.insert("s3:ListBucket");
      } else {
        Json st = Statement({"s3:ListBucket"}, bucket_arn);
        st["Condition"] = {{"StringEquals", {{"s3:prefix", Json::array({p})}}}};
        listing.push_back(st);
      }
    }
    StringSet actions;
    if (read) actions.insert(kReadObjectActions.begin(), kReadObjectActions.end());
    if (write) actions.insert(kWriteObjectActions.begin(), kWriteObjectActions.end());
    objects.push_back(Statement(actions, bucket_arn + "/" + p + "*"));
  }
  if (!common.empty()) statements.push_back(Statement(common, bucket_arn));
  for (auto& st : listing) statements.push_back(std::move(st));
  for (auto& st : objects) statements.push_back(std::move(st));
  if (statements.empty()) return std::string();
  Json doc;
  doc["Version"] = "2012-10-17";
  doc["Statement"] = statements;
  return doc.dump();
}

Result<Access> GetAnonymousAccess(std::string_view existing, std::string_view bucket,
                                  std::string_view prefix) {
  Parsed parsed;
  { CAIRN_ASSIGN_OR_RETURN(parsed, Parse(existing, bucket)); }
  auto exact = parsed.rules.find(std::string(prefix));
  if (exact != parsed.rules.end()) return exact->second;
  Access best = Access::kNone;
  size_t best_len = 0;
  bool found = false;
  for (const auto& [p, a] : parsed.rules) {
    if (prefix.substr(0, p.size()) == p && p.find('*') == std::string::npos &&
        (!found || p.size() >= best_len)) {
      best = a;
      best_len = p.size();
      found = true;
    }
  }
  return best;
}

Result<std::vector<std::pair<std::string, Access>>> ListAnonymousRules(std::string_view existing,
                                                                       std::string_view bucket) {
  Parsed parsed;
  { CAIRN_ASSIGN_OR_RETURN(parsed, Parse(existing, bucket)); }
  std::vector<std::pair<std::string, Access>> out;
  for (const auto& [p, a] : parsed.rules) {
    out.emplace_back(std::string(bucket) + "/" + p + "*", a);
  }
  return out;
}

}  // namespace cairn::cli
