#include "storage/rados_blobs/rados_blob_store.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <vector>

#include "storage/rados/rados_omap.h"

namespace cairn::storage::rados_blobs {

namespace {

constexpr const char* kBlobXattr = "cairn.blob";  // "1 <size> <stripe size>" on stripe 0
constexpr int kFormat = 1;

struct BlobMeta {
  uint64_t size = 0;
  uint64_t stripe = 0;
  uint64_t stripes() const { return size == 0 ? 1 : (size + stripe - 1) / stripe; }
};

std::string EncodeMeta(const BlobMeta& meta) {
  return std::to_string(kFormat) + " " + std::to_string(meta.size) + " " +
         std::to_string(meta.stripe);
}

Result<BlobMeta> DecodeMeta(std::string_view text) {
  int format = 0;
  BlobMeta meta;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto number = [&](auto& out) {
    while (p < end && *p == ' ') ++p;
    auto [next, ec] = std::from_chars(p, end, out);
    if (ec != std::errc()) return false;
    p = next;
    return true;
  };
  if (!number(format) || !number(meta.size) || !number(meta.stripe) || p != end ||
      meta.stripe == 0) {
    return Status(Code::kCorruption,
                  "a RADOS blob record does not decode: '" + std::string(text) + "'");
  }
  if (format > kFormat) {
    return Status(Code::kCorruption,
                  "a RADOS blob of format " + std::to_string(format) + " is newer than this Cairn");
  }
  return meta;
}

Result<BlobMeta> ReadMeta(rados_ioctx_t io, const std::string& stripe0) {
  char buf[96];
  int r = rados_getxattr(io, stripe0.c_str(), kBlobXattr, buf, sizeof buf);
  if (r < 0) return RadosError(r, "reading " + stripe0);
  return DecodeMeta(std::string_view(buf, static_cast<size_t>(r)));
}

std::string Name(const std::string& prefix, const blobs::BlobId& id, uint64_t index) {
  char stripe[24];
  std::snprintf(stripe, sizeof stripe, ".%08" PRIx64, index);
  return prefix + "blob." + id.Hex() + stripe;
}

class RadosBlobWriter final : public blobs::BlobWriter {
 public:
  RadosBlobWriter(std::shared_ptr<RadosPool> pool, const RadosBlobStoreOptions& options,
                  blobs::BlobId id)
      : pool_(std::move(pool)), options_(options), id_(id) {
    buffer_.reserve(options_.stripe_size);
  }

  ~RadosBlobWriter() override {
    while (!in_flight_.empty()) WaitOldest();
    if (published_) return;
    // Never visible: its stripes go at once (best effort; a crash leaves them to a pool sweep).
    for (uint64_t i = 0; i < sent_; ++i) {
      rados_remove(pool_->io(), Name(options_.prefix, id_, i).c_str());
    }
  }

  const blobs::BlobId& id() const override { return id_; }
  uint64_t size() const override { return size_; }

  Status Append(const char* data, size_t n) override {
    if (!error_.ok()) return error_;
    if (finished_) return Status(Code::kInternal, "append to a finished RADOS blob");
    while (n > 0) {
      size_t take = std::min<size_t>(n, options_.stripe_size - buffer_.size());
      buffer_.append(data, take);
      peak_held_ = std::max<uint64_t>(peak_held_, held_in_flight_ + buffer_.size());
      data += take;
      n -= take;
      size_ += take;
      if (buffer_.size() == options_.stripe_size) CAIRN_RETURN_IF_ERROR(Send());
    }
    return Status::Ok();
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (finished_) return Status::Ok();
    if (sent_ == 0) {
      // One stripe at most (0 B: an empty stripe 0): Publish writes it with its xattr in one
      // write op, one round trip instead of two. Nothing exists before that, and the engine
      // records its intent between Finish and Publish anyway.
      finished_ = true;
      return Status::Ok();
    }
    if (!buffer_.empty()) CAIRN_RETURN_IF_ERROR(Send());
    while (!in_flight_.empty()) WaitOldest();
    if (!error_.ok()) return error_;
    finished_ = true;
    return Status::Ok();
  }

  bool finished() const { return finished_; }
  // The whole body when Finish left it for Publish to write (sent nothing); else nullptr.
  const std::string* deferred() const { return finished_ && sent_ == 0 ? &buffer_ : nullptr; }
  void MarkPublished() { published_ = true; }
  uint64_t peak_held() const { return peak_held_; }
  BlobMeta meta() const { return {size_, options_.stripe_size}; }

