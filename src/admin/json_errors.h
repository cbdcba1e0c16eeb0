// Errors as the admin API answers them: {"Code", "Message", "RequestId"} with the S3 code's HTTP
// status. The mapping from Cairn codes to S3 codes is the S3 layer's one table (s3/errors.cc);
// admin/ may not link s3/, so the server hands that table in as an ErrorTable.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::admin {

struct ErrorInfo {
  std::string_view code;  // "NoSuchUser"
  int http_status = 500;
  std::string_view message;  // the default wording, used when a Status has none
};

// Maps every Code to its S3 error; must be total (unknown codes -> InternalError, 500).
using ErrorTable = ErrorInfo (*)(Code);

// The admin API's own answer for a path below the base that names no endpoint; S3 has no such
// code, and Code::kNotFound means a broken store everywhere else.
inline constexpr ErrorInfo kNoSuchEndpoint{"NotFound", 404, "The admin API has no such endpoint."};

// The JSON error body: {"Code": ..., "Message": ..., "RequestId": ...}.
std::string ErrorJson(const ErrorInfo& info, std::string_view message, std::string_view request_id);

// MinIO's admin error body (what madmin-go's httpRespToErrorResponse reads):
// {"Code", "Message", "Resource", "RequestId", "HostId"}; `resource` is the request path.
std::string MinioErrorJson(const ErrorInfo& info, std::string_view message,
                           std::string_view resource, std::string_view request_id);

// `s3` (the S3 table's answer for `code`) with MinIO's admin code names where MinIO's admin API
// has its own (XMinioAdminNoSuchUser, ...), so mc prints what it prints against MinIO. On the
// config-kv calls (`config_call`) a refused argument (kInvalidArgument: an unknown sub-system or
// key, a setting that cannot change at run time) is MinIO's XMinioConfigError, 400.
// On the heal call (`heal_call`), kNotImplemented (a server without redundancy) is MinIO's
// XMinioHealNotImplemented, 400.
ErrorInfo MinioAdminError(Code code, ErrorInfo s3, bool config_call = false,
                          bool heal_call = false);

}  // namespace cairn::admin
