// Shared helpers for storage tests: a scratch directory and simple body sources.
#pragma once

#include <memory>
#include <string>

#include "common/byte_source.h"
#include "common/headers.h"
#include "storage/local_store.h"
#include "storage/object_store.h"

namespace cairn::storage::testing {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Serves `data` in reads of at most `chunk` bytes, then optionally fails, and offers trailers.
class TestSource final : public ByteSource {
 public:
  explicit TestSource(std::string data, size_t chunk = 1 << 20)
      : data_(std::move(data)), chunk_(chunk) {}
  // After `bytes` bytes, Read returns `status` instead.
  void FailAfter(size_t bytes, Status status) {
    fail_at_ = bytes;
    fail_ = std::move(status);
  }
  Headers& mutable_trailers() {
    has_trailers_ = true;
    return trailers_;
  }
  Result<size_t> Read(char* buf, size_t n) override;
  const Headers* trailers() const override { return has_trailers_ ? &trailers_ : nullptr; }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
  size_t fail_at_ = std::string::npos;
  Status fail_;
  bool has_trailers_ = false;
  Headers trailers_;
};

// Deterministic pseudo-random bytes.
std::string Bytes(size_t n, uint32_t seed = 1);

Result<ObjectInfo> PutString(ObjectStore& store, const std::string& bucket, const std::string& key,
                             const std::string& data, const PutOptions& options = {});
// The whole object, or its error.
Result<std::string> GetString(ObjectStore& store, const std::string& bucket,
                              const std::string& key);
// Reads a source to its end.
Result<std::string> Drain(ByteSource& source);

// Files in <dir>/.cairn/data/*/ and <dir>/.cairn/tmp/.
size_t DataFileCount(const std::string& dir);
size_t TmpFileCount(const std::string& dir);

std::unique_ptr<LocalStore> OpenOrDie(const std::string& dir,
                                      const LocalStoreOptions& options = {});

}  // namespace cairn::storage::testing
