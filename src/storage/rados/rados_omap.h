// Omap reads on one RADOS object, shared by the blob store's GC queue and the index shards:
// librados' read op, its iterator and its two return values in one call, so each user handles
// a page of entries instead of the C API's protocol.
#pragma once

#include <rados/librados.h>

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace cairn::storage::rados {

using OmapEntries = std::vector<std::pair<std::string, std::string>>;  // key, value, in order

struct OmapPage {
  OmapEntries entries;
  bool more = false;  // entries past this page exist
};

// Up to `max` entries with keys strictly after `after` ("" = from the first) and starting with
// `prefix`. An object that does not exist reads as empty (and sets `*exists` false when given).
Result<OmapPage> ReadOmapPage(rados_ioctx_t io, const std::string& object, const std::string& after,
                              size_t max, const std::string& prefix = "", bool* exists = nullptr);

// Appends what a read op's omap iterator holds to `out` (the iterator is left to its owner).
void CollectOmap(rados_omap_iter_t iter, OmapEntries* out);

// The entries of `keys` that exist, in key order (none when the object does not: `*exists`).
Result<OmapEntries> ReadOmapKeys(rados_ioctx_t io, const std::string& object,
                                 const std::vector<std::string>& keys, bool* exists = nullptr);

}  // namespace cairn::storage::rados
