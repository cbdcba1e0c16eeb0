// LocalStore: the single-drive ObjectStore and MultipartStore engine. Bucket and object records
// live in a RocksDB index (storage/meta); a body up to `inline_threshold` bytes is stored inside
// its record (one synced write per PUT, one point read per GET), a larger body in its own data file
// (storage/data). On-disk layout, record formats and the crash-safety protocol:
// docs/storage-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "platform/env.h"
#include "storage/crypto/kms.h"
#include "storage/meta/meta_db.h"
#include "storage/multipart_store.h"
#include "storage/object_store.h"
#include "storage/store_health.h"
#include "storage/system_store.h"

namespace cairn::storage {

struct LocalStoreOptions {
  // Bodies up to this many bytes are stored in the metadata record; at most 1 MiB.
  uint64_t inline_threshold = 128 << 10;
  // The buffer a large body streams through: each fill becomes one write(2) of this size.
  size_t io_buffer_size = 512 << 10;
  // CompleteMultipartUpload refuses a part other than the last below this size (S3: 5 MiB).
  // Tests lower it to use small parts.
  uint64_t min_part_size = 5 << 20;
  meta::MetaOptions meta;
  platform::Env* env = nullptr;  // nullptr: platform::Env::Default()
  // Seals the data keys of SSE-S3 and SSE-KMS versions (MINIO_KMS_SECRET_KEY); nullptr: none,
  // so those requests are refused and such versions cannot be read. SSE-C needs no KMS.
  std::shared_ptr<const crypto::Kms> kms;
};

// One object serves both seams (multipart objects are ordinary objects once completed).
class LocalStore : public ObjectStore, public MultipartStore, public SystemStore {
 public:
  ~LocalStore() override = default;
  // The drives and quorums now (one drive: itself, quorum 1).
  virtual StoreHealth Health() const = 0;
};

// Opens the store kept under `dir` (creating `dir/.cairn/...` when absent), then sweeps what an
// earlier crash left: temporary files, data files of uncommitted writes (objects and parts),
// unreferenced old data files. kUnavailable when another process has the store open; kCorruption
// when `dir` holds a store of an unknown format.
Result<std::unique_ptr<LocalStore>> OpenLocalStore(const std::string& dir,
                                                   const LocalStoreOptions& options);

}  // namespace cairn::storage
