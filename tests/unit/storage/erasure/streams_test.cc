// The encoder, decoder and healer over in-memory shards: every byte comes back, whatever is
// missing or corrupt up to parity; one more is an error, never wrong bytes.
#include <gtest/gtest.h>

#include <bit>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/erasure/decoder.h"
#include "storage/erasure/encoder.h"
#include "storage/erasure/heal.h"
#include "test_shards.h"

namespace cairn::storage::erasure {
namespace {

using testing::ChunkySource;
using testing::Drain;
using testing::MemoryShardSource;
using testing::MemorySink;
using testing::RandomBytes;

ErasureParams Params(int data, int parity, uint64_t block_size) {
  ErasureParams params{.data = data, .parity = parity, .block_size = block_size};
  params.stream_id.fill(0x5c);
  return params;
}

std::vector<std::string> Encode(const ErasureParams& params, const std::string& body,
                                uint64_t size_hint = 0, size_t chunk = 4093) {
  auto encoder = ErasureEncoder::Create(params);
  EXPECT_TRUE(encoder.ok());
  std::vector<std::unique_ptr<MemorySink>> sinks;
  for (int i = 0; i < params.data + params.parity; ++i) {
    sinks.push_back(std::make_unique<MemorySink>());
  }
  ChunkySource source(body, chunk);
  auto result =
      encoder->Encode(source, size_hint == 0 ? body.size() : size_hint, testing::Pointers(sinks));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> shards;
  for (auto& s : sinks) {
    EXPECT_TRUE(s->finished);
    EXPECT_EQ(s->bytes.size(), ShardFileSize(params, body.size()));
    shards.push_back(s->bytes);
  }
  return shards;
}

// How a shard is damaged.
enum class Damage { kAbsent, kFailingIO, kFlippedByte, kWrongHeader, kTruncated };

struct DamagedShards {
  std::vector<std::unique_ptr<MemoryShardSource>> sources;
  std::vector<ShardSource*> pointers;
};

// Sources over `shards` with the shards in `mask` damaged as `damage` says.
DamagedShards Damaged(const ErasureParams& params, std::vector<std::string> shards, uint32_t mask,
                      Damage damage) {
  DamagedShards out;
  for (size_t i = 0; i < shards.size(); ++i) {
    bool hit = mask & (1u << i);
    std::string bytes = shards[i];
    bool fail = false;
    if (hit) {
      switch (damage) {
        case Damage::kAbsent: break;
        case Damage::kFailingIO: fail = true; break;
        case Damage::kFlippedByte: {  // in the first shard block
          size_t at = kShardHeaderSize + BitrotHashSize(params.algorithm);
          if (bytes.size() > at) bytes[at] ^= 0x40;
          break;
        }
        case Damage::kWrongHeader: bytes[8] ^= 1; break;
        case Damage::kTruncated: bytes.resize(bytes.size() / 2); break;
      }
    }
    if (hit && damage == Damage::kAbsent) {
      out.sources.push_back(nullptr);
    } else {
      out.sources.push_back(std::make_unique<MemoryShardSource>(bytes, fail));
    }
  }
  out.pointers = testing::Pointers(out.sources);
  return out;
}

Result<std::string> ReadRange(const ErasureParams& params, uint64_t size, uint64_t offset,
                              uint64_t length, std::span<ShardSource* const> sources,
                              ShardReport* report = nullptr) {
  CAIRN_ASSIGN_OR_RETURN(auto decoder, ErasureDecoder::Open(params, size, offset, length, sources));
  auto bytes = Drain(*decoder, 1500);
  if (report) *report = decoder->report();
  return bytes;
}

std::vector<uint32_t> MasksUpTo(int n, int max_bits) {
  std::vector<uint32_t> out;
  for (uint32_t m = 0; m < (1u << n); ++m) {
    if (std::popcount(m) <= max_bits) out.push_back(m);
  }
  return out;
}

std::vector<int> Indices(uint32_t mask) {
  std::vector<int> out;
  for (int i = 0; i < 32; ++i) {
    if (mask & (1u << i)) out.push_back(i);
  }
  return out;
}

TEST(ErasureStreams, EveryRangeOfSmallObjectsReadsBack) {
  for (auto [d, p] : std::vector<std::pair<int, int>>{{2, 2}, {4, 2}, {3, 3}, {1, 0}}) {
    ErasureParams params = Params(d, p, 16);
    for (size_t size : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{61}}) {
      std::string body = RandomBytes(size, static_cast<uint32_t>(size + d));
      auto shards = Encode(params, body);
      auto intact = Damaged(params, shards, 0, Damage::kAbsent);
      for (uint64_t off = 0; off <= size; ++off) {
        for (uint64_t len = 0; off + len <= size; ++len) {
          auto got = ReadRange(params, size, off, len, intact.pointers);
          ASSERT_TRUE(got.ok()) << got.status().ToString();
          ASSERT_EQ(*got, body.substr(off, len)) << d << "+" << p << " " << off << "/" << len;
        }
      }
    }
  }
}

// Whole and ranged reads of a few-MiB object (small blocks) and of 1 MiB + 1 (MinIO's 1 MiB
// blocks), with every pattern of up to parity shards damaged, each kind of damage.
TEST(ErasureStreams, ReadsBackWithUpToParityShardsDamaged) {
  struct Case {
    int data, parity;
    uint64_t block, size;
  };
  for (Case c : {Case{2, 2, 64 << 10, 3 * (1 << 20) + 17}, Case{4, 2, 1 << 20, (1 << 20) + 1},
                 Case{6, 3, 100 << 10, (1 << 20) + 5}}) {
    ErasureParams params = Params(c.data, c.parity, c.block);
    std::string body = RandomBytes(c.size, c.data * 31 + c.parity);
    auto shards = Encode(params, body);
    const uint64_t ranges[][2] = {{0, c.size},      {1, c.size - 2},
                                  {c.block - 1, 2}, {c.block, std::min(c.block, c.size - c.block)},
                                  {c.size - 1, 1},  {c.size / 3, c.size / 3}};
    for (Damage damage : {Damage::kAbsent, Damage::kFailingIO, Damage::kFlippedByte,
                          Damage::kWrongHeader, Damage::kTruncated}) {
      for (uint32_t mask : MasksUpTo(c.data + c.parity, c.parity)) {
        auto sources = Damaged(params, shards, mask, damage);
        for (const auto& r : ranges) {
          ShardReport report;
          auto got = ReadRange(params, c.size, r[0], r[1], sources.pointers, &report);
          ASSERT_TRUE(got.ok()) << got.status().ToString() << " mask " << mask << " damage "
                                << static_cast<int>(damage);
          ASSERT_EQ(got->size(), r[1]);
          ASSERT_TRUE(*got == body.substr(r[0], r[1]))
              << c.data << "+" << c.parity << " mask " << mask << " range " << r[0];
          // Only damaged shards are reported, each under the right heading.
          bool missing_kind = damage == Damage::kAbsent || damage == Damage::kFailingIO;
          const auto& named = missing_kind ? report.missing : report.corrupt;
          const auto& other = missing_kind ? report.corrupt : report.missing;
          ASSERT_TRUE(other.empty());
          uint32_t named_mask = 0;
          for (int i : named) named_mask |= 1u << i;
          ASSERT_EQ(named_mask & ~mask, 0u);
          // A whole read touches every data shard of the first (full) block, so every damaged
          // data shard is named.
          uint32_t data_mask = (1u << c.data) - 1;
          if (r[1] == c.size) {
            ASSERT_EQ(named_mask & data_mask, mask & data_mask)
                << "mask " << mask << " damage " << static_cast<int>(damage);
          }
        }
      }
    }
  }
}

TEST(ErasureStreams, ReadsOnlyDataShardsWhenAllAreGood) {
  ErasureParams params = Params(4, 2, 1024);
  std::string body = RandomBytes(10000, 3);
  auto sources = Damaged(params, Encode(params, body), 0, Damage::kAbsent);
  auto got = ReadRange(params, body.size(), 0, body.size(), sources.pointers);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, body);
  EXPECT_EQ(sources.sources[4]->reads, 0);
  EXPECT_EQ(sources.sources[5]->reads, 0);
  // A range inside one data shard block of one block reads that shard only.
  auto narrow = Damaged(params, Encode(params, body), 0, Damage::kAbsent);
  got = ReadRange(params, body.size(), 2048 + 300, 10, narrow.pointers);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, body.substr(2348, 10));
  EXPECT_EQ(narrow.sources[1]->reads, 2);  // header, one block
  EXPECT_EQ(narrow.sources[0]->reads + narrow.sources[2]->reads + narrow.sources[3]->reads, 0);
}