 private:
  struct InFlight {
    std::unique_ptr<std::string> data;  // stays put while the deque moves its entries
    std::unique_ptr<RadosCompletion> done;
    uint64_t index;
  };

  Status Send() {
    InFlight op{std::make_unique<std::string>(std::move(buffer_)),
                std::make_unique<RadosCompletion>(), sent_};
    buffer_ = std::string();
    buffer_.reserve(options_.stripe_size);
    if (!op.done->ok()) return Fail(Status(Code::kIOError, "no RADOS completion"));
    const std::string name = Name(options_.prefix, id_, op.index);
    int r = rados_aio_write_full(pool_->io(), name.c_str(), op.done->get(), op.data->data(),
                                 op.data->size());
    if (r < 0) return Fail(RadosError(r, "writing " + name));
    op.done->Submitted();
    ++sent_;
    held_in_flight_ += op.data->size();
    in_flight_.push_back(std::move(op));
    while (in_flight_.size() > options_.writes_in_flight) WaitOldest();
    return error_;
  }

  void WaitOldest() {
    InFlight& op = in_flight_.front();
    int r = op.done->Wait();
    if (r < 0) (void)Fail(RadosError(r, "writing " + Name(options_.prefix, id_, op.index)));
    held_in_flight_ -= op.data->size();
    in_flight_.pop_front();
  }

  Status Fail(Status status) {
    if (error_.ok()) error_ = std::move(status);
    return error_;
  }

  std::shared_ptr<RadosPool> pool_;
  RadosBlobStoreOptions options_;
  blobs::BlobId id_;
  std::string buffer_;  // the stripe being filled
  std::deque<InFlight> in_flight_;
  uint64_t size_ = 0;
  uint64_t sent_ = 0;  // stripes handed to librados
  uint64_t held_in_flight_ = 0;
  uint64_t peak_held_ = 0;
  bool finished_ = false;
  bool published_ = false;
  Status error_;
};

class RadosBlob final : public blobs::Blob {
 public:
  RadosBlob(std::shared_ptr<RadosPool> pool, const RadosBlobStoreOptions& options, blobs::BlobId id,
            BlobMeta meta)
      : pool_(std::move(pool)), options_(options), id_(id), meta_(meta) {}

  uint64_t size() const override { return meta_.size; }

  Result<size_t> ReadAt(uint64_t pos, size_t n, char* buf) const override {
    if (pos >= meta_.size || n == 0) return size_t{0};
    const uint64_t in_stripe = pos % meta_.stripe;
    const size_t len =
        static_cast<size_t>(std::min<uint64_t>({n, meta_.stripe - in_stripe, meta_.size - pos}));
    const std::string name = StripeName(pos / meta_.stripe);
    int r = rados_read(pool_->io(), name.c_str(), buf, len, in_stripe);
    if (r < 0) return RadosError(r, "reading " + name);
    if (static_cast<size_t>(r) != len) return Short(name, len, r);
    return len;
  }

  std::string StripeName(uint64_t index) const { return Name(options_.prefix, id_, index); }
  rados_ioctx_t io() const { return pool_->io(); }
  const BlobMeta& meta() const { return meta_; }
  const RadosBlobStoreOptions& options() const { return options_; }

  static Status Short(const std::string& name, size_t want, int got) {
    return Status(Code::kCorruption, name + " is shorter than its blob record says (" +
                                         std::to_string(got) + " of " + std::to_string(want) +
                                         " bytes)");
  }

 protected:
  Result<std::unique_ptr<ByteSource>> NewRangeSource(std::shared_ptr<const Blob> self,
                                                     uint64_t offset,
                                                     uint64_t length) const override;

 private:
  std::shared_ptr<RadosPool> pool_;
  RadosBlobStoreOptions options_;  // a copy: the blob may outlive its store
  blobs::BlobId id_;
  BlobMeta meta_;
};

// A range stream that keeps `reads_in_flight` aio reads of `read_chunk` bytes ahead of the
// reader, never across a stripe boundary, so a large GET is not one round trip at a time.
class RadosRangeSource final : public ByteSource {
 public:
  RadosRangeSource(std::shared_ptr<const RadosBlob> blob, uint64_t offset, uint64_t length)
      : blob_(std::move(blob)), next_(offset), end_(offset + length) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (!error_.ok()) return error_;
    Fill();
    if (chunks_.empty()) return size_t{0};
    Chunk& chunk = chunks_.front();
    if (!chunk.ready) {
      int r = chunk.done->Wait();
      if (r < 0) return error_ = RadosError(r, "reading " + chunk.name);
      if (static_cast<size_t>(r) != chunk.len) {
        return error_ = RadosBlob::Short(chunk.name, chunk.len, r);
      }
      chunk.ready = true;
    }
    size_t take = std::min(n, chunk.len - chunk.pos);
    std::memcpy(buf, chunk.data.get() + chunk.pos, take);
    chunk.pos += take;
    if (chunk.pos == chunk.len) chunks_.pop_front();
    return take;
  }

