#include "storage/erasure_set/set_keeper.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cairn::storage::erasure_set {

using erasure_blobs::HealMode;
using erasure_blobs::HealReport;

namespace {

// A refill whose walk left blobs unhealed walks again, at most this many times in all; then the
// drive is online with the count of what could not be healed (those blobs lack quorum).
constexpr int kRefillAttempts = 3;
constexpr std::chrono::milliseconds kRefillRetryPause{2000};

bool Damaged(const HealReport& r) { return !r.missing.empty() || !r.corrupt.empty(); }

}  // namespace

SetKeeper::SetKeeper(platform::Env* env, drives::DriveSet set, SetGeometry geometry,
                     HealOptions options, std::shared_ptr<HealQueue> queue,
                     local::LocalStoreImpl* engine, meta::MetaDb* db,
                     erasure_blobs::ErasureBlobStore* blobs, std::vector<bool> refill,
                     std::vector<bool> meta_current)
    : env_(env),
      set_(std::move(set)),
      geometry_(geometry),
      options_(options),
      queue_(std::move(queue)),
      engine_(engine),
      db_(db),
      blobs_(blobs),
      drives_(set_.drives.size()) {
  for (size_t i = 0; i < set_.drives.size(); ++i) {
    const drives::Drive& d = set_.drives[i];
    DriveStatus& s = drives_[i];
    s.meta_current = meta_current[i];
    if (d.state == drives::DriveState::kOffline) {
      s.state = State::kOffline;
      s.detail = d.detail;
    } else if (refill[i]) {
      s.state = State::kHealing;
      s.refill = true;
      s.detail = d.state == drives::DriveState::kFresh ? "an empty folder took this position"
                                                       : "its metadata is behind";
    } else {
      s.detail = d.detail;
    }
    if (s.state == State::kOnline) online_.fetch_add(1);
  }
  next_deep_ = std::chrono::steady_clock::now() + options_.deep_interval;
}

SetKeeper::~SetKeeper() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  queue_->Close();
  if (monitor_.joinable()) monitor_.join();
  if (healer_.joinable()) healer_.join();
}

void SetKeeper::Start() {
  monitor_ = std::thread([this] { MonitorLoop(); });
  healer_ = std::thread([this] { HealLoop(); });
}

bool SetKeeper::Sleep(std::chrono::milliseconds d) {
  std::unique_lock lock(stop_mu_);
  return !stop_cv_.wait_for(lock, d, [&] { return stopping_; });
}

void SetKeeper::SetState(int i, State state, std::string detail) {
  std::lock_guard lock(mu_);
  DriveStatus& s = drives_[i];
  if (s.state == State::kOnline && state != State::kOnline) online_.fetch_sub(1);
  if (s.state != State::kOnline && state == State::kOnline) online_.fetch_add(1);
  s.state = state;
  s.detail = std::move(detail);
}

int SetKeeper::CountUsable(bool for_write) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const DriveStatus& s : drives_) {
    n += s.state == State::kOnline || (for_write && s.state == State::kHealing) ? 1 : 0;
  }
  return n;
}

StoreHealth SetKeeper::Health() const {
  // A replica found behind (a failed write) makes its drive healing at once, before the
  // monitor's next look starts its refill.
  std::vector<std::string> stale(drives_.size());
  for (const meta::ReplicaState& r : db_->ReplicaStates()) {
    if (r.status != meta::ReplicaStatus::kOnline && r.index >= 0 &&
        static_cast<size_t>(r.index) < stale.size()) {
      stale[r.index] =
          "metadata replica " +
          std::string(r.status == meta::ReplicaStatus::kResyncing ? "resyncing" : "behind") +
          (r.reason.empty() ? "" : ": " + r.reason);
    }
  }
  StoreHealth h;
  h.data_drives = geometry_.data;
  h.parity_drives = geometry_.parity;
  h.read_quorum = geometry_.read_quorum;
  h.write_quorum = geometry_.write_quorum;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < drives_.size(); ++i) {
    const DriveStatus& s = drives_[i];
    DriveHealth d;
    d.path = set_.drives[i].root;
    d.detail = s.detail;
    switch (s.state) {
      case State::kOnline:
        d.state = stale[i].empty() ? DriveHealthState::kOnline : DriveHealthState::kHealing;
        if (!stale[i].empty()) d.detail = stale[i];
        break;
      case State::kOffline: d.state = DriveHealthState::kOffline; break;
      case State::kHealing:
        d.state = DriveHealthState::kHealing;
        d.detail = "healing: " + std::string(s.meta_current ? "metadata resynced, " : "") +
                   std::to_string(s.checked) + " blobs checked, " + std::to_string(s.rebuilt) +
                   " shards rebuilt" +
                   (s.failed > 0 ? ", " + std::to_string(s.failed) + " failed" : "") + " (" +
                   s.detail + ")";
        break;
    }
    h.drives.push_back(std::move(d));
  }
  return h;
}

