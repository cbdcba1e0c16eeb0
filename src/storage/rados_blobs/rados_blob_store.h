// RadosBlobStore: the data seam (storage/blobs) on a Ceph RADOS pool (issue 17). A blob is RADOS
// objects of a fixed stripe size named by its id, `<prefix>blob.<id hex>.<stripe, 8 hex>`,
// written whole with aio (several stripes in flight while the body streams in) and read with
// aio read-ahead. Stripe 0 carries the xattr `cairn.blob` = "1 <size> <stripe size>", set at
// Publish: it is the publish point, so a blob without it is not found. Remove takes the xattr
// away and queues the stripes in the omap of `<prefix>gc`, from which Sweep() deletes them once
// a grace period has passed, so a blob opened before its removal stays readable for that long
// (the seam's promise, bounded in time here). The format: docs/storage-format.md, "RADOS stripes".
// Thread-safety: the store is safe for concurrent use; a writer or a range stream is used by
// one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/blobs/blob_store.h"
#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados_blobs {

using rados::RadosCompletion;
using rados::RadosError;
using rados::RadosPool;

struct RadosBlobStoreOptions {
  std::string prefix;               // before every object name: several stores share a pool
  uint64_t stripe_size = 4u << 20;  // bytes per RADOS object (the 4 MiB)
  size_t writes_in_flight = 2;      // full stripes a writer sends before waiting for the first
  size_t read_chunk = 1u << 20;     // bytes per aio read of a range stream
  size_t reads_in_flight = 4;       // read-ahead of a range stream, in chunks
  // A removed blob's stripes stay this long before a sweep may delete them: longer than any
  // read of a blob opened before its removal should take.
  std::chrono::seconds removal_grace{600};
  // How often the store's own thread sweeps; 0 = never (Sweep() is called by the owner).
  std::chrono::seconds sweep_interval{60};
  // Every this many sweeps the thread also sweeps orphans at least `orphan_age` old.
  int orphan_sweep_every = 60;
  std::chrono::seconds orphan_age{3600};
};

class RadosBlobStore final : public blobs::BlobStore {
 public:
  static Result<std::unique_ptr<RadosBlobStore>> Open(std::shared_ptr<RadosPool> pool,
                                                      const RadosBlobStoreOptions& options);
  ~RadosBlobStore() override;

  Result<std::unique_ptr<blobs::BlobWriter>> Create() override;
  Status Publish(blobs::BlobWriter& writer) override;
  Result<std::shared_ptr<const blobs::Blob>> Open(const blobs::BlobId& id) override;
  Status Remove(const blobs::BlobId& id) override;

  // Deletes the stripes of blobs removed at least `grace` ago; the count of blobs deleted.
  // Safe to run from several gateways at once (deleting twice is not an error).
  Result<size_t> Sweep(std::chrono::seconds grace);
  // Deletes the stripes of blobs never published (a writer's gateway died mid-write) whose
  // newest stripe is at least `min_age` old, so no writer still at work loses its blob; the
  // count of blobs deleted. Lists the whole pool under the prefix: run it rarely.
  Result<size_t> SweepOrphans(std::chrono::seconds min_age);

  // The name of stripe `index` of blob `id`.
  std::string StripeName(const blobs::BlobId& id, uint64_t index) const;
  const RadosBlobStoreOptions& options() const { return options_; }

 private:
  RadosBlobStore(std::shared_ptr<RadosPool> pool, const RadosBlobStoreOptions& options);
  void SweepLoop();

  std::shared_ptr<RadosPool> pool_;
  RadosBlobStoreOptions options_;
  std::string gc_object_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sweeper_;
};

// The most body bytes a writer of this store held at once (its stripe being filled and those in
// flight): the memory bound, (writes_in_flight + 1) x stripe_size, made checkable. 0 for a
// writer of another store.
uint64_t PeakHeldBytes(const blobs::BlobWriter& writer);

}  // namespace cairn::storage::rados_blobs
