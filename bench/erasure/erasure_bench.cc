// Erasure coding throughput per core: the codec alone, the streaming encoder (codec + bitrot
// hashes), the decoder with 0, 1 and `parity` shards missing, and the bitrot hash candidates.
// One thread; figures are bytes of object (or hashed bytes) per CPU second of this thread.
// Prints one tab-separated line per figure: kind, name, MiB/s. bench/erasure/run.sh runs it
// several times and reports the median and spread.
#include <isa-l/crc.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/erasure/bitrot.h"
#include "storage/erasure/codec.h"
#include "storage/erasure/decoder.h"
#include "storage/erasure/encoder.h"

namespace cairn::storage::erasure {
namespace {

constexpr uint64_t kMiB = 1 << 20;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// Runs `work` (which processes `bytes` each call) until at least `min_seconds` of CPU time,
// returns MiB per CPU second.
double Measure(uint64_t bytes, double min_seconds, const std::function<void()>& work) {
  work();  // warm up: caches, decode tables, page faults
  double start = ThreadCpuSeconds();
  uint64_t done = 0;
  double elapsed = 0;
  for (int i = 0; i < 10000 && elapsed < min_seconds; ++i) {
    work();
    done += bytes;
    elapsed = ThreadCpuSeconds() - start;
  }
  return static_cast<double>(done) / kMiB / elapsed;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i + 4 <= n; i += 4) {
    uint32_t v = rng();
    std::memcpy(&out[i], &v, 4);
  }
  return out;
}

// `size` bytes repeating one random MiB: a body without a body-sized buffer.
class RepeatSource final : public ByteSource {
 public:
  RepeatSource(const std::string& pattern, uint64_t size) : pattern_(pattern), left_(size) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t at = pos_ % pattern_.size();
    size_t count = static_cast<size_t>(std::min<uint64_t>({n, pattern_.size() - at, left_}));
    std::memcpy(buf, pattern_.data() + at, count);
    pos_ += count;
    left_ -= count;
    return count;
  }

 private:
  const std::string& pattern_;
  uint64_t left_;
  uint64_t pos_ = 0;
};

class NullSink final : public ShardSink {
 public:
  Status Append(std::span<const uint8_t> bytes) override {
    size += bytes.size();
    return Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }
  uint64_t size = 0;
};

class StringSink final : public ShardSink {
 public:
  Status Append(std::span<const uint8_t> bytes) override {
    data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }
  std::string data;
};

class StringSource final : public ShardSource {
 public:
  explicit StringSource(const std::string& data) : data_(data) {}
  Status ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    if (offset + out.size() > data_.size()) return Status(Code::kCorruption, "short");
    std::memcpy(out.data(), data_.data() + offset, out.size());
    return Status::Ok();
  }

 private:
  const std::string& data_;
};

void Print(const char* kind, const std::string& name, double mib_per_s) {
  std::printf("%s\t%s\t%.0f\n", kind, name.c_str(), mib_per_s);
  std::fflush(stdout);
}

const char* AlgorithmName(BitrotAlgorithm algorithm) {
  return algorithm == BitrotAlgorithm::kXxh3_128 ? "xxh3-128" : "highwayhash-256";
}

