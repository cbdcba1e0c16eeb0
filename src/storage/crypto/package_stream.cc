#include "storage/crypto/package_stream.h"

#include <algorithm>
#include <cstring>

#include "common/hash.h"

namespace cairn::storage::crypto {

namespace {

constexpr std::string_view kStreamKeyLabel = "cairn/package-stream/v1";

std::string_view FinalFlag(bool final) {
  return final ? std::string_view("\x01", 1) : std::string_view("\x00", 1);
}

// Bytes of plaintext in package `i` of a body of `plain_size` bytes.
size_t PackagePlainSize(uint64_t plain_size, uint64_t i) {
  uint64_t start = i * kPackageSize;
  if (start >= plain_size) return 0;
  return static_cast<size_t>(std::min<uint64_t>(kPackageSize, plain_size - start));
}

Status Truncated() {
  return Status(Code::kCorruption, "the encrypted data ends before its last package");
}

class DecryptingSource final : public ByteSource {
 public:
  DecryptingSource(std::unique_ptr<ByteSource> sealed, StreamKey key, uint64_t plain_size,
                   uint64_t first_package, size_t skip, uint64_t length)
      : sealed_(std::move(sealed)),
        key_(std::move(key)),
        plain_size_(plain_size),
        count_(PackageCount(plain_size)),
        next_(first_package),
        skip_(skip),
        remaining_(length) {}

  Status Prime() { return remaining_ > 0 ? NextPackage() : Status::Ok(); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (remaining_ == 0 || n == 0) return size_t{0};
    if (pos_ == plain_.size()) CAIRN_RETURN_IF_ERROR(NextPackage());
    size_t count = static_cast<size_t>(std::min<uint64_t>({n, plain_.size() - pos_, remaining_}));
    std::memcpy(buf, plain_.data() + pos_, count);
    pos_ += count;
    remaining_ -= count;
    return count;
  }

 private:
  Status NextPackage() {
    if (next_ >= count_) return Truncated();
    const size_t plain = PackagePlainSize(plain_size_, next_);
    sealed_buf_.resize(plain + kTagSize);
    size_t got = 0;
    while (got < sealed_buf_.size()) {
      CAIRN_ASSIGN_OR_RETURN(size_t n,
                             sealed_->Read(sealed_buf_.data() + got, sealed_buf_.size() - got));
      if (n == 0) return Truncated();
      got += n;
    }
    plain_.resize(plain);
    Status opened = AeadOpen(key_.key, PackageNonce(key_, next_), FinalFlag(next_ + 1 == count_),
                             sealed_buf_, plain_.data());
    if (!opened.ok()) {
      return Status(Code::kCorruption, "encrypted package " + std::to_string(next_) +
                                           " failed authentication: the stored data was altered "
                                           "or the key is wrong");
    }
    ++next_;
    pos_ = std::min(skip_, plain_.size());
    skip_ = 0;
    return Status::Ok();
  }