 private:
  // The buffer is on the heap by itself: librados writes into it while the chunk moves about
  // the deque (a short std::string would move its bytes along).
  struct Chunk {
    std::string name;
    std::unique_ptr<char[]> data;
    size_t len;
    std::unique_ptr<RadosCompletion> done;
    size_t pos = 0;
    bool ready = false;
  };

  void Fill() {
    const BlobMeta& meta = blob_->meta();
    const RadosBlobStoreOptions& options = blob_->options();
    while (chunks_.size() < std::max<size_t>(1, options.reads_in_flight) && next_ < end_ &&
           error_.ok()) {
      const uint64_t in_stripe = next_ % meta.stripe;
      const size_t len = static_cast<size_t>(
          std::min<uint64_t>({options.read_chunk, meta.stripe - in_stripe, end_ - next_}));
      Chunk chunk{blob_->StripeName(next_ / meta.stripe), std::make_unique<char[]>(len), len,
                  std::make_unique<RadosCompletion>()};
      if (!chunk.done->ok()) {
        error_ = Status(Code::kIOError, "no RADOS completion");
        return;
      }
      int r = rados_aio_read(blob_->io(), chunk.name.c_str(), chunk.done->get(), chunk.data.get(),
                             len, in_stripe);
      if (r < 0) {
        error_ = RadosError(r, "reading " + chunk.name);
        return;
      }
      chunk.done->Submitted();
      next_ += len;
      chunks_.push_back(std::move(chunk));
    }
  }

  std::shared_ptr<const RadosBlob> blob_;
  uint64_t next_;  // the first byte not yet asked for
  uint64_t end_;
  std::deque<Chunk> chunks_;
  Status error_;
};

Result<std::unique_ptr<ByteSource>> RadosBlob::NewRangeSource(std::shared_ptr<const Blob> self,
                                                              uint64_t offset,
                                                              uint64_t length) const {
  return std::unique_ptr<ByteSource>(std::make_unique<RadosRangeSource>(
      std::static_pointer_cast<const RadosBlob>(std::move(self)), offset, length));
}

// GC keys: 16 hex digits of the removal time in ms, then the blob id, so keys sort by age.
std::string GcKey(std::chrono::system_clock::time_point when, const blobs::BlobId& id) {
  char ms[24];
  std::snprintf(
      ms, sizeof ms, "%016" PRIx64,
      static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count()));
  return std::string(ms) + "." + id.Hex();
}

}  // namespace

uint64_t PeakHeldBytes(const blobs::BlobWriter& writer) {
  auto* ours = dynamic_cast<const RadosBlobWriter*>(&writer);
  return ours == nullptr ? 0 : ours->peak_held();
}

RadosBlobStore::RadosBlobStore(std::shared_ptr<RadosPool> pool,
                               const RadosBlobStoreOptions& options)
    : pool_(std::move(pool)), options_(options), gc_object_(options.prefix + "gc") {}

Result<std::unique_ptr<RadosBlobStore>> RadosBlobStore::Open(std::shared_ptr<RadosPool> pool,
                                                             const RadosBlobStoreOptions& options) {
  if (options.stripe_size == 0 || options.read_chunk == 0) {
    return Status(Code::kInvalidArgument, "a RADOS blob store needs a stripe and chunk size");
  }
  std::unique_ptr<RadosBlobStore> store(new RadosBlobStore(std::move(pool), options));
  if (options.sweep_interval.count() > 0) {
    store->sweeper_ = std::thread([s = store.get()] { s->SweepLoop(); });
  }
  return store;
}

RadosBlobStore::~RadosBlobStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

std::string RadosBlobStore::StripeName(const blobs::BlobId& id, uint64_t index) const {
  return Name(options_.prefix, id, index);
}

