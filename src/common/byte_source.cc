#include "common/byte_source.h"

#include <algorithm>
#include <cstring>

namespace cairn {

Result<size_t> MemorySource::Read(char* buf, size_t n) {
  size_t count = std::min(n, size_ - pos_);
  if (count > 0) std::memcpy(buf, data_ + pos_, count);
  pos_ += count;
  return count;
}

}  // namespace cairn
