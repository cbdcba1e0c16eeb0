#include "test_shards.h"

#include <algorithm>
#include <cstring>
#include <random>

namespace cairn::storage::erasure::testing {

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

Status MemorySink::Append(std::span<const uint8_t> data) {
  if (bytes.size() + data.size() > fail_after_) return Status(Code::kIOError, "sink failed");
  bytes.append(reinterpret_cast<const char*>(data.data()), data.size());
  return Status::Ok();
}

Status MemorySink::Finish() {
  if (fail_finish_) return Status(Code::kIOError, "sync failed");
  finished = true;
  return Status::Ok();
}

Status MemoryShardSource::ReadAt(uint64_t offset, std::span<uint8_t> out) {
  ++reads;
  if (fail_io_) return Status(Code::kIOError, "drive gone");
  if (offset > data_.size() || out.size() > data_.size() - offset) {
    return Status(Code::kCorruption, "short shard");
  }
  std::memcpy(out.data(), data_.data() + offset, out.size());
  return Status::Ok();
}

Result<size_t> ChunkySource::Read(char* buf, size_t n) {
  size_t count = std::min({n, chunk_, data_.size() - pos_});
  std::memcpy(buf, data_.data() + pos_, count);
  pos_ += count;
  return count;
}

Result<std::string> Drain(ByteSource& source, size_t chunk) {
  std::string out;
  std::string buf(chunk, '\0');
  for (int guard = 0; guard < 1 << 24; ++guard) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, source.Read(buf.data(), buf.size()));
    if (got == 0) return out;
    out.append(buf.data(), got);
  }
  return Status(Code::kInternal, "source never ended");
}

std::vector<ShardSink*> Pointers(const std::vector<std::unique_ptr<MemorySink>>& owned) {
  std::vector<ShardSink*> out;
  for (const auto& p : owned) out.push_back(p.get());
  return out;
}

std::vector<ShardSource*> Pointers(const std::vector<std::unique_ptr<MemoryShardSource>>& owned) {
  std::vector<ShardSource*> out;
  for (const auto& p : owned) out.push_back(p.get());
  return out;
}

}  // namespace cairn::storage::erasure::testing
