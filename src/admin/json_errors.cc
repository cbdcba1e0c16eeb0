#include "admin/json_errors.h"

#include <nlohmann/json.hpp>

namespace cairn::admin {

std::string ErrorJson(const ErrorInfo& info, std::string_view message,
                      std::string_view request_id) {
  nlohmann::ordered_json body = {
      {"Code", info.code},
      {"Message", message.empty() ? info.message : message},
      {"RequestId", request_id},
  };
  // Messages may quote user input that is not UTF-8; replace rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string MinioErrorJson(const ErrorInfo& info, std::string_view message,
                           std::string_view resource, std::string_view request_id) {
  nlohmann::ordered_json body = {
      {"Code", info.code},    {"Message", message.empty() ? info.message : message},
      {"Resource", resource}, {"RequestId", request_id},
      {"HostId", "cairn"},
  };
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ErrorInfo MinioAdminError(Code code, ErrorInfo s3, bool config_call, bool heal_call) {
  if (config_call && code == Code::kInvalidArgument) {
    return ErrorInfo{"XMinioConfigError", 400, s3.message};
  }
  if (heal_call && code == Code::kNotImplemented) {
    return ErrorInfo{"XMinioHealNotImplemented", 400,
                     "This server does not implement heal functionality."};
  }
  if (heal_call && code == Code::kInvalidArgument) {
    return ErrorInfo{"XMinioHealNoSuchProcess", 400,
                     "No such heal process is running on the server"};
  }
  switch (code) {
    case Code::kNoSuchUser: s3.code = "XMinioAdminNoSuchUser"; break;
    case Code::kNoSuchGroup: s3.code = "XMinioAdminNoSuchGroup"; break;
    case Code::kNoSuchPolicy: s3.code = "XMinioAdminNoSuchPolicy"; break;
    case Code::kGroupNotEmpty: s3.code = "XMinioAdminGroupNotEmpty"; break;
    case Code::kNoSuchServiceAccount: s3.code = "XMinioAdminServiceAccountNotFound"; break;
    default: break;
  }
  return s3;
}

}  // namespace cairn::admin
