#include "storage/rados_index/rados_index.h"

#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "platform/env.h"
#include "storage/meta/meta_db.h"
#include "storage/rados/rados_omap.h"

namespace cairn::storage::rados_index {

namespace {

constexpr char kValuePrefix = 'v';  // every stored value starts with it (see the header)

// librados' C API takes omap iteration starts as C strings, so keys are stored without 0 bytes:
// 0x00 → 0x01 0x01 and 0x01 → 0x01 0x02, which keeps memcmp order (0x01 is the least byte left).
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

using Entries = rados::OmapEntries;  // stored key, stored value

// The stored values of `keys` (stored form) in one shard object; absent keys are left out.
Result<std::map<std::string, std::string>> ReadKeys(rados_ioctx_t io, const std::string& object,
                                                    const std::vector<std::string>& keys) {
  CAIRN_ASSIGN_OR_RETURN(Entries entries, rados::ReadOmapKeys(io, object, keys));
  std::map<std::string, std::string> out;
  for (auto& [k, v] : entries) out.emplace(std::move(k), std::move(v));
  return out;
}

// One shard's entries in order, a page at a time, from a starting key (stored form) on.
class ShardCursor {
 public:
  ShardCursor(rados_ioctx_t io, std::string object, size_t page)
      : io_(io), object_(std::move(object)), page_(page) {}

  Status Seek(const std::string& target) {
    entries_.clear();
    pos_ = 0;
    done_ = false;
    // The target itself (omap listing starts strictly after a key), then what follows it.
    CAIRN_ASSIGN_OR_RETURN(auto exact, ReadKeys(io_, object_, {target}));
    for (auto& [k, v] : exact) entries_.emplace_back(k, v);
    return Load(target);
  }

  bool Valid() const { return pos_ < entries_.size(); }
  const std::pair<std::string, std::string>& entry() const { return entries_[pos_]; }

  Status Next() {
    if (++pos_ < entries_.size() || done_) return Status::Ok();
    std::string last = entries_.empty() ? std::string() : entries_.back().first;
    entries_.clear();
    pos_ = 0;
    return Load(last);
  }

 private:
  Status Load(const std::string& after) {
    CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page, rados::ReadOmapPage(io_, object_, after, page_));
    // Appended: Seek put the target itself first.
    for (auto& entry : page.entries) entries_.push_back(std::move(entry));
    done_ = !page.more;
    return Status::Ok();
  }

  rados_ioctx_t io_;
  std::string object_;
  size_t page_;
  Entries entries_;
  size_t pos_ = 0;
  bool done_ = false;
};

// Every shard's cursor merged into one ordered scan below an upper bound (stored form).
class RadosIterator final : public index::IndexIterator {
 public:
  RadosIterator(const RadosIndex& index, std::string upper_bound)
      : upper_(upper_bound.empty() ? std::nullopt : std::optional(EncodeKey(upper_bound))) {
    for (int s = 0; s < index.options().shards; ++s) {
      cursors_.emplace_back(index.pool().io(), index.ShardObject(s), index.options().page);
    }
  }

  bool Valid() const override { return current_ >= 0; }

  void Seek(std::string_view target) override {
    status_ = Status::Ok();
    const std::string stored = EncodeKey(target);
    for (auto& c : cursors_) {
      if (Status s = c.Seek(stored); !s.ok()) return Stop(s);
    }
    Pick();
  }

  void Next() override {
    if (current_ < 0) return;
    if (Status s = cursors_[current_].Next(); !s.ok()) return Stop(s);
    Pick();
  }

  std::string_view key() const override { return key_; }
  std::string_view value() const override {
    return std::string_view(cursors_[current_].entry().second).substr(1);
  }
  Status status() const override { return status_; }

 private:
  void Pick() {
    current_ = -1;
    for (size_t i = 0; i < cursors_.size(); ++i) {
      if (!cursors_[i].Valid()) continue;
      if (current_ < 0 || cursors_[i].entry().first < cursors_[current_].entry().first) {
        current_ = static_cast<int>(i);
      }
    }
    if (current_ < 0) return;
    const std::string& stored = cursors_[current_].entry().first;
    if (upper_ && stored >= *upper_) {
      current_ = -1;
      return;
    }
    if (cursors_[current_].entry().second.empty()) {
      return Stop(Status(Code::kCorruption, "an index value without its prefix"));
    }
    key_ = DecodeKey(stored);
  }

  void Stop(Status s) {
    status_ = std::move(s);
    current_ = -1;
  }

  std::optional<std::string> upper_;
  std::vector<ShardCursor> cursors_;
  int current_ = -1;
  std::string key_;
  Status status_;
};

}  // namespace

Result<std::unique_ptr<RadosIndex>> RadosIndex::Open(std::shared_ptr<rados::RadosPool> pool,
                                                     const RadosIndexOptions& options) {
  if (options.shards < 1 || options.page == 0) {
    return Status(Code::kInvalidArgument, "a RADOS index needs at least one shard and a page");
  }
  if (options.shards > 1 && !options.partition && !options.shard_of) {
    return Status(Code::kInvalidArgument, "a sharded RADOS index needs a partition function");
  }
  if (!options.shard_names.empty() &&
      options.shard_names.size() != static_cast<size_t>(options.shards)) {
    return Status(Code::kInvalidArgument, "a RADOS index names every shard object or none");
  }
  return std::unique_ptr<RadosIndex>(new RadosIndex(std::move(pool), options));
}

