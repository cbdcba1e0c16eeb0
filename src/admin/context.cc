#include "admin/context.h"

#include "admin/madmin_crypto.h"

namespace cairn::admin {

bool AdminContext::Allowed(std::string_view action, std::string_view bucket,
                           std::string_view key) const {
  iam::AccessRequest access;
  access.identity = &identity_;
  access.action = action;
  access.bucket = bucket;
  access.key = key;
  access.remote_ip = request_.remote_ip;
  access.secure_transport = request_.secure;
  if (auto agent = request_.headers.Get("user-agent")) {
    access.conditions.emplace_back("aws:UserAgent", std::string(*agent));
  }
  return services_.authorizer.IsAllowed(access);
}

Status AdminContext::Require(std::string_view action) const {
  if (Allowed(action)) return Status::Ok();
  return Status(Code::kAccessDenied, "Access Denied.");
}

std::optional<std::string_view> AdminContext::Param(std::string_view name) const {
  for (const auto& [key, value] : query_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string> AdminContext::Params(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query_) {
    if (key == name && !value.empty()) out.push_back(value);
  }
  return out;
}

Result<std::string> AdminContext::RequiredParam(std::string_view name) const {
  auto value = Param(name);
  if (!value || value->empty()) {
    return Status(Code::kInvalidArgument,
                  "the query parameter " + std::string(name) + " is required");
  }
  return std::string(*value);
}

Result<std::string> AdminContext::BodyText() {
  if (body_text_) return *body_text_;
  Status too_large(Code::kEntityTooLarge, "Admin request bodies are limited to 1 MiB.");
  if (request_.content_length && *request_.content_length > kMaxBodyBytes) return too_large;
  std::string text;
  char buf[16 * 1024];
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, body_.Read(buf, sizeof buf));
    if (n == 0) break;
    if (text.size() + n > kMaxBodyBytes) return too_large;
    text.append(buf, n);
  }
  body_text_ = std::move(text);
  return *body_text_;
}

Result<Json> AdminContext::BodyObject() {
  CAIRN_ASSIGN_OR_RETURN(std::string text, BodyText());
  Json object = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return Status(Code::kInvalidArgument, "the request body must be a JSON object");
  }
  return object;
}

Result<std::string> AdminContext::EncryptedBodyText() {
  CAIRN_ASSIGN_OR_RETURN(std::string sealed, BodyText());
  CAIRN_ASSIGN_OR_RETURN(auth::Credentials caller, iam().Lookup(identity_.access_key));
  return MadminDecrypt(caller.secret_key, sealed);
}

Result<Json> AdminContext::EncryptedBodyObject() {
  CAIRN_ASSIGN_OR_RETURN(std::string text, EncryptedBodyText());
  Json object = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return Status(Code::kInvalidArgument, "the decrypted request body must be a JSON object");
  }
  return object;
}

Result<Reply> AdminContext::Encrypted(const Json& reply) const {
  return EncryptedText(reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<Reply> AdminContext::EncryptedText(std::string_view text) const {
  CAIRN_ASSIGN_OR_RETURN(auth::Credentials caller, iam().Lookup(identity_.access_key));
  CAIRN_ASSIGN_OR_RETURN(std::string sealed, MadminEncrypt(caller.secret_key, text));
  return Reply::Bytes(std::move(sealed), "application/octet-stream");
}

Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Status(Code::kInvalidArgument, "\"" + std::string(field) + "\" must be a string");
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::vector<std::string>> StringList(const Json& object, std::string_view field) {
  Status bad(Code::kInvalidArgument,
             "\"" + std::string(field) + "\" must be a non-empty list of non-empty strings");
  auto it = object.find(field);
  if (it == object.end() || !it->is_array() || it->empty()) return bad;
  std::vector<std::string> out;
  for (const Json& item : *it) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) return bad;
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace cairn::admin