Result<std::unique_ptr<blobs::BlobWriter>> RadosBlobStore::Create() {
  CAIRN_ASSIGN_OR_RETURN(blobs::BlobId id, blobs::BlobId::Random());
  return std::unique_ptr<blobs::BlobWriter>(std::make_unique<RadosBlobWriter>(pool_, options_, id));
}

Status RadosBlobStore::Publish(blobs::BlobWriter& writer) {
  auto* ours = dynamic_cast<RadosBlobWriter*>(&writer);
  if (ours == nullptr) return Status(Code::kInternal, "a writer of another blob store");
  if (!ours->finished()) return Status(Code::kInternal, "publish before finish");
  const std::string stripe0 = StripeName(ours->id(), 0);
  const std::string meta = EncodeMeta(ours->meta());
  int r = 0;
  if (const std::string* body = ours->deferred()) {
    rados_write_op_t op = rados_create_write_op();
    rados_write_op_write_full(op, body->data(), body->size());
    rados_write_op_setxattr(op, kBlobXattr, meta.data(), meta.size());
    r = rados_write_op_operate2(op, pool_->io(), stripe0.c_str(), nullptr, 0);
    rados_release_write_op(op);
  } else {
    r = rados_setxattr(pool_->io(), stripe0.c_str(), kBlobXattr, meta.data(), meta.size());
  }
  if (r < 0) return RadosError(r, "publishing " + stripe0);
  ours->MarkPublished();
  return Status::Ok();
}

Result<std::shared_ptr<const blobs::Blob>> RadosBlobStore::Open(const blobs::BlobId& id) {
  CAIRN_ASSIGN_OR_RETURN(BlobMeta meta, ReadMeta(pool_->io(), StripeName(id, 0)));
  return std::shared_ptr<const blobs::Blob>(std::make_shared<RadosBlob>(pool_, options_, id, meta));
}

Status RadosBlobStore::Remove(const blobs::BlobId& id) {
  const std::string stripe0 = StripeName(id, 0);
  CAIRN_ASSIGN_OR_RETURN(BlobMeta meta, ReadMeta(pool_->io(), stripe0));
  // Queued first: a crash between the two leaves a queued blob still visible, which the engine
  // was removing anyway; the other order could leave stripes nobody would ever delete.
  const std::string key = GcKey(std::chrono::system_clock::now(), id);
  const std::string value = EncodeMeta(meta);
  const char* keys[] = {key.c_str()};
  const char* values[] = {value.data()};
  const size_t lens[] = {value.size()};
  rados_write_op_t op = rados_create_write_op();
  rados_write_op_omap_set(op, keys, values, lens, 1);
  int r = rados_write_op_operate(op, pool_->io(), gc_object_.c_str(), nullptr, 0);
  rados_release_write_op(op);
  if (r < 0) return RadosError(r, "queueing " + stripe0 + " for removal");
  r = rados_rmxattr(pool_->io(), stripe0.c_str(), kBlobXattr);
  if (r < 0) return RadosError(r, "removing " + stripe0);
  return Status::Ok();
}

Result<size_t> RadosBlobStore::Sweep(std::chrono::seconds grace) {
  const std::string before = GcKey(std::chrono::system_clock::now() - grace, blobs::BlobId{});
  size_t swept = 0;
  std::string after;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page,
                           rados::ReadOmapPage(pool_->io(), gc_object_, after, 500));
    const rados::OmapEntries& entries = page.entries;

    std::vector<std::string> done;
    bool past_grace = false;
    for (const auto& [key, value] : entries) {
      if (key >= before) {
        past_grace = true;
        break;
      }
      auto dot = key.find('.');
      auto id =
          dot == std::string::npos ? std::nullopt : blobs::BlobId::FromHex(key.substr(dot + 1));
      auto meta = DecodeMeta(value);
      if (id && meta.ok()) {
        std::vector<std::unique_ptr<RadosCompletion>> removals;
        for (uint64_t i = 0; i < meta->stripes(); ++i) {
          auto c = std::make_unique<RadosCompletion>();
          if (c->ok() && rados_aio_remove(pool_->io(), StripeName(*id, i).c_str(), c->get()) >= 0) {
            c->Submitted();
            removals.push_back(std::move(c));
          }
        }
        bool all = true;
        for (auto& c : removals) {
          int rr = c->Wait();
          all = all && (rr >= 0 || rr == -ENOENT);
        }
        if (!all) continue;  // kept queued: the next sweep tries again
        ++swept;
      }
      done.push_back(key);  // swept, or an entry that does not decode (nothing to delete)
    }
    if (!done.empty()) {
      std::vector<const char*> keys;
      for (const auto& k : done) keys.push_back(k.c_str());
      rados_write_op_t rm = rados_create_write_op();
      rados_write_op_omap_rm_keys(rm, keys.data(), keys.size());
      int rr = rados_write_op_operate(rm, pool_->io(), gc_object_.c_str(), nullptr, 0);
      rados_release_write_op(rm);
      if (rr < 0) return RadosError(rr, "updating " + gc_object_);
    }
    if (past_grace || !page.more) return swept;
    after = entries.back().first;
  }
}