int RadosIndex::ShardOf(std::string_view key) const {
  if (options_.shards == 1) return 0;
  if (options_.shard_of) return options_.shard_of(key);
  std::string_view part = options_.partition(key);
  return static_cast<int>(XXH3_64bits(part.data(), part.size()) %
                          static_cast<uint64_t>(options_.shards));
}

std::string RadosIndex::ShardObject(int shard) const {
  if (!options_.shard_names.empty()) return options_.shard_names[static_cast<size_t>(shard)];
  return options_.name + "." + std::to_string(shard);
}

Status RadosIndex::Get(std::string_view key, std::string* value) const {
  const std::string stored = EncodeKey(key);
  const std::string object = ShardObject(ShardOf(key));
  CAIRN_ASSIGN_OR_RETURN(auto found, ReadKeys(pool_->io(), object, {stored}));
  auto it = found.find(stored);
  if (it == found.end()) return Status(Code::kNotFound, "");
  if (it->second.empty()) return Status(Code::kCorruption, "an index value without its prefix");
  value->assign(it->second, 1);
  return Status::Ok();
}

Status RadosIndex::Write(const index::IndexBatch& batch, bool /*sync: RADOS acks durable*/) {
  if (batch.empty() && batch.conditions().empty()) return Status::Ok();
  // One shard per batch: it is one atomic write op.
  std::optional<int> shard;
  auto in_shard = [&](std::string_view key) {
    int s = ShardOf(key);
    if (!shard) shard = s;
    return *shard == s;
  };
  for (const auto& op : batch.ops()) {
    if (!in_shard(op.key)) {
      return Status(Code::kInvalidArgument, "an index batch spans shards of the RADOS index");
    }
  }
  for (const auto& c : batch.conditions()) {
    if (!in_shard(c.key)) {
      return Status(Code::kInvalidArgument, "an index batch spans shards of the RADOS index");
    }
  }
  const std::string object = ShardObject(*shard);

  // Everything the op points at lives until it has run. A counter add is a record of its own
  // (a fresh key under the counter's delta prefix), so adds never compare or contend; a put or
  // delete of a key first removes the adds made to it before this batch.
  std::vector<std::string> cmp_keys, cmp_values;
  for (const auto& c : batch.conditions()) {
    cmp_keys.push_back(EncodeKey(c.key));
    cmp_values.push_back(c.absent ? std::string() : StoredValue(c.value));
  }
  std::vector<std::string> set_keys, set_values, rm_keys, range_begin, range_end;
  std::map<std::string, size_t> set_at;  // stored key -> its place in set_keys (last op wins)
  for (const auto& op : batch.ops()) {
    const std::string key = EncodeKey(op.key);
    switch (op.kind) {
      case index::IndexBatch::Kind::kPut:
      case index::IndexBatch::Kind::kDelete: {
        range_begin.push_back(DeltaPrefix(op.key));
        range_end.push_back(range_begin.back());
        range_end.back().back() = '\x02';  // the prefix ends with 0x01: past all its adds
        const bool put = op.kind == index::IndexBatch::Kind::kPut;
        std::string stored = put ? StoredValue(op.value) : std::string();  // "": a delete
        if (auto at = set_at.find(key); at != set_at.end()) {
          set_values[at->second] = std::move(stored);
        } else {
          set_at[key] = set_keys.size();
          set_keys.push_back(key);
          set_values.push_back(std::move(stored));
        }
        break;
      }
      case index::IndexBatch::Kind::kCounters: {
        CAIRN_ASSIGN_OR_RETURN(std::string id, NewDeltaId());
        set_keys.push_back(DeltaPrefix(op.key) + id);
        set_values.push_back(StoredValue(meta::EncodeCounters(op.deltas)));
        break;
      }
    }
  }
  // Keys whose last op was a delete go to the removals (stored values always start with 'v').
  std::vector<std::string> put_keys, put_values;
  for (size_t i = 0; i < set_keys.size(); ++i) {
    if (set_values[i].empty()) {
      rm_keys.push_back(std::move(set_keys[i]));
    } else {
      put_keys.push_back(std::move(set_keys[i]));
      put_values.push_back(std::move(set_values[i]));
    }
  }
  std::vector<int> prvals(cmp_keys.size(), 1);

  rados_write_op_t op = rados_create_write_op();
  rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, nullptr);
  for (size_t i = 0; i < cmp_keys.size(); ++i) {
    rados_write_op_omap_cmp2(op, cmp_keys[i].data(), LIBRADOS_CMPXATTR_OP_EQ, cmp_values[i].data(),
                             cmp_keys[i].size(), cmp_values[i].size(), &prvals[i]);
  }
  for (size_t i = 0; i < range_begin.size(); ++i) {  // before the sets: this batch's adds stay
    rados_write_op_omap_rm_range2(op, range_begin[i].data(), range_begin[i].size(),
                                  range_end[i].data(), range_end[i].size());
  }
  std::vector<const char*> kp, vp, rp;
  std::vector<size_t> kl, vl, rl;
  for (size_t i = 0; i < put_keys.size(); ++i) {
    kp.push_back(put_keys[i].data());
    kl.push_back(put_keys[i].size());
    vp.push_back(put_values[i].data());
    vl.push_back(put_values[i].size());
  }
  for (const auto& k : rm_keys) {
    rp.push_back(k.data());
    rl.push_back(k.size());
  }
  if (!kp.empty()) {
    rados_write_op_omap_set2(op, kp.data(), vp.data(), kl.data(), vl.data(), kp.size());
  }
  if (!rp.empty()) rados_write_op_omap_rm_keys2(op, rp.data(), rl.data(), rp.size());
  int r = rados_write_op_operate2(op, pool_->io(), object.c_str(), nullptr, 0);
  rados_release_write_op(op);
  if (r == -ECANCELED) {
    return Status(Code::kConditionalRequestConflict, "the index changed under a conditional write");
  }
  if (r < 0) return rados::RadosError(r, "writing " + object);
  // Now and then an add folds its counter's records into one, so that they stay few.
  for (const auto& o : batch.ops()) {
    if (o.kind == index::IndexBatch::Kind::kCounters && ShouldFold()) {
      std::vector<int64_t> ignored;
      (void)GetCounters(o.key, &ignored);
    }
  }
  return Status::Ok();
}

