// MinIO's heal call (madmin-go's heal-commands.go): POST heal/{bucket}/{prefix} with HealOpts
// starts a heal and answers HealStartSuccess with a client token; the client then polls with
// ?clientToken= and gets HealTaskStatus with the items healed. Cairn heals synchronously in the
// start call (the store's Heal walks the blobs), keeps the result under its token, and hands it
// out on the first poll. One drive: XMinioHealNotImplemented, as MinIO answers without erasure.
#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "admin/endpoints.h"
#include "admin/handlers.h"
#include "common/encoding.h"
#include "platform/env.h"

namespace cairn::admin {

namespace {

constexpr int kHealDeepScan = 2;  // madmin.HealScanMode: Unknown, Normal, Deep
constexpr size_t kMaxKeptResults = 16;

struct KeptHeal {
  Json status;  // the HealTaskStatus the first poll gets
};

std::mutex& KeptMutex() {
  static std::mutex mu;
  return mu;
}
std::unordered_map<std::string, KeptHeal>& Kept() {
  static std::unordered_map<std::string, KeptHeal> kept;
  return kept;
}

// madmin.HealDriveInfo states of one blob's shards, by drive position.
Json DriveStates(const storage::StoreHealth& health, const storage::HealedBlob& item, bool after) {
  Json drives = Json::array();
  auto has = [](const std::vector<int>& v, int i) {
    return std::find(v.begin(), v.end(), i) != v.end();
  };
  for (size_t i = 0; i < health.drives.size(); ++i) {
    const int pos = static_cast<int>(i);
    std::string state = "ok";
    if (has(item.offline, pos)) {
      state = "offline";
    } else if (!after || !has(item.rebuilt, pos)) {
      if (has(item.missing, pos)) state = "missing";
      if (has(item.corrupt, pos)) state = "corrupt";
    }
    drives.push_back(Json{{"uuid", ""}, {"endpoint", health.drives[i].path}, {"state", state}});
  }
  return drives;
}

// madmin.HealOpts that ask for something Cairn's heal does not do are refused, never ignored:
// a dry run that healed for real, or a remove/recreate that did neither, would be a silent yes.
// The one erasure set is pool 0, set 0.
Status RefuseUnservedHealOptions(const Json& opts) {
  for (const char* flag : {"dryRun", "remove", "recreate", "updateParity"}) {
    const auto found = opts.find(flag);
    if (found == opts.end() || found->is_null()) continue;
    if (!found->is_boolean()) {
      return Status(Code::kInvalidRequest,
                    std::string("heal option ") + flag + " is not a boolean");
    }
    if (found->get<bool>()) {
      return Status(Code::kNotImplemented,
                    std::string("Cairn does not implement the heal option ") + flag + ".");
    }
  }
  for (const char* place : {"pool", "set"}) {
    const auto found = opts.find(place);
    if (found == opts.end() || found->is_null()) continue;
    if (!found->is_number_integer()) {
      return Status(Code::kInvalidRequest,
                    std::string("heal option ") + place + " is not a number");
    }
    if (found->get<int64_t>() != 0) {
      return Status(
          Code::kNotImplemented,
          std::string("This server has one erasure set: heal option ") + place + " must be 0.");
    }
  }
  if (const auto mode = opts.find("scanMode"); mode != opts.end() && !mode->is_null()) {
    if (!mode->is_number_integer() || mode->get<int64_t>() < 0 ||
        mode->get<int64_t>() > kHealDeepScan) {
      return Status(Code::kInvalidRequest, "heal option scanMode must be 0, 1 or 2");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Reply> V3Heal(AdminContext& ctx) {
  const AdminOptions& options = ctx.services().options;
  if (!options.heal) return Status(Code::kNotImplemented, "");
  // heal/{bucket}/{prefix}
  std::string_view rest = std::string_view(ctx.request().path).substr(kMinioBasePath.size());
  rest.remove_prefix(std::min<size_t>(rest.size(), 4));  // "heal"
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  std::string bucket(rest.substr(0, rest.find('/')));
  std::string prefix;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    prefix = std::string(rest.substr(slash + 1));
  }

  if (auto token = ctx.Param("clientToken"); token && !token->empty()) {
    std::lock_guard lock(KeptMutex());
    auto found = Kept().find(std::string(*token));
    if (found == Kept().end()) {
      return Status(Code::kInvalidArgument, "No such heal process is running on the server");
    }
    Json status = std::move(found->second.status);
    Kept().erase(found);
    return Reply::Ok(std::move(status));
  }
  if (ctx.Param("forceStop").value_or("") == "true") {
    // Heals finish within their start call: nothing is left running to stop.
    return Reply::Ok(Json{{"clientToken", ""}, {"clientAddress", ""}, {"startTime", ""}});
  }

  Json opts = Json::object();
  CAIRN_ASSIGN_OR_RETURN(std::string text, ctx.BodyText());
  if (!text.empty()) {
    CAIRN_ASSIGN_OR_RETURN(opts, ctx.BodyObject());
  }
  CAIRN_RETURN_IF_ERROR(RefuseUnservedHealOptions(opts));
  storage::HealRequest request;
  request.bucket = bucket;
  request.prefix = prefix;
  request.deep = opts.value("scanMode", 0) == kHealDeepScan;
  const std::string started = FormatIso8601(Now());
  // Refused like MinIO when the set has no redundancy (one drive): kNotImplemented.
  CAIRN_ASSIGN_OR_RETURN(storage::HealSummary summary, options.heal(request));
  const storage::StoreHealth health =
      options.store_health ? options.store_health() : storage::StoreHealth{};

  Json items = Json::array();
  int64_t index = 0;
  for (const storage::HealedBlob& item : summary.items) {
    Json result{
        {"resultId", ++index},
        {"type", "object"},
        {"bucket", item.bucket},
        {"object", item.key},
        {"versionId", ""},
        {"detail", item.error.empty() ? "shards rebuilt: " + std::to_string(item.rebuilt.size())
                                      : item.error},
        {"parityBlocks", health.parity_drives},
        {"dataBlocks", health.data_drives},
        {"diskCount", health.drives.size()},
        {"setCount", 1},
        {"before", Json{{"drives", DriveStates(health, item, false)}}},
        {"after", Json{{"drives", DriveStates(health, item, true)}}},
        {"objectSize", item.size}};
    items.push_back(std::move(result));
  }
  Json settings{{"recursive", opts.value("recursive", false)},
                {"dryRun", false},
                {"remove", false},
                {"recreate", false},
                {"scanMode", request.deep ? kHealDeepScan : 1},
                {"nolock", opts.value("nolock", false)}};
  Json status{{"summary", "finished"},
              {"detail", std::to_string(summary.blobs_checked) + " blobs checked, " +
                             std::to_string(summary.blobs_damaged) + " damaged, " +
                             std::to_string(summary.shards_rebuilt) + " shards rebuilt, " +
                             std::to_string(summary.blobs_failed) + " failed"},
              {"startTime", started},
              {"settings", settings},
              {"items", std::move(items)},
              // Cairn's own totals, beside madmin's fields.
              {"blobsChecked", summary.blobs_checked},
              {"blobsDamaged", summary.blobs_damaged},
              {"shardsRebuilt", summary.shards_rebuilt},
              {"blobsFailed", summary.blobs_failed}};

  uint8_t raw[16];
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(raw, sizeof raw));
  std::string token = HexEncode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
  {
    std::lock_guard lock(KeptMutex());
    if (Kept().size() >= kMaxKeptResults) Kept().erase(Kept().begin());  // never polled
    Kept()[token] = KeptHeal{std::move(status)};
  }
  return Reply::Ok(Json{
      {"clientToken", token}, {"clientAddress", ctx.request().remote_ip}, {"startTime", started}});
}

}  // namespace cairn::admin
