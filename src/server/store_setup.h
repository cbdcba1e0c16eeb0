// The store the data folders make: one folder is the single-drive store (its format unchanged);
// several are one erasure set. And how the start-up banner describes its drives.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "server/config.h"
#include "storage/local_store.h"

namespace cairn::server {

Result<std::unique_ptr<storage::LocalStore>> OpenStore(const ServerConfig& config,
                                                       const storage::LocalStoreOptions& options);

// "Data folder: DIR", or "Erasure set: N drives, EC:p" and a line per drive with its state.
std::string DescribeDrives(const storage::StoreHealth& health);

std::string_view DriveStateName(storage::DriveHealthState state);

}  // namespace cairn::server
