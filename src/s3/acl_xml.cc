#include "s3/acl_xml.h"

#include <pugixml.hpp>

#include "iam/acl.h"
#include "s3/owner.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

using storage::Acl;
using storage::AclGrant;
using storage::AclPermission;
using storage::GranteeType;

namespace {
constexpr size_t kMaxGrants = 100;  // S3's limit on one ACL
constexpr char kXsi[] = "http://www.w3.org/2001/XMLSchema-instance";

Status MalformedAcl() { return Status(Code::kMalformedACLError, ""); }

// The local part of an attribute or element name ("xsi:type" -> "type").
std::string_view LocalName(const char* name) {
  std::string_view n(name);
  size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string_view GranteeTypeOf(pugi::xml_node grantee) {
  for (pugi::xml_attribute a : grantee.attributes()) {
    if (LocalName(a.name()) == "type" && std::string_view(a.name()) != "type") return a.value();
  }
  return "";
}

std::string Text(pugi::xml_node node) { return node.text().as_string(); }
}  // namespace

std::string RenderAccessControlPolicy(const Acl& acl) {
  XmlWriter xml;
  xml.OpenRoot("AccessControlPolicy");
  xml.Open("Owner");
  xml.Element("ID", acl.owner());
  xml.Element("DisplayName", kOwnerDisplayName);
  xml.Close("Owner");
  xml.Open("AccessControlList");
  for (const AclGrant& g : acl.grants()) {
    xml.Open("Grant");
    const bool user = g.type == GranteeType::kCanonicalUser;
    xml.Open(std::string("Grantee xmlns:xsi=\"") + kXsi + "\" xsi:type=\"" +
             (user ? "CanonicalUser" : "Group") + "\"");
    if (user) {
      xml.Element("ID", g.grantee);
      if (g.grantee == acl.owner()) xml.Element("DisplayName", kOwnerDisplayName);
    } else {
      xml.Element("URI", g.grantee);
    }
    xml.Close("Grantee");
    xml.Element("Permission", iam::PermissionName(g.permission));
    xml.Close("Grant");
  }
  xml.Close("AccessControlList");
  xml.Close("AccessControlPolicy");
  return xml.Finish();
}

Result<Acl> ParseAccessControlPolicy(std::string_view xml, const std::string& owner) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return MalformedAcl();
  pugi::xml_node root = doc.child("AccessControlPolicy");
  if (!root) return MalformedAcl();
  std::vector<AclGrant> grants;
  if (pugi::xml_node owner_node = root.child("Owner")) {
    pugi::xml_node id = owner_node.child("ID");
    if (!id) return MalformedAcl();
    if (Text(id) != owner) return Status(Code::kAccessDenied, "Access Denied.");
  }
  pugi::xml_node list = root.child("AccessControlList");
  if (!list) return MalformedAcl();
  for (pugi::xml_node grant : list.children()) {
    if (std::string_view(grant.name()) != "Grant") return MalformedAcl();
    pugi::xml_node grantee = grant.child("Grantee");
    pugi::xml_node permission = grant.child("Permission");
    if (!grantee || !permission) return MalformedAcl();
    std::optional<AclPermission> p = iam::PermissionFromName(Text(permission));
    if (!p) return MalformedAcl();
    std::string_view type = GranteeTypeOf(grantee);
    AclGrant g;
    g.permission = *p;
    if (type == "CanonicalUser") {
      g.type = GranteeType::kCanonicalUser;
      g.grantee = Text(grantee.child("ID"));
      if (g.grantee.empty()) return MalformedAcl();
    } else if (type == "Group") {
      g.type = GranteeType::kGroup;
      g.grantee = Text(grantee.child("URI"));
      if (!iam::IsKnownGroup(g.grantee)) {
        return Status(Code::kInvalidArgumentS3, "Invalid group uri");
      }
    } else if (type == "AmazonCustomerByEmail") {
      return Status(Code::kUnresolvableGrantByEmailAddress, "");
    } else {
      return MalformedAcl();
    }
    grants.push_back(std::move(g));
    if (grants.size() > kMaxGrants) return MalformedAcl();
  }
  return Acl(owner, std::move(grants));
}

