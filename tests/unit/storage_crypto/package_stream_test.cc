#include "storage/crypto/package_stream.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace cairn::storage::crypto {
namespace {

constexpr size_t P = kPackageSize;

std::string RandomBody(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

StreamKey TestKey(char fill = 'd', char base = 'n') {
  return DeriveStreamKey(std::string(32, fill), std::string(kNonceBaseSize, base));
}

// A source that hands out at most `chunk` bytes per read, to exercise partial reads.
class ChunkySource final : public ByteSource {
 public:
  ChunkySource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t count = std::min({n, chunk_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, count, buf);
    pos_ += count;
    return count;
  }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

Result<std::string> Drain(ByteSource& source, size_t chunk = 7000) {
  std::string out;
  std::string buf(chunk, '\0');
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, source.Read(buf.data(), buf.size()));
    if (got == 0) return out;
    out.append(buf.data(), got);
  }
}

Result<std::string> Encrypt(const std::string& plain, uint64_t size_hint, std::string* observed) {
  ChunkySource source(plain, 5000);
  EncryptingSource enc(source, TestKey(), size_hint, [&](const char* p, size_t n) {
    if (observed) observed->append(p, n);
  });
  CAIRN_ASSIGN_OR_RETURN(std::string sealed, Drain(enc));
  EXPECT_EQ(enc.plain_bytes(), plain.size());
  return sealed;
}

Result<std::string> Decrypt(const std::string& sealed, uint64_t plain_size, uint64_t offset,
                            uint64_t length, const StreamKey& key = TestKey()) {
  SealedRange range = SealedRangeOf(plain_size, offset, length);
  if (range.offset + range.length > sealed.size()) {
    return Status(Code::kCorruption, "short");  // the store checks the file size first
  }
  auto src = std::make_unique<ChunkySource>(sealed.substr(range.offset, range.length), 3000);
  CAIRN_ASSIGN_OR_RETURN(auto plain,
                         OpenDecrypting(std::move(src), key, plain_size, offset, length));
  return Drain(*plain);
}

TEST(PackageStreamTest, SizesAndPackageCounts) {
  EXPECT_EQ(PackageCount(0), 1u);
  EXPECT_EQ(PackageCount(1), 1u);
  EXPECT_EQ(PackageCount(P), 1u);
  EXPECT_EQ(PackageCount(P + 1), 2u);
  EXPECT_EQ(SealedSize(0), kTagSize);
  EXPECT_EQ(SealedSize(P), P + kTagSize);
  EXPECT_EQ(SealedSize(3 * P + 5), 3 * P + 5 + 4 * kTagSize);
}

TEST(PackageStreamTest, RoundTripsAtEdgeSizesWithKnownAndUnknownLength) {
  for (size_t n : {size_t{0}, size_t{1}, P - 1, P, P + 1, 3 * P + 17, 4 * P}) {
    std::string plain = RandomBody(n, static_cast<uint32_t>(n));
    for (bool known : {true, false}) {
      std::string observed;
      auto sealed = Encrypt(plain, known ? n : kUnknownPlainSize, &observed);
      ASSERT_TRUE(sealed.ok()) << n << " " << sealed.status().ToString();
      EXPECT_EQ(sealed->size(), SealedSize(n)) << n;
      EXPECT_EQ(observed, plain) << n;
      auto all = SealAll(TestKey(), plain);
      ASSERT_TRUE(all.ok());
      EXPECT_EQ(*all, *sealed) << "the streaming and whole-buffer forms agree, size " << n;
      auto back = Decrypt(*sealed, n, 0, n);
      ASSERT_TRUE(back.ok()) << n << " " << back.status().ToString();
      EXPECT_EQ(*back, plain) << n;
      if (n >= 16) {
        EXPECT_EQ(sealed->find(plain.substr(0, 16)), std::string::npos);
      }
    }
  }
}

TEST(PackageStreamTest, KnownLengthReadsNoFurtherAndRefusesShortBodies) {
  std::string plain = RandomBody(P + 10, 1);
  ChunkySource source(plain, 4096);
  EncryptingSource enc(source, TestKey(), P + 5);  // five bytes fewer than the source holds
  auto sealed = Drain(enc);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), SealedSize(P + 5));
  char rest[16];
  auto left = source.Read(rest, sizeof rest);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 5u);

  ChunkySource short_source(RandomBody(100, 2), 4096);
  EncryptingSource short_enc(short_source, TestKey(), 200);
  EXPECT_EQ(Drain(short_enc).status().code(), Code::kIncompleteBody);
}