Result<size_t> RadosBlobStore::SweepOrphans(std::chrono::seconds min_age) {
  // Every stripe under the prefix, by blob.
  struct Seen {
    uint64_t stripes = 0;  // 1 + the highest stripe index listed
    bool has_stripe0 = false;
  };
  std::map<std::string, Seen> blobs_seen;  // id hex → what the listing showed
  const std::string head = options_.prefix + "blob.";
  rados_list_ctx_t ctx = nullptr;
  if (int r = rados_nobjects_list_open(pool_->io(), &ctx); r < 0) {
    return RadosError(r, "listing the pool");
  }
  const char* entry = nullptr;
  int r = 0;
  while ((r = rados_nobjects_list_next(ctx, &entry, nullptr, nullptr)) == 0) {
    std::string_view name(entry);
    if (name.substr(0, head.size()) != head) continue;
    name.remove_prefix(head.size());
    if (name.size() != 32 + 1 + 8 || name[32] != '.') continue;
    uint64_t index = 0;
    auto [end, ec] = std::from_chars(name.data() + 33, name.data() + name.size(), index, 16);
    if (ec != std::errc() || end != name.data() + name.size()) continue;
    Seen& seen = blobs_seen[std::string(name.substr(0, 32))];
    seen.stripes = std::max(seen.stripes, index + 1);
    seen.has_stripe0 = seen.has_stripe0 || index == 0;
  }
  rados_nobjects_list_close(ctx);
  if (r != -ENOENT) return RadosError(r, "listing the pool");

  // Removed blobs wait in the GC queue for Sweep, not for this.
  std::set<std::string> queued;
  for (std::string after;;) {
    CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page,
                           rados::ReadOmapPage(pool_->io(), gc_object_, after, 1000));
    for (const auto& [key, value] : page.entries) {
      if (auto dot = key.find('.'); dot != std::string::npos) queued.insert(key.substr(dot + 1));
    }
    if (!page.more) break;
    after = page.entries.back().first;
  }

  const auto now = std::chrono::system_clock::now();
  size_t swept = 0;
  for (const auto& [hex, seen] : blobs_seen) {
    if (queued.count(hex) != 0) continue;
    auto id = blobs::BlobId::FromHex(hex);
    if (!id) continue;
    if (seen.has_stripe0) {
      char buf[96];
      int got =
          rados_getxattr(pool_->io(), StripeName(*id, 0).c_str(), kBlobXattr, buf, sizeof buf);
      if (got >= 0) continue;                           // published: live or not, the index decides
      if (got != -ENODATA && got != -ENOENT) continue;  // unreadable now: left for next time
    }
    // Unpublished: old enough only when every stripe it has is.
    bool young = false;
    for (uint64_t i = 0; i < seen.stripes && !young; ++i) {
      uint64_t size = 0;
      time_t mtime = 0;
      if (rados_stat(pool_->io(), StripeName(*id, i).c_str(), &size, &mtime) < 0) continue;
      young = now - std::chrono::system_clock::from_time_t(mtime) < min_age;
    }
    if (young) continue;
    for (uint64_t i = 0; i < seen.stripes; ++i)
      rados_remove(pool_->io(), StripeName(*id, i).c_str());
    ++swept;
  }
  return swept;
}

void RadosBlobStore::SweepLoop() {
  std::unique_lock lock(mu_);
  for (int round = 1; !stopping_; ++round) {
    if (wake_.wait_for(lock, options_.sweep_interval, [this] { return stopping_; })) break;
    lock.unlock();
    (void)Sweep(options_.removal_grace);  // an unreachable cluster: tried again next time
    if (options_.orphan_sweep_every > 0 && round % options_.orphan_sweep_every == 0) {
      (void)SweepOrphans(options_.orphan_age);
    }
    lock.lock();
  }
}

}  // namespace cairn::storage::rados_blobs