// Rot is per block: a block failing its hash on one shard leaves that shard's other blocks
// usable, so more shards than parity may each have a rotten block as long as no block has more
// than parity of them.
TEST(ErasureStreams, RotInDifferentBlocksOfMoreShardsThanParityStillDecodes) {
  ErasureParams params = Params(4, 2, 1000);
  std::string body = RandomBytes(10000, 12);
  auto shards = Encode(params, body);
  // Blocks 1, 4, 7, 9 rot on shards 0, 1, 2, 3 (all data shards), two on block 9.
  const int rot[][2] = {{0, 1}, {1, 4}, {2, 7}, {3, 9}, {5, 9}};
  for (auto [shard, block] : rot) shards[shard][ShardFileOffsetOf(params, block) + 20] ^= 4;
  auto sources = Damaged(params, shards, 0, Damage::kAbsent);
  ShardReport report;
  auto got = ReadRange(params, body.size(), 0, body.size(), sources.pointers, &report);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, body);
  // Shard 5 rotted only in block 9 where shard 4 was enough: never read there, not named.
  EXPECT_EQ(report.corrupt, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(report.missing.empty());
  auto verified = VerifyShards(params, body.size(), sources.pointers);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->corrupt, (std::vector<int>{0, 1, 2, 3, 5}));
}

