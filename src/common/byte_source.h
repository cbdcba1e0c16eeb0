// ByteSource: a pull stream of bytes. Request bodies reach the store as one, and stored objects
// leave it as one, so no layer ever holds a whole body in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/headers.h"
#include "common/status.h"

namespace cairn {

// A span of an open file, offered so the HTTP layer can send it with sendfile(2) instead of
// copying through user space. The fd stays owned by the source and valid while it lives.
struct FileRegion {
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `n` bytes into `buf`. Returns the count read, 0 only at the end of the stream,
  // or an error (for a request body: the client's bytes failed a check, or the peer went away).
  // A source that returned an error or 0 must not be read again.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;

  // The rest of the stream as a file region, when it is one; reading nothing through Read()
  // first. The caller that uses the region must not call Read() afterwards.
  virtual std::optional<FileRegion> RemainingFileRegion() { return std::nullopt; }

  // The rest of the stream as memory that stays valid while the source lives, when it is so
  // (an object stored inline in its metadata record): the HTTP layer sends it with the head in
  // one write instead of copying it through a buffer. Same contract as RemainingFileRegion().
  virtual std::optional<std::string_view> RemainingMemory() { return std::nullopt; }

  // Fields that arrived after the data (an aws-chunked trailer such as x-amz-checksum-crc32),
  // valid once Read() has returned 0; nullptr when the stream has none.
  virtual const Headers* trailers() const { return nullptr; }
};

// A ByteSource over memory the caller keeps alive.
class MemorySource final : public ByteSource {
 public:
  MemorySource(const void* data, size_t size)
      : data_(static_cast<const char*>(data)), size_(size) {}
  Result<size_t> Read(char* buf, size_t n) override;
  std::optional<std::string_view> RemainingMemory() override {
    return std::string_view(data_ + pos_, size_ - pos_);
  }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace cairn
