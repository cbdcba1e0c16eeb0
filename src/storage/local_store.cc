#include "storage/local_store.h"

#include "storage/data/data_dir.h"
#include "storage/index/rocks_index.h"
#include "storage/local/store_impl.h"

namespace cairn::storage {

using data::DataDir;
using local::LocalStoreImpl;
using meta::MetaDb;

Result<std::unique_ptr<LocalStore>> OpenLocalStore(const std::string& dir,
                                                   const LocalStoreOptions& options) {
  platform::Env* env = options.env != nullptr ? options.env : platform::Env::Default();
  const std::string root = platform::JoinPath(dir, ".cairn");
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(root));
  // The metadata opens first: its lock keeps a second process from sweeping our tmp/.
  CAIRN_ASSIGN_OR_RETURN(auto db, MetaDb::Open(platform::JoinPath(root, "meta"), options.meta));
  CAIRN_ASSIGN_OR_RETURN(auto data, DataDir::Open(env, root));
  // One drive: it is online while the store is open (a failing drive fails requests).
  auto health = [dir] {
    StoreHealth h;
    h.drives.push_back({dir, DriveHealthState::kOnline, ""});
    return h;
  };
  auto store = std::make_unique<LocalStoreImpl>(options, env,
                                                std::make_unique<index::RocksIndex>(std::move(db)),
                                                std::move(data), std::move(health));
  CAIRN_RETURN_IF_ERROR(store->Recover());
  return std::unique_ptr<LocalStore>(std::move(store));
}

Result<std::unique_ptr<LocalStore>> OpenStoreOn(std::unique_ptr<index::Index> index,
                                                std::unique_ptr<blobs::BlobStore> blobs,
                                                const LocalStoreOptions& options,
                                                std::function<StoreHealth()> health) {
  platform::Env* env = options.env != nullptr ? options.env : platform::Env::Default();
  auto store = std::make_unique<LocalStoreImpl>(options, env, std::move(index), std::move(blobs),
                                                std::move(health));
  CAIRN_RETURN_IF_ERROR(store->Recover());
  return std::unique_ptr<LocalStore>(std::move(store));
}

}  // namespace cairn::storage
