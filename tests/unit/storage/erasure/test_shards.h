// In-memory shard sinks and sources for the erasure tests, with ways to fail.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "storage/erasure/shard_io.h"

namespace cairn::storage::erasure::testing {

std::string RandomBytes(size_t n, uint32_t seed);

// Collects appended bytes; fails every Append once `fail_after` bytes were taken, or Finish.
class MemorySink final : public ShardSink {
 public:
  explicit MemorySink(uint64_t fail_after = UINT64_MAX, bool fail_finish = false)
      : fail_after_(fail_after), fail_finish_(fail_finish) {}
  Status Append(std::span<const uint8_t> bytes) override;
  Status Finish() override;
  std::string bytes;
  bool finished = false;

 private:
  uint64_t fail_after_;
  bool fail_finish_;
};

// Reads a string; past its end is kCorruption (a truncated shard). With `fail_io`, every read
// is kIOError (a drive that went away).
class MemoryShardSource final : public ShardSource {
 public:
  explicit MemoryShardSource(std::string data, bool fail_io = false)
      : data_(std::move(data)), fail_io_(fail_io) {}
  Status ReadAt(uint64_t offset, std::span<uint8_t> out) override;
  int reads = 0;

 private:
  std::string data_;
  bool fail_io_;
};

// A ByteSource handing out at most `chunk` bytes a read.
class ChunkySource final : public ByteSource {
 public:
  ChunkySource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

Result<std::string> Drain(ByteSource& source, size_t chunk = 7001);

// Pointers to the elements of `owned` (nullptr for empty slots), as the interfaces take them.
std::vector<ShardSink*> Pointers(const std::vector<std::unique_ptr<MemorySink>>& owned);
std::vector<ShardSource*> Pointers(const std::vector<std::unique_ptr<MemoryShardSource>>& owned);

}  // namespace cairn::storage::erasure::testing
