#include "audit/trace_json.h"

#include <nlohmann/json.hpp>

#include "audit/audit_entry.h"

namespace cairn::audit {

namespace {

using OrderedJson = nlohmann::ordered_json;

// Go's http.Header: canonical names, each with its list of values.
OrderedJson HeaderLists(const Headers& headers) {
  OrderedJson out = OrderedJson::object();
  for (const auto& [name, value] : headers.fields()) {
    std::string key = CanonicalHeaderKey(name);
    if (!out.contains(key)) out[key] = OrderedJson::array();
    out[key].push_back(value);
  }
  return out;
}

}  // namespace

std::string TraceInfoJson(const RequestRecord& r, std::string_view node) {
  const bool admin = r.kind == RecordKind::kAdmin;
  OrderedJson info;
  info["type"] = admin ? kTraceTypeAdmin : kTraceTypeS3;
  info["nodename"] = node;
  info["funcname"] = (admin ? "admin." : "s3.") + r.api_name;
  info["time"] = FormatRfc3339Nano(r.time);
  const std::string& path = r.path;
  info["path"] = path;
  info["dur"] = r.time_to_response.count();
  if (r.rx + r.tx != 0) info["bytes"] = r.rx + r.tx;
  OrderedJson request;
  request["time"] = FormatRfc3339Nano(r.time);
  request["proto"] = "HTTP/1.1";
  request["method"] = r.method;
  request["path"] = path;
  if (!r.raw_query.empty()) request["rawquery"] = r.raw_query;
  request["headers"] = HeaderLists(r.request_headers);
  request["client"] = r.remote_host;
  OrderedJson response;
  response["time"] = FormatRfc3339Nano(r.time + r.time_to_response);
  response["headers"] = HeaderLists(r.response_headers);
  if (r.status != 0) response["statuscode"] = r.status;
  OrderedJson stats;
  stats["inputbytes"] = r.rx;
  stats["outputbytes"] = r.tx;
  stats["timetofirstbyte"] = r.time_to_first_byte.count();
  stats["readBlocked"] = 0;
  stats["writeBlocked"] = 0;
  OrderedJson http;
  http["request"] = std::move(request);
  http["response"] = std::move(response);
  http["stats"] = std::move(stats);
  info["http"] = std::move(http);
  return info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string TraceDroppedJson(uint64_t dropped, std::string_view node, TimePoint now) {
  OrderedJson info;
  info["type"] = kTraceTypeS3;
  info["nodename"] = node;
  info["funcname"] = "cairn.TraceDropped";
  info["time"] = FormatRfc3339Nano(now);
  info["path"] = "";
  info["dur"] = 0;
  info["error"] = std::to_string(dropped) +
                  " trace records were dropped: this reader did not keep up with the requests";
  return info.dump();
}

}  // namespace cairn::audit