Status SetKeeper::CheckRead() const {
  const int online = online_.load();
  if (online >= geometry_.read_quorum) return Status::Ok();
  return Status(Code::kUnavailable, "read quorum lost: " + std::to_string(online) +
                                        " drives online, " + std::to_string(geometry_.read_quorum) +
                                        " needed");
}

// ---- The drive monitor ----

void SetKeeper::MonitorLoop() {
  while (Sleep(options_.drive_check_interval)) {
    for (size_t i = 0; i < set_.drives.size(); ++i) CheckDrive(static_cast<int>(i));
  }
}

void SetKeeper::CheckDrive(int i) {
  const std::string& root = set_.drives[i].root;
  if (root.empty()) return;  // no folder was given for this position
  State current;
  bool refilling;
  {
    std::lock_guard lock(mu_);
    current = drives_[i].state;
    refilling = drives_[i].refill;
  }
  auto go_offline = [&](const std::string& why) {
    if (current == State::kOffline) return;
    spdlog::warn("erasure set: drive {} ({}) is offline: {}", i + 1, root, why);
    (void)db_->MarkStale(i, "drive offline: " + why);
    (void)blobs_->SetDriveRoot(i, std::nullopt);
    SetState(i, State::kOffline, why);
  };
  auto start_refill = [&](const std::string& why) {
    Status rooted = blobs_->SetDriveRoot(i, drives::CairnDirOf(root));
    if (!rooted.ok()) return go_offline(rooted.ToString());
    {
      std::lock_guard lock(mu_);
      DriveStatus& s = drives_[i];
      if (s.state == State::kOnline) online_.fetch_sub(1);
      s.state = State::kHealing;
      s.detail = why;
      s.refill = true;
      s.meta_current = false;
      s.checked = s.rebuilt = s.failed = 0;
      s.attempts = 0;
      ++s.generation;
    }
    spdlog::info("erasure set: drive {} ({}): {}; refilling", i + 1, root, why);
  };

  Result<drives::DriveFormat> format = drives::ReadDriveFormat(env_, root);
  if (format.ok()) {
    if (format->set_id != set_.set_id || format->drive_id != set_.drives[i].id) {
      return go_offline("it holds another drive (set " + format->set_id + ", drive " +
                        format->drive_id + ")");
    }
    if (current == State::kOffline) return start_refill("the drive is back");
    if (current == State::kOnline && !refilling) {
      // A replica that failed a write or read is stale: it is rebuilt like a returning drive.
      for (const meta::ReplicaState& r : db_->ReplicaStates()) {
        if (r.index == i && r.status == meta::ReplicaStatus::kStale) {
          return start_refill("its metadata replica is stale: " + r.reason);
        }
      }
    }
    return;
  }
  if (format.status().code() != Code::kNotFound) return go_offline(format.status().ToString());
  // The folder is there and readable, but its drive's record is gone: wiped or replaced. It
  // is healing from now on, before its new record is written (so nobody sees it online again).
  SetState(i, State::kHealing, "an emptied folder: formatting it");
  {
    std::lock_guard lock(mu_);
    ++drives_[i].generation;  // a refill walking the old folder stops
  }
  current = State::kHealing;
  (void)db_->MarkStale(i, "drive wiped");
  (void)blobs_->SetDriveRoot(i, std::nullopt);
  if (Status formatted = drives::FormatDrive(env_, root, set_, i); !formatted.ok()) {
    return go_offline("cannot format it: " + formatted.ToString());
  }
  start_refill("an emptied folder took this drive's place");
}

