#include "cli/copy_plan.h"

#include <algorithm>
#include <cstdlib>

#include "cli/units.h"

namespace cairn::cli {

std::string CopyPart::Range() const {
  return "bytes=" + std::to_string(first) + "-" + std::to_string(last);
}

std::vector<CopyPart> PlanCopyParts(uint64_t size, uint64_t part_size) {
  std::vector<CopyPart> parts;
  if (size == 0) return parts;
  part_size = std::clamp(part_size, kMinPartSize, kMaxPartSize);
  constexpr uint64_t kMiB = 1ull << 20;
  if ((size + part_size - 1) / part_size > static_cast<uint64_t>(kMaxParts)) {
    uint64_t fit = (size + kMaxParts - 1) / kMaxParts;
    part_size = (fit + kMiB - 1) / kMiB * kMiB;
  }
  parts.reserve((size + part_size - 1) / part_size);
  for (uint64_t first = 0; first < size; first += part_size) {
    CopyPart p;
    p.number = static_cast<int>(parts.size() + 1);
    p.first = first;
    p.last = std::min(size, first + part_size) - 1;
    parts.push_back(p);
  }
  return parts;
}

Result<CopyTuning> CopyTuningFromEnv(
    const std::function<std::optional<std::string>(const char*)>& getenv) {
  CopyTuning tuning;
  for (auto [name, field] : {std::pair{"CAIRN_CLI_COPY_THRESHOLD", &tuning.threshold},
                             std::pair{"CAIRN_CLI_COPY_PART_SIZE", &tuning.part_size}}) {
    std::optional<std::string> value = getenv(name);
    if (!value || value->empty()) continue;
    Result<uint64_t> size = ParseSize(*value);
    if (!size.ok())
      return Status(Code::kInvalidArgument, std::string(name) + ": " + size.status().message());
    *field = *size;
  }
  return tuning;
}

Result<CopyTuning> CopyTuningFromEnv() {
  return CopyTuningFromEnv([](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

}  // namespace cairn::cli
