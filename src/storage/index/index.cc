#include "storage/index/index.h"

#include "storage/meta/meta_db.h"

namespace cairn::storage::index {

void IndexBatch::Put(std::string_view key, std::string_view value) {
  ops_.push_back({Kind::kPut, std::string(key), std::string(value), {}});
}

void IndexBatch::Delete(std::string_view key) {
  ops_.push_back({Kind::kDelete, std::string(key), {}, {}});
}

void IndexBatch::AddCounters(std::string_view key, const std::vector<int64_t>& deltas) {
  ops_.push_back({Kind::kCounters, std::string(key), {}, deltas});
}

void IndexBatch::ExpectValue(std::string_view key, std::string_view value) {
  conditions_.push_back({std::string(key), false, std::string(value)});
}

void IndexBatch::ExpectAbsent(std::string_view key) {
  conditions_.push_back({std::string(key), true, {}});
}

Status Index::GetCached(std::string_view key, std::shared_ptr<const std::string>* value) const {
  std::string out;
  CAIRN_RETURN_IF_ERROR(Get(key, &out));
  *value = std::make_shared<const std::string>(std::move(out));
  return Status::Ok();
}

Status Index::GetCounters(std::string_view key, std::vector<int64_t>* counters) const {
  std::string value;
  Status s = Get(key, &value);
  counters->clear();
  if (s.code() == Code::kNotFound) return Status::Ok();
  CAIRN_RETURN_IF_ERROR(s);
  *counters = meta::DecodeCounters(value);
  return Status::Ok();
}

}  // namespace cairn::storage::index
