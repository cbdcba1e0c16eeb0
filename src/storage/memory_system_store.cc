#include "storage/system_store.h"

namespace cairn::storage {

Result<std::optional<std::string>> MemorySystemStore::GetSystem(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = records_.find(key);
  if (it == records_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status MemorySystemStore::PutSystem(std::string_view key, std::string_view value) {
  std::lock_guard lock(mu_);
  records_[std::string(key)] = std::string(value);
  return Status::Ok();
}

Status MemorySystemStore::DeleteSystem(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = records_.find(key);
  if (it != records_.end()) records_.erase(it);
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> MemorySystemStore::ListSystem(
    std::string_view prefix) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = records_.lower_bound(prefix); it != records_.end(); ++it) {
    if (!std::string_view(it->first).starts_with(prefix)) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

}  // namespace cairn::storage
