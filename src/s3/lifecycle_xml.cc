#include "s3/lifecycle_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <chrono>
#include <random>
#include <set>

#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

using storage::LifecycleConfiguration;
using storage::LifecycleFilter;
using storage::LifecycleFilterForm;
using storage::LifecycleRule;

Status Malformed() { return Status(Code::kMalformedXML, ""); }
Status InvalidArgument(std::string message) {
  return Status(Code::kInvalidArgumentS3, std::move(message));
}
Status InvalidRequest(std::string message) {
  return Status(Code::kInvalidRequest, std::move(message));
}

// Element children only (comments and whitespace text are ignored).
template <typename F>
Status ForEachElement(pugi::xml_node parent, F&& f) {
  for (pugi::xml_node child : parent.children()) {
    if (child.type() != pugi::node_element) continue;
    CAIRN_RETURN_IF_ERROR(f(child));
  }
  return Status::Ok();
}

std::optional<uint64_t> ParseUnsigned(std::string_view text) {
  uint64_t v = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A positive day count, or the InvalidArgument AWS answers for `what`.
Result<int> PositiveDays(pugi::xml_node node, std::string_view what) {
  auto v = ParseUnsigned(node.text().as_string());
  if (!v || *v == 0 || *v > 2147483647) {
    return InvalidArgument("'" + std::string(node.name()) + "' for " + std::string(what) +
                           " action must be a positive integer");
  }
  return static_cast<int>(*v);
}

Status ParseTag(pugi::xml_node node, storage::Tags* tags) {
  pugi::xml_node key = node.child("Key");
  pugi::xml_node value = node.child("Value");
  if (!key) return Malformed();
  for (const auto& [k, v] : *tags) {
    if (k == key.text().as_string()) return InvalidRequest("Duplicate Tag Keys are not allowed.");
  }
  tags->emplace_back(key.text().as_string(), value.text().as_string());
  return Status::Ok();
}

Result<uint64_t> ParseSize(pugi::xml_node node) {
  auto v = ParseUnsigned(node.text().as_string());
  if (!v)
    return InvalidArgument("'" + std::string(node.name()) + "' must be a non-negative integer");
  return *v;
}

// One condition of a Filter or And into `filter`; `seen` refuses a repeated one.
Status ParseCondition(pugi::xml_node node, bool in_and, LifecycleFilter* filter,
                      std::set<std::string>* seen) {
  std::string name = node.name();
  if (name != "Tag" && !seen->insert(name).second) return Malformed();
  if (name == "Prefix") {
    filter->prefix = node.text().as_string();
  } else if (name == "Tag") {
    if (!in_and && !filter->tags.empty()) return Malformed();
    CAIRN_RETURN_IF_ERROR(ParseTag(node, &filter->tags));
  } else if (name == "ObjectSizeGreaterThan") {
    CAIRN_ASSIGN_OR_RETURN(uint64_t v, ParseSize(node));
    filter->size_greater_than = v;
  } else if (name == "ObjectSizeLessThan") {
    CAIRN_ASSIGN_OR_RETURN(uint64_t v, ParseSize(node));
    filter->size_less_than = v;
  } else {
    return Malformed();
  }
  return Status::Ok();
}

Status ParseFilter(pugi::xml_node node, LifecycleFilter* filter) {
  filter->form = LifecycleFilterForm::kFilter;
  int conditions = 0;
  std::set<std::string> seen;
  CAIRN_RETURN_IF_ERROR(ForEachElement(node, [&](pugi::xml_node child) -> Status {
    if (++conditions > 1) return Malformed();  // two conditions need And
    if (std::string_view(child.name()) == "And") {
      filter->form = LifecycleFilterForm::kAnd;
      std::set<std::string> and_seen;
      return ForEachElement(child, [&](pugi::xml_node c) {
        return ParseCondition(c, /*in_and=*/true, filter, &and_seen);
      });
    }
    return ParseCondition(child, /*in_and=*/false, filter, &seen);
  }));
  if (filter->size_greater_than && filter->size_less_than &&
      *filter->size_greater_than >= *filter->size_less_than) {
    return InvalidArgument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
  }
  return Status::Ok();
}

Status ParseExpiration(pugi::xml_node node, LifecycleRule* rule) {
  bool marker_given = false;
  CAIRN_RETURN_IF_ERROR(ForEachElement(node, [&](pugi::xml_node child) -> Status {
    std::string_view name = child.name();
    if (name == "Days") {
      if (rule->expiration_days) return Malformed();
      CAIRN_ASSIGN_OR_RETURN(int days, PositiveDays(child, "Expiration"));
      rule->expiration_days = days;
    } else if (name == "Date") {
      if (rule->expiration_date) return Malformed();
      auto date = ParseIso8601(child.text().as_string());
      if (!date) return InvalidArgument("Invalid date: 'Date' must be in ISO 8601 format");
      if (std::chrono::floor<std::chrono::days>(*date) != *date) {
        return InvalidArgument("'Date' must be at midnight GMT");
      }
      rule->expiration_date = *date;
    } else if (name == "ExpiredObjectDeleteMarker") {
      std::string_view v = child.text().as_string();
      if (v != "true" && v != "false") return Malformed();
      marker_given = true;
      rule->expired_object_delete_marker = v == "true";
    } else {
      return Malformed();
    }
    return Status::Ok();
  }));
  if (rule->expiration_days && rule->expiration_date) return Malformed();
  if (marker_given && rule->ExpiresCurrent()) return Malformed();
  if (!marker_given && !rule->ExpiresCurrent()) return Malformed();
  return Status::Ok();
}

Status ParseNoncurrent(pugi::xml_node node, LifecycleRule* rule) {
  CAIRN_RETURN_IF_ERROR(ForEachElement(node, [&](pugi::xml_node child) -> Status {
    std::string_view name = child.name();
    if (name == "NoncurrentDays") {
      CAIRN_ASSIGN_OR_RETURN(int days, PositiveDays(child, "NoncurrentVersionExpiration"));
      rule->noncurrent_days = days;
    } else if (name == "NewerNoncurrentVersions") {
      auto v = ParseUnsigned(child.text().as_string());
      if (!v || *v == 0 || *v > 100) {
        return InvalidArgument("'NewerNoncurrentVersions' must be an integer from 1 to 100");
      }
      rule->newer_noncurrent_versions = static_cast<int>(*v);
    } else {
      return Malformed();
    }
    return Status::Ok();
  }));
  if (!rule->noncurrent_days) return Malformed();
  return Status::Ok();
}

std::string GeneratedId() {
  // AWS gives a rule without ID a random one; 20 base-36 characters as it does.
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 20; ++i) id.push_back(kAlphabet[rd() % 36]);
  return id;
}

