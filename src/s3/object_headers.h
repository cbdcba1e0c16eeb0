// Between request/response headers and stored object attributes: which headers a PUT keeps,
// and how a GET/HEAD gives them back (with response-* overrides).
#pragma once

#include <string>

#include "common/headers.h"
#include "common/status.h"
#include "s3/query.h"
#include "storage/object_store.h"

namespace cairn::s3 {

// Content-Type, Content-Encoding (without aws-chunked), Content-Disposition, Content-Language,
// Cache-Control, Expires and x-amz-meta-* from a PUT or a REPLACE copy.
// MetadataTooLarge when the x-amz-meta-* names (without the prefix) and values exceed 2 KB;
// InvalidArgument for a value with a control byte or a metadata name that is not an HTTP field
// name (POST form fields can carry either), so nothing stored can split a response head.
Result<storage::ObjectAttributes> AttributesFromRequest(const Headers& headers);

// Expected x-amz-checksum-* values (or algorithms to compute, value "") named by the request:
// a checksum header, x-amz-sdk-checksum-algorithm, or x-amz-trailer.
Result<storage::Checksums> ChecksumsFromRequest(const Headers& headers);

// ETag, Last-Modified, Content-Type, stored headers and response-* overrides from `query`.
void AddObjectHeaders(const storage::ObjectInfo& info, const Query& query, Headers& out);

// The whole object's checksums, when the request asked with x-amz-checksum-mode: ENABLED. Only
// for whole-object answers: a client checks them against the bytes it receives.
void AddChecksumHeadersIfAsked(const storage::ObjectInfo& info, const Headers& request_headers,
                               Headers& out);

std::string QuotedEtag(const std::string& etag);

}  // namespace cairn::s3
