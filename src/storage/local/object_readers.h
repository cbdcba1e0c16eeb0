// Readers of a pinned object version: inline bytes kept in their record, one data file, or the
// data files of a multipart object read across part boundaries.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/byte_source.h"
#include "common/status.h"
#include "storage/blobs/blob_store.h"
#include "storage/crypto/package_stream.h"
#include "storage/local/encryption.h"
#include "storage/object_store.h"

namespace cairn::storage::local {

using blobs::Blob;

class InlineSource final : public ByteSource {
 public:
  InlineSource(std::shared_ptr<const std::string> data, size_t offset, size_t length)
      : data_(std::move(data)), pos_(offset), end_(offset + length) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t count = std::min(n, end_ - pos_);
    std::copy_n(data_->data() + pos_, count, buf);
    pos_ += count;
    return count;
  }
  std::optional<std::string_view> RemainingMemory() override {
    return std::string_view(data_->data() + pos_, end_ - pos_);
  }

 private:
  std::shared_ptr<const std::string> data_;
  size_t pos_;
  size_t end_;
};

// What decrypting an encrypted version takes; its data key is unsealed per OpenRange, so a
// reader opened for HEAD never asks the KMS.
struct VersionDecryption {
  std::shared_ptr<const crypto::Kms> kms;
  std::string bucket;
  std::string key;
  EncryptionRecord enc;
  std::optional<std::string> customer_key;  // checked against enc.key_check already
  Result<std::string> DataKey() const {
    return UnsealDataKey(kms.get(), bucket, key, enc, customer_key);
  }
};

class LocalObjectReader final : public ObjectReader {
 public:
  // `inline_data` holds the object's bytes from `inline_base` on (the whole metadata record,
  // whose tail they are, so they are not copied out of it). With `decryption`, the stored bytes
  // are the sealed package form of the body.
  LocalObjectReader(ObjectInfo info, std::shared_ptr<const std::string> inline_data,
                    std::shared_ptr<const Blob> file, size_t inline_base = 0,
                    std::shared_ptr<const VersionDecryption> decryption = nullptr)
      : info_(std::move(info)),
        inline_data_(std::move(inline_data)),
        file_(std::move(file)),
        inline_base_(inline_base),
        decryption_(std::move(decryption)) {}

  const ObjectInfo& info() const override { return info_; }

  Result<std::unique_ptr<ByteSource>> OpenRange(uint64_t offset, uint64_t length) override {
    if (offset > info_.size || length > info_.size - offset) {
      return Status(Code::kInvalidRange, "range beyond the end of the object");
    }
    if (!decryption_) return OpenStored(offset, length);
    CAIRN_ASSIGN_OR_RETURN(std::string data_key, decryption_->DataKey());
    crypto::SealedRange sealed = crypto::SealedRangeOf(info_.size, offset, length);
    CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> stored,
                           OpenStored(sealed.offset, sealed.length));
    return crypto::OpenDecrypting(std::move(stored),
                                  crypto::DeriveStreamKey(data_key, decryption_->enc.nonce_base),
                                  info_.size, offset, length);
  }

 private:
  // Stored bytes [offset, offset+length): the body, or its sealed form.
  Result<std::unique_ptr<ByteSource>> OpenStored(uint64_t offset, uint64_t length) {
    if (file_) return Blob::OpenRange(file_, offset, length);
    return std::unique_ptr<ByteSource>(
        new InlineSource(inline_data_, inline_base_ + static_cast<size_t>(offset), length));
  }

  ObjectInfo info_;
  std::shared_ptr<const std::string> inline_data_;
  std::shared_ptr<const Blob> file_;
  size_t inline_base_;
  std::shared_ptr<const VersionDecryption> decryption_;
};

// The data files of a multipart object, opened (pinned) together, and where each begins.
struct PinnedParts {
  std::vector<std::shared_ptr<const Blob>> files;
  std::vector<uint64_t> starts;          // starts[i]: offset of part i in the object
  std::vector<uint64_t> sizes;           // plaintext bytes of part i
  std::vector<std::string> nonce_bases;  // an encrypted object's: part i's stream
};

// Bytes [offset, offset+length) of an encrypted multipart object: each part is its own sealed
// stream, decrypted in turn. The first part's source is opened (and its first package checked)
// by Open, before anything is sent.
class EncryptedPartsSource final : public ByteSource {
 public:
  static Result<std::unique_ptr<ByteSource>> Open(std::shared_ptr<const PinnedParts> parts,
                                                  std::string data_key, size_t index, uint64_t pos,
                                                  uint64_t remaining) {
    std::unique_ptr<EncryptedPartsSource> source(
        new EncryptedPartsSource(std::move(parts), std::move(data_key), index, pos, remaining));
    if (remaining > 0) CAIRN_RETURN_IF_ERROR(source->OpenPart());
    return std::unique_ptr<ByteSource>(std::move(source));
  }

