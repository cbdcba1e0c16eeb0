// Helpers shared by the fuzz targets: carving an input into pieces, and a ByteSource that hands
// out the bytes in reads of varying size, so stream parsers see every chunk boundary.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/byte_source.h"

namespace cairn::fuzz {

// Reads an input front to back; every accessor is total (past the end it yields zeros / "").
class Input {
 public:
  Input(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to the next '\n' (not included), or everything left.
  std::string_view Line() {
    size_t nl = rest_.find('\n');
    std::string_view line = rest_.substr(0, nl);
    rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
    return line;
  }
  std::string_view Rest() {
    std::string_view all = rest_;
    rest_ = {};
    return all;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Yields `data` in reads of at most `sizes[i % sizes.size()]` bytes (each 1..256): the chunk
// boundaries of the stream move with the input.
class SmallReadSource final : public ByteSource {
 public:
  SmallReadSource(std::string_view data, std::string_view sizes) : data_(data), sizes_(sizes) {}

  Result<size_t> Read(char* buf, size_t n) override {
    size_t limit =
        sizes_.empty() ? 4096 : static_cast<uint8_t>(sizes_[turn_++ % sizes_.size()]) + 1;
    size_t count = std::min({n, limit, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, count);
    pos_ += count;
    return count;
  }

 private:
  std::string_view data_;
  std::string_view sizes_;
  size_t pos_ = 0;
  size_t turn_ = 0;
};

}  // namespace cairn::fuzz
