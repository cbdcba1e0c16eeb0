// What the server-information calls of both encodings report (v1 `GET info`; MinIO's `info`,
// `storageinfo` and `datausageinfo`): gathered once per call by one function, so the two APIs
// report the same drives and the same counts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "admin/context.h"
#include "common/time.h"

namespace cairn::admin {

struct DriveFacts {
  std::string path;
  bool readable = true;  // false: its capacity could not be read (reported as zeros)
  // From the store's health: "online", "offline" or "healing", and why (or heal progress).
  std::string state = "online";
  std::string detail;
  uint64_t total = 0;
  uint64_t free = 0;
  uint64_t used = 0;
};

struct BucketFacts {
  TimePoint created;
  uint64_t objects = 0;        // current versions that are not delete markers
  uint64_t bytes = 0;          // of those current versions
  uint64_t versions = 0;       // every stored version, delete markers included
  uint64_t version_bytes = 0;  // of every stored version
  uint64_t delete_markers = 0;
};

struct ServerFacts {
  std::string version;
  int data_drives = 1;  // of the standard storage class
  int parity_drives = 0;
  int64_t uptime_seconds = 0;
  std::string region;
  std::vector<DriveFacts> drives;
  std::map<std::string, BucketFacts> buckets;  // by name
  uint64_t objects = 0;
  uint64_t bytes = 0;
  uint64_t versions = 0;
  uint64_t version_bytes = 0;
  uint64_t users = 0;
  uint64_t groups = 0;
  uint64_t policies = 0;  // canned and stored
};

// Reads every bucket's usage counters (O(1) per bucket: the store keeps them as it commits) and
// each drive's capacity. Errors: the store's.
Result<ServerFacts> GatherServerFacts(AdminContext& ctx);

}  // namespace cairn::admin
