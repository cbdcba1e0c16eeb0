#include "storage/local/store_impl.h"

#include <algorithm>

namespace cairn::storage::local {

Result<ListResult> LocalStoreImpl::ListObjects(const std::string& bucket, const ListQuery& query) {
  CAIRN_RETURN_IF_ERROR(CheckRead());
  CAIRN_ASSIGN_OR_RETURN(Versioning state, BucketState(bucket));
  ListResult result;
  const int max_keys = std::max(query.max_keys, 0);
  if (max_keys == 0) return result;

  const std::string base = ObjectPrefix(bucket);
  const std::string scan_prefix = base + query.prefix;
  const std::string& after = query.after;
  const std::string& delim = query.delimiter;
  auto it = index_->NewIterator(meta::PrefixSuccessor(scan_prefix));
  it->Seek(after > query.prefix ? base + after : scan_prefix);

  int count = 0;
  while (it->Valid()) {
    std::string_view full = it->key();
    if (full.substr(0, scan_prefix.size()) != scan_prefix) break;
    std::string_view key = full.substr(base.size());
    if (key <= after) {  // only the marker itself
      it->Next();
      continue;
    }
    if (!delim.empty()) {
      size_t pos = key.find(delim, query.prefix.size());
      if (pos != std::string_view::npos) {
        std::string common(key.substr(0, pos + delim.size()));
        // A marker equal to this common prefix means an earlier page returned it already.
        if (common != after) {
          if (count == max_keys) {
            result.truncated = true;
            break;
          }
          result.common_prefixes.push_back(common);
          result.next_marker = common;
          ++count;
        }
        // Skip every key under the common prefix with one seek.
        std::string next = meta::PrefixSuccessor(base + common);
        if (next.empty()) break;
        it->Seek(next);
        continue;
      }
    }
    if (count == max_keys) {
      result.truncated = true;
      break;
    }
    ObjectRecord rec;
    CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(it->value(), &rec, /*with_data=*/false));
    result.objects.push_back(ToInfo(bucket, key, std::move(rec), state));
    result.next_marker = result.objects.back().key;
    ++count;
    it->Next();
  }
  CAIRN_RETURN_IF_ERROR(it->status());
  if (!result.truncated) result.next_marker.clear();
  return result;
}

}  // namespace cairn::storage::local
