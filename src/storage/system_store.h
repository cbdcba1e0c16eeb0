// SystemStore: a small durable key-value area for Cairn's own records (IAM users, policies,
// bucket configuration), kept beside the objects but out of reach of every S3 request: no
// bucket or key maps into it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cairn::storage {

class SystemStore {
 public:
  virtual ~SystemStore() = default;
  // nullopt when absent.
  virtual Result<std::optional<std::string>> GetSystem(std::string_view key) = 0;
  // Durable when it returns.
  virtual Status PutSystem(std::string_view key, std::string_view value) = 0;
  // Succeeds when absent.
  virtual Status DeleteSystem(std::string_view key) = 0;
  // Every record whose key starts with `prefix`, in key order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListSystem(
      std::string_view prefix) = 0;
  // A number that every PutSystem and DeleteSystem changes, through any process on the same
  // store. Gateways sharing one store poll it to learn that another changed a record they keep
  // in memory (IAM, bucket policies, CORS). A store only one process writes may answer 0.
  virtual Result<uint64_t> SystemGeneration() { return uint64_t{0}; }
};

// An in-memory SystemStore for tests (thread-safe, not durable).
class MemorySystemStore final : public SystemStore {
 public:
  Result<std::optional<std::string>> GetSystem(std::string_view key) override;
  Status PutSystem(std::string_view key, std::string_view value) override;
  Status DeleteSystem(std::string_view key) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListSystem(
      std::string_view prefix) override;

 private:
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> records_;  // guarded by mu_
};

}  // namespace cairn::storage
