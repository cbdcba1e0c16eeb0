#include "server/store_setup.h"

#include "storage/erasure_store.h"
#ifdef CAIRN_WITH_RADOS
#include "storage/rados_store/rados_store.h"
#endif

namespace cairn::server {

Result<std::unique_ptr<storage::LocalStore>> OpenStore(const ServerConfig& config,
                                                       const storage::LocalStoreOptions& options) {
  if (config.data_dirs.size() == 1 && config.data_dirs[0].rfind("rados://", 0) == 0) {
#ifdef CAIRN_WITH_RADOS
    auto parsed = storage::rados_store::ParseRadosLocation(config.data_dirs[0]);
    CAIRN_RETURN_IF_ERROR(parsed->status());
    storage::rados_store::RadosStoreOptions rados = std::move(*parsed).value();
    rados.conf_path = config.ceph_conf;
    rados.gateway_id = config.state_dir;
    rados.user = config.ceph_user;
    rados.bucket_shards = config.bucket_shards;
    rados.store = options;
    return storage::rados_store::OpenRadosStore(rados);
#else
    return Status(Code::kNotImplemented,
                  "this cairn was built without librados (librados-dev): rados:// is not served");
#endif
  }
  if (config.data_dirs.size() == 1) return storage::OpenLocalStore(config.data_dirs[0], options);
  storage::ErasureStoreOptions erasure;
  erasure.store = options;
  erasure.storage_class = config.storage_class;
  erasure.block_size = static_cast<uint64_t>(config.erasure_block_size);
  erasure.heal.drive_check_interval = std::chrono::milliseconds(config.drive_check_ms);
  erasure.heal.pause = std::chrono::milliseconds(config.heal_pause_ms);
  erasure.heal.deep_interval = std::chrono::milliseconds(config.heal_deep_interval_ms);
  erasure.heal.deep_share = static_cast<size_t>(config.heal_deep_share);
  return storage::OpenErasureStore(config.data_dirs, erasure);
}

std::string_view DriveStateName(storage::DriveHealthState state) {
  switch (state) {
    case storage::DriveHealthState::kOnline: return "online";
    case storage::DriveHealthState::kOffline: return "offline";
    case storage::DriveHealthState::kHealing: return "healing";
  }
  return "unknown";
}

std::string DescribeDrives(const storage::StoreHealth& health) {
  if (health.drives.size() == 1 && health.drives[0].path.rfind("rados://", 0) == 0) {
    return "RADOS pool: " + health.drives[0].path.substr(8) + "\n";
  }
  if (health.drives.size() == 1) return "Data folder: " + health.drives[0].path + "\n";
  std::string out = "Erasure set: " + std::to_string(health.drives.size()) +
                    " drives, EC:" + std::to_string(health.parity_drives) + " (read quorum " +
                    std::to_string(health.read_quorum) + ", write quorum " +
                    std::to_string(health.write_quorum) + ")\n";
  for (size_t i = 0; i < health.drives.size(); ++i) {
    const storage::DriveHealth& d = health.drives[i];
    out += "  drive " + std::to_string(i + 1) + ": " + d.path + " " +
           std::string(DriveStateName(d.state));
    if (!d.detail.empty()) out += " (" + d.detail + ")";
    out += "\n";
  }
  if (!health.CanWrite()) {
    out += "WARNING: fewer drives than the write quorum: writes answer 503 until drives return\n";
  } else if (!health.CanRead()) {
    out += "WARNING: fewer drives online than the read quorum: reads answer 503 until they heal\n";
  }
  return out;
}

}  // namespace cairn::server