TEST(PackageStreamTest, EveryRangeOfASmallMultiPackageBody) {
  // Ranges over a body with short packages would take forever at 64 KiB; check the range
  // arithmetic exhaustively near the package edges and randomly elsewhere.
  const size_t n = 3 * P + 100;
  std::string plain = RandomBody(n, 3);
  auto sealed = Encrypt(plain, n, nullptr);
  ASSERT_TRUE(sealed.ok());
  std::vector<uint64_t> points = {0, 1, P - 1, P, P + 1, 2 * P - 1, 2 * P, 3 * P, n - 1, n};
  for (uint64_t a : points) {
    for (uint64_t b : points) {
      if (b < a) continue;
      auto got = Decrypt(*sealed, n, a, b - a);
      ASSERT_TRUE(got.ok()) << a << "-" << b << " " << got.status().ToString();
      EXPECT_EQ(*got, plain.substr(a, b - a)) << a << "-" << b;
    }
  }
  std::mt19937 rng(9);
  for (int i = 0; i < 200; ++i) {
    uint64_t a = rng() % (n + 1);
    uint64_t len = rng() % (n - a + 1);
    auto got = Decrypt(*sealed, n, a, len);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, plain.substr(a, len));
  }
}

TEST(PackageStreamTest, RangeTouchesOnlyItsPackages) {
  const size_t n = 5 * P;
  SealedRange r = SealedRangeOf(n, 2 * P + 10, 20);
  EXPECT_EQ(r.first_package, 2u);
  EXPECT_EQ(r.offset, 2 * kSealedPackageSize);
  EXPECT_EQ(r.length, kSealedPackageSize);
  SealedRange tail = SealedRangeOf(n + 3, n, 3);
  EXPECT_EQ(tail.first_package, 5u);
  EXPECT_EQ(tail.length, 3 + kTagSize);
}

TEST(PackageStreamTest, AnyFlippedByteFailsTheRead) {
  const size_t n = 2 * P + 50;
  std::string plain = RandomBody(n, 4);
  auto sealed = Encrypt(plain, n, nullptr);
  ASSERT_TRUE(sealed.ok());
  for (size_t at :
       {size_t{0}, size_t{100}, P, P + kTagSize - 1, kSealedPackageSize + 7, sealed->size() - 1}) {
    std::string bad = *sealed;
    bad[at] ^= 0x40;
    auto got = Decrypt(bad, n, 0, n);
    EXPECT_EQ(got.status().code(), Code::kCorruption) << "flip at " << at;
  }
}

TEST(PackageStreamTest, WrongKeyOrBaseFailsTheFirstPackageAtOpen) {
  std::string plain = RandomBody(1000, 5);
  auto sealed = Encrypt(plain, plain.size(), nullptr);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(Decrypt(*sealed, 1000, 0, 1000, TestKey('x')).status().code(), Code::kCorruption);
  EXPECT_EQ(Decrypt(*sealed, 1000, 0, 1000, TestKey('d', 'm')).status().code(), Code::kCorruption);
}

TEST(PackageStreamTest, ReorderedOrTruncatedPackagesAreDetected) {
  const size_t n = 3 * P;
  std::string plain = RandomBody(n, 6);
  auto sealed = Encrypt(plain, n, nullptr);
  ASSERT_TRUE(sealed.ok());
  const size_t S = kSealedPackageSize;
  // Swap packages 0 and 1.
  std::string swapped = sealed->substr(S, S) + sealed->substr(0, S) + sealed->substr(2 * S);
  EXPECT_EQ(Decrypt(swapped, n, 0, n).status().code(), Code::kCorruption);
  // Cut after two whole packages and claim the body was two packages long: package 1 lacks the
  // final flag.
  EXPECT_EQ(Decrypt(sealed->substr(0, 2 * S), 2 * P, 0, 2 * P).status().code(), Code::kCorruption);
  // A short stream (the file lost bytes) is an error, not a short answer.
  auto src = std::make_unique<ChunkySource>(sealed->substr(0, 2 * S + 10), 4096);
  auto dec = OpenDecrypting(std::move(src), TestKey(), n, 0, n);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(Drain(**dec).status().code(), Code::kCorruption);
}

TEST(PackageStreamTest, NoncesNeverRepeatWithinOrAcrossStreams) {
  StreamKey a = TestKey('d', 'a');
  StreamKey b = TestKey('d', 'b');
  EXPECT_NE(a.key, b.key) << "each stream (version, part) has its own derived key";
  std::set<std::string> seen;
  for (uint64_t i = 0; i < 5000; ++i) {
    EXPECT_TRUE(seen.insert(a.key + PackageNonce(a, i)).second);
    EXPECT_TRUE(seen.insert(b.key + PackageNonce(b, i)).second);
  }
  EXPECT_NE(PackageNonce(a, 0), PackageNonce(a, uint64_t{1} << 40));
  auto fresh1 = NewStreamKey(std::string(32, 'd'));
  auto fresh2 = NewStreamKey(std::string(32, 'd'));
  ASSERT_TRUE(fresh1.ok() && fresh2.ok());
  EXPECT_NE(fresh1->nonce_base, fresh2->nonce_base);
  EXPECT_NE(fresh1->key, fresh2->key);
}

}  // namespace
}  // namespace cairn::storage::crypto
