#include "cli/versions.h"

#include <cstdlib>
#include <pugixml.hpp>

#include "cli/units.h"
#include "common/encoding.h"

namespace cairn::cli {
namespace {

std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    return std::string(s.substr(1, s.size() - 2));
  }
  return std::string(s);
}

TimePoint ParseTime(std::string_view s) {
  auto t = ParseIso8601(s);
  return t ? *t : TimePoint{};
}

}  // namespace

Result<VersionsPage> ParseVersionsPage(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status(Code::kMalformedXML, "the server's version listing does not parse");
  }
  pugi::xml_node result = doc.child("ListVersionsResult");
  if (!result) return Status(Code::kMalformedXML, "the server's version listing is not one");
  bool encoded = std::string_view(result.child_value("EncodingType")) == "url";
  auto decode = [&](const char* s) {
    if (!encoded) return std::string(s);
    auto d = UriDecode(s, true);
    return d ? *d : std::string(s);
  };
  VersionsPage page;
  for (pugi::xml_node n : result.children()) {
    std::string_view name = n.name();
    if (name != "Version" && name != "DeleteMarker") continue;
    ObjectVersion v;
    v.key = decode(n.child_value("Key"));
    v.version_id = n.child_value("VersionId");
    v.delete_marker = name == "DeleteMarker";
    v.is_latest = std::string_view(n.child_value("IsLatest")) == "true";
    v.last_modified = ParseTime(n.child_value("LastModified"));
    if (!v.delete_marker) {
      v.size = std::strtoull(n.child_value("Size"), nullptr, 10);
      v.etag = Unquote(n.child_value("ETag"));
    }
    v.storage_class = n.child_value("StorageClass");
    if (v.storage_class.empty()) v.storage_class = "STANDARD";
    page.entries.push_back(std::move(v));
  }
  for (pugi::xml_node p : result.children("CommonPrefixes")) {
    ObjectVersion v;
    v.key = decode(p.child_value("Prefix"));
    v.is_prefix = true;
    page.entries.push_back(std::move(v));
  }
  page.truncated = std::string_view(result.child_value("IsTruncated")) == "true";
  page.next_key_marker = decode(result.child_value("NextKeyMarker"));
  page.next_version_id_marker = result.child_value("NextVersionIdMarker");
  return page;
}

Result<std::string> ParseVersioningStatus(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status(Code::kMalformedXML, "the server's versioning configuration does not parse");
  }
  pugi::xml_node config = doc.child("VersioningConfiguration");
  if (!config) {
    return Status(Code::kMalformedXML, "the server's versioning configuration is not one");
  }
  return std::string(config.child_value("Status"));
}

std::string VersioningConfigurationXml(std::string_view status) {
  return "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>" +
         std::string(status) + "</Status></VersioningConfiguration>";
}

std::string VersioningWord(std::string_view status) {
  if (status == "Enabled") return "enabled";
  if (status == "Suspended") return "suspended";
  return "un-versioned";
}

std::vector<int> VersionNumbers(size_t count) {
  std::vector<int> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(static_cast<int>(count - i));
  return out;
}

std::string VersionLine(const ObjectVersion& v, int number, std::string_view name) {
  std::string size = FormatSize(v.size);
  if (size.size() < 7) size.insert(0, 7 - size.size(), ' ');
  return "[" + FormatDate(v.last_modified) + "] " + size + " " + v.storage_class + " " +
         v.version_id + " v" + std::to_string(number) + " " + (v.delete_marker ? "DEL" : "PUT") +
         " " + std::string(name);
}

Result<std::vector<ObjectVersion>> PlanUndo(const std::vector<ObjectVersion>& newest_first,
                                            int last, std::string_view action) {
  if (last < 1) return Status(Code::kInvalidArgument, "--last must be at least 1");
  bool only_put = action == "PUT";
  bool only_delete = action == "DELETE";
  if (!action.empty() && !only_put && !only_delete) {
    return Status(Code::kInvalidArgument,
                  "unknown --action `" + std::string(action) + "` (PUT or DELETE)");
  }
  std::vector<ObjectVersion> out;
  for (const ObjectVersion& v : newest_first) {
    if (static_cast<int>(out.size()) == last) break;
    if ((only_put && v.delete_marker) || (only_delete && !v.delete_marker)) break;
    out.push_back(v);
  }
  return out;
}

}  // namespace cairn::cli