// Positional reads, in pieces and out of order, give the object's bytes; reading a block in
// small pieces reads each of its shard blocks once.
TEST(ErasureReader, PositionalReadsInPiecesReadEachShardBlockOnce) {
  ErasureParams params = Params(4, 2, 4096);
  std::string body = RandomBytes(4096 * 3 + 100, 5);
  auto sources = Damaged(params, Encode(params, body), 0b000010, Damage::kAbsent);
  auto reader = ErasureReader::Open(params, body.size(), sources.pointers);
  ASSERT_TRUE(reader.ok());
  std::string got;
  char buf[300];
  for (uint64_t pos = 0; pos < 4096;) {  // block 0 in 300-byte pieces
    auto n = (*reader)->ReadAt(pos, buf, sizeof(buf));
    ASSERT_TRUE(n.ok());
    ASSERT_GT(*n, 0u);
    got.append(buf, *n);
    pos += *n;
  }
  EXPECT_EQ(got, body.substr(0, 4096));
  EXPECT_EQ(sources.sources[0]->reads, 2);  // header + block 0
  EXPECT_EQ(sources.sources[4]->reads, 2);  // the parity shard standing in for shard 1
  EXPECT_EQ(sources.sources[5]->reads, 0);
  // A read stops at its block's end; out of order reads are right too.
  auto n = (*reader)->ReadAt(4000, buf, sizeof(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 96u);
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    uint64_t pos = rng() % (body.size() + 1);
    auto r = (*reader)->ReadAt(pos, buf, sizeof(buf));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(std::string(buf, *r), body.substr(pos, *r));
    if (pos < body.size()) {
      ASSERT_GT(*r, 0u);
    }
  }
  auto end = (*reader)->ReadAt(body.size(), buf, sizeof(buf));
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 0u);
  EXPECT_EQ((*reader)->ReadAt(body.size() + 1, buf, 1).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*reader)->report().missing, std::vector<int>{1});
}

