#include "storage/erasure_blobs/erasure_blob_store.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <span>
#include <thread>
#include <utility>

#include "storage/erasure/decoder.h"
#include "storage/erasure/encoder.h"
#include "storage/erasure/heal.h"
#include "storage/erasure_blobs/shard_files.h"

namespace cairn::storage::erasure_blobs {

using blobs::BlobId;

namespace {

// Smaller bodies get a smaller stripe; the writer grows it to a full block when needed.
constexpr uint64_t kInitialStripeHint = 64 << 10;

uint32_t MaskOf(const std::vector<int>& shards) {
  uint32_t mask = 0;
  for (int i : shards) mask |= 1u << i;
  return mask;
}

// The shards of one blob as opened from the drives, with the size they agree on.
struct OpenedShards {
  std::vector<std::unique_ptr<FileShardSource>> sources;  // null when not good
  std::vector<int> missing;
  std::vector<int> corrupt;
  std::vector<int> offline;
  uint64_t size = 0;
  int good = 0;
  uint32_t bad_mask() const { return MaskOf(missing) | MaskOf(corrupt) | MaskOf(offline); }
  std::vector<erasure::ShardSource*> pointers() const {
    std::vector<erasure::ShardSource*> out;
    for (const auto& s : sources) out.push_back(s.get());
    return out;
  }
};

// Opens every online drive's shard of `params.stream_id`. kNotFound when none exists;
// kUnavailable when fewer than read quorum agree.
Result<OpenedShards> OpenShards(platform::Env* env,
                                const std::vector<std::optional<std::string>>& roots,
                                const erasure::ErasureParams& params) {
  const int total = params.data + params.parity;
  std::vector<OpenedShard> opened(total);
  OpenedShards out;
  out.sources.resize(total);
  std::map<uint64_t, int> votes;
  for (int i = 0; i < total; ++i) {
    if (!roots[i]) {
      out.offline.push_back(i);
      continue;
    }
    opened[i] = OpenShard(env, *roots[i], params, i);
    if (opened[i].state == ShardState::kGood) ++votes[opened[i].object_size];
  }
  // Every good shard's footer carries the size; one that disagrees with the most is corrupt.
  int best = 0;
  for (const auto& [size, count] : votes) {
    if (count > best) {
      best = count;
      out.size = size;
    }
  }
  for (int i = 0; i < total; ++i) {
    if (!roots[i]) continue;
    if (opened[i].state == ShardState::kGood && opened[i].object_size == out.size) {
      out.sources[i] = std::move(opened[i].source);
      ++out.good;
    } else if (opened[i].state == ShardState::kMissing) {
      out.missing.push_back(i);
    } else {
      out.corrupt.push_back(i);
    }
  }
  if (out.good == 0 && out.corrupt.empty()) {
    return Status(Code::kNotFound, "erasure blobs: no shard of the blob");
  }
  if (out.good < erasure::ReadQuorum(params.data, params.parity)) {
    return Status(Code::kUnavailable, "erasure blobs: " + std::to_string(out.good) +
                                          " good shards, read quorum is " +
                                          std::to_string(params.data) + " (read quorum lost)");
  }
  return out;
}

// ---- Blob ----

class ErasureBlob final : public blobs::Blob {
 public:
  ErasureBlob(BlobId id, erasure::ErasureParams params, OpenedShards shards,
              std::function<void(const BlobId&)> on_damage)
      : id_(id),
        params_(params),
        size_(shards.size),
        known_bad_(shards.bad_mask()),
        on_damage_(std::move(on_damage)) {
    sources_ = std::move(shards.sources);
    pointers_ = std::vector<erasure::ShardSource*>(sources_.size());
    for (size_t i = 0; i < sources_.size(); ++i) pointers_[i] = sources_[i].get();
    if (known_bad_ != 0) ReportDamage();
  }

  uint64_t size() const override { return size_; }

  Result<size_t> ReadAt(uint64_t pos, size_t n, char* buf) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!reader_) {
      CAIRN_ASSIGN_OR_RETURN(reader_, erasure::ErasureReader::Open(params_, size_, pointers_));
    }
    auto got = reader_->ReadAt(pos, buf, n);
    NoteReport(reader_->report(), got.status());
    return got;
  }

