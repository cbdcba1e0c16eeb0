// OpenErasureStore: the ObjectStore of one erasure set of 2..16 drives (`cairn server
// /data{1...4}`). The same engine as one drive (LocalStoreImpl) over a metadata index with one
// RocksDB replica per drive and an erasure-coded blob store striping each body over the drives;
// beside it a keeper watches the drives and heals (docs/storage-format.md, "Several drives").
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/local_store.h"

namespace cairn::storage {

// The background work of a set (CAIRN_HEAL_* and CAIRN_DRIVE_CHECK_MS in the server).
struct HealOptions {
  // How often each drive's format record is checked, finding wiped, missing and returned drives.
  std::chrono::milliseconds drive_check_interval{5000};
  // Between two blobs healed by a background walk (a refill or a deep pass): keeps a heal from
  // taking the drives from the requests.
  std::chrono::milliseconds pause{2};
  // A deep pass (every block's bitrot hash checked) over `deep_share` blobs each interval,
  // continuing where the last one stopped; 0 = no deep pass. Hourly, as the lifecycle scanner's
  // passes: rot is found without a read, a paced share at a time.
  std::chrono::milliseconds deep_interval{std::chrono::hours(1)};
  size_t deep_share = 1000;
  // Blobs a read found damaged, waiting for their heal; more are dropped (a later read or walk
  // finds them again).
  size_t queue_limit = 10000;
};

struct ErasureStoreOptions {
  LocalStoreOptions store;
  // MINIO_STORAGE_CLASS_STANDARD ("EC:n"; "" = MinIO's default parity for the set's size).
  std::string storage_class;
  // Block size of the erasure stripes (MinIO: 1 MiB); tests make it small.
  uint64_t block_size = 1 << 20;
  HealOptions heal;
};

// Opens (or, for empty folders, makes) the set over `dirs` (2..16 folders; positions come from
// each drive's format record). A drive that cannot be read opens offline; an empty folder in a
// missing drive's place is formatted into it and refilled in the background. Below write quorum
// the store still opens: writes then fail with kUnavailable, reads below read quorum too.
// kInvalidArgument for folders that are not one set (drives::OpenDriveSet) or a bad storage class.
Result<std::unique_ptr<LocalStore>> OpenErasureStore(const std::vector<std::string>& dirs,
                                                     const ErasureStoreOptions& options);

}  // namespace cairn::storage