  std::unique_ptr<ByteSource> sealed_;
  StreamKey key_;
  uint64_t plain_size_;
  uint64_t count_;
  uint64_t next_;
  size_t skip_;
  uint64_t remaining_;
  std::string sealed_buf_;
  std::string plain_;
  size_t pos_ = 0;
};

}  // namespace

StreamKey DeriveStreamKey(std::string_view data_key, std::string_view nonce_base) {
  std::string label(kStreamKeyLabel);
  label.append(nonce_base);
  return StreamKey{HmacSha256(data_key, label), std::string(nonce_base)};
}

Result<StreamKey> NewStreamKey(std::string_view data_key) {
  CAIRN_ASSIGN_OR_RETURN(std::string base, RandomKeyBytes(kNonceBaseSize));
  return DeriveStreamKey(data_key, base);
}

uint64_t PackageCount(uint64_t plain_size) {
  return plain_size == 0 ? 1 : (plain_size + kPackageSize - 1) / kPackageSize;
}

uint64_t SealedSize(uint64_t plain_size) {
  return plain_size + PackageCount(plain_size) * kTagSize;
}

std::string PackageNonce(const StreamKey& key, uint64_t sequence) {
  std::string nonce = key.nonce_base;
  for (int i = 0; i < 8; ++i) {
    nonce[kNonceSize - 1 - i] = static_cast<char>(static_cast<uint8_t>(nonce[kNonceSize - 1 - i]) ^
                                                  static_cast<uint8_t>(sequence >> (8 * i)));
  }
  return nonce;
}

Status SealPackage(const StreamKey& key, uint64_t sequence, bool final, const char* plain,
                   size_t size, std::string* out) {
  return AeadSeal(key.key, PackageNonce(key, sequence), FinalFlag(final), plain, size, out);
}

Result<std::string> SealAll(const StreamKey& key, std::string_view plain) {
  std::string out;
  out.reserve(SealedSize(plain.size()));
  const uint64_t count = PackageCount(plain.size());
  for (uint64_t i = 0; i < count; ++i) {
    size_t size = PackagePlainSize(plain.size(), i);
    CAIRN_RETURN_IF_ERROR(
        SealPackage(key, i, i + 1 == count, plain.data() + i * kPackageSize, size, &out));
  }
  return out;
}

EncryptingSource::EncryptingSource(ByteSource& plain, StreamKey key, uint64_t plain_size,
                                   PlainObserver on_plain)
    : plain_(plain), key_(std::move(key)), limit_(plain_size), on_plain_(std::move(on_plain)) {}

Result<size_t> EncryptingSource::Read(char* buf, size_t n) {
  if (n == 0) return size_t{0};
  if (sealed_pos_ == sealed_.size()) {
    if (finished_) return size_t{0};
    CAIRN_RETURN_IF_ERROR(NextPackage());
  }
  size_t count = std::min(n, sealed_.size() - sealed_pos_);
  std::memcpy(buf, sealed_.data() + sealed_pos_, count);
  sealed_pos_ += count;
  return count;
}

Status EncryptingSource::NextPackage() {
  // Hold one byte more than a package when the size is unknown: only then is it known whether
  // this package is the last.
  const bool known = limit_ != kUnknownPlainSize;
  const size_t want = known ? kPackageSize : kPackageSize + 1;
  while (!source_done_ && pending_.size() < want) {
    uint64_t left = known ? limit_ - consumed_ : UINT64_MAX;
    if (left == 0) {
      source_done_ = true;
      break;
    }
    size_t before = pending_.size();
    size_t ask = static_cast<size_t>(std::min<uint64_t>(want - before, left));
    pending_.resize(before + ask);
    CAIRN_ASSIGN_OR_RETURN(size_t got, plain_.Read(pending_.data() + before, ask));
    pending_.resize(before + got);
    if (got == 0) {
      if (known) {
        return Status(Code::kIncompleteBody, "the body ended after " + std::to_string(consumed_) +
                                                 " of " + std::to_string(limit_) + " bytes");
      }
      source_done_ = true;
      break;
    }
    if (on_plain_) on_plain_(pending_.data() + before, got);
    consumed_ += got;
  }
  size_t size = std::min(pending_.size(), kPackageSize);
  bool final = known ? consumed_ == limit_ && pending_.size() <= kPackageSize
                     : source_done_ && pending_.size() <= kPackageSize;
  sealed_.clear();
  sealed_pos_ = 0;
  CAIRN_RETURN_IF_ERROR(SealPackage(key_, sequence_, final, pending_.data(), size, &sealed_));
  pending_.erase(0, size);
  ++sequence_;
  finished_ = final;
  return Status::Ok();
}

SealedRange SealedRangeOf(uint64_t plain_size, uint64_t offset, uint64_t length) {
  SealedRange out;
  const uint64_t count = PackageCount(plain_size);
  out.first_package = std::min(offset / kPackageSize, count - 1);
  uint64_t last =
      length == 0 ? out.first_package : std::min((offset + length - 1) / kPackageSize, count - 1);
  out.offset = out.first_package * kSealedPackageSize;
  uint64_t end = last + 1 == count ? SealedSize(plain_size) : (last + 1) * kSealedPackageSize;
  out.length = end - out.offset;
  return out;
}

Result<std::unique_ptr<ByteSource>> OpenDecrypting(std::unique_ptr<ByteSource> sealed,
                                                   const StreamKey& key, uint64_t plain_size,
                                                   uint64_t offset, uint64_t length) {
  SealedRange range = SealedRangeOf(plain_size, offset, length);
  auto source = std::make_unique<DecryptingSource>(
      std::move(sealed), key, plain_size, range.first_package,
      static_cast<size_t>(offset - range.first_package * kPackageSize), length);
  CAIRN_RETURN_IF_ERROR(source->Prime());
  return std::unique_ptr<ByteSource>(std::move(source));
}

}  // namespace cairn::storage::crypto
