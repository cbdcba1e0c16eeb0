// GET /minio/admin/v3/trace (madmin-go's ServiceTrace, `mc admin trace`): a chunked stream of
// TraceInfo JSON objects, one per line, for the requests this server answers while the client
// listens. Authorized by admin:ServerTrace in the pipeline. The stream holds this request's
// worker only; records reach it through a bounded ring (audit/record_hub.h), so a slow reader
// loses records (and is told) rather than slowing requests; it ends when the client goes away
// (the next write fails, at the latest one keep-alive later) or the server stops (the hub closes).
#include <charconv>

#include "admin/handlers.h"
#include "audit/trace_stream.h"

namespace cairn::admin {

namespace {

bool Flag(const AdminContext& ctx, std::string_view name) {
  return ctx.Param(name).value_or("") == "true";
}

// Go's time.ParseDuration for what madmin sends ("0s", "100ms", "1m30s", "1.5s").
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  if (text.empty() || text == "0") return std::chrono::nanoseconds(0);
  double total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    double number = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (ec != std::errc() || number < 0) break;
    rest.remove_prefix(static_cast<size_t>(ptr - rest.data()));
    double unit = 0;
    for (auto [name, nanos] :
         std::initializer_list<std::pair<std::string_view, double>>{{"ns", 1},
                                                                    {"us", 1e3},
                                                                    {"\u00b5s", 1e3},
                                                                    {"ms", 1e6},
                                                                    {"s", 1e9},
                                                                    {"m", 60e9},
                                                                    {"h", 3600e9}}) {
      if (rest.starts_with(name) && (name != "m" || !rest.starts_with("ms"))) {
        unit = nanos;
        rest.remove_prefix(name.size());
        break;
      }
    }
    if (unit == 0) break;
    total += number * unit;
    if (rest.empty()) return std::chrono::nanoseconds(static_cast<int64_t>(total));
  }
  return Status(Code::kInvalidArgument, "threshold is not a duration: " + std::string(text));
}

}  // namespace

Status ServeTrace(AdminContext& ctx, const Headers& headers, http::ResponseWriter& out) {
  const AdminOptions& options = ctx.services().options;
  if (options.records == nullptr) {
    return Status(Code::kNotImplemented, "This server does not trace requests.");
  }
  audit::TraceFilter filter;
  // madmin sends s3=, internal=, storage=, os=... (or the older all=); without any, S3 calls.
  if (ctx.Param("s3") || ctx.Param("all")) {
    filter.s3 = Flag(ctx, "s3") || Flag(ctx, "all");
  }
  filter.admin = Flag(ctx, "admin") || Flag(ctx, "all");
  filter.errors_only = Flag(ctx, "err");
  CAIRN_ASSIGN_OR_RETURN(filter.threshold, ParseGoDuration(ctx.Param("threshold").value_or("")));

  std::shared_ptr<audit::TraceSubscription> subscription = options.records->Subscribe(filter);
  if (subscription == nullptr) {
    return Status(Code::kUnavailable,
                  "Too many trace clients are connected (or the server is stopping); try later.");
  }
  audit::TraceStream stream(*options.records, std::move(subscription), options.node_name);
  Headers answer = headers;
  answer.Add("content-type", "application/json");
  answer.Add("cache-control", "no-store");
  return out.SendChunked(200, answer, stream);
}

}  // namespace cairn::admin
