// What both RADOS indexes (RadosIndex, BucketShardedIndex) do on one omap object: the stored
// forms of keys and values, one batch as one atomic write op (with the fences an index adds),
// a counter's base and adds summed and folded, and cursors that page through objects in order,
// several at once with aio. Internal to storage/rados_index.
#pragma once

#include <rados/librados.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/index/index.h"
#include "storage/rados/rados_omap.h"

namespace cairn::storage::rados_index::omap {

// Every stored value starts with it: an omap compare sees a missing key as an empty value, so
// "absent" compares with "" and a present empty value with the prefix alone.
inline constexpr char kValuePrefix = 'v';

// librados' C API takes omap iteration starts as C strings, so keys are stored without 0 bytes:
// 0x00 → 0x01 0x01 and 0x01 → 0x01 0x02, which keeps memcmp order (0x01 is the least byte left).
std::string EncodeKey(std::string_view key);
std::string DecodeKey(std::string_view stored);
std::string StoredValue(std::string_view value);
// The stored prefix of `key`'s counter adds: "\0d" + key + "\0", escaped. Back-end keys start
// with a 0 byte (the seam reserves them), so they sort apart from the engine's keys and one
// key's adds are one range.
std::string DeltaPrefix(std::string_view key);
// Stored keys at or above this are the engine's (they do not start with a 0 byte).
inline constexpr std::string_view kFirstEngineKey{"\x01\x02", 2};

// A compare an index adds to a batch of its own (a fence): `stored_value` is compared with
// `op` (LIBRADOS_CMPXATTR_OP_*) against the stored value of `stored_key`.
struct Fence {
  std::string stored_key;
  std::string stored_value;
  uint8_t op;
};

// How a batch's write op treats its object.
enum class ObjectMode {
  kCreate,        // made when absent (an index's fixed objects)
  kAssertExists,  // must exist (a bucket's shards: a removed one is a stale layout)
};

// The extra parts an index adds to a batch's op.
struct OpExtras {
  ObjectMode mode = ObjectMode::kCreate;
  std::vector<Fence> fences;
  std::vector<std::pair<std::string, std::string>> sets;  // stored key, stored value
  std::vector<std::string> removals;                      // stored keys
  // By op of the batch, whether its key never has counter adds: its put or delete is spared
  // the range removal of them. Empty: every key may have adds.
  std::vector<bool> without_adds;
};

// Runs `batch` (and `extras`) as one write op on `object`: librados' return value (-ECANCELED
// when a compare failed, -ENOENT when an object that must exist does not), or kInternal as a
// Status when no random id could be drawn for a counter add.
Result<int> WriteBatch(rados_ioctx_t io, const std::string& object, const index::IndexBatch& batch,
                       const OpExtras& extras);

// Now and then a counter add folds its counter's records (one in kFoldEvery adds), so that they
// stay few however rarely the counter is read.
bool ShouldFold();

// The sum of a counter's base (at `base_key`, stored form) and its adds (under the DeltaPrefix
// of `key`) in one object; folds the adds into the base when there are many. `object_missing`
// (when given) tells whether the object does not exist (the sum is then empty).
Status ReadCounters(rados_ioctx_t io, const std::string& object, const std::string& base_key,
                    std::string_view key, int retries, std::vector<int64_t>* sum,
                    bool* object_missing = nullptr);
// Adds `add` into `sum` field by field.
void AddInto(std::vector<int64_t>* sum, const std::vector<int64_t>& add);

// One object's entries in order, a page at a time, from a starting key (stored form) on.
class ObjectCursor {
 public:
  ObjectCursor(std::string object, size_t page) : object_(std::move(object)), page_(page) {}

  bool Valid() const { return pos_ < entries_.size(); }
  const std::pair<std::string, std::string>& entry() const { return entries_[pos_]; }
  const std::string& object() const { return object_; }
  // Whether the object was missing at the last read (it then reads as empty).
  bool missing() const { return missing_; }
  Status Next(rados_ioctx_t io);

 private:
  friend Status SeekAll(rados_ioctx_t io, std::vector<ObjectCursor>& cursors,
                        const std::string& target, const std::string& prefix);
  Status Load(rados_ioctx_t io, const std::string& after);

  std::string object_;
  size_t page_;
  std::string prefix_;  // every key the scan can return starts with it (stored form)
  rados::OmapEntries entries_;
  size_t pos_ = 0;
  bool done_ = false;
  bool missing_ = false;
};

// Positions every cursor at the first key >= `target` (stored form), all objects read at once
// (one aio read op each: the target itself and a page after it). Only keys starting with
// `prefix` are read, now and by the cursors' later pages: an object's keys past the scan's
// range (other records, inline bodies and all) are never fetched.
Status SeekAll(rados_ioctx_t io, std::vector<ObjectCursor>& cursors, const std::string& target,
               const std::string& prefix);

// Cursors merged into one ordered scan below an upper bound: what an index's iterator runs.
// After an error the scan is not valid; the error is returned by the call that met it.
class MergedScan {
 public:
  explicit MergedScan(const std::string& upper_bound);  // "" = none
  // Takes `cursors` and positions them at the first key >= `target`.
  Status Seek(rados_ioctx_t io, std::vector<ObjectCursor> cursors, std::string_view target);
  Status Next(rados_ioctx_t io);
  bool Valid() const { return current_ >= 0; }
  std::string_view key() const { return key_; }
  std::string_view value() const;
  const std::vector<ObjectCursor>& cursors() const { return cursors_; }
  void Stop() { current_ = -1; }

 private:
  Status Pick();

  std::optional<std::string> upper_;  // stored form
  std::vector<ObjectCursor> cursors_;
  int current_ = -1;
  std::string key_;
};

}  // namespace cairn::storage::rados_index::omap
