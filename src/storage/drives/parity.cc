#include "storage/drives/parity.h"

#include <charconv>
#include <string>

namespace cairn::storage::drives {

int DefaultParity(int drives) {
  if (drives <= 1) return 0;
  if (drives <= 3) return 1;
  if (drives <= 5) return 2;
  if (drives <= 7) return 3;
  return 4;
}

Result<int> ParityFor(int drives, std::string_view storage_class) {
  if (storage_class.empty()) return DefaultParity(drives);
  int parity = -1;
  if (storage_class.starts_with("EC:")) {
    std::string_view digits = storage_class.substr(3);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parity);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) parity = -1;
  }
  if (parity < 0) {
    return Status(Code::kInvalidArgument, "MINIO_STORAGE_CLASS_STANDARD: '" +
                                              std::string(storage_class) +
                                              "' is not of the form EC:n");
  }
  if (parity > drives / 2) {
    return Status(Code::kInvalidArgument, "MINIO_STORAGE_CLASS_STANDARD: parity " +
                                              std::to_string(parity) + " is more than half of " +
                                              std::to_string(drives) + " drives");
  }
  return parity;
}

}  // namespace cairn::storage::drives
