// Shard files on one drive of an erasure set (docs/storage-format.md, "Erasure shards", "Shard
// files of the erasure blob store"):
//
//   <root>/shards/ab/abcdef0123456789abcdef0123456789   shard of blob abcdef… at this drive's
//                                                       position (fan-out by the id's 1st byte)
//   <root>/tmp/abcdef0123456789abcdef0123456789         a shard being written or healed
//
// A shard file is the erasure library's shard stream followed by a 16-byte footer carrying the
// blob's size, written at Finish (the size is unknown while the body streams in), so Open(id)
// learns the size from the shards alone. Readers of the bare stream never look past its end.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/status.h"
#include "platform/env.h"
#include "storage/erasure/shard_format.h"
#include "storage/erasure/shard_io.h"

namespace cairn::storage::erasure_blobs {

inline constexpr size_t kShardFooterSize = 16;
inline constexpr uint8_t kShardFooterMagic[4] = {'C', 'R', 'N', 'F'};

// footer = object size:u64le, magic "CRNF", CRC32C:u32le of (this shard's 36-byte header ||
// the footer's first 12 bytes): a footer spliced from another shard or blob does not check.
std::array<uint8_t, kShardFooterSize> EncodeShardFooter(const erasure::ErasureParams& params,
                                                        int index, uint64_t object_size);
// The object size, or kCorruption.
Result<uint64_t> DecodeShardFooter(std::span<const uint8_t> footer,
                                   const erasure::ErasureParams& params, int index);
// The whole file: ShardFileSize + footer.
uint64_t ShardFileBytes(const erasure::ErasureParams& params, uint64_t object_size);

// Creates <root>/shards/00..ff and <root>/tmp as needed and empties tmp/ (DataDir's rules).
Status PrepareDrive(platform::Env* env, const std::string& root);
std::string ShardPath(const std::string& root, const std::string& id_hex);
std::string TmpShardPath(const std::string& root, const std::string& id_hex);
// The fan-out directory holding ShardPath (fsynced after a rename into it).
std::string ShardDir(const std::string& root, const std::string& id_hex);

// Writes one shard file in tmp/: appends, then at Finish the footer (SetObjectSize first),
// fdatasync and close (with `defer_sync`, Finish only appends the footer and SyncAndClose() is
// left to the caller, so the drives of a set can sync at once). The first error sticks.
class FileShardSink final : public erasure::ShardSink {
 public:
  FileShardSink(std::unique_ptr<platform::WritableFile> file, erasure::ErasureParams params,
                int index, bool defer_sync = false)
      : file_(std::move(file)), params_(params), index_(index), defer_sync_(defer_sync) {}
  void SetObjectSize(uint64_t size) { object_size_ = size; }
  Status Append(std::span<const uint8_t> bytes) override;
  Status Finish() override;
  Status SyncAndClose();
  // False once an append, sync or close failed.
  bool ok() const { return failed_.ok(); }

 private:
  std::unique_ptr<platform::WritableFile> file_;
  erasure::ErasureParams params_;
  int index_;
  bool defer_sync_;
  std::optional<uint64_t> object_size_;
  Status failed_;
};

// Reads one published shard file (thread-safe: pread). Bytes past the end are kCorruption.
class FileShardSource final : public erasure::ShardSource {
 public:
  explicit FileShardSource(std::unique_ptr<platform::RandomAccessFile> file)
      : file_(std::move(file)) {}
  Status ReadAt(uint64_t offset, std::span<uint8_t> out) override;
  uint64_t size() const { return file_->size(); }

 private:
  std::unique_ptr<platform::RandomAccessFile> file_;
};

// What opening one shard file found.
enum class ShardState { kGood, kMissing, kCorrupt };

struct OpenedShard {
  ShardState state = ShardState::kMissing;
  std::unique_ptr<FileShardSource> source;  // set when kGood
  uint64_t object_size = 0;                 // from the footer, when kGood
  std::string why;                          // when not kGood
};

// Opens <root>/shards/../<id> as shard `index` of `params` (stream id = the blob id): missing
// when absent or unreadable; corrupt when its header is refused, its footer does not check or
// the file's length is not the one its size implies (extra or lost bytes).
OpenedShard OpenShard(platform::Env* env, const std::string& root,
                      const erasure::ErasureParams& params, int index);

}  // namespace cairn::storage::erasure_blobs
