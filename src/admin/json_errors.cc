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

}  // namespace cairn::admin