Status RadosIndex::GetCounters(std::string_view key, std::vector<int64_t>* counters) const {
  const std::string object = ShardObject(ShardOf(key));
  const std::string base_key = EncodeKey(key);
  const std::string prefix = DeltaPrefix(key);
  auto read_base = [&]() -> Result<std::string> {
    CAIRN_ASSIGN_OR_RETURN(auto found, ReadKeys(pool_->io(), object, {base_key}));
    auto it = found.find(base_key);
    return it == found.end() ? std::string() : it->second;
  };
  for (int attempt = 0; attempt < options_.counter_retries; ++attempt) {
    // The base, then the adds after it. A fold between the two reads moves adds into the base:
    // the base read again tells, and the sum is read again.
    CAIRN_ASSIGN_OR_RETURN(std::string base_value, read_base());
    std::vector<int64_t> sum;
    auto add = [&sum](std::string_view stored) {
      if (stored.empty()) return;
      std::vector<int64_t> v = meta::DecodeCounters(stored.substr(1));
      if (sum.size() < v.size()) sum.resize(v.size(), 0);
      for (size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
    };
    add(base_value);
    std::vector<std::string> deltas;
    std::string after = prefix;
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(rados::OmapPage page,
                             rados::ReadOmapPage(pool_->io(), object, after, 1000, prefix));
      for (const auto& [k, v] : page.entries) {
        deltas.push_back(k);
        add(v);
      }
      if (!page.more) break;
      after = page.entries.back().first;
    }
    CAIRN_ASSIGN_OR_RETURN(std::string base_now, read_base());
    if (base_now != base_value) continue;  // folded meanwhile: its adds may be in both reads
    *counters = std::move(sum);
    if (deltas.size() >= kFoldAt) Fold(object, base_key, base_value, deltas, *counters);
    return Status::Ok();
  }
  return Status(Code::kUnavailable, "index counters kept being folded under this read");
}

void RadosIndex::Fold(const std::string& object, const std::string& base_key,
                      const std::string& base_value, const std::vector<std::string>& deltas,
                      const std::vector<int64_t>& sum) const {
  // The base as read, the adds read removed, the sum as the new base, in one op: a concurrent
  // fold (its compare fails) or add (a new key, untouched) is never lost or counted twice.
  const std::string folded = StoredValue(meta::EncodeCounters(sum));
  int prval = 0;
  rados_write_op_t op = rados_create_write_op();
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
  (void)rados_write_op_operate2(op, pool_->io(), object.c_str(), nullptr, 0);
  rados_release_write_op(op);
}

std::string RadosIndex::DeltaPrefix(std::string_view key) {
  // Back-end keys start with a 0 byte (the seam reserves them): "\0d" + key + "\0", stored
  // escaped, so they sort apart from the engine's keys and one key's adds are one range.
  std::string logical("\0d", 2);
  logical.append(key);
  logical.push_back('\0');
  return EncodeKey(logical);
}

Result<std::string> RadosIndex::NewDeltaId() {
  uint64_t raw[2];
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(reinterpret_cast<char*>(raw), sizeof raw));
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(raw[0]),
                static_cast<unsigned long long>(raw[1]));
  return std::string(hex);
}

bool RadosIndex::ShouldFold() {
  static thread_local std::minstd_rand random(std::random_device{}());
  return random() % kFoldEvery == 0;
}

std::unique_ptr<index::IndexIterator> RadosIndex::NewIterator(std::string upper_bound) const {
  return std::make_unique<RadosIterator>(*this, std::move(upper_bound));
}

}  // namespace cairn::storage::rados_index
