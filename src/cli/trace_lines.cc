#include "cli/trace_lines.h"

#include <cstdio>

namespace cairn::cli {

namespace {

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Int(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

// "2024-05-06T07:08:09.123456789Z" -> "2024-05-06T07:08:09.123"
std::string ShortTime(const std::string& time) {
  std::string out = time.substr(0, std::min<size_t>(time.size(), 23));
  if (!out.empty() && out.back() == 'Z') out.pop_back();
  return out;
}

std::string StatusText(int64_t code) {
  switch (code) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string HeaderLines(const nlohmann::json& headers, const char* mark) {
  std::string out;
  if (!headers.is_object()) return out;
  for (const auto& [name, values] : headers.items()) {
    if (!values.is_array()) continue;
    for (const auto& value : values) {
      if (value.is_string())
        out += std::string("\n  ") + mark + " " + name + ": " + value.get<std::string>();
    }
  }
  return out;
}

}  // namespace

std::string ShortDuration(int64_t nanos) {
  char buf[32];
  double value = static_cast<double>(nanos);
  if (nanos < 1000) {
    std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(nanos));
  } else if (nanos < 1000000) {
    std::snprintf(buf, sizeof buf, "%.3gµs", value / 1e3);
  } else if (nanos < 1000000000) {
    std::snprintf(buf, sizeof buf, "%.3gms", value / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.3gs", value / 1e9);
  }
  return buf;
}

std::string TraceText(const nlohmann::json& info, bool verbose) {
  const std::string time = ShortTime(Str(info, "time"));
  auto http = info.find("http");
  if (http == info.end() || !http->is_object()) {
    return time + " " + Str(info, "funcname") + " " + Str(info, "error");
  }
  const nlohmann::json& request = (*http)["request"];
  const nlohmann::json& response = (*http)["response"];
  const nlohmann::json& stats = (*http)["stats"];
  int64_t status = Int(response, "statuscode");
  std::string host;
  if (auto headers = request.find("headers"); headers != request.end() && headers->is_object()) {
    auto it = headers->find("Host");
    if (it != headers->end() && it->is_array() && !it->empty() && (*it)[0].is_string()) {
      host = (*it)[0].get<std::string>();
    }
  }
  std::string path = Str(request, "path");
  std::string query = Str(request, "rawquery");
  std::string line = time + " [" + std::to_string(status) + " " + StatusText(status) + "] " +
                     Str(info, "funcname") + " " + host + path +
                     (query.empty() ? "" : "?" + query) + " " + Str(request, "client") + " " +
                     ShortDuration(Int(info, "dur")) + " ↑ " +
                     std::to_string(Int(stats, "inputbytes")) + " B ↓ " +
                     std::to_string(Int(stats, "outputbytes")) + " B";
  if (verbose) {
    line += HeaderLines(request.value("headers", nlohmann::json()), ">");
    line += HeaderLines(response.value("headers", nlohmann::json()), "<");
  }
  return line;
}

}  // namespace cairn::cli
