#include "cli/lifecycle.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "cli/tags.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::json;

const std::set<std::string, std::less<>> kNumbers = {"Days",
                                                     "NoncurrentDays",
                                                     "NewerNoncurrentVersions",
                                                     "DaysAfterInitiation",
                                                     "ObjectSizeGreaterThan",
                                                     "ObjectSizeLessThan"};

Json FromNode(const pugi::xml_node& node) {
  bool has_elements = false;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_element) has_elements = true;
  }
  std::string name = node.name();
  if (!has_elements) {
    std::string text = node.child_value();
    if (kNumbers.count(name)) {
      try {
        return Json(std::stoll(text));
      } catch (...) {
        return Json(text);
      }
    }
    if (name == "ExpiredObjectDeleteMarker") return Json(text == "true");
    return Json(text);
  }
  Json out = Json::object();
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string n = child.name();
    if (n == "Rule" || (n == "Tag" && name == "And")) {
      std::string plural = n + "s";
      if (!out.contains(plural)) out[plural] = Json::array();
      out[plural].push_back(FromNode(child));
    } else {
      out[n] = FromNode(child);
    }
  }
  return out;
}

Status ToNode(const Json& value, pugi::xml_node parent, const std::string& name) {
  if (value.is_array()) {
    if (name != "Rules" && name != "Tags") {
      return Status(Code::kInvalidArgument, "'" + name + "' may not be a list");
    }
    std::string single = name.substr(0, name.size() - 1);
    for (const Json& item : value) CAIRN_RETURN_IF_ERROR(ToNode(item, parent, single));
    return Status::Ok();
  }
  pugi::xml_node node = parent.append_child(name.c_str());
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) CAIRN_RETURN_IF_ERROR(ToNode(child, node, key));
  } else if (value.is_boolean()) {
    node.text().set(value.get<bool>() ? "true" : "false");
  } else if (value.is_number_integer()) {
    node.text().set(std::to_string(value.get<int64_t>()).c_str());
  } else if (value.is_string()) {
    node.text().set(value.get<std::string>().c_str());
  } else {
    return Status(Code::kInvalidArgument, "'" + name + "' has a value of an unknown kind");
  }
  return Status::Ok();
}

std::string RandomId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuv0123456789";
  unsigned char bytes[20];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "rule";
  std::string id;
  for (unsigned char b : bytes) id.push_back(kAlphabet[b % 32]);
  return id;
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const Json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

Result<Json> LifecycleJsonFromXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status(Code::kInvalidArgument, "the server's lifecycle configuration is not XML");
  }
  pugi::xml_node root = doc.child("LifecycleConfiguration");
  if (!root) return Status(Code::kInvalidArgument, "no LifecycleConfiguration in the answer");
  Json out = FromNode(root);
  if (!out.is_object()) out = Json::object();
  if (!out.contains("Rules")) out["Rules"] = Json::array();
  return out;
}