  // Any shard found bad beyond those known at open, or a read failing on the shards (not on
  // the caller's arguments), is damage.
  void NoteReport(const erasure::ShardReport& report, const Status& read) const {
    uint32_t found = MaskOf(report.missing) | MaskOf(report.corrupt);
    bool failed = !read.ok() && read.code() != Code::kInvalidArgument;
    if (failed || (found & ~known_bad_) != 0) ReportDamage();
  }

 protected:
  Result<std::unique_ptr<ByteSource>> NewRangeSource(std::shared_ptr<const Blob> self,
                                                     uint64_t offset,
                                                     uint64_t length) const override;

 private:
  void ReportDamage() const {
    if (on_damage_ && !reported_.exchange(true)) on_damage_(id_);
  }

  BlobId id_;
  erasure::ErasureParams params_;
  uint64_t size_;
  uint32_t known_bad_;  // shards missing or corrupt when opened
  std::function<void(const BlobId&)> on_damage_;
  std::vector<std::unique_ptr<FileShardSource>> sources_;  // pread: shared by every reader
  std::vector<erasure::ShardSource*> pointers_;
  mutable std::atomic<bool> reported_{false};
  mutable std::mutex mu_;
  mutable std::unique_ptr<erasure::ErasureReader> reader_;  // ReadAt's; guarded by mu_
};

// A range stream with a decoder of its own: streams of one blob run on different threads
// without sharing a stripe.
class ErasureRangeSource final : public ByteSource {
 public:
  ErasureRangeSource(std::shared_ptr<const ErasureBlob> blob,
                     std::unique_ptr<erasure::ErasureDecoder> decoder)
      : blob_(std::move(blob)), decoder_(std::move(decoder)) {}
  ~ErasureRangeSource() override { Note(Status::Ok()); }

  Result<size_t> Read(char* buf, size_t n) override {
    auto got = decoder_->Read(buf, n);
    if (!got.ok() || *got == 0) Note(got.status());
    return got;
  }

 private:
  // Once: at the end, at the first error, or when dropped early.
  void Note(const Status& read) {
    if (noted_) return;
    noted_ = true;
    blob_->NoteReport(decoder_->report(), read);
  }

  std::shared_ptr<const ErasureBlob> blob_;
  std::unique_ptr<erasure::ErasureDecoder> decoder_;
  bool noted_ = false;
};

Result<std::unique_ptr<ByteSource>> ErasureBlob::NewRangeSource(std::shared_ptr<const Blob> self,
                                                                uint64_t offset,
                                                                uint64_t length) const {
  auto decoder = erasure::ErasureDecoder::Open(params_, size_, offset, length, pointers_);
  if (!decoder.ok()) {
    NoteReport({}, decoder.status());
    return decoder.status();
  }
  return std::unique_ptr<ByteSource>(new ErasureRangeSource(
      std::static_pointer_cast<const ErasureBlob>(std::move(self)), std::move(*decoder)));
}

}  // namespace

// ---- Writer ----

class ErasureBlobWriter final : public blobs::BlobWriter {
 public:
  ErasureBlobWriter(ErasureBlobStore* store, BlobId id,
                    std::vector<std::optional<std::string>> roots)
      : store_(store),
        id_(id),
        params_(store->ParamsOf(id)),
        roots_(std::move(roots)),
        sinks_(roots_.size()),
        tmp_created_(roots_.size(), false) {}

  ~ErasureBlobWriter() override {
    erasure_.reset();
    sinks_.clear();  // close before unlink
    // Best effort: leftovers are swept from tmp/ at the next open.
    for (size_t i = 0; i < roots_.size(); ++i) {
      if (tmp_created_[i]) (void)store_->env_->RemoveFile(TmpShardPath(*roots_[i], id_.Hex()));
    }
  }

  // Creates a tmp file per online drive and the encoder over them.
  Status Start() {
    std::vector<erasure::ShardSink*> pointers(roots_.size(), nullptr);
    for (size_t i = 0; i < roots_.size(); ++i) {
      if (!roots_[i]) continue;
      auto file = store_->env_->NewWritableFile(TmpShardPath(*roots_[i], id_.Hex()));
      if (!file.ok()) continue;  // this drive loses its shard
      tmp_created_[i] = true;
      sinks_[i] = std::make_unique<FileShardSink>(std::move(*file), params_, static_cast<int>(i),
                                                  /*defer_sync=*/true);
      pointers[i] = sinks_[i].get();
    }
    CAIRN_ASSIGN_OR_RETURN(erasure_,
                           erasure::ErasureWriter::Open(params_, pointers, kInitialStripeHint));
    return Status::Ok();
  }

