#include "audit/audit_config.h"

#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "common/headers.h"
#include "platform/env.h"

extern char** environ;

namespace cairn::audit {

namespace {

constexpr std::string_view kPrefix = "MINIO_AUDIT_WEBHOOK_";
constexpr std::string_view kFields[] = {"ENABLE",     "ENDPOINT",   "AUTH_TOKEN",   "QUEUE_DIR",
                                        "QUEUE_SIZE", "BATCH_SIZE", "HTTP_TIMEOUT", "CLIENT_CERT",
                                        "CLIENT_KEY", "QUEUE_LIMIT"};

Result<uint64_t> ParseCount(const std::string& name, const std::string& text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value == 0) {
    return Status(Code::kInvalidArgument, name + " must be a positive number, not '" + text + "'");
  }
  return value;
}

Result<std::chrono::milliseconds> ParseTimeout(const std::string& name, const std::string& text) {
  double number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit(ptr, static_cast<size_t>(text.data() + text.size() - ptr));
  double ms = -1;
  if (ec == std::errc() && !text.empty()) {
    if (unit.empty() || unit == "s") ms = number * 1000;
    if (unit == "ms") ms = number;
    if (unit == "m") ms = number * 60000;
  }
  if (ms <= 0 || !std::isfinite(ms)) {
    return Status(Code::kInvalidArgument,
                  name + " must be a duration like 5s or 500ms, not '" + text + "'");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

bool IsOn(std::string_view value) {
  return EqualsIgnoreCase(value, "on") || EqualsIgnoreCase(value, "true") || value == "1" ||
         EqualsIgnoreCase(value, "enable") || EqualsIgnoreCase(value, "enabled");
}

}  // namespace

Environment ProcessEnvironment() {
  Environment out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return out;
}

Result<AuditConfig> ParseAuditConfig(const Environment& env,
                                     const std::string& default_queue_root) {
  AuditConfig config;
  // id -> field -> value; "_" is the un-suffixed default target.
  std::map<std::string, std::map<std::string, std::string>> targets;
  for (const auto& [name, value] : env) {
    if (name == "CAIRN_AUDIT_FILE") config.file = value;
    if (!std::string_view(name).starts_with(kPrefix)) continue;
    std::string_view rest = std::string_view(name).substr(kPrefix.size());
    for (std::string_view field : kFields) {
      if (!rest.starts_with(field)) continue;
      std::string_view tail = rest.substr(field.size());
      std::string id;
      if (tail.empty()) {
        id = "_";
      } else if (tail.front() == '_' && tail.size() > 1) {
        id = std::string(tail.substr(1));
      } else {
        continue;  // a longer field name (QUEUE_DIR vs QUEUE_DIRX) or a stray underscore
      }
      targets[id][std::string(field)] = value;
      break;
    }
  }
  for (auto& [id, fields] : targets) {
    auto get = [&](const char* field) {
      auto it = fields.find(field);
      return it == fields.end() ? std::string() : it->second;
    };
    auto var = [&](const char* field) {
      return std::string(kPrefix) + field + (id == "_" ? "" : "_" + id);
    };
    if (!IsOn(get("ENABLE"))) continue;
    WebhookConfig target;
    target.id = id;
    target.endpoint = get("ENDPOINT");
    if (target.endpoint.empty()) {
      return Status(Code::kInvalidArgument,
                    var("ENABLE") + " is on but " + var("ENDPOINT") + " is not set");
    }
    if (!target.endpoint.starts_with("http://") && !target.endpoint.starts_with("https://")) {
      return Status(Code::kInvalidArgument,
                    var("ENDPOINT") + " must be an http:// or https:// URL: " + target.endpoint);
    }
    if (!get("CLIENT_CERT").empty() || !get("CLIENT_KEY").empty()) {
      return Status(Code::kInvalidArgument, var("CLIENT_CERT") + " / " + var("CLIENT_KEY") +
                                                ": client certificates are not supported yet");
    }
    target.auth_token = get("AUTH_TOKEN");
    target.queue_dir = get("QUEUE_DIR");
    if (target.queue_dir.empty()) {
      target.queue_dir = platform::JoinPath(default_queue_root, id);
    }
    std::string size = get("QUEUE_SIZE");
    if (size.empty()) size = get("QUEUE_LIMIT");
    if (!size.empty()) {
      CAIRN_ASSIGN_OR_RETURN(uint64_t n, ParseCount(var("QUEUE_SIZE"), size));
      target.queue_size = static_cast<size_t>(n);
    }
    if (std::string batch = get("BATCH_SIZE"); !batch.empty()) {
      CAIRN_ASSIGN_OR_RETURN(uint64_t n, ParseCount(var("BATCH_SIZE"), batch));
      target.batch_size = static_cast<size_t>(n);
    }
    if (std::string timeout = get("HTTP_TIMEOUT"); !timeout.empty()) {
      CAIRN_ASSIGN_OR_RETURN(target.http_timeout, ParseTimeout(var("HTTP_TIMEOUT"), timeout));
    }
    config.webhooks.push_back(std::move(target));
  }
  return config;
}

}  // namespace cairn::audit