Result<LifecycleRule> ParseRule(pugi::xml_node node) {
  LifecycleRule rule;
  bool have_id = false, have_status = false, have_filter = false, have_prefix = false;
  bool have_expiration = false, have_noncurrent = false, have_abort = false;
  CAIRN_RETURN_IF_ERROR(ForEachElement(node, [&](pugi::xml_node child) -> Status {
    std::string_view name = child.name();
    if (name == "ID") {
      if (have_id) return Malformed();
      have_id = true;
      rule.id = child.text().as_string();
      if (rule.id.size() > kMaxLifecycleRuleId) {
        return InvalidArgument("ID length should not exceed allowed limit of 255");
      }
    } else if (name == "Status") {
      if (have_status) return Malformed();
      have_status = true;
      std::string_view v = child.text().as_string();
      if (v != "Enabled" && v != "Disabled") return Malformed();
      rule.enabled = v == "Enabled";
    } else if (name == "Filter") {
      if (have_filter) return Malformed();
      have_filter = true;
      CAIRN_RETURN_IF_ERROR(ParseFilter(child, &rule.filter));
    } else if (name == "Prefix") {
      if (have_prefix) return Malformed();
      have_prefix = true;
      rule.filter.form = LifecycleFilterForm::kLegacyPrefix;
      rule.filter.prefix = child.text().as_string();
    } else if (name == "Expiration") {
      if (have_expiration) return Malformed();
      have_expiration = true;
      CAIRN_RETURN_IF_ERROR(ParseExpiration(child, &rule));
    } else if (name == "NoncurrentVersionExpiration") {
      if (have_noncurrent) return Malformed();
      have_noncurrent = true;
      CAIRN_RETURN_IF_ERROR(ParseNoncurrent(child, &rule));
    } else if (name == "AbortIncompleteMultipartUpload") {
      if (have_abort) return Malformed();
      have_abort = true;
      pugi::xml_node days = child.child("DaysAfterInitiation");
      if (!days) return Malformed();
      CAIRN_ASSIGN_OR_RETURN(int d, PositiveDays(days, "AbortIncompleteMultipartUpload"));
      rule.abort_days = d;
    } else if (name == "Transition" || name == "NoncurrentVersionTransition" ||
               name == "Transitions" || name == "NoncurrentVersionTransitions") {
      return Status(Code::kNotImplemented,
                    "Transition actions are not supported: Cairn has no storage classes to "
                    "move objects to");
    } else {
      return Malformed();
    }
    return Status::Ok();
  }));
  if (!have_status) return Malformed();
  if (have_filter == have_prefix) return Malformed();
  if (!have_expiration && !have_noncurrent && !have_abort) {
    return InvalidRequest("At least one action needs to be specified in a rule");
  }
  if (have_abort && !rule.filter.tags.empty()) {
    return InvalidRequest(
        "Tag-based filter cannot be used with AbortIncompleteMultipartUpload "
        "action");
  }
  if (rule.expired_object_delete_marker && !rule.filter.tags.empty()) {
    return InvalidRequest("Tag-based filter cannot be used with ExpiredObjectDeleteMarker action");
  }
  if (!have_id) rule.id = GeneratedId();
  return rule;
}

