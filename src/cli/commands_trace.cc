// `cairn admin trace ALIAS`: streams GET /minio/admin/v3/trace (MinIO's admin API, so it works
// against MinIO too) and prints each request as `mc admin trace` does, or with --json the
// TraceInfo objects as they come, one per line. Runs until interrupted or the server stops.
#include <cstdio>

#include "cli/commands_internal.h"
#include "cli/trace_lines.h"

namespace cairn::cli {

void RegisterTraceCommand(CLI::App& admin) {
  struct Opts {
    std::string alias;
    bool verbose = false;
    bool errors = false;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = AddCommand(
      admin, "trace", "Show the server's requests live, one line each",
      "  cairn admin trace local\n  cairn admin trace -v --errors local\n"
      "  cairn --json admin trace local",
      [opts](Context& ctx) {
        Result<Target> t = ctx.Remote(opts->alias);
        if (!t.ok()) return ctx.out.Fail(t.status(), opts->alias);
        auto client = ctx.Client(*t);
        if (!client.ok()) return ctx.out.Fail(client.status(), opts->alias);
        const bool json = ctx.out.flags().json;
        std::string pending;
        HttpRequest request;
        request.path = "/minio/admin/v3/trace";
        request.query = {
            {"err", opts->errors ? "true" : "false"}, {"s3", "true"}, {"threshold", "0s"}};
        request.sink = [&](std::string_view data) {
          pending.append(data);
          size_t start = 0;
          for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string_view line(pending.data() + start, nl - start);
            while (!line.empty() && (line.front() == ' ' || line.front() == '\r')) {
              line.remove_prefix(1);
            }
            if (line.empty()) continue;  // keep-alive
            nlohmann::json info = nlohmann::json::parse(line, nullptr, false);
            if (info.is_discarded()) continue;
            std::string text = json ? info.dump() : TraceText(info, opts->verbose);
            std::fwrite(text.data(), 1, text.size(), stdout);
            std::fputc('\n', stdout);
            std::fflush(stdout);
          }
          pending.erase(0, start);
          return true;
        };
        auto resp = client->Send(request, t->alias);
        if (!resp.ok()) return ctx.out.Fail(resp.status(), t->alias);
        return 0;
      });
  cmd->add_option("ALIAS", opts->alias)->required();
  cmd->add_flag("-v,--verbose", opts->verbose, "print the request and response headers too");
  cmd->add_flag("-e,--errors", opts->errors, "only requests answered with an error (4xx, 5xx)");
}

}  // namespace cairn::cli
