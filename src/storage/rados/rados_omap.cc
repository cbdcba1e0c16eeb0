#include "storage/rados/rados_omap.h"

#include <cerrno>

#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados {

void CollectOmap(rados_omap_iter_t iter, OmapEntries* out) {
  for (;;) {
    char* key = nullptr;
    char* val = nullptr;
    size_t key_len = 0, val_len = 0;
    if (rados_omap_get_next2(iter, &key, &val, &key_len, &val_len) < 0 || key == nullptr) break;
    out->emplace_back(std::string(key, key_len), std::string(val, val_len));
  }
}

namespace {

// Runs `op` (which fills `iter` and `prval`) and collects what it read.
Status Operate(rados_read_op_t op, rados_ioctx_t io, const std::string& object,
               rados_omap_iter_t& iter, int& prval, OmapEntries* out, bool* exists) {
  int r = rados_read_op_operate(op, io, object.c_str(), 0);
  if (exists != nullptr) *exists = r != -ENOENT;
  if (r >= 0 && prval >= 0) {
    CollectOmap(iter, out);
    rados_omap_get_end(iter);
  }
  rados_release_read_op(op);
  if (r == -ENOENT) return Status::Ok();  // never written: empty
  if (r < 0) return RadosError(r, "reading " + object);
  if (prval < 0) return RadosError(prval, "reading " + object);
  return Status::Ok();
}

}  // namespace

Result<OmapPage> ReadOmapPage(rados_ioctx_t io, const std::string& object, const std::string& after,
                              size_t max, const std::string& prefix, bool* exists) {
  OmapPage page;
  rados_read_op_t op = rados_create_read_op();
  rados_omap_iter_t iter = nullptr;
  unsigned char more = 0;
  int prval = 0;
  rados_read_op_omap_get_vals2(op, after.c_str(), prefix.c_str(), max, &iter, &more, &prval);
  CAIRN_RETURN_IF_ERROR(Operate(op, io, object, iter, prval, &page.entries, exists));
  page.more = more != 0 && !page.entries.empty();
  return page;
}

Result<OmapEntries> ReadOmapKeys(rados_ioctx_t io, const std::string& object,
                                 const std::vector<std::string>& keys, bool* exists) {
  OmapEntries out;
  if (exists != nullptr) *exists = true;
  if (keys.empty()) return out;
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& k : keys) {
    ptrs.push_back(k.data());
    lens.push_back(k.size());
  }
  rados_read_op_t op = rados_create_read_op();
  rados_omap_iter_t iter = nullptr;
  int prval = 0;
  rados_read_op_omap_get_vals_by_keys2(op, ptrs.data(), ptrs.size(), lens.data(), &iter, &prval);
  CAIRN_RETURN_IF_ERROR(Operate(op, io, object, iter, prval, &out, exists));
  return out;
}

}  // namespace cairn::storage::rados
