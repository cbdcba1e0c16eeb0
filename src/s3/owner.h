#pragma once

#include "s3/xml_writer.h"
#include "storage/acl.h"

namespace cairn::s3 {

// The root account's canonical id, which owns every bucket (and every object, as all keys of this
// server act for that one account), written as MinIO writes it so clients that compare owner ids
// across calls see one account. Records store the owner (docs/acl.md); listings show this one.
inline constexpr const char* kOwnerId = storage::kRootCanonicalId;
inline constexpr char kOwnerDisplayName[] = "minio";

inline void WriteOwner(XmlWriter& xml) {
  xml.Open("Owner");
  xml.Element("ID", kOwnerId);
  xml.Element("DisplayName", kOwnerDisplayName);
  xml.Close("Owner");
}

}  // namespace cairn::s3