  const BlobId& id() const override { return id_; }
  uint64_t size() const override { return erasure_->size(); }

  Status Append(const char* data, size_t n) override {
    if (finished_) return Status(Code::kInternal, "append to a finished blob");
    return erasure_->Append(data, n);
  }

  Status Finish() override {
    if (finished_) return Status(Code::kInternal, "blob finished twice");
    finished_ = true;
    for (auto& sink : sinks_) {
      if (sink) sink->SetObjectSize(erasure_->size());
    }
    CAIRN_ASSIGN_OR_RETURN(erasure::EncodeResult result, erasure_->Finish());
    for (int i : result.lost) {
      if (sinks_[i]) sinks_[i].reset();
    }
    CAIRN_RETURN_IF_ERROR(SyncShards());
    finished_ok_ = true;
    return Status::Ok();
  }

 private:
  // fdatasync + close of every shard still alive; a failing one is lost. kUnavailable below
  // write quorum.
  Status SyncShards() {
    std::vector<Status> synced(sinks_.size());
    if (store_->options_.parallel_sync) {
      std::vector<std::thread> threads;
      for (size_t i = 0; i < sinks_.size(); ++i) {
        if (sinks_[i]) threads.emplace_back([&, i] { synced[i] = sinks_[i]->SyncAndClose(); });
      }
      for (auto& thread : threads) thread.join();
    } else {
      for (size_t i = 0; i < sinks_.size(); ++i) {
        if (sinks_[i]) synced[i] = sinks_[i]->SyncAndClose();
      }
    }
    int alive = 0;
    for (size_t i = 0; i < sinks_.size(); ++i) {
      if (!sinks_[i]) continue;
      if (synced[i].ok()) {
        ++alive;
      } else {
        sinks_[i].reset();
      }
    }
    const int quorum = erasure::WriteQuorum(params_.data, params_.parity);
    if (alive >= quorum) return Status::Ok();
    return Status(Code::kUnavailable, "erasure blobs: " + std::to_string(alive) +
                                          " shards durable, write quorum is " +
                                          std::to_string(quorum));
  }

  friend class ErasureBlobStore;
  ErasureBlobStore* store_;
  BlobId id_;
  erasure::ErasureParams params_;
  std::vector<std::optional<std::string>> roots_;
  std::vector<std::unique_ptr<FileShardSink>> sinks_;  // null: offline, never created, lost
  std::vector<bool> tmp_created_;                      // tmp files still to remove
  std::unique_ptr<erasure::ErasureWriter> erasure_;
  bool finished_ = false;
  bool finished_ok_ = false;
  bool published_ = false;
};

// ---- Store ----

ErasureBlobStore::ErasureBlobStore(platform::Env* env,
                                   std::vector<std::optional<std::string>> roots,
                                   const erasure::ErasureParams& geometry,
                                   ErasureBlobStoreOptions options)
    : env_(env), geometry_(geometry), options_(std::move(options)), roots_(std::move(roots)) {}

Result<std::unique_ptr<ErasureBlobStore>> ErasureBlobStore::Open(
    platform::Env* env, std::vector<std::optional<std::string>> drive_roots,
    const erasure::ErasureParams& geometry, ErasureBlobStoreOptions options) {
  CAIRN_RETURN_IF_ERROR(erasure::ValidateParams(geometry));
  if (drive_roots.size() != static_cast<size_t>(geometry.data + geometry.parity)) {
    return Status(Code::kInvalidArgument, "erasure blobs: one drive root per shard needed");
  }
  for (size_t i = 0; i < drive_roots.size(); ++i) {
    if (!drive_roots[i]) continue;
    Status prepared = PrepareDrive(env, *drive_roots[i]);
    if (!prepared.ok()) {
      return Status(prepared.code(),
                    "erasure blobs: drive " + std::to_string(i) + ": " + prepared.message());
    }
  }
  return std::unique_ptr<ErasureBlobStore>(
      new ErasureBlobStore(env, std::move(drive_roots), geometry, std::move(options)));
}

std::vector<std::optional<std::string>> ErasureBlobStore::Roots() const {
  std::lock_guard<std::mutex> lock(mu_);
  return roots_;
}

erasure::ErasureParams ErasureBlobStore::ParamsOf(const BlobId& id) const {
  erasure::ErasureParams params = geometry_;
  params.stream_id = id.bytes;
  return params;
}

