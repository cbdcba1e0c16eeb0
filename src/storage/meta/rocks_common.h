// Internal to storage/meta: the RocksDB glue MetaDb and ReplicaSet share (status mapping, slices,
// options, the counter merge operator). Included by this folder's .cc files only, so RocksDB
// headers never reach the layers above.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include <memory>
#include <string_view>

#include "common/status.h"
#include "storage/meta/meta_db.h"

namespace cairn::storage::meta {

inline rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline std::string_view ToView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

Status FromRocks(const rocksdb::Status& s);

// The options of one database. `block_cache` is shared by every replica of a set; `replicas`
// divides the write buffers (and the open-file budget) so N replicas cost about what one does.
rocksdb::Options MakeRocksOptions(const MetaOptions& o, std::shared_ptr<rocksdb::Cache> block_cache,
                                  int replicas);

}  // namespace cairn::storage::meta
