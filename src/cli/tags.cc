#include "cli/tags.h"

#include <algorithm>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "common/encoding.h"

namespace cairn::cli {

Result<TagList> ParseTagsArgument(std::string_view text) {
  if (text.empty()) return Status(Code::kInvalidArgument, "no tags given: use \"k1=v1&k2=v2\"");
  TagList tags;
  std::set<std::string> seen;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;  // "a=1&&b=2", a trailing '&'
    size_t eq = pair.find('=');
    auto key = UriDecode(pair.substr(0, eq), true);
    auto value = UriDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) {
      return Status(Code::kInvalidArgument, "bad percent-encoding in tags: " + std::string(pair));
    }
    if (key->empty())
      return Status(Code::kInvalidArgument, "a tag needs a key: " + std::string(pair));
    if (!seen.insert(*key).second) {
      return Status(Code::kInvalidArgument, "tag key given twice: " + *key);
    }
    tags.emplace_back(std::move(*key), std::move(*value));
  }
  if (tags.empty()) return Status(Code::kInvalidArgument, "no tags given: use \"k1=v1&k2=v2\"");
  return tags;
}

std::string TaggingXml(const TagList& tags) {
  pugi::xml_document doc;
  pugi::xml_node set = doc.append_child("Tagging").append_child("TagSet");
  for (const auto& [key, value] : tags) {
    pugi::xml_node tag = set.append_child("Tag");
    tag.append_child("Key").text().set(key.c_str());
    tag.append_child("Value").text().set(value.c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

Result<TagList> ParseTaggingXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status(Code::kMalformedXML, "the server's tag set does not parse");
  }
  pugi::xml_node set = doc.child("Tagging").child("TagSet");
  if (!doc.child("Tagging"))
    return Status(Code::kMalformedXML, "the server's answer is no tag set");
  TagList tags;
  for (pugi::xml_node tag : set.children("Tag")) {
    tags.emplace_back(tag.child_value("Key"), tag.child_value("Value"));
  }
  return tags;
}

std::string TagListText(std::string_view name, const TagList& tags) {
  TagList sorted = tags;
  std::sort(sorted.begin(), sorted.end());
  size_t width = 4;  // "Name"
  for (const auto& [key, value] : sorted) width = std::max(width, key.size());
  auto line = [&](std::string_view left, std::string_view right) {
    std::string out(left);
    out.append(width - std::min(width, left.size()), ' ');
    out += " : ";
    out += right;
    return out;
  };
  std::string out = line("Name", name);
  for (const auto& [key, value] : sorted) out += "\n" + line(key, value);
  return out;
}

}  // namespace cairn::cli
