// ErasureBlobStore: blobs striped over the drives of one erasure set, one shard file per drive
// per blob (shard_files.h), Reed-Solomon coded with per-block bitrot hashes (storage/erasure).
// Writes need write quorum of shards durable; reads need read quorum of good shards and are
// never wrong bytes (kUnavailable instead). Missing or corrupt shards found by a read or a
// publish are reported through `on_damage` so the engine can queue a Heal().
//
// Durability follows DataDir: every shard is written in its drive's tmp/, fdatasynced, renamed
// into shards/ and the fan-out directory fsynced. Appends and reads go to the drives one after
// the other (page-cache copies), and so do the syncs at Finish unless options say otherwise.
// Thread-safe; a writer is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "platform/env.h"
#include "storage/blobs/blob_store.h"
#include "storage/erasure/shard_format.h"

namespace cairn::storage::erasure_blobs {

struct ErasureBlobStoreOptions {
  // Called (at most once per opened blob or publish) when shards were found missing or
  // corrupt; may be called from any reading thread, and must be cheap and never block (the
  // engine queues the id for Heal). Copied into open blobs, which may outlive the store.
  std::function<void(const blobs::BlobId&)> on_damage;
  // A writer's Finish fdatasyncs its shard files from a thread each at once rather than one
  // after the other. Off: with the drive folders on one (virtual) disk it did not pay
  // (bench/RESULTS.md, "Blob stores on drive folders"); worth measuring on separate disks.
  bool parallel_sync = false;
};

enum class HealMode {
  kNormal,  // every shard present with a valid header, footer and length; rebuilds the others
  kDeep,    // also reads and verifies every block of every shard, rebuilding the rotten ones
};

struct HealReport {
  uint64_t size = 0;         // of the blob
  std::vector<int> missing;  // shards found absent or unreadable (drives online)
  std::vector<int> corrupt;  // shards found refused, of the wrong length, or failing a hash
  std::vector<int> offline;  // drives offline: not checked, not rebuilt
  std::vector<int> rebuilt;  // shards rewritten (and published) by this heal
  bool healthy() const { return missing.empty() && corrupt.empty() && offline.empty(); }
};

class ErasureBlobStore final : public blobs::BlobStore {
 public:
  // Drive i's shards live under drive_roots[i] (nullopt: offline). `geometry` gives data,
  // parity, block size and bitrot algorithm (its stream id is ignored: each blob's is its id);
  // drive_roots.size() must be data + parity. Prepares every online drive (shards/00..ff,
  // tmp/ emptied); a drive that cannot be prepared is an error naming it.
  static Result<std::unique_ptr<ErasureBlobStore>> Open(
      platform::Env* env, std::vector<std::optional<std::string>> drive_roots,
      const erasure::ErasureParams& geometry, ErasureBlobStoreOptions options = {});

  // kUnavailable when fewer than write quorum drives take a new shard file.
  Result<std::unique_ptr<blobs::BlobWriter>> Create() override;
  // Renames every finished shard into place; OK with write quorum published (the others are
  // reported as damage), else kUnavailable with nothing published.
  Status Publish(blobs::BlobWriter& writer) override;
  // kNotFound when no online drive has a shard of `id`; kUnavailable below read quorum.
  Result<std::shared_ptr<const blobs::Blob>> Open(const blobs::BlobId& id) override;
  // Removes the shard on every online drive; kNotFound only when none had one.
  Status Remove(const blobs::BlobId& id) override;

  // Checks (and with kDeep verifies) the shards of `id` on the online drives and rebuilds the
  // bad ones from the good ones (a drive folder wiped while online is prepared again). A drive
  // that fails to take its rebuilt shard is skipped: the shard stays reported, not rebuilt.
  // kNotFound as Open; kUnavailable when the good shards cannot decode the blob.
  Result<HealReport> Heal(const blobs::BlobId& id, HealMode mode);
  // Drive `drive` goes offline (nullopt) or comes back / is replaced at `root` (prepared as
  // at Open; an empty folder is refilled by later heals). Writers already open keep theirs.
  Status SetDriveRoot(int drive, std::optional<std::string> root);

  int drives() const { return geometry_.data + geometry_.parity; }
  const erasure::ErasureParams& geometry() const { return geometry_; }
  // Where drive `drive`'s shard of `id` lives (nullopt when the drive is offline).
  std::optional<std::string> ShardPathOf(const blobs::BlobId& id, int drive) const;

 private:
  friend class ErasureBlobWriter;
  ErasureBlobStore(platform::Env* env, std::vector<std::optional<std::string>> roots,
                   const erasure::ErasureParams& geometry, ErasureBlobStoreOptions options);
  std::vector<std::optional<std::string>> Roots() const;
  erasure::ErasureParams ParamsOf(const blobs::BlobId& id) const;
  void ReportDamage(const blobs::BlobId& id) const {
    if (options_.on_damage) options_.on_damage(id);
  }

  platform::Env* env_;
  erasure::ErasureParams geometry_;
  ErasureBlobStoreOptions options_;
  mutable std::mutex mu_;
  std::vector<std::optional<std::string>> roots_;  // guarded by mu_
};

}  // namespace cairn::storage::erasure_blobs
