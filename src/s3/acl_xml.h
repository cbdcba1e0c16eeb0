// ACL bodies and headers (docs/acl.md): the AccessControlPolicy XML of Get/Put*Acl, the
// x-amz-acl / x-amz-grant-* headers of the writes that take an ACL, and the OwnershipControls
// and PublicAccessBlockConfiguration bodies. Pure: no I/O (the fuzz targets may call them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/headers.h"
#include "common/status.h"
#include "storage/acl.h"

namespace cairn::s3 {

// <AccessControlPolicy><Owner><ID/><DisplayName/></Owner><AccessControlList><Grant>
// <Grantee xsi:type="CanonicalUser|Group"><ID/>|<URI/></Grantee><Permission/></Grant>...
std::string RenderAccessControlPolicy(const storage::Acl& acl);

// Parses a PutBucketAcl/PutObjectAcl body for a resource owned by `owner`. kMalformedACLError for
// XML that does not validate (no root, a grant without grantee or permission, an unknown
// permission or grantee type, more than 100 grants); kInvalidArgumentS3 for an unknown group
// URI; kUnresolvableGrantByEmailAddress for AmazonCustomerByEmail; kAccessDenied when the body
// names another owner (an ACL cannot change who owns the resource).
Result<storage::Acl> ParseAccessControlPolicy(std::string_view xml, const std::string& owner);

// The ACL a request's headers ask for, for a resource owned by `owner` in a bucket owned by
// `bucket_owner`: x-amz-acl (a canned ACL) or x-amz-grant-read/-write/-read-acp/-write-acp/
// -full-control (the owner keeps FULL_CONTROL only if a grant says so, as S3 stores it).
// nullopt when the request names none. Both kinds at once: kInvalidRequest; a bad value:
// kInvalidArgumentS3 / kUnresolvableGrantByEmailAddress.
Result<std::optional<storage::Acl>> AclFromHeaders(const Headers& headers, const std::string& owner,
                                                   const std::string& bucket_owner);

// Whether an ACL may be set on a bucket whose ACLs are disabled (BucketOwnerEnforced): only
// "private" and "bucket-owner-full-control" and what equals them (the owner, FULL_CONTROL).
bool AclAllowedWhenEnforced(const storage::Acl& acl);

// <OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced|BucketOwnerPreferred|
// ObjectWriter</ObjectOwnership></Rule></OwnershipControls>. kMalformedXML otherwise.
Result<storage::ObjectOwnership> ParseOwnershipControls(std::string_view xml);
std::string RenderOwnershipControls(storage::ObjectOwnership ownership);
// The x-amz-object-ownership / ObjectOwnership value; nullopt for anything else.
std::optional<storage::ObjectOwnership> OwnershipFromName(std::string_view name);
std::string_view OwnershipName(storage::ObjectOwnership ownership);

// <PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>... (absent: false).
// kMalformedXML for another root or a value other than true/false.
Result<storage::PublicAccessBlock> ParsePublicAccessBlock(std::string_view xml);
std::string RenderPublicAccessBlock(const storage::PublicAccessBlock& block);

}  // namespace cairn::s3
