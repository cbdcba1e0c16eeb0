// The one table from Cairn error codes to S3 errors (code, HTTP status, default message), and
// the XML body S3 clients parse.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::s3 {

struct S3ErrorInfo {
  std::string_view code;  // "NoSuchKey"
  int http_status;
  std::string_view message;  // AWS's default wording
};

const S3ErrorInfo& ErrorInfoFor(Code code);

// The answer to a client over the server's connection or request limits. No Status carries it:
// the front door sends it before any S3 code runs.
const S3ErrorInfo& SlowDownErrorInfo();

// <Error><Code/><Message/>[<Key/>|<BucketName/>]<Resource/><RequestId/><HostId/></Error>
std::string ErrorXml(const S3ErrorInfo& info, std::string_view message, std::string_view resource,
                     std::string_view request_id, std::string_view bucket, std::string_view key);

}  // namespace cairn::s3