// Random damage anywhere (flipped bytes, truncation, garbage shards, failing drives), in any
// amount: a read gives exactly the right bytes or an error, never anything else.
TEST(ErasureStreams, RandomDamageNeverYieldsWrongBytes) {
  std::mt19937 rng(2026);
  ErasureParams params = Params(4, 2, 512);
  std::string body = RandomBytes(5000, 77);
  auto shards = Encode(params, body);
  int right = 0, refused = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    auto damaged = shards;
    uint32_t failing = 0, touched = 0;
    int hits = static_cast<int>(rng() % 6);
    for (int h = 0; h < hits; ++h) {
      int shard = static_cast<int>(rng() % 6);
      touched |= 1u << shard;
      std::string& bytes = damaged[shard];
      switch (rng() % 4) {
        case 0:
          if (!bytes.empty()) bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
          break;
        case 1: bytes.resize(rng() % (bytes.size() + 1)); break;
        case 2: bytes = RandomBytes(bytes.size(), static_cast<uint32_t>(rng())); break;
        case 3: failing |= 1u << shard; break;
      }
    }
    std::vector<std::unique_ptr<MemoryShardSource>> sources;
    for (int i = 0; i < 6; ++i) {
      sources.push_back(std::make_unique<MemoryShardSource>(damaged[i], failing & (1u << i)));
    }
    auto pointers = testing::Pointers(sources);
    uint64_t off = rng() % body.size();
    uint64_t len = rng() % (body.size() - off + 1);
    ShardReport report;
    auto got = ReadRange(params, body.size(), off, len, pointers, &report);
    if (got.ok()) {
      ASSERT_TRUE(*got == body.substr(off, len)) << "trial " << trial;
      for (int i : report.missing) ASSERT_TRUE(touched & (1u << i)) << "trial " << trial;
      for (int i : report.corrupt) ASSERT_TRUE(touched & (1u << i)) << "trial " << trial;
      ++right;
    } else {
      ASSERT_EQ(got.status().code(), Code::kUnavailable) << got.status().ToString();
      ++refused;
    }
  }
  EXPECT_GT(right, 500);
  EXPECT_GT(refused, 50);
}

// With one data shard gone, each block reaches for one parity shard, the first, and no more.
TEST(ErasureStreams, ReachesForOneParityShardPerLostDataShard) {
  ErasureParams params = Params(4, 2, 1024);
  std::string body = RandomBytes(10000, 3);
  auto sources = Damaged(params, Encode(params, body), 0b000100, Damage::kAbsent);
  ShardReport report;
  auto got = ReadRange(params, body.size(), 0, body.size(), sources.pointers, &report);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, body);
  EXPECT_EQ(report.missing, std::vector<int>{2});
  EXPECT_TRUE(report.corrupt.empty());
  EXPECT_EQ(sources.sources[4]->reads, 1 + 10);  // header + every block
  EXPECT_EQ(sources.sources[5]->reads, 0);
}

TEST(ErasureStreams, OneMoreThanParityDamagedIsAnErrorNeverWrongBytes) {
  for (auto [d, p] : std::vector<std::pair<int, int>>{{2, 2}, {4, 2}, {6, 3}, {3, 0}}) {
    ErasureParams params = Params(d, p, 4096);
    std::string body = RandomBytes(50000, 8);
    auto shards = Encode(params, body);
    for (Damage damage : {Damage::kAbsent, Damage::kFailingIO, Damage::kWrongHeader}) {
      for (uint32_t mask = 0; mask < (1u << (d + p)); ++mask) {
        if (std::popcount(mask) != p + 1) continue;
        auto sources = Damaged(params, shards, mask, damage);
        auto got = ReadRange(params, body.size(), 0, body.size(), sources.pointers);
        ASSERT_FALSE(got.ok()) << d << "+" << p << " mask " << mask;
        EXPECT_EQ(got.status().code(), Code::kUnavailable);
      }
    }
  }
}