Result<std::optional<Acl>> AclFromHeaders(const Headers& headers, const std::string& owner,
                                          const std::string& bucket_owner) {
  struct GrantHeader {
    const char* name;
    AclPermission permission;
  };
  static constexpr GrantHeader kGrantHeaders[] = {
      {"x-amz-grant-read", AclPermission::kRead},
      {"x-amz-grant-write", AclPermission::kWrite},
      {"x-amz-grant-read-acp", AclPermission::kReadAcp},
      {"x-amz-grant-write-acp", AclPermission::kWriteAcp},
      {"x-amz-grant-full-control", AclPermission::kFullControl},
  };
  std::optional<std::string_view> canned = headers.Get("x-amz-acl");
  bool any_grant = false;
  for (const GrantHeader& h : kGrantHeaders) any_grant = any_grant || headers.Has(h.name);
  if (canned && any_grant) {
    return Status(Code::kInvalidRequest,
                  "Specifying both Canned ACLs and Header Grants is not allowed");
  }
  if (canned) {
    CAIRN_ASSIGN_OR_RETURN(Acl acl, iam::CannedAcl(*canned, owner, bucket_owner));
    return std::optional<Acl>(std::move(acl));
  }
  if (!any_grant) return std::optional<Acl>();
  std::vector<AclGrant> grants;
  for (const GrantHeader& h : kGrantHeaders) {
    if (auto value = headers.Get(h.name)) {
      CAIRN_RETURN_IF_ERROR(iam::ParseGrantHeader(*value, h.permission, &grants));
    }
  }
  if (grants.size() > kMaxGrants) {
    return Status(Code::kInvalidArgumentS3, "Too many grants in the request.");
  }
  return std::optional<Acl>(Acl(owner, std::move(grants)));
}

bool AclAllowedWhenEnforced(const Acl& acl) {
  for (const AclGrant& g : acl.grants()) {
    if (g.type != GranteeType::kCanonicalUser || g.grantee != acl.owner() ||
        g.permission != AclPermission::kFullControl) {
      return false;
    }
  }
  return true;
}

std::optional<storage::ObjectOwnership> OwnershipFromName(std::string_view name) {
  using storage::ObjectOwnership;
  if (name == "BucketOwnerEnforced") return ObjectOwnership::kBucketOwnerEnforced;
  if (name == "BucketOwnerPreferred") return ObjectOwnership::kBucketOwnerPreferred;
  if (name == "ObjectWriter") return ObjectOwnership::kObjectWriter;
  return std::nullopt;
}

std::string_view OwnershipName(storage::ObjectOwnership ownership) {
  using storage::ObjectOwnership;
  switch (ownership) {
    case ObjectOwnership::kBucketOwnerEnforced: return "BucketOwnerEnforced";
    case ObjectOwnership::kBucketOwnerPreferred: return "BucketOwnerPreferred";
    case ObjectOwnership::kObjectWriter:
    case ObjectOwnership::kNone: break;
  }
  return "ObjectWriter";
}

Result<storage::ObjectOwnership> ParseOwnershipControls(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status(Code::kMalformedXML, "");
  pugi::xml_node root = doc.child("OwnershipControls");
  // One rule, as S3 takes it.
  size_t rules = 0;
  for (pugi::xml_node rule : root.children("Rule")) {
    (void)rule;
    ++rules;
  }
  if (!root || rules != 1) return Status(Code::kMalformedXML, "");
  std::optional<storage::ObjectOwnership> ownership =
      OwnershipFromName(Text(root.child("Rule").child("ObjectOwnership")));
  if (!ownership) return Status(Code::kMalformedXML, "");
  return *ownership;
}

std::string RenderOwnershipControls(storage::ObjectOwnership ownership) {
  XmlWriter xml;
  xml.OpenRoot("OwnershipControls");
  xml.Open("Rule");
  xml.Element("ObjectOwnership", OwnershipName(ownership));
  xml.Close("Rule");
  xml.Close("OwnershipControls");
  return xml.Finish();
}

Result<storage::PublicAccessBlock> ParsePublicAccessBlock(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status(Code::kMalformedXML, "");
  pugi::xml_node root = doc.child("PublicAccessBlockConfiguration");
  if (!root) return Status(Code::kMalformedXML, "");
  storage::PublicAccessBlock block;
  struct Field {
    const char* name;
    bool storage::PublicAccessBlock::*flag;
  };
  static constexpr Field kFields[] = {
      {"BlockPublicAcls", &storage::PublicAccessBlock::block_public_acls},
      {"IgnorePublicAcls", &storage::PublicAccessBlock::ignore_public_acls},
      {"BlockPublicPolicy", &storage::PublicAccessBlock::block_public_policy},
      {"RestrictPublicBuckets", &storage::PublicAccessBlock::restrict_public_buckets},
  };
  for (const Field& f : kFields) {
    pugi::xml_node node = root.child(f.name);
    if (!node) continue;
    std::string value = Text(node);
    if (value == "true" || value == "TRUE" || value == "True") {
      block.*f.flag = true;
    } else if (value != "false" && value != "FALSE" && value != "False") {
      return Status(Code::kMalformedXML, "");
    }
  }
  return block;
}

std::string RenderPublicAccessBlock(const storage::PublicAccessBlock& block) {
  XmlWriter xml;
  xml.OpenRoot("PublicAccessBlockConfiguration");
  xml.Element("BlockPublicAcls", block.block_public_acls ? "true" : "false");
  xml.Element("IgnorePublicAcls", block.ignore_public_acls ? "true" : "false");
  xml.Element("BlockPublicPolicy", block.block_public_policy ? "true" : "false");
  xml.Element("RestrictPublicBuckets", block.restrict_public_buckets ? "true" : "false");
  xml.Close("PublicAccessBlockConfiguration");
  return xml.Finish();
}

}  // namespace cairn::s3