// ---- The heal thread ----

void SetKeeper::HealLoop() {
  for (;;) {
    {
      std::lock_guard lock(stop_mu_);
      if (stopping_) return;
    }
    int refill = -1;
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < drives_.size() && refill < 0; ++i) {
        if (drives_[i].refill && drives_[i].state == State::kHealing) refill = static_cast<int>(i);
      }
    }
    if (refill >= 0) {
      Refill(refill);
      continue;
    }
    if (options_.deep_interval.count() > 0 && std::chrono::steady_clock::now() >= next_deep_) {
      DeepPass();
      next_deep_ = std::chrono::steady_clock::now() + options_.deep_interval;
      continue;
    }
    if (auto id = queue_->Pop(std::chrono::milliseconds(200))) HealQueued(*id);
  }
}

Result<HealReport> SetKeeper::HealBlob(const blobs::BlobId& id, bool deep) {
  std::lock_guard lock(heal_mu_);
  return blobs_->Heal(id, deep ? HealMode::kDeep : HealMode::kNormal);
}

void SetKeeper::HealQueued(const blobs::BlobId& id) {
  Result<HealReport> healed = HealBlob(id, false);
  if (healed.ok() && !Damaged(*healed)) healed = HealBlob(id, true);
  if (!healed.ok()) {
    if (healed.status().code() != Code::kNotFound) {
      spdlog::warn("erasure set: cannot heal blob {}: {}", id.Hex(), healed.status().ToString());
    }
    return;
  }
  if (!healed->rebuilt.empty()) {
    spdlog::info("erasure set: healed blob {} ({} shards rebuilt)", id.Hex(),
                 healed->rebuilt.size());
  }
}

void SetKeeper::Refill(int i) {
  uint64_t generation;
  bool meta_current;
  {
    std::lock_guard lock(mu_);
    generation = drives_[i].generation;
    meta_current = drives_[i].meta_current;
  }
  auto still_mine = [&] {
    std::lock_guard lock(mu_);
    return drives_[i].generation == generation && drives_[i].state == State::kHealing;
  };
  if (!meta_current) {
    Status resynced = db_->ResyncReplica(i);
    if (!resynced.ok() && resynced.code() != Code::kInvalidArgument) {  // invalid: current
      spdlog::warn("erasure set: drive {}: metadata resync failed: {}", i + 1, resynced.ToString());
      Sleep(std::chrono::milliseconds(1000));
      return;  // retried: the refill stays due
    }
    std::lock_guard lock(mu_);
    if (drives_[i].generation != generation) return;
    drives_[i].meta_current = true;
  }
  bool stopped = false;
  Status walked = engine_->ForEachBlob({}, [&](const local::BlobRef& ref) {
    if (!still_mine() || !Sleep(options_.pause)) {
      stopped = true;
      return false;
    }
    Result<HealReport> healed = HealBlob(ref.id, false);
    // What a blob's heal left undone is logged: a refill that ends with shards missing must
    // say which blobs and why.
    if (!healed.ok()) {
      spdlog::info("erasure set: drive {}: refill skips blob {} of {}/{}: {}", i + 1, ref.id.Hex(),
                   ref.bucket, ref.key, healed.status().ToString());
    }
    std::lock_guard lock(mu_);
    DriveStatus& s = drives_[i];
    ++s.checked;
    if (healed.ok()) {
      auto has = [i](const std::vector<int>& v) {
        return std::find(v.begin(), v.end(), i) != v.end();
      };
      if (has(healed->rebuilt)) {
        ++s.rebuilt;
      } else if (has(healed->missing) || has(healed->corrupt)) {
        ++s.failed;  // the drive refused the rebuilt shard
        spdlog::info("erasure set: drive {}: refill could not write blob {}'s shard", i + 1,
                     ref.id.Hex());
      }
    } else if (healed.status().code() != Code::kNotFound) {
      ++s.failed;
    }
    return true;
  });
  if (stopped) return;
  if (!walked.ok()) {
    spdlog::warn("erasure set: drive {}: refill walk failed: {}", i + 1, walked.ToString());
    Sleep(std::chrono::milliseconds(1000));
    return;
  }
  uint64_t checked, rebuilt, failed;
  {
    std::lock_guard lock(mu_);
    DriveStatus& s = drives_[i];
    if (s.generation != generation || s.state != State::kHealing) return;
    checked = s.checked;
    rebuilt = s.rebuilt;
    failed = s.failed;
    if (failed > 0 && ++s.attempts < kRefillAttempts) {
      // Walked again after a pause: the drive (or too many others) may have been busy.
      s.detail = "walk " + std::to_string(s.attempts) + ": " + std::to_string(failed) +
                 " blobs not healed; walking again";
      s.checked = s.rebuilt = s.failed = 0;
    } else {
      s.refill = false;
      s.attempts = 0;
    }
  }
  bool again;
  {
    std::lock_guard lock(mu_);
    again = drives_[i].refill;
  }
  if (again) {
    Sleep(kRefillRetryPause);
    return;
  }
  std::string done = "refilled: " + std::to_string(checked) + " blobs checked, " +
                     std::to_string(rebuilt) + " shards rebuilt";
  if (failed > 0) done += ", " + std::to_string(failed) + " blobs could not be healed";
  spdlog::info("erasure set: drive {} ({}) {}", i + 1, set_.drives[i].root, done);
  SetState(i, State::kOnline, done);
}

