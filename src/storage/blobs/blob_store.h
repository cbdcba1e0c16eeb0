// The data seam (DESIGN.md, "Storage as it grows"): where object bytes live, as immutable blobs
// named by opaque random ids. The engine writes a blob as a stream, publishes it durably, reads
// ranges of it and removes it; which blobs are live is the metadata's business, never a blob
// store's. One local drive (storage/data's DataDir) is the first back end; an erasure set of
// drives and RADOS stripes implement the same interface. Encryption is a transform on the
// stream above this seam, not a back end.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_source.h"
#include "common/status.h"

namespace cairn::storage::blobs {

// 128 bits from the kernel CSPRNG: collisions are not a practical concern.
struct BlobId {
  std::array<uint8_t, 16> bytes{};

  static Result<BlobId> Random();
  // From the 32-char lower-case hex form; nullopt for anything else.
  static std::optional<BlobId> FromHex(std::string_view hex);
  // From the 16 raw bytes.
  static std::optional<BlobId> FromBytes(std::string_view raw);
  std::string Hex() const;
  std::string_view Raw() const {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  bool operator==(const BlobId&) const = default;
};

// A blob being written, not yet visible. Destroying it without its store's Publish() discards
// what was written. Used by one thread at a time.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual const BlobId& id() const = 0;
  virtual uint64_t size() const = 0;
  // The caller batches: pass large buffers (hundreds of KiB).
  virtual Status Append(const char* data, size_t n) = 0;
  // Makes the bytes durable. After this only Publish() or destruction.
  virtual Status Finish() = 0;
};

// A published blob, opened. Holding it keeps the bytes readable even after Remove().
class Blob {
 public:
  virtual ~Blob() = default;
  virtual uint64_t size() const = 0;
  // Up to `n` bytes at `pos` (which must be within the blob); 0 only at the end.
  virtual Result<size_t> ReadAt(uint64_t pos, size_t n, char* buf) const = 0;
  // A descriptor holding the bytes as they are, at their offsets, for zero-copy sends
  // (RemainingFileRegion); -1 when there is none (a coded or remote blob).
  virtual int fd() const { return -1; }

  // A stream over [offset, offset+length), which must lie within the blob (else
  // kInvalidRange). The source shares ownership of the blob, so it may outlive the caller's
  // handle; it offers RemainingFileRegion() when fd() is a descriptor.
  static Result<std::unique_ptr<ByteSource>> OpenRange(std::shared_ptr<const Blob> blob,
                                                       uint64_t offset, uint64_t length);

 protected:
  // The stream OpenRange returns, the range already checked; `self` is this blob. The default
  // one reads through ReadAt; a coded blob gives each stream its own decoder instead.
  virtual Result<std::unique_ptr<ByteSource>> NewRangeSource(std::shared_ptr<const Blob> self,
                                                             uint64_t offset,
                                                             uint64_t length) const;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // A new, empty writer under a fresh id.
  virtual Result<std::unique_ptr<BlobWriter>> Create() = 0;
  // Makes a finished writer's blob visible to Open, durably. `writer` came from this store.
  virtual Status Publish(BlobWriter& writer) = 0;
  // kNotFound when the blob is not (or no longer) there.
  virtual Result<std::shared_ptr<const Blob>> Open(const BlobId& id) = 0;
  // kNotFound when absent. Need not be durable: a resurrected blob is removed again from the
  // metadata record that asked for its removal.
  virtual Status Remove(const BlobId& id) = 0;
};

}  // namespace cairn::storage::blobs
