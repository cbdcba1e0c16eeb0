#include "cli/errors.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <utility>

namespace cairn::cli {
namespace {

struct Known {
  std::string_view name;
  Code code;
};
constexpr Known kKnown[] = {
    {"AccessDenied", Code::kAccessDenied},
    {"InvalidAccessKeyId", Code::kInvalidAccessKeyId},
    {"SignatureDoesNotMatch", Code::kSignatureDoesNotMatch},
    {"RequestTimeTooSkewed", Code::kRequestTimeTooSkewed},
    {"NoSuchBucket", Code::kNoSuchBucket},
    {"NoSuchKey", Code::kNoSuchKey},
    {"NoSuchUpload", Code::kNoSuchUpload},
    {"BucketAlreadyOwnedByYou", Code::kBucketAlreadyOwnedByYou},
    {"BucketAlreadyExists", Code::kBucketAlreadyOwnedByYou},
    {"BucketNotEmpty", Code::kBucketNotEmpty},
    {"InvalidBucketName", Code::kInvalidBucketName},
    {"NoSuchBucketPolicy", Code::kNoSuchBucketPolicy},
    {"MalformedPolicy", Code::kMalformedPolicy},
    {"PreconditionFailed", Code::kPreconditionFailed},
    {"EntityTooLarge", Code::kEntityTooLarge},
    {"InvalidArgument", Code::kInvalidArgument},
    {"NotImplemented", Code::kNotImplemented},
    {"NotFound", Code::kNotFound},
};

Code CodeFor(std::string_view name, long http_status) {
  for (const auto& k : kKnown) {
    if (k.name == name) return k.code;
  }
  if (http_status == 403) return Code::kAccessDenied;
  if (http_status == 404) return Code::kNotFound;
  if (http_status >= 500) return Code::kUnavailable;
  return Code::kInvalidRequest;
}

}  // namespace

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (u >= 0x20 && u != 0x7f) {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Status ErrorFromResponse(long http_status, std::string_view body, std::string_view what) {
  std::string code_name;
  std::string message;
  std::string_view trimmed = body;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n')) {
    trimmed.remove_prefix(1);
  }
  if (!trimmed.empty() && trimmed.front() == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(trimmed.data(), trimmed.size())) {
      pugi::xml_node error = doc.child("Error");
      code_name = error.child_value("Code");
      message = error.child_value("Message");
    }
  } else if (!trimmed.empty() && trimmed.front() == '{') {
    auto json = nlohmann::json::parse(trimmed, nullptr, false);
    if (json.is_object()) {
      if (json.contains("Code") && json["Code"].is_string()) code_name = json["Code"];
      if (json.contains("Message") && json["Message"].is_string()) message = json["Message"];
    }
  }
  if (code_name.empty()) {
    switch (http_status) {
      case 403:
        code_name = "AccessDenied";
        message = "Access Denied.";
        break;
      case 404:
        code_name = "NotFound";
        message = "`" + std::string(what) + "` does not exist.";
        break;
      case 405:
        code_name = "MethodNotAllowed";
        message = "Method not allowed.";
        break;
      case 412:
        code_name = "PreconditionFailed";
        message = "A precondition failed.";
        break;
      case 503:
        code_name = "ServiceUnavailable";
        message = "The server is not ready.";
        break;
      default:
        code_name = "HTTP" + std::to_string(http_status);
        message = "The server answered HTTP " + std::to_string(http_status) + ".";
    }
  }
  if (message.empty()) message = code_name;
  return Status(CodeFor(code_name, http_status), OneLine(message) + " (" + code_name + ")");
}

std::string ErrorCodeName(const Status& status) {
  const std::string& m = status.message();
  if (m.size() < 3 || m.back() != ')') return "";
  size_t open = m.rfind(" (");
  if (open == std::string::npos) return "";
  std::string name = m.substr(open + 2, m.size() - open - 3);
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
  }
  return name;
}

}  // namespace cairn::cli