void RenderTag(XmlWriter& xml, const std::pair<std::string, std::string>& tag) {
  xml.Open("Tag");
  xml.Element("Key", tag.first);
  xml.Element("Value", tag.second);
  xml.Close("Tag");
}

void RenderFilter(XmlWriter& xml, const LifecycleFilter& f) {
  if (f.form == LifecycleFilterForm::kLegacyPrefix) {
    xml.Element("Prefix", f.prefix);
    return;
  }
  xml.Open("Filter");
  const bool in_and = f.form == LifecycleFilterForm::kAnd;
  if (in_and) xml.Open("And");
  // One condition outside And; an empty filter shows an empty Prefix, as AWS answers.
  const bool has_other = !f.tags.empty() || f.size_greater_than || f.size_less_than;
  if (in_and ? !f.prefix.empty() : (!f.prefix.empty() || !has_other)) {
    xml.Element("Prefix", f.prefix);
  }
  for (const auto& tag : f.tags) RenderTag(xml, tag);
  if (f.size_greater_than) {
    xml.Element("ObjectSizeGreaterThan", std::to_string(*f.size_greater_than));
  }
  if (f.size_less_than) xml.Element("ObjectSizeLessThan", std::to_string(*f.size_less_than));
  if (in_and) xml.Close("And");
  xml.Close("Filter");
}

}  // namespace

Result<LifecycleConfiguration> ParseLifecycleConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("LifecycleConfiguration");
  if (!root) return Malformed();
  LifecycleConfiguration config;
  std::set<std::string> ids;
  CAIRN_RETURN_IF_ERROR(ForEachElement(root, [&](pugi::xml_node child) -> Status {
    if (std::string_view(child.name()) != "Rule") return Malformed();
    if (config.rules.size() == kMaxLifecycleRules) return Malformed();
    CAIRN_ASSIGN_OR_RETURN(LifecycleRule rule, ParseRule(child));
    if (!ids.insert(rule.id).second) {
      return InvalidArgument("Rule ID must be unique. Found same ID for more than one rule");
    }
    config.rules.push_back(std::move(rule));
    return Status::Ok();
  }));
  if (config.rules.empty()) return Malformed();
  return config;
}

std::string RenderLifecycleConfiguration(const LifecycleConfiguration& config) {
  XmlWriter xml;
  xml.OpenRoot("LifecycleConfiguration");
  for (const LifecycleRule& r : config.rules) {
    xml.Open("Rule");
    xml.Element("ID", r.id);
    RenderFilter(xml, r.filter);
    xml.Element("Status", r.enabled ? "Enabled" : "Disabled");
    if (r.ExpiresCurrent() || r.expired_object_delete_marker) {
      xml.Open("Expiration");
      if (r.expiration_days) xml.Element("Days", std::to_string(*r.expiration_days));
      if (r.expiration_date) xml.Element("Date", FormatIso8601(*r.expiration_date));
      if (r.expired_object_delete_marker) xml.Element("ExpiredObjectDeleteMarker", "true");
      xml.Close("Expiration");
    }
    if (r.noncurrent_days) {
      xml.Open("NoncurrentVersionExpiration");
      xml.Element("NoncurrentDays", std::to_string(*r.noncurrent_days));
      if (r.newer_noncurrent_versions) {
        xml.Element("NewerNoncurrentVersions", std::to_string(*r.newer_noncurrent_versions));
      }
      xml.Close("NoncurrentVersionExpiration");
    }
    if (r.abort_days) {
      xml.Open("AbortIncompleteMultipartUpload");
      xml.Element("DaysAfterInitiation", std::to_string(*r.abort_days));
      xml.Close("AbortIncompleteMultipartUpload");
    }
    xml.Close("Rule");
  }
  xml.Close("LifecycleConfiguration");
  return xml.Finish();
}

}  // namespace cairn::s3
