#pragma once

#include "s3/xml_writer.h"

namespace cairn::s3 {

// The single owner of every bucket and object on a Cairn server, written as MinIO writes it so
// clients that compare owner ids across calls see one account.
inline constexpr char kOwnerId[] =
    "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4";
inline constexpr char kOwnerDisplayName[] = "minio";

inline void WriteOwner(XmlWriter& xml) {
  xml.Open("Owner");
  xml.Element("ID", kOwnerId);
  xml.Element("DisplayName", kOwnerDisplayName);
  xml.Close("Owner");
}

}  // namespace cairn::s3