void SetKeeper::DeepPass() {
  uint64_t seen = 0, verified = 0;
  bool stopped = false;
  Status walked = engine_->ForEachBlob({}, [&](const local::BlobRef& ref) {
    if (seen++ < deep_cursor_) return true;
    if (verified >= options_.deep_share) return false;
    if (!Sleep(options_.pause)) {
      stopped = true;
      return false;
    }
    ++verified;
    Result<HealReport> healed = HealBlob(ref.id, true);
    if (healed.ok() && !healed->rebuilt.empty()) {
      spdlog::info("erasure set: deep pass rebuilt {} shards of {}/{} (blob {})",
                   healed->rebuilt.size(), ref.bucket, ref.key, ref.id.Hex());
    }
    return true;
  });
  if (stopped || !walked.ok()) return;
  // The walk ended before the share was used: the next pass starts from the first blob again.
  deep_cursor_ = verified >= options_.deep_share ? deep_cursor_ + verified : 0;
}

// ---- Heal on demand ----

Result<HealSummary> SetKeeper::Heal(const HealRequest& request) {
  HealSummary summary;
  Status walked = engine_->ForEachBlob(request, [&](const local::BlobRef& ref) {
    Result<HealReport> healed = HealBlob(ref.id, request.deep);
    if (!healed.ok() && healed.status().code() == Code::kNotFound) return true;  // removed
    ++summary.blobs_checked;
    HealedBlob item;
    item.bucket = ref.bucket;
    item.key = ref.key;
    item.blob = ref.id.Hex();
    if (!healed.ok()) {
      ++summary.blobs_failed;
      item.error = healed.status().ToString();
    } else {
      if (!Damaged(*healed)) return true;
      ++summary.blobs_damaged;
      summary.shards_rebuilt += healed->rebuilt.size();
      item.size = healed->size;
      item.missing = healed->missing;
      item.corrupt = healed->corrupt;
      item.offline = healed->offline;
      item.rebuilt = healed->rebuilt;
    }
    if (summary.items.size() < HealSummary::kMaxHealItems) {
      summary.items.push_back(std::move(item));
    }
    return true;
  });
  CAIRN_RETURN_IF_ERROR(walked);
  return summary;
}

}  // namespace cairn::storage::erasure_set