std::optional<std::string> ErasureBlobStore::ShardPathOf(const BlobId& id, int drive) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (drive < 0 || drive >= drives() || !roots_[drive]) return std::nullopt;
  return ShardPath(*roots_[drive], id.Hex());
}

Status ErasureBlobStore::SetDriveRoot(int drive, std::optional<std::string> root) {
  if (drive < 0 || drive >= drives()) {
    return Status(Code::kInvalidArgument, "erasure blobs: no drive " + std::to_string(drive));
  }
  if (root) CAIRN_RETURN_IF_ERROR(PrepareDrive(env_, *root));
  std::lock_guard<std::mutex> lock(mu_);
  roots_[drive] = std::move(root);
  return Status::Ok();
}

Result<std::unique_ptr<blobs::BlobWriter>> ErasureBlobStore::Create() {
  CAIRN_ASSIGN_OR_RETURN(BlobId id, BlobId::Random());
  auto writer = std::make_unique<ErasureBlobWriter>(this, id, Roots());
  CAIRN_RETURN_IF_ERROR(writer->Start());
  return std::unique_ptr<blobs::BlobWriter>(std::move(writer));
}

Status ErasureBlobStore::Publish(blobs::BlobWriter& blob_writer) {
  // A store publishes only the writers it made (the seam's contract).
  auto& writer = static_cast<ErasureBlobWriter&>(blob_writer);
  if (!writer.finished_ok_ || writer.published_) {
    return Status(Code::kInternal, "publish of an unfinished or published blob");
  }
  const std::string hex = writer.id_.Hex();
  std::vector<int> published;
  for (size_t i = 0; i < writer.roots_.size(); ++i) {
    if (!writer.sinks_[i]) continue;
    const std::string& root = *writer.roots_[i];
    if (!env_->RenameFile(TmpShardPath(root, hex), ShardPath(root, hex)).ok()) continue;
    writer.tmp_created_[i] = false;
    // Renamed but not durable is not counted: the shard is healed later if it vanishes.
    if (env_->SyncDir(ShardDir(root, hex)).ok()) published.push_back(static_cast<int>(i));
  }
  const int quorum = erasure::WriteQuorum(geometry_.data, geometry_.parity);
  if (static_cast<int>(published.size()) < quorum) {
    for (size_t i = 0; i < writer.roots_.size(); ++i) {
      if (writer.sinks_[i]) (void)env_->RemoveFile(ShardPath(*writer.roots_[i], hex));
    }
    return Status(Code::kUnavailable, "erasure blobs: " + std::to_string(published.size()) +
                                          " shards published, write quorum is " +
                                          std::to_string(quorum));
  }
  writer.published_ = true;
  // What did not make it (a lost shard, a refused rename) is of no use: free its space now.
  for (size_t i = 0; i < writer.roots_.size(); ++i) {
    if (!writer.tmp_created_[i]) continue;
    writer.sinks_[i].reset();
    (void)env_->RemoveFile(TmpShardPath(*writer.roots_[i], hex));
    writer.tmp_created_[i] = false;
  }
  if (static_cast<int>(published.size()) < drives()) ReportDamage(writer.id_);
  return Status::Ok();
}

Result<std::shared_ptr<const blobs::Blob>> ErasureBlobStore::Open(const BlobId& id) {
  const erasure::ErasureParams params = ParamsOf(id);
  CAIRN_ASSIGN_OR_RETURN(OpenedShards shards, OpenShards(env_, Roots(), params));
  return std::shared_ptr<const blobs::Blob>(
      std::make_shared<ErasureBlob>(id, params, std::move(shards), options_.on_damage));
}

Status ErasureBlobStore::Remove(const BlobId& id) {
  const std::string hex = id.Hex();
  int removed = 0;
  Status first_error;
  for (const auto& root : Roots()) {
    if (!root) continue;
    Status s = env_->RemoveFile(ShardPath(*root, hex));
    if (s.ok()) {
      ++removed;
    } else if (s.code() != Code::kNotFound && first_error.ok()) {
      first_error = s;
    }
  }
  if (removed > 0) return Status::Ok();
  if (!first_error.ok()) return first_error;
  return Status(Code::kNotFound, "erasure blobs: no shard of the blob");
}