  Result<size_t> Read(char* buf, size_t n) override {
    while (remaining_ > 0 && n > 0) {
      if (!current_) CAIRN_RETURN_IF_ERROR(OpenPart());
      CAIRN_ASSIGN_OR_RETURN(size_t got, current_->Read(buf, std::min<uint64_t>(n, remaining_)));
      if (got > 0) {
        remaining_ -= got;
        return got;
      }
      current_.reset();  // this part's share is done: on to the next part
      ++index_;
      pos_ = 0;
    }
    return size_t{0};
  }

 private:
  EncryptedPartsSource(std::shared_ptr<const PinnedParts> parts, std::string data_key, size_t index,
                       uint64_t pos, uint64_t remaining)
      : parts_(std::move(parts)),
        data_key_(std::move(data_key)),
        index_(index),
        pos_(pos),
        remaining_(remaining) {}

  Status OpenPart() {
    while (index_ < parts_->sizes.size() && pos_ == parts_->sizes[index_]) {
      ++index_;  // an empty part, or a range starting at a part's end
      pos_ = 0;
    }
    if (index_ >= parts_->sizes.size()) {
      return Status(Code::kCorruption, "the parts end before the range");
    }
    const uint64_t size = parts_->sizes[index_];
    const uint64_t length = std::min<uint64_t>(size - pos_, remaining_);
    crypto::SealedRange sealed = crypto::SealedRangeOf(size, pos_, length);
    CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> stored,
                           Blob::OpenRange(parts_->files[index_], sealed.offset, sealed.length));
    CAIRN_ASSIGN_OR_RETURN(
        current_,
        crypto::OpenDecrypting(std::move(stored),
                               crypto::DeriveStreamKey(data_key_, parts_->nonce_bases[index_]),
                               size, pos_, length));
    return Status::Ok();
  }

  std::shared_ptr<const PinnedParts> parts_;
  std::string data_key_;
  size_t index_;
  uint64_t pos_;
  uint64_t remaining_;
  std::unique_ptr<ByteSource> current_;
};

// Bytes [offset, offset+length) of a multipart object: seeks into the part holding `offset`,
// then continues across part boundaries.
class PartsSource final : public ByteSource {
 public:
  PartsSource(std::shared_ptr<const PinnedParts> parts, size_t index, uint64_t pos,
              uint64_t remaining)
      : parts_(std::move(parts)), index_(index), pos_(pos), remaining_(remaining) {}

  Result<size_t> Read(char* buf, size_t n) override {
    SkipFinishedParts();
    if (remaining_ == 0 || n == 0) return size_t{0};
    const Blob& file = *parts_->files[index_];
    size_t want = static_cast<size_t>(std::min<uint64_t>({n, remaining_, file.size() - pos_}));
    CAIRN_ASSIGN_OR_RETURN(size_t got, file.ReadAt(pos_, want, buf));
    if (got == 0) return Status(Code::kCorruption, "part data file shorter than its record");
    pos_ += got;
    remaining_ -= got;
    return got;
  }

  // Offered only while the rest of the range lies within one part's file.
  std::optional<FileRegion> RemainingFileRegion() override {
    SkipFinishedParts();
    if (index_ >= parts_->files.size()) return std::nullopt;
    const Blob& file = *parts_->files[index_];
    if (remaining_ > file.size() - pos_) return std::nullopt;
    int fd = file.fd();
    if (fd < 0) return std::nullopt;
    return FileRegion{fd, pos_, remaining_};
  }

 private:
  void SkipFinishedParts() {
    while (remaining_ > 0 && index_ < parts_->files.size() &&
           pos_ == parts_->files[index_]->size()) {
      ++index_;
      pos_ = 0;
    }
  }

  std::shared_ptr<const PinnedParts> parts_;
  size_t index_;
  uint64_t pos_;
  uint64_t remaining_;
};

class MultipartObjectReader final : public ObjectReader {
 public:
  MultipartObjectReader(ObjectInfo info, std::shared_ptr<const PinnedParts> parts,
                        std::shared_ptr<const VersionDecryption> decryption = nullptr)
      : info_(std::move(info)), parts_(std::move(parts)), decryption_(std::move(decryption)) {}

  const ObjectInfo& info() const override { return info_; }

  Result<std::unique_ptr<ByteSource>> OpenRange(uint64_t offset, uint64_t length) override {
    if (offset > info_.size || length > info_.size - offset) {
      return Status(Code::kInvalidRange, "range beyond the end of the object");
    }
    const auto& starts = parts_->starts;
    size_t index = 0;
    if (!starts.empty()) {
      index = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), offset) -
                                  starts.begin()) -
              1;
    }
    uint64_t pos = starts.empty() ? 0 : offset - starts[index];
    if (decryption_) {
      CAIRN_ASSIGN_OR_RETURN(std::string data_key, decryption_->DataKey());
      return EncryptedPartsSource::Open(parts_, std::move(data_key), index, pos, length);
    }
    return std::unique_ptr<ByteSource>(new PartsSource(parts_, index, pos, length));
  }

 private:
  ObjectInfo info_;
  std::shared_ptr<const PinnedParts> parts_;
  std::shared_ptr<const VersionDecryption> decryption_;
};

}  // namespace cairn::storage::local
