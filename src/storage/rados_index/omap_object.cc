#include "storage/rados_index/omap_object.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <random>

#include "platform/env.h"
#include "storage/meta/meta_db.h"
#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados_index::omap {

namespace {

// A counter's adds are folded into its base once a read finds this many.
constexpr size_t kFoldAt = 64;
constexpr unsigned kFoldEvery = 32;

Result<std::string> NewDeltaId() {
  uint64_t raw[2];
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(reinterpret_cast<char*>(raw), sizeof raw));
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(raw[0]),
                static_cast<unsigned long long>(raw[1]));
  return std::string(hex);
}

Result<std::string> ReadBase(rados_ioctx_t io, const std::string& object,
                             const std::string& base_key, bool* missing) {
  bool exists = true;
  CAIRN_ASSIGN_OR_RETURN(rados::OmapEntries found,
                         rados::ReadOmapKeys(io, object, {base_key}, &exists));
  if (missing != nullptr) *missing = !exists;
  return found.empty() ? std::string() : found.front().second;
}

void Fold(rados_ioctx_t io, const std::string& object, const std::string& base_key,
          const std::string& base_value, const std::vector<std::string>& deltas,
          const std::vector<int64_t>& sum) {
  // The base as read, the adds read removed, the sum as the new base, in one op: a concurrent
  // fold (its compare fails) or add (a new key, untouched) is never lost or counted twice.
  const std::string folded = StoredValue(meta::EncodeCounters(sum));
  int prval = 0;
  rados_write_op_t op = rados_create_write_op();
  rados_write_op_assert_exists(op);
  rados_write_op_omap_cmp2(op, base_key.data(), LIBRADOS_CMPXATTR_OP_EQ, base_value.data(),
                           base_key.size(), base_value.size(), &prval);
  const char* k = base_key.data();
  const char* v = folded.data();
  const size_t kl = base_key.size(), vl = folded.size();
  rados_write_op_omap_set2(op, &k, &v, &kl, &vl, 1);
  std::vector<const char*> rp;
  std::vector<size_t> rl;
  for (const auto& d : deltas) {
    rp.push_back(d.data());
    rl.push_back(d.size());
  }
  rados_write_op_omap_rm_keys2(op, rp.data(), rl.data(), rp.size());
  (void)rados_write_op_operate2(op, io, object.c_str(), nullptr, 0);
  rados_release_write_op(op);
}

}  // namespace

std::string EncodeKey(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 4);
  for (char c : key) {
    if (c == '\0' || c == '\x01') {
      out.push_back('\x01');
      out.push_back(c == '\0' ? '\x01' : '\x02');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string DecodeKey(std::string_view stored) {
  std::string out;
  out.reserve(stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] == '\x01' && i + 1 < stored.size()) {
      out.push_back(stored[++i] == '\x01' ? '\0' : '\x01');
    } else {
      out.push_back(stored[i]);
    }
  }
  return out;
}

std::string StoredValue(std::string_view value) {
  std::string out(1, kValuePrefix);
  out.append(value);
  return out;
}

std::string DeltaPrefix(std::string_view key) {
  std::string logical("\0d", 2);
  logical.append(key);
  logical.push_back('\0');
  return EncodeKey(logical);
}