Result<HealReport> ErasureBlobStore::Heal(const BlobId& id, HealMode mode) {
  const erasure::ErasureParams params = ParamsOf(id);
  const auto roots = Roots();
  const std::string hex = id.Hex();
  CAIRN_ASSIGN_OR_RETURN(OpenedShards shards, OpenShards(env_, roots, params));
  HealReport report;
  report.size = shards.size;
  report.missing = shards.missing;
  report.corrupt = shards.corrupt;
  report.offline = shards.offline;
  auto add_found = [&](const erasure::ShardReport& found) {
    for (int i : found.corrupt) {
      if (std::find(report.corrupt.begin(), report.corrupt.end(), i) == report.corrupt.end()) {
        report.corrupt.push_back(i);
      }
    }
    for (int i : found.missing) {
      if (!shards.sources[i]) continue;  // known already
      if (std::find(report.missing.begin(), report.missing.end(), i) == report.missing.end()) {
        report.missing.push_back(i);
      }
    }
  };
  if (mode == HealMode::kDeep) {
    CAIRN_ASSIGN_OR_RETURN(erasure::ShardReport verified,
                           erasure::VerifyShards(params, shards.size, shards.pointers()));
    add_found(verified);
  }
  const int total = drives();
  uint32_t rebuilt = 0;
  // A source found bad while healing the others is rebuilt in the next pass.
  uint32_t refused = 0;  // drives whose rebuilt shard failed to write: not retried by this heal
  for (int pass = 0; pass <= total; ++pass) {
    const uint32_t bad = (MaskOf(report.missing) | MaskOf(report.corrupt)) & ~rebuilt;
    for (int i = 0; i < total; ++i) {
      if (bad & (1u << i)) shards.sources[i].reset();
    }
    std::vector<std::unique_ptr<FileShardSink>> sinks(total);
    std::vector<erasure::ShardSink*> targets(total, nullptr);
    std::vector<std::string> tmp_paths(total);
    for (int i = 0; i < total; ++i) {
      if (!(bad & ~refused & (1u << i)) || !roots[i]) continue;
      tmp_paths[i] = TmpShardPath(*roots[i], hex) + ".heal";
      auto file = env_->NewWritableFile(tmp_paths[i]);
      if (!file.ok() && file.status().code() == Code::kNotFound &&
          PrepareDrive(env_, *roots[i]).ok()) {
        file = env_->NewWritableFile(tmp_paths[i]);  // the drive was wiped while online
      }
      if (!file.ok()) {
        tmp_paths[i].clear();
        refused |= 1u << i;
        continue;  // this drive refuses; a later heal retries
      }
      sinks[i] = std::make_unique<FileShardSink>(std::move(*file), params, i);
      sinks[i]->SetObjectSize(shards.size);
      targets[i] = sinks[i].get();
    }
    if (std::none_of(targets.begin(), targets.end(), [](auto* t) { return t != nullptr; })) break;
    auto healed = erasure::HealShards(params, shards.size, shards.pointers(), targets);
    uint32_t failed_targets = 0;
    for (int i = 0; i < total; ++i) {
      if (sinks[i] && !sinks[i]->ok()) failed_targets |= 1u << i;
    }
    sinks.clear();
    if (!healed.ok()) {
      for (const auto& path : tmp_paths) {
        if (!path.empty()) (void)env_->RemoveFile(path);
      }
      // A drive failing under its rebuilt shard must not keep the others from being healed.
      if (failed_targets == 0) return healed.status();
      refused |= failed_targets;
      continue;
    }
    for (int i = 0; i < total; ++i) {
      if (tmp_paths[i].empty()) continue;
      Status s = env_->RenameFile(tmp_paths[i], ShardPath(*roots[i], hex));
      if (s.ok()) s = env_->SyncDir(ShardDir(*roots[i], hex));
      if (s.ok()) {
        rebuilt |= 1u << i;
        report.rebuilt.push_back(i);
      } else {
        (void)env_->RemoveFile(tmp_paths[i]);
        refused |= 1u << i;
      }
    }
    const uint32_t before = MaskOf(report.missing) | MaskOf(report.corrupt);
    add_found(*healed);
    if ((MaskOf(report.missing) | MaskOf(report.corrupt)) == before) break;
  }
  std::sort(report.missing.begin(), report.missing.end());
  std::sort(report.corrupt.begin(), report.corrupt.end());
  std::sort(report.rebuilt.begin(), report.rebuilt.end());
  return report;
}

}  // namespace cairn::storage::erasure_blobs
