// How many of an erasure set's drives hold parity, as MinIO chooses it: the default for the
// set's size, or MINIO_STORAGE_CLASS_STANDARD=EC:n.
#pragma once

#include <string_view>

#include "common/status.h"

namespace cairn::storage::drives {

// MinIO's defaults: 1 drive 0, 2-3 drives 1, 4-5 drives 2, 6-7 drives 3, 8 and more 4.
int DefaultParity(int drives);

// The parity for a set of `drives` drives: DefaultParity, or `storage_class` ("EC:n", as
// MINIO_STORAGE_CLASS_STANDARD gives it; "" = the default). kInvalidArgument for another form,
// or n above drives / 2 (more parity than data), or n > 0 on one drive.
Result<int> ParityFor(int drives, std::string_view storage_class);

}  // namespace cairn::storage::drives