// The streaming encoder on a 16 MiB body (1 MiB blocks, sinks that discard), then decoding it
// back from shards in memory with none missing and, with `missing_too`, one data shard and
// `parity` data shards missing (the worst case: every block rebuilt from parity).
void BenchStreams(int data, int parity, BitrotAlgorithm algorithm, bool missing_too,
                  double min_seconds, const std::string& pattern) {
  const int drives = data + parity;
  const std::string name = std::to_string(drives) + " drives EC:" + std::to_string(parity);
  const std::string hash = AlgorithmName(algorithm);
  ErasureParams params{.data = data, .parity = parity, .block_size = kMiB, .algorithm = algorithm};
  auto encoder = ErasureEncoder::Create(params);
  if (!encoder.ok()) std::abort();
  const uint64_t body_size = 16 * kMiB;
  Print(("encode " + hash).c_str(), name, Measure(body_size, min_seconds, [&] {
          std::vector<NullSink> sinks(drives);
          std::vector<ShardSink*> sp;
          for (auto& s : sinks) sp.push_back(&s);
          RepeatSource body(pattern, body_size);
          if (!encoder->Encode(body, body_size, sp).ok()) std::abort();
        }));

  std::vector<StringSink> stored(drives);
  {
    std::vector<ShardSink*> sp;
    for (auto& s : stored) sp.push_back(&s);
    RepeatSource body(pattern, body_size);
    if (!encoder->Encode(body, body_size, sp).ok()) std::abort();
  }
  std::vector<StringSource> sources;
  for (auto& s : stored) sources.emplace_back(s.data);
  std::string out(256 << 10, '\0');
  std::vector<int> missing_counts = {0};
  if (missing_too) missing_counts.push_back(1);
  if (missing_too && parity > 1) missing_counts.push_back(parity);
  for (int missing : missing_counts) {
    std::vector<ShardSource*> sp;
    for (int i = 0; i < drives; ++i) sp.push_back(i < missing ? nullptr : &sources[i]);
    Print(("decode-" + std::to_string(missing) + "-missing " + hash).c_str(), name,
          Measure(body_size, min_seconds, [&] {
            auto decoder = ErasureDecoder::Open(params, body_size, 0, body_size, sp);
            if (!decoder.ok()) std::abort();
            for (int guard = 0; guard < 1 << 20; ++guard) {
              auto n = (*decoder)->Read(out.data(), out.size());
              if (!n.ok()) std::abort();
              if (*n == 0) break;
            }
          }));
  }
}

void BenchGeometry(int drives, int parity, double min_seconds, const std::string& pattern) {
  const int data = drives - parity;
  const std::string name = std::to_string(drives) + " drives EC:" + std::to_string(parity);
  auto codec = ErasureCodec::Create(data, parity);
  if (!codec.ok()) return;

  // The codec alone: one 1 MiB block into parity.
  const size_t shard = (kMiB + data - 1) / data;
  std::vector<std::string> shards(drives);
  std::vector<uint8_t*> ptrs(drives);
  for (int i = 0; i < drives; ++i) {
    shards[i] = i < data ? pattern.substr(i * shard, shard) : std::string(shard, '\0');
    shards[i].resize(shard);
    ptrs[i] = reinterpret_cast<uint8_t*>(shards[i].data());
  }
  Print("rs-encode", name,
        Measure(kMiB, min_seconds, [&] { codec->Encode(ptrs, shard).IgnoreError(); }));

  BenchStreams(data, parity, BitrotAlgorithm::kXxh3_128, /*missing_too=*/true, min_seconds,
               pattern);
  BenchStreams(data, parity, BitrotAlgorithm::kHighwayHash256, /*missing_too=*/false, min_seconds,
               pattern);
}

void BenchHashes(double min_seconds, const std::string& pattern) {
  // 256 KiB is a shard block of a 1 MiB block over 4 data shards; 64 KiB of 16.
  for (size_t size : {size_t{64 << 10}, size_t{256 << 10}, size_t{1 << 20}}) {
    const auto* data = reinterpret_cast<const uint8_t*>(pattern.data());
    uint8_t out[kMaxBitrotHashSize];
    std::string suffix = " " + std::to_string(size >> 10) + " KiB";
    Print("hash", "highwayhash-256" + suffix, Measure(size, min_seconds, [&] {
            ComputeBitrotHash(BitrotAlgorithm::kHighwayHash256, data, size, out);
          }));
    Print("hash", "xxh3-128" + suffix, Measure(size, min_seconds, [&] {
            ComputeBitrotHash(BitrotAlgorithm::kXxh3_128, data, size, out);
          }));
    // For scale, not a candidate (32 bits): ISA-L's CRC32C.
    Print("hash", "crc32c (reference)" + suffix, Measure(size, min_seconds, [&] {
            volatile uint32_t c =
                crc32_iscsi(const_cast<uint8_t*>(data), static_cast<int>(size), 0xffffffff);
            (void)c;
          }));
  }
}

}  // namespace
}  // namespace cairn::storage::erasure

int main(int argc, char** argv) {
  using namespace cairn::storage::erasure;
  double min_seconds = argc > 1 ? std::atof(argv[1]) : 0.3;
  std::string pattern = RandomBytes(kMiB, 1);
  for (auto [drives, parity] :
       {std::pair{4, 2}, std::pair{6, 3}, std::pair{8, 4}, std::pair{16, 4}}) {
    BenchGeometry(drives, parity, min_seconds, pattern);
  }
  BenchHashes(min_seconds, pattern);
  return 0;
}
