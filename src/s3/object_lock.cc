#include "s3/object_lock.h"

#include <charconv>

#include <pugixml.hpp>

#include "s3/xml_writer.h"

namespace cairn::s3 {

using storage::RetentionMode;

namespace {

Status Malformed() { return Status(Code::kMalformedXML, ""); }
Status Invalid(std::string message) { return Status(Code::kInvalidArgumentS3, std::move(message)); }

std::optional<RetentionMode> ModeFrom(std::string_view text) {
  if (text == "GOVERNANCE") return RetentionMode::kGovernance;
  if (text == "COMPLIANCE") return RetentionMode::kCompliance;
  return std::nullopt;
}

Result<TimePoint> FutureDate(std::string_view text, TimePoint now) {
  std::optional<TimePoint> date = ParseIso8601(text);
  if (!date) return Invalid("The retain until date is not a valid ISO 8601 date.");
  if (*date <= now) return Invalid("The retain until date must be in the future!");
  return *date;
}

}  // namespace

std::string_view RetentionModeName(RetentionMode mode) {
  switch (mode) {
    case RetentionMode::kGovernance: return "GOVERNANCE";
    case RetentionMode::kCompliance: return "COMPLIANCE";
    case RetentionMode::kNone: break;
  }
  return "";
}

Result<storage::ObjectLock> LockFromFields(std::string_view mode, std::string_view until,
                                           std::string_view legal_hold, TimePoint now) {
  storage::ObjectLock lock;
  if (mode.empty() != until.empty()) {
    return Invalid(
        "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
  }
  if (!mode.empty()) {
    std::optional<RetentionMode> m = ModeFrom(mode);
    if (!m) return Invalid("Unknown wormMode directive.");
    lock.mode = *m;
    CAIRN_ASSIGN_OR_RETURN(lock.retain_until, FutureDate(until, now));
  }
  if (!legal_hold.empty()) {
    if (legal_hold != "ON" && legal_hold != "OFF") {
      return Invalid("Legal Hold must be either of 'ON' or 'OFF'");
    }
    lock.legal_hold = legal_hold == "ON";
  }
  return lock;
}

Result<storage::ObjectLock> LockFromHeaders(const Headers& headers, TimePoint now) {
  return LockFromFields(headers.Get("x-amz-object-lock-mode").value_or(""),
                        headers.Get("x-amz-object-lock-retain-until-date").value_or(""),
                        headers.Get("x-amz-object-lock-legal-hold").value_or(""), now);
}

void AddLockHeaders(const storage::ObjectLock& lock, Headers& out, bool retention,
                    bool legal_hold) {
  if (retention && lock.mode != RetentionMode::kNone) {
    out.Add("x-amz-object-lock-mode", RetentionModeName(lock.mode));
    out.Add("x-amz-object-lock-retain-until-date", FormatIso8601(lock.retain_until));
  }
  if (legal_hold) out.Add("x-amz-object-lock-legal-hold", lock.legal_hold ? "ON" : "OFF");
}

Result<ObjectLockConfiguration> ParseObjectLockConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("ObjectLockConfiguration");
  if (!root) return Malformed();
  if (std::string_view(root.child("ObjectLockEnabled").text().get()) != "Enabled") {
    return Malformed();
  }
  ObjectLockConfiguration config;
  pugi::xml_node rule = root.child("Rule");
  if (!rule) return config;
  pugi::xml_node retention = rule.child("DefaultRetention");
  if (!retention) return Malformed();
  pugi::xml_node mode = retention.child("Mode");
  pugi::xml_node days = retention.child("Days");
  pugi::xml_node years = retention.child("Years");
  if (!mode || static_cast<bool>(days) == static_cast<bool>(years)) return Malformed();
  std::optional<RetentionMode> m = ModeFrom(mode.text().get());
  if (!m) return Malformed();
  std::string_view text = (days ? days : years).text().get();
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value <= 0) {
    return Invalid("Default retention period must be a positive integer value.");
  }
  // AWS's ceilings: 100 years either way.
  if ((days && value > 36500) || (years && value > 100)) {
    return Invalid("Default retention period too large.");
  }
  config.default_retention.mode = *m;
  (days ? config.default_retention.days : config.default_retention.years) = value;
  return config;
}

std::string RenderObjectLockConfiguration(const storage::BucketInfo& bucket) {
  XmlWriter xml;
  xml.OpenRoot("ObjectLockConfiguration");
  xml.Element("ObjectLockEnabled", "Enabled");
  const storage::DefaultRetention& def = bucket.default_retention;
  if (def.mode != RetentionMode::kNone) {
    xml.Open("Rule");
    xml.Open("DefaultRetention");
    xml.Element("Mode", RetentionModeName(def.mode));
    if (def.days > 0) xml.Element("Days", std::to_string(def.days));
    if (def.years > 0) xml.Element("Years", std::to_string(def.years));
    xml.Close("DefaultRetention");
    xml.Close("Rule");
  }
  xml.Close("ObjectLockConfiguration");
  return xml.Finish();
}

Result<Retention> ParseRetention(std::string_view xml, TimePoint now) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("Retention");
  if (!root) return Malformed();
  pugi::xml_node mode = root.child("Mode");
  pugi::xml_node until = root.child("RetainUntilDate");
  Retention out;
  if (!mode && !until) return out;  // an empty Retention removes it (governance bypass only)
  if (!mode || !until) return Malformed();
  std::optional<RetentionMode> m = ModeFrom(mode.text().get());
  if (!m) return Malformed();
  out.mode = *m;
  CAIRN_ASSIGN_OR_RETURN(out.retain_until, FutureDate(until.text().get(), now));
  return out;
}

Result<bool> ParseLegalHold(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  std::string_view status = doc.child("LegalHold").child("Status").text().get();
  if (status == "ON") return true;
  if (status == "OFF") return false;
  return Malformed();
}

}  // namespace cairn::s3
