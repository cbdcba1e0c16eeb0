// What a store's drives can do right now: which are online, and how many the store needs to
// read and to write. The health endpoints (/minio/health/cluster, /cluster/read), the admin
// info calls and the start-up banner report it; the store keeps it current.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cairn::storage {

enum class DriveHealthState { kOnline, kOffline, kHealing };

// Bytes a drive holds and has free, as its back end reports them.
struct DriveSpace {
  uint64_t total = 0;
  uint64_t available = 0;
};

struct DriveHealth {
  std::string path;
  DriveHealthState state = DriveHealthState::kOnline;
  std::string detail;  // why it is offline, or what a heal has done
  // Set by a back end that is not a mounted file system (RADOS: the cluster's raw capacity);
  // otherwise readers ask the file system at `path`.
  std::optional<DriveSpace> space = std::nullopt;
};

struct StoreHealth {
  std::vector<DriveHealth> drives;  // by position in the set
  int data_drives = 1;              // of the default storage class
  int parity_drives = 0;
  int read_quorum = 1;   // drives that must answer for a read
  int write_quorum = 1;  // drives that must take a write

  int Count(DriveHealthState state) const {
    int n = 0;
    for (const DriveHealth& d : drives) n += d.state == state ? 1 : 0;
    return n;
  }
  // A healing drive takes writes but does not yet answer reads on its own.
  bool CanWrite() const {
    return Count(DriveHealthState::kOnline) + Count(DriveHealthState::kHealing) >= write_quorum;
  }
  bool CanRead() const { return Count(DriveHealthState::kOnline) >= read_quorum; }
};

}  // namespace cairn::storage
