#include "s3/tagging.h"

#include <pugixml.hpp>

#include <set>

#include "common/encoding.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

// Unicode characters in valid UTF-8 (continuation bytes are not counted); invalid UTF-8 is
// refused on its own.
std::optional<size_t> Utf8Length(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (size_t j = 1; j < len; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) & 0xc0) != 0x80) return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

Status InvalidTag(std::string message) { return Status(Code::kInvalidTag, std::move(message)); }

}  // namespace

Status ValidateTags(const storage::Tags& tags, size_t max_tags) {
  if (tags.size() > max_tags) {
    return Status(Code::kBadRequest, max_tags == kMaxObjectTags
                                         ? "Object tags cannot be greater than 10"
                                         : "Bucket tag count cannot be greater than 50");
  }
  std::set<std::string_view> seen;
  for (const auto& [key, value] : tags) {
    auto key_length = Utf8Length(key);
    auto value_length = Utf8Length(value);
    if (!key_length || *key_length == 0 || *key_length > 128) {
      return InvalidTag("The TagKey you have provided is invalid");
    }
    if (!value_length || *value_length > 256) {
      return InvalidTag("The TagValue you have provided is invalid");
    }
    if (key.starts_with("aws:")) {
      return InvalidTag("System tags cannot be added/updated by requester");
    }
    if (!seen.insert(key).second) {
      return InvalidTag("Cannot provide multiple Tags with the same key");
    }
  }
  return Status::Ok();
}

Result<storage::Tags> ParseTagging(std::string_view xml, size_t max_tags) {
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) {
    return Status(Code::kMalformedXML, "");
  }
  pugi::xml_node set = doc.child("Tagging").child("TagSet");
  if (!set) return Status(Code::kMalformedXML, "");
  storage::Tags tags;
  for (pugi::xml_node tag : set.children("Tag")) {
    pugi::xml_node key = tag.child("Key");
    pugi::xml_node value = tag.child("Value");
    if (!key || !value) return Status(Code::kMalformedXML, "");
    tags.emplace_back(key.text().as_string(), value.text().as_string());
    if (tags.size() > max_tags) break;  // refused below; stop reading
  }
  CAIRN_RETURN_IF_ERROR(ValidateTags(tags, max_tags));
  return tags;
}

Result<storage::Tags> ParseTaggingHeader(std::string_view header) {
  auto pairs = ParseQuery(header);
  if (!pairs)
    return InvalidTag(
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
        "without tag name duplicates.");
  storage::Tags tags(pairs->begin(), pairs->end());
  CAIRN_RETURN_IF_ERROR(ValidateTags(tags, kMaxObjectTags));
  return tags;
}

std::string RenderTagging(const storage::Tags& tags) {
  XmlWriter xml;
  xml.OpenRoot("Tagging");
  xml.Open("TagSet");
  for (const auto& [key, value] : tags) {
    xml.Open("Tag");
    xml.Element("Key", key);
    xml.Element("Value", value);
    xml.Close("Tag");
  }
  xml.Close("TagSet");
  xml.Close("Tagging");
  return xml.Finish();
}

}  // namespace cairn::s3