TEST(ErasureStreams, QuorumLostInALaterBlockFailsThatRead) {
  ErasureParams params = Params(4, 2, 1000);
  std::string body = RandomBytes(10000, 4);
  auto shards = Encode(params, body);
  // Corrupt block 7 of three data shards: blocks 0..6 read, then the read fails.
  for (int i : {0, 1, 2}) shards[i][ShardFileOffsetOf(params, 7) + 40] ^= 1;
  auto sources = Damaged(params, shards, 0, Damage::kAbsent);
  auto decoder = ErasureDecoder::Open(params, body.size(), 0, body.size(), sources.pointers);
  ASSERT_TRUE(decoder.ok());
  std::string got;
  std::string buf(600, '\0');
  Status error;
  for (int guard = 0; guard < 100; ++guard) {
    auto n = (*decoder)->Read(buf.data(), buf.size());
    if (!n.ok()) {
      error = n.status();
      break;
    }
    ASSERT_NE(*n, 0u) << "ended without the error";
    got.append(buf.data(), *n);
  }
  EXPECT_EQ(error.code(), Code::kUnavailable);
  EXPECT_EQ(got, body.substr(0, 7000));
  EXPECT_FALSE((*decoder)->Read(buf.data(), buf.size()).ok());  // sticky
  EXPECT_EQ((*decoder)->report().corrupt, (std::vector<int>{0, 1, 2}));
}

TEST(ErasureStreams, OpenRefusesARangeOutsideTheObject) {
  ErasureParams params = Params(2, 1, 64);
  auto sources = Damaged(params, Encode(params, "hello"), 0, Damage::kAbsent);
  EXPECT_EQ(ErasureDecoder::Open(params, 5, 3, 3, sources.pointers).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ErasureDecoder::Open(params, 5, 6, 0, sources.pointers).status().code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(ErasureDecoder::Open(params, 5, 5, 0, sources.pointers).ok());
}

TEST(ErasureEncoder, UnknownSizeWritesTheSameShards) {
  ErasureParams params = Params(4, 2, 4096);
  for (size_t size : {size_t{0}, size_t{1}, size_t{4096}, size_t{4097}, size_t{3 * 4096}}) {
    std::string body = RandomBytes(size, 6);
    EXPECT_EQ(Encode(params, body, kUnknownSize, 1000), Encode(params, body)) << size;
  }
}

// The push form writes the same shards as the pull form, whatever the append sizes, and a body
// longer than its size hint is fine (the hint only sizes the stripe).
TEST(ErasureWriter, AppendsWriteTheSameShards) {
  ErasureParams params = Params(4, 2, 4096);
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4096 * 3 + 5}}) {
    std::string body = RandomBytes(size, 21);
    for (uint64_t hint : {kUnknownSize, uint64_t{size}, uint64_t{1}}) {
      for (size_t chunk : {size_t{1}, size_t{1000}, size_t{5000}}) {
        if (chunk == 1 && size > 5000) continue;
        std::vector<std::unique_ptr<MemorySink>> sinks;
        for (int i = 0; i < 6; ++i) sinks.push_back(std::make_unique<MemorySink>());
        auto writer = ErasureWriter::Open(params, testing::Pointers(sinks), hint);
        ASSERT_TRUE(writer.ok());
        for (size_t at = 0; at < size; at += chunk) {
          ASSERT_TRUE((*writer)->Append(body.data() + at, std::min(chunk, size - at)).ok());
        }
        EXPECT_EQ((*writer)->size(), size);
        auto result = (*writer)->Finish();
        ASSERT_TRUE(result.ok());
        EXPECT_EQ(result->size, size);
        EXPECT_TRUE(result->lost.empty());
        std::vector<std::string> shards;
        for (auto& sink : sinks) shards.push_back(sink->bytes);
        ASSERT_EQ(shards, Encode(params, body)) << size << " " << hint << " " << chunk;
      }
    }
  }
}

