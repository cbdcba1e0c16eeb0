// GET scanner/status: the lifecycle scanner's pass in progress and its last completed pass.
#include "admin/handlers.h"

namespace cairn::admin {

namespace {

Json PassJson(const storage::scanner::ScannerPass& p, bool finished) {
  Json out{{"started", FormatIso8601(p.started)},
           {"resumed", p.resumed},
           {"buckets", p.buckets},
           {"scanned", p.scanned},
           {"expired", p.expired},
           {"noncurrentRemoved", p.noncurrent_removed},
           {"deleteMarkersRemoved", p.markers_removed},
           {"uploadsAborted", p.uploads_aborted},
           {"actions", p.expired + p.noncurrent_removed + p.markers_removed + p.uploads_aborted},
           {"errors", p.errors}};
  if (finished) out["finished"] = FormatIso8601(p.finished);
  if (!p.last_error.empty()) out["lastError"] = p.last_error;
  return out;
}

}  // namespace

Result<Reply> ScannerStatus(AdminContext& ctx) {
  const AdminOptions& options = ctx.services().options;
  if (!options.scanner_status) return Status(Code::kNotImplemented, "no lifecycle scanner");
  storage::scanner::ScannerStatus s = options.scanner_status();
  Json out{{"running", s.running},
           {"passes", s.passes},
           {"daySeconds", s.day_seconds},
           {"intervalSeconds", s.interval.count() / 1000.0}};
  out["lastPass"] = s.last ? PassJson(*s.last, true) : Json(nullptr);
  out["lastActivePass"] = s.last_active ? PassJson(*s.last_active, true) : Json(nullptr);
  out["currentPass"] = s.current ? PassJson(*s.current, false) : Json(nullptr);
  return Reply::Ok(std::move(out));
}

}  // namespace cairn::admin
