#include "storage/blobs/blob_store.h"

#include <algorithm>

#include "common/encoding.h"
#include "platform/env.h"

namespace cairn::storage::blobs {

Result<BlobId> BlobId::Random() {
  BlobId id;
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(id.bytes.data(), id.bytes.size()));
  return id;
}

std::optional<BlobId> BlobId::FromHex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  auto raw = HexDecode(hex);
  if (!raw) return std::nullopt;
  return FromBytes(*raw);
}

std::optional<BlobId> BlobId::FromBytes(std::string_view raw) {
  if (raw.size() != 16) return std::nullopt;
  BlobId id;
  std::copy(raw.begin(), raw.end(), id.bytes.begin());
  return id;
}

std::string BlobId::Hex() const { return HexEncode(Raw()); }

namespace {

class BlobRangeSource final : public ByteSource {
 public:
  BlobRangeSource(std::shared_ptr<const Blob> blob, uint64_t offset, uint64_t length)
      : blob_(std::move(blob)), pos_(offset), end_(offset + length) {}

  Result<size_t> Read(char* buf, size_t n) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    if (want == 0) return size_t{0};
    CAIRN_ASSIGN_OR_RETURN(size_t got, blob_->ReadAt(pos_, want, buf));
    // A blob is immutable once published; a short read means it was truncated behind us.
    if (got == 0) return Status(Code::kCorruption, "data file shorter than its record");
    pos_ += got;
    return got;
  }

  std::optional<FileRegion> RemainingFileRegion() override {
    int fd = blob_->fd();
    if (fd < 0) return std::nullopt;
    return FileRegion{fd, pos_, end_ - pos_};
  }

 private:
  std::shared_ptr<const Blob> blob_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> Blob::OpenRange(std::shared_ptr<const Blob> blob,
                                                    uint64_t offset, uint64_t length) {
  if (offset > blob->size() || length > blob->size() - offset) {
    return Status(Code::kInvalidRange, "range beyond the end of the data file");
  }
  const Blob* self = blob.get();
  return self->NewRangeSource(std::move(blob), offset, length);
}

Result<std::unique_ptr<ByteSource>> Blob::NewRangeSource(std::shared_ptr<const Blob> self,
                                                         uint64_t offset, uint64_t length) const {
  return std::unique_ptr<ByteSource>(new BlobRangeSource(std::move(self), offset, length));
}

}  // namespace cairn::storage::blobs