Result<int> WriteBatch(rados_ioctx_t io, const std::string& object, const index::IndexBatch& batch,
                       const OpExtras& extras) {
  // Everything the op points at lives until it has run. A counter add is a record of its own
  // (a fresh key under the counter's delta prefix), so adds never compare or contend; a put or
  // delete of a key first removes the adds made to it before this batch.
  std::vector<std::string> cmp_keys, cmp_values;
  std::vector<uint8_t> cmp_ops;
  for (const Fence& f : extras.fences) {
    cmp_keys.push_back(f.stored_key);
    cmp_values.push_back(f.stored_value);
    cmp_ops.push_back(f.op);
  }
  for (const auto& c : batch.conditions()) {
    cmp_keys.push_back(EncodeKey(c.key));
    cmp_values.push_back(c.absent ? std::string() : StoredValue(c.value));
    cmp_ops.push_back(LIBRADOS_CMPXATTR_OP_EQ);
  }
  std::vector<std::string> set_keys, set_values, rm_keys, range_begin, range_end;
  std::map<std::string, size_t> set_at;  // stored key -> its place in set_keys (last op wins)
  auto set = [&](std::string key, std::string stored) {
    if (auto at = set_at.find(key); at != set_at.end()) {
      set_values[at->second] = std::move(stored);
    } else {
      set_at[key] = set_keys.size();
      set_keys.push_back(std::move(key));
      set_values.push_back(std::move(stored));
    }
  };
  for (size_t i = 0; i < batch.ops().size(); ++i) {
    const auto& op = batch.ops()[i];
    switch (op.kind) {
      case index::IndexBatch::Kind::kPut:
      case index::IndexBatch::Kind::kDelete: {
        if (i >= extras.without_adds.size() || !extras.without_adds[i]) {
          range_begin.push_back(DeltaPrefix(op.key));
          range_end.push_back(range_begin.back());
          range_end.back().back() = '\x02';  // the prefix ends with 0x01: past all its adds
        }
        const bool put = op.kind == index::IndexBatch::Kind::kPut;
        set(EncodeKey(op.key), put ? StoredValue(op.value) : std::string());  // "": a delete
        break;
      }
      case index::IndexBatch::Kind::kCounters: {
        CAIRN_ASSIGN_OR_RETURN(std::string id, NewDeltaId());
        set(DeltaPrefix(op.key) + id, StoredValue(meta::EncodeCounters(op.deltas)));
        break;
      }
    }
  }
  for (const auto& [k, v] : extras.sets) set(k, v);
  for (const auto& k : extras.removals) set(k, std::string());
  // Keys whose last op was a delete go to the removals (stored values always start with 'v').
  std::vector<const char*> kp, vp, rp;
  std::vector<size_t> kl, vl, rl;
  for (size_t i = 0; i < set_keys.size(); ++i) {
    if (set_values[i].empty()) {
      rp.push_back(set_keys[i].data());
      rl.push_back(set_keys[i].size());
    } else {
      kp.push_back(set_keys[i].data());
      kl.push_back(set_keys[i].size());
      vp.push_back(set_values[i].data());
      vl.push_back(set_values[i].size());
    }
  }
  std::vector<int> prvals(cmp_keys.size(), 1);

  rados_write_op_t op = rados_create_write_op();
  if (extras.mode == ObjectMode::kCreate) {
    rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, nullptr);
  } else {
    rados_write_op_assert_exists(op);
  }
  for (size_t i = 0; i < cmp_keys.size(); ++i) {
    rados_write_op_omap_cmp2(op, cmp_keys[i].data(), cmp_ops[i], cmp_values[i].data(),
                             cmp_keys[i].size(), cmp_values[i].size(), &prvals[i]);
  }
  for (size_t i = 0; i < range_begin.size(); ++i) {  // before the sets: this batch's adds stay
    rados_write_op_omap_rm_range2(op, range_begin[i].data(), range_begin[i].size(),
                                  range_end[i].data(), range_end[i].size());
  }
  if (!kp.empty()) {
    rados_write_op_omap_set2(op, kp.data(), vp.data(), kl.data(), vl.data(), kp.size());
  }
  if (!rp.empty()) rados_write_op_omap_rm_keys2(op, rp.data(), rl.data(), rp.size());
  const int r = rados_write_op_operate2(op, io, object.c_str(), nullptr, 0);
  rados_release_write_op(op);
  return r;
}

bool ShouldFold() {
  static thread_local std::minstd_rand random(std::random_device{}());
  return random() % kFoldEvery == 0;
}

void AddInto(std::vector<int64_t>* sum, const std::vector<int64_t>& add) {
  if (sum->size() < add.size()) sum->resize(add.size(), 0);
  for (size_t i = 0; i < add.size(); ++i) (*sum)[i] += add[i];
}

Status ReadCounters(rados_ioctx_t io, const std::string& object, const std::string& base_key,
                    std::string_view key, int retries, std::vector<int64_t>* counters,
                    bool* object_missing) {
  const std::string prefix = DeltaPrefix(key);
  for (int attempt = 0; attempt < retries; ++attempt) {
    // The base, then the adds after it. A fold between the two reads moves adds into the base:
    // the base read again tells, and the sum is read again.
    bool missing = false;
    CAIRN_ASSIGN_OR_RETURN(std::string base_value, ReadBase(io, object, base_key, &missing));
    if (object_missing != nullptr) *object_missing = missing;
    if (missing) {
      counters->clear();
      return Status::Ok();
    }
    std::vector<int64_t> sum;
    auto add = [&sum](std::string_view stored) {
      if (!stored.empty()) AddInto(&sum, meta::DecodeCounters(stored.substr(1)));
    };
    add(base_value);
    std::vector<std::string> deltas;
    std::string after = prefix;
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page,
                             rados::ReadOmapPage(io, object, after, 1000, prefix));
      for (const auto& [k, v] : page.entries) {
        deltas.push_back(k);
        add(v);
      }
      if (!page.more) break;
      after = page.entries.back().first;
    }
    CAIRN_ASSIGN_OR_RETURN(std::string base_now, ReadBase(io, object, base_key, nullptr));
    if (base_now != base_value) continue;  // folded meanwhile: its adds may be in both reads
    *counters = std::move(sum);
    if (deltas.size() >= kFoldAt) Fold(io, object, base_key, base_value, deltas, *counters);
    return Status::Ok();
  }
  return Status(Code::kUnavailable, "index counters kept being folded under this read");
}

Status ObjectCursor::Next(rados_ioctx_t io) {
  if (++pos_ < entries_.size() || done_) return Status::Ok();
  std::string last = entries_.empty() ? std::string() : entries_.back().first;
  entries_.clear();
  pos_ = 0;
  return Load(io, last);
}

