#include "audit/audit_entry.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <map>

#include "common/encoding.h"
#include "http/status_text.h"

namespace cairn::audit {

std::string FormatRfc3339Nano(TimePoint t) {
  int64_t nanos = ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t fraction = nanos % 1000000000;
  if (fraction < 0) {
    fraction += 1000000000;
    seconds -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (fraction != 0) {
    char digits[16];
    std::snprintf(digits, sizeof digits, ".%09lld", static_cast<long long>(fraction));
    std::string f = digits;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

std::string CanonicalHeaderKey(std::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper = c == '-';
  }
  return out;
}

namespace {

using OrderedJson = nlohmann::ordered_json;

// Go's map[string]string of a header: canonical names, repeated fields joined with ",".
std::map<std::string, std::string> HeaderMap(const Headers& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers.fields()) {
    std::string key = CanonicalHeaderKey(name);
    auto [it, inserted] = out.emplace(key, value);
    if (!inserted) it->second += "," + value;
  }
  return out;
}

std::string Nanos(std::chrono::nanoseconds d) { return std::to_string(d.count()); }

}  // namespace

std::string AuditEntryJson(const RequestRecord& r, std::string_view deployment_id) {
  OrderedJson entry;
  entry["version"] = "1";
  if (!deployment_id.empty()) entry["deploymentid"] = deployment_id;
  entry["time"] = FormatRfc3339Nano(r.time);
  entry["event"] = "";
  entry["trigger"] = "incoming";
  OrderedJson api;
  if (!r.api_name.empty()) api["name"] = r.api_name;
  if (!r.bucket.empty()) api["bucket"] = r.bucket;
  if (!r.object.empty()) api["object"] = r.object;
  if (r.status != 0) {
    api["status"] = std::string(http::StatusText(r.status));
    api["statusCode"] = r.status;
  }
  api["rx"] = r.rx;
  api["tx"] = r.tx;
  if (r.time_to_first_byte.count() != 0) {
    api["timeToFirstByte"] = Nanos(r.time_to_first_byte) + "ns";
    api["timeToFirstByteInNS"] = Nanos(r.time_to_first_byte);
  }
  api["timeToResponse"] = Nanos(r.time_to_response) + "ns";
  api["timeToResponseInNS"] = Nanos(r.time_to_response);
  entry["api"] = std::move(api);
  if (!r.remote_host.empty()) entry["remotehost"] = r.remote_host;
  if (!r.request_id.empty()) entry["requestID"] = r.request_id;
  if (!r.user_agent.empty()) entry["userAgent"] = r.user_agent;
  if (!r.path.empty()) {
    entry["requestPath"] = UriDecode(r.path, false).value_or(r.path);
  }
  if (!r.host.empty()) entry["requestHost"] = r.host;
  OrderedJson query = OrderedJson::object();
  if (auto params = ParseQuery(r.raw_query)) {
    std::map<std::string, std::string> joined;
    for (auto& [name, value] : *params) {
      auto [it, inserted] = joined.emplace(name, value);
      if (!inserted) it->second += "," + value;
    }
    for (auto& [name, value] : joined) query[name] = value;
  }
  if (!query.empty()) entry["requestQuery"] = std::move(query);
  OrderedJson request_header = OrderedJson::object();
  for (auto& [name, value] : HeaderMap(r.request_headers)) request_header[name] = value;
  if (!request_header.empty()) entry["requestHeader"] = std::move(request_header);
  OrderedJson response_header = OrderedJson::object();
  for (auto& [name, value] : HeaderMap(r.response_headers)) {
    // MinIO writes the ETag without its quotes.
    if (name == "Etag" && value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    response_header[name] = value;
  }
  if (!response_header.empty()) entry["responseHeader"] = std::move(response_header);
  entry["tags"] = OrderedJson::object();
  if (!r.access_key.empty()) entry["accessKey"] = r.access_key;
  if (!r.parent_user.empty()) entry["parentUser"] = r.parent_user;
  return entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cairn::audit
