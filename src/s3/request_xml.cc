#include "s3/request_xml.h"

#include <pugixml.hpp>

#include "s3/conditions.h"
#include "s3/request_parts.h"

namespace cairn::s3 {

namespace {
Status Malformed(std::string message = "") {
  return Status(Code::kMalformedXML, std::move(message));
}
}  // namespace

Result<std::vector<storage::CompletedPart>> ParseCompleteMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("CompleteMultipartUpload");
  if (!root) return Malformed();
  std::vector<storage::CompletedPart> parts;
  for (pugi::xml_node node : root.children("Part")) {
    storage::CompletedPart part;
    CAIRN_ASSIGN_OR_RETURN(part.number, PartNumberFrom(node.child("PartNumber").text().get()));
    part.etag = std::string(UnquoteEtag(node.child("ETag").text().get()));
    for (const char* alg : {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"}) {
      pugi::xml_node value = node.child(std::string(ChecksumElementName(alg)).c_str());
      if (value) part.checksums.emplace_back(alg, value.text().get());
    }
    parts.push_back(std::move(part));
    if (parts.size() > kMaxCompletedParts) return Malformed();
  }
  if (parts.empty()) return Malformed("You must specify at least one part");
  return parts;
}

Result<DeleteObjectsRequest> ParseDeleteObjects(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("Delete");
  if (!root) return Malformed();
  DeleteObjectsRequest request;
  request.quiet = std::string_view(root.child("Quiet").text().as_string()) == "true";
  for (pugi::xml_node object : root.children("Object")) {
    pugi::xml_node key = object.child("Key");
    if (!key) return Malformed();
    DeleteObjectsRequest::Object entry;
    entry.key = key.text().as_string();
    if (pugi::xml_node version = object.child("VersionId")) {
      entry.version_id = version.text().as_string();
    }
    if (pugi::xml_node etag = object.child("ETag")) entry.etag = etag.text().as_string();
    if (pugi::xml_node time = object.child("LastModifiedTime")) {
      entry.last_modified = time.text().as_string();
    }
    if (pugi::xml_node size = object.child("Size")) entry.size = size.text().as_string();
    request.objects.push_back(std::move(entry));
    if (request.objects.size() > kMaxDeleteObjects) return Malformed();
  }
  if (request.objects.empty()) return Malformed();
  return request;
}

Result<VersioningConfiguration> ParseVersioningConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node root = doc.child("VersioningConfiguration");
  if (!root) return Malformed();
  VersioningConfiguration config;
  if (pugi::xml_node status = root.child("Status")) {
    config.status = status.text().as_string();
    if (config.status != "Enabled" && config.status != "Suspended") {
      return Status(Code::kIllegalVersioningConfiguration,
                    "The Status element must be Enabled or Suspended.");
    }
  }
  if (pugi::xml_node mfa = root.child("MfaDelete")) {
    std::string_view value = mfa.text().as_string();
    if (value != "Enabled" && value != "Disabled") {
      return Status(Code::kIllegalVersioningConfiguration,
                    "The MfaDelete element must be Enabled or Disabled.");
    }
    config.mfa_delete = value == "Enabled";
  }
  return config;
}

Result<std::string> ParseCreateBucketConfiguration(std::string_view xml) {
  if (xml.empty()) return std::string();
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Malformed();
  pugi::xml_node config = doc.child("CreateBucketConfiguration");
  if (!config) return Malformed();
  return std::string(config.child("LocationConstraint").text().as_string());
}

}  // namespace cairn::s3