Status ObjectCursor::Load(rados_ioctx_t io, const std::string& after) {
  bool exists = true;
  CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page,
                         rados::ReadOmapPage(io, object_, after, page_, prefix_, &exists));
  missing_ = !exists;
  for (auto& entry : page.entries) entries_.push_back(std::move(entry));
  done_ = !page.more;
  return Status::Ok();
}

Status SeekAll(rados_ioctx_t io, std::vector<ObjectCursor>& cursors, const std::string& target,
               const std::string& prefix) {
  // One read op per object, all in flight at once: the target itself (an omap listing starts
  // strictly after a key), then a page after it.
  struct Read {
    rados_read_op_t op = nullptr;
    rados_completion_t done = nullptr;
    rados_omap_iter_t exact = nullptr, page = nullptr;
    int exact_rval = 0, page_rval = 0;
    unsigned char more = 0;
  };
  std::vector<Read> reads(cursors.size());
  const char* key = target.data();
  const size_t key_len = target.size();
  Status status;
  size_t started = 0;
  for (size_t i = 0; i < cursors.size(); ++i) {
    Read& r = reads[i];
    r.op = rados_create_read_op();
    rados_read_op_omap_get_vals_by_keys2(r.op, &key, 1, &key_len, &r.exact, &r.exact_rval);
    cursors[i].prefix_ = prefix;
    rados_read_op_omap_get_vals2(r.op, target.c_str(), prefix.c_str(), cursors[i].page_, &r.page,
                                 &r.more, &r.page_rval);
    int rc = rados_aio_create_completion2(nullptr, nullptr, &r.done);
    if (rc == 0) rc = rados_aio_read_op_operate(r.op, io, r.done, cursors[i].object_.c_str(), 0);
    if (rc < 0) {
      status = rados::RadosError(rc, "reading " + cursors[i].object_);
      if (r.done != nullptr) rados_aio_release(r.done);
      rados_release_read_op(r.op);
      break;
    }
    ++started;
  }
  for (size_t i = 0; i < started; ++i) {
    Read& r = reads[i];
    ObjectCursor& c = cursors[i];
    rados_aio_wait_for_complete(r.done);
    const int rc = rados_aio_get_return_value(r.done);
    c.entries_.clear();
    c.pos_ = 0;
    c.missing_ = rc == -ENOENT;
    c.done_ = true;
    if (rc >= 0 && r.exact_rval >= 0 && r.page_rval >= 0) {
      rados::CollectOmap(r.exact, &c.entries_);
      rados::CollectOmap(r.page, &c.entries_);
      c.done_ = r.more == 0;
    } else if (rc < 0 && rc != -ENOENT && status.ok()) {
      status = rados::RadosError(rc, "reading " + c.object_);
    } else if (rc >= 0 && status.ok()) {
      status =
          rados::RadosError(r.exact_rval < 0 ? r.exact_rval : r.page_rval, "reading " + c.object_);
    }
    if (r.exact != nullptr) rados_omap_get_end(r.exact);
    if (r.page != nullptr) rados_omap_get_end(r.page);
    rados_aio_release(r.done);
    rados_release_read_op(r.op);
  }
  return status;
}

MergedScan::MergedScan(const std::string& upper_bound)
    : upper_(upper_bound.empty() ? std::nullopt : std::optional(EncodeKey(upper_bound))) {}

Status MergedScan::Seek(rados_ioctx_t io, std::vector<ObjectCursor> cursors,
                        std::string_view target) {
  current_ = -1;
  cursors_ = std::move(cursors);
  // Every key in [target, upper) starts with what the two bounds have in common.
  const std::string stored = EncodeKey(target);
  std::string prefix;
  if (upper_) {
    auto common = std::mismatch(stored.begin(), stored.end(), upper_->begin(), upper_->end());
    prefix.assign(stored.begin(), common.first);
  }
  CAIRN_RETURN_IF_ERROR(SeekAll(io, cursors_, stored, prefix));
  return Pick();
}

Status MergedScan::Next(rados_ioctx_t io) {
  if (current_ < 0) return Status::Ok();
  Status s = cursors_[current_].Next(io);
  if (!s.ok()) {
    current_ = -1;
    return s;
  }
  return Pick();
}

std::string_view MergedScan::value() const {
  return std::string_view(cursors_[current_].entry().second).substr(1);
}

Status MergedScan::Pick() {
  current_ = -1;
  for (size_t i = 0; i < cursors_.size(); ++i) {
    if (!cursors_[i].Valid()) continue;
    if (current_ < 0 || cursors_[i].entry().first < cursors_[current_].entry().first) {
      current_ = static_cast<int>(i);
    }
  }
  if (current_ < 0) return Status::Ok();
  const auto& [stored, value] = cursors_[current_].entry();
  if (upper_ && stored >= *upper_) {
    current_ = -1;
    return Status::Ok();
  }
  if (value.empty()) {
    current_ = -1;
    return Status(Code::kCorruption, "an index value without its prefix");
  }
  key_ = DecodeKey(stored);
  return Status::Ok();
}

}  // namespace cairn::storage::rados_index::omap