TEST(ErasureWriter, BelowWriteQuorumEveryCallFails) {
  ErasureParams params = Params(2, 1, 64);
  std::vector<std::unique_ptr<MemorySink>> sinks;
  sinks.push_back(std::make_unique<MemorySink>());
  sinks.push_back(std::make_unique<MemorySink>(/*fail_after=*/100));
  sinks.push_back(std::make_unique<MemorySink>(/*fail_after=*/150));
  auto writer = ErasureWriter::Open(params, testing::Pointers(sinks));
  ASSERT_TRUE(writer.ok());
  std::string body = RandomBytes(1000, 3);
  Status s = (*writer)->Append(body.data(), body.size());
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ((*writer)->Append(body.data(), 1).code(), Code::kUnavailable);
  EXPECT_EQ((*writer)->Finish().status().code(), Code::kUnavailable);
  EXPECT_FALSE(sinks[0]->finished);
  // Open itself refuses a set already below quorum.
  std::vector<ShardSink*> two_missing = {sinks[0].get(), nullptr, nullptr};
  EXPECT_EQ(ErasureWriter::Open(params, two_missing).status().code(), Code::kUnavailable);
}

TEST(ErasureEncoder, ABodyShorterThanItsSizeIsIncomplete) {
  ErasureParams params = Params(2, 1, 64);
  auto encoder = ErasureEncoder::Create(params);
  ASSERT_TRUE(encoder.ok());
  std::vector<std::unique_ptr<MemorySink>> sinks;
  for (int i = 0; i < 3; ++i) sinks.push_back(std::make_unique<MemorySink>());
  ChunkySource body(RandomBytes(100, 1), 30);
  auto result = encoder->Encode(body, 101, testing::Pointers(sinks));
  EXPECT_EQ(result.status().code(), Code::kIncompleteBody);
}

TEST(ErasureEncoder, NeverReadsPastAKnownSize) {
  ErasureParams params = Params(2, 1, 64);
  auto encoder = ErasureEncoder::Create(params);
  ASSERT_TRUE(encoder.ok());
  std::vector<std::unique_ptr<MemorySink>> sinks;
  for (int i = 0; i < 3; ++i) sinks.push_back(std::make_unique<MemorySink>());
  std::string data = RandomBytes(300, 1);
  MemorySource body(data.data(), data.size());
  auto result = encoder->Encode(body, 200, testing::Pointers(sinks));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->size, 200u);
  EXPECT_EQ(body.RemainingMemory()->size(), 100u);
}

// Sinks that fail (at the header, mid-stream, at Finish) or are absent: the encode goes on
// while write quorum holds, and names the lost shards; below quorum it fails.
TEST(ErasureEncoder, FailingSinksAreLostUntilWriteQuorumIsLost) {
  struct Case {
    int data, parity;
  };
  for (Case c : {Case{4, 2}, Case{2, 2}, Case{6, 3}, Case{3, 0}}) {
    ErasureParams params = Params(c.data, c.parity, 1000);
    std::string body = RandomBytes(5500, 2);
    const int total = c.data + c.parity;
    const int quorum = WriteQuorum(c.data, c.parity);
    EXPECT_EQ(quorum, c.data + (c.data == c.parity ? 1 : 0));
    for (uint32_t mask = 0; mask < (1u << total); ++mask) {
      std::vector<std::unique_ptr<MemorySink>> sinks;
      int failed = 0;
      for (int i = 0; i < total; ++i) {
        int kind = failed % 4;
        if (!(mask & (1u << i))) {
          sinks.push_back(std::make_unique<MemorySink>());
          continue;
        }
        ++failed;
        if (kind == 0) {
          sinks.push_back(nullptr);
        } else if (kind == 1) {
          sinks.push_back(std::make_unique<MemorySink>(/*fail_after=*/0));
        } else if (kind == 2) {  // mid-stream: shard files here are ~1.7 KB
          sinks.push_back(std::make_unique<MemorySink>(/*fail_after=*/700));
        } else {
          sinks.push_back(std::make_unique<MemorySink>(UINT64_MAX, /*fail_finish=*/true));
        }
      }
      auto encoder = ErasureEncoder::Create(params);
      ASSERT_TRUE(encoder.ok());
      MemorySource source(body.data(), body.size());
      auto result = encoder->Encode(source, body.size(), testing::Pointers(sinks));
      if (total - std::popcount(mask) < quorum) {
        ASSERT_EQ(result.status().code(), Code::kUnavailable) << "mask " << mask;
        continue;
      }
      ASSERT_TRUE(result.ok()) << result.status().ToString() << " mask " << mask;
      EXPECT_EQ(result->lost, Indices(mask));
      // What survived decodes.
      std::vector<std::unique_ptr<MemoryShardSource>> sources;
      for (int i = 0; i < total; ++i) {
        sources.push_back(mask & (1u << i) ? nullptr
                                           : std::make_unique<MemoryShardSource>(sinks[i]->bytes));
      }
      auto pointers = testing::Pointers(sources);
      auto got = ReadRange(params, body.size(), 0, body.size(), pointers);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, body);
    }
  }
}