Result<std::string> LifecycleXmlFromJson(const Json& config) {
  if (!config.is_object() || !config.contains("Rules") || !config["Rules"].is_array()) {
    return Status(Code::kInvalidArgument, "a lifecycle configuration is {\"Rules\": [...]}");
  }
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("LifecycleConfiguration");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (const Json& rule : config["Rules"]) {
    if (!rule.is_object()) return Status(Code::kInvalidArgument, "each rule is an object");
    CAIRN_RETURN_IF_ERROR(ToNode(rule, root, "Rule"));
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

Result<Json> RuleFromFlags(const RuleFlags& f) {
  auto positive = [](const std::optional<int64_t>& v, const char* flag) -> Status {
    if (v && *v <= 0) return Status(Code::kInvalidArgument, std::string(flag) + " must be > 0");
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(positive(f.expire_days, "--expire-days"));
  CAIRN_RETURN_IF_ERROR(positive(f.noncurrent_expire_days, "--noncurrent-expire-days"));
  CAIRN_RETURN_IF_ERROR(positive(f.noncurrent_expire_newer, "--noncurrent-expire-newer"));
  CAIRN_RETURN_IF_ERROR(positive(f.size_lt, "--size-lt"));
  if (f.size_gt && *f.size_gt < 0) return Status(Code::kInvalidArgument, "--size-gt must be >= 0");
  if (f.expire_days && !f.expire_date.empty()) {
    return Status(Code::kInvalidArgument, "--expire-days and --expire-date exclude each other");
  }
  if (f.expire_delete_marker && (f.expire_days || !f.expire_date.empty())) {
    return Status(Code::kInvalidArgument,
                  "--expire-delete-marker goes in a rule of its own (S3 refuses it with Days or "
                  "Date)");
  }
  if (!f.expire_date.empty() && !IsDate(f.expire_date)) {
    return Status(Code::kInvalidArgument, "--expire-date takes YYYY-MM-DD");
  }
  if (f.noncurrent_expire_newer && !f.noncurrent_expire_days) {
    return Status(Code::kInvalidArgument,
                  "--noncurrent-expire-newer needs --noncurrent-expire-days");
  }
  bool expires = f.expire_days || !f.expire_date.empty() || f.expire_delete_marker;
  if (!expires && !f.noncurrent_expire_days) {
    return Status(Code::kInvalidArgument,
                  "give an action: --expire-days, --expire-date, --expire-delete-marker or "
                  "--noncurrent-expire-days");
  }
  Json rule = Json::object();
  rule["ID"] = f.id.empty() ? RandomId() : f.id;
  rule["Status"] = f.disable ? "Disabled" : "Enabled";
  TagList tags;
  if (!f.tags.empty()) {
    CAIRN_ASSIGN_OR_RETURN(tags, ParseTagsArgument(f.tags));
  }
  if (tags.empty() && !f.size_lt && !f.size_gt) {
    rule["Filter"] = {{"Prefix", f.prefix}};
  } else if (tags.size() == 1 && f.prefix.empty() && !f.size_lt && !f.size_gt) {
    rule["Filter"] = {{"Tag", {{"Key", tags[0].first}, {"Value", tags[0].second}}}};
  } else {
    Json both = Json::object();
    if (!f.prefix.empty()) both["Prefix"] = f.prefix;
    if (!tags.empty()) {
      both["Tags"] = Json::array();
      for (const auto& [k, v] : tags) both["Tags"].push_back({{"Key", k}, {"Value", v}});
    }
    if (f.size_gt) both["ObjectSizeGreaterThan"] = *f.size_gt;
    if (f.size_lt) both["ObjectSizeLessThan"] = *f.size_lt;
    rule["Filter"] = {{"And", both}};
  }
  if (f.expire_days) rule["Expiration"] = {{"Days", *f.expire_days}};
  if (!f.expire_date.empty()) rule["Expiration"] = {{"Date", f.expire_date + "T00:00:00Z"}};
  if (f.expire_delete_marker) rule["Expiration"] = {{"ExpiredObjectDeleteMarker", true}};
  if (f.noncurrent_expire_days) {
    Json nc = {{"NoncurrentDays", *f.noncurrent_expire_days}};
    if (f.noncurrent_expire_newer) nc["NewerNoncurrentVersions"] = *f.noncurrent_expire_newer;
    rule["NoncurrentVersionExpiration"] = nc;
  }
  return rule;
}

std::string LifecycleTable(const Json& config) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "STATUS", "PREFIX", "TAGS", "EXPIRY", "NONCURRENT", "ABORT-MPU"}};
  for (const Json& rule : config.value("Rules", Json::array())) {
    Json filter = rule.value("Filter", Json::object());
    std::string prefix = Str(filter, "Prefix");
    if (prefix.empty()) prefix = Str(rule, "Prefix");  // the legacy top-level form
    std::string tags;
    auto add_tag = [&tags](const Json& t) {
      if (!tags.empty()) tags += "&";
      tags += Str(t, "Key") + "=" + Str(t, "Value");
    };
    if (filter.contains("Tag")) add_tag(filter["Tag"]);
    if (filter.contains("And")) {
      const Json& both = filter["And"];
      if (prefix.empty()) prefix = Str(both, "Prefix");
      for (const Json& t : both.value("Tags", Json::array())) add_tag(t);
      if (both.contains("Tag")) add_tag(both["Tag"]);
    }
    Json exp = rule.value("Expiration", Json::object());
    std::string expiry = exp.contains("Days")   ? Str(exp, "Days") + "d"
                         : exp.contains("Date") ? Str(exp, "Date").substr(0, 10)
                         : exp.value("ExpiredObjectDeleteMarker", false) ? "DM"
                                                                         : "-";
    Json nc = rule.value("NoncurrentVersionExpiration", Json::object());
    std::string noncurrent = "-";
    if (nc.contains("NoncurrentDays")) {
      noncurrent = Str(nc, "NoncurrentDays") + "d";
      if (nc.contains("NewerNoncurrentVersions")) {
        noncurrent += " keep " + Str(nc, "NewerNoncurrentVersions");
      }
    }
    Json mpu = rule.value("AbortIncompleteMultipartUpload", Json::object());
    std::string abort =
        mpu.contains("DaysAfterInitiation") ? Str(mpu, "DaysAfterInitiation") + "d" : "-";
    rows.push_back({Str(rule, "ID"), Str(rule, "Status"), prefix.empty() ? "-" : prefix,
                    tags.empty() ? "-" : tags, expiry, noncurrent, abort});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace cairn::cli