TEST(HealShards, RebuildsByteIdenticalShards) {
  for (auto [d, p] : std::vector<std::pair<int, int>>{{2, 2}, {4, 2}, {6, 3}}) {
    ErasureParams params = Params(d, p, 2048);
    for (size_t size : {size_t{0}, size_t{1}, size_t{2048 * 5 + 3}}) {
      std::string body = RandomBytes(size, 9);
      auto shards = Encode(params, body);
      for (uint32_t targets : MasksUpTo(d + p, p)) {
        if (targets == 0) continue;
        // The targets are unreadable (wiped drives); one more shard is corrupt when parity allows.
        uint32_t corrupt = 0;
        if (std::popcount(targets) < p && size > 0) {
          for (int i = 0; i < d + p; ++i) {
            if (!(targets & (1u << i))) {
              corrupt = 1u << i;
              break;
            }
          }
        }
        auto sources = Damaged(params, shards, corrupt, Damage::kFlippedByte);
        for (int i : Indices(targets)) {
          sources.sources[i].reset();
          sources.pointers[i] = nullptr;
        }
        std::vector<std::unique_ptr<MemorySink>> sinks(d + p);
        for (int i : Indices(targets)) sinks[i] = std::make_unique<MemorySink>();
        auto report = HealShards(params, size, sources.pointers, testing::Pointers(sinks));
        ASSERT_TRUE(report.ok()) << report.status().ToString();
        for (int i : Indices(targets)) {
          ASSERT_TRUE(sinks[i]->finished);
          ASSERT_TRUE(sinks[i]->bytes == shards[i]) << "shard " << i << " targets " << targets;
        }
        // Targets are not reported; a corrupt source met on the way is.
        for (int i : report->corrupt) ASSERT_EQ(1u << i, corrupt);
        ASSERT_TRUE(report->missing.empty());
      }
    }
  }
}

TEST(HealShards, TooFewGoodSourcesIsAnError) {
  ErasureParams params = Params(4, 2, 1024);
  std::string body = RandomBytes(5000, 1);
  auto shards = Encode(params, body);
  auto sources = Damaged(params, shards, 0b000011, Damage::kAbsent);
  std::vector<std::unique_ptr<MemorySink>> sinks(6);
  sinks[0] = std::make_unique<MemorySink>();
  sinks[1] = std::make_unique<MemorySink>();
  sinks[2] = std::make_unique<MemorySink>();  // a third target: only 3 sources left
  sources.pointers[2] = nullptr;
  EXPECT_EQ(
      HealShards(params, body.size(), sources.pointers, testing::Pointers(sinks)).status().code(),
      Code::kUnavailable);
}

TEST(HealShards, AFailingTargetIsAnError) {
  ErasureParams params = Params(2, 1, 64);
  std::string body = RandomBytes(500, 1);
  auto sources = Damaged(params, Encode(params, body), 0b001, Damage::kAbsent);
  std::vector<std::unique_ptr<MemorySink>> sinks(3);
  sinks[0] = std::make_unique<MemorySink>(/*fail_after=*/100);
  EXPECT_EQ(
      HealShards(params, body.size(), sources.pointers, testing::Pointers(sinks)).status().code(),
      Code::kIOError);
}

}  // namespace
}  // namespace cairn::storage::erasure
