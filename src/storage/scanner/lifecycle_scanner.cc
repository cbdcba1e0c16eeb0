#include "storage/scanner/lifecycle_scanner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "storage/object_lock.h"

namespace cairn::storage::scanner {

bool LockedAgainstLifecycle(const ObjectInfo& version) {
  // Retention (either mode: lifecycle never bypasses governance) or a legal hold. The store
  // refuses the removal anyway; asking first keeps locked versions out of the error count.
  return VersionIsLocked(version.lock, Now());
}

namespace {

// The three walks of a bucket, in the order a pass makes them.
enum class Phase : uint8_t { kCurrent = 0, kVersions = 1, kUploads = 2 };
constexpr int kPhases = 3;

bool RelevantTo(const LifecycleRule& r, Phase phase) {
  if (!r.enabled) return false;
  switch (phase) {
    case Phase::kCurrent: return r.ExpiresCurrent();
    case Phase::kVersions: return r.noncurrent_days || r.expired_object_delete_marker;
    case Phase::kUploads: return r.abort_days.has_value();
  }
  return false;
}

// The smallest set of prefixes covering every relevant rule's prefix: a prefix under another
// is dropped, so no key is walked twice. Sorted, so a pass walks the index in order.
std::vector<std::string> RangesFor(const LifecycleConfiguration& config, Phase phase) {
  std::vector<std::string> prefixes;
  for (const LifecycleRule& r : config.rules) {
    if (RelevantTo(r, phase)) prefixes.push_back(r.filter.prefix);
  }
  std::sort(prefixes.begin(), prefixes.end());
  std::vector<std::string> out;
  for (std::string& p : prefixes) {
    if (!out.empty() && p.starts_with(out.back())) continue;
    out.push_back(std::move(p));
  }
  return out;
}

// The checkpoint: where the interrupted pass was, at a key boundary. Fields joined by '\0'
// (bucket names and the phase hold none; keys may, so the marker comes last).
struct Checkpoint {
  int64_t started_ns = 0;
  std::string bucket;
  int phase = 0;
  size_t range = 0;
  std::string marker;  // the last key whose entries were all handled ("" = the range's start)

  std::string Encode() const {
    std::string out = std::to_string(started_ns);
    for (const std::string& part : {bucket, std::to_string(phase), std::to_string(range)}) {
      out.push_back('\0');
      out += part;
    }
    out.push_back('\0');
    out += marker;
    return out;
  }
  static std::optional<Checkpoint> Decode(std::string_view in) {
    Checkpoint c;
    std::string parts[4];
    for (std::string& part : parts) {
      size_t end = in.find('\0');
      if (end == std::string_view::npos) return std::nullopt;
      part.assign(in.substr(0, end));
      in.remove_prefix(end + 1);
    }
    try {
      c.started_ns = std::stoll(parts[0]);
      c.bucket = parts[1];
      c.phase = std::stoi(parts[2]);
      c.range = static_cast<size_t>(std::stoull(parts[3]));
    } catch (...) {
      return std::nullopt;
    }
    if (c.phase < 0 || c.phase >= kPhases) return std::nullopt;
    c.marker.assign(in);
    return c;
  }
};

}  // namespace

// One pass over every bucket, from a checkpoint when one is given.
class LifecycleScanner::Pass {
 public:
  Pass(LifecycleScanner& scanner, std::optional<scanner::Checkpoint> resume)
      : s_(scanner), resume_(std::move(resume)) {}

  Status Run() {
    TimePoint started = resume_ ? FromUnixNanos(resume_->started_ns) : s_.options_.clock();
    Update([&](ScannerPass& p) {
      p.started = started;
      p.resumed = resume_.has_value();
    });
    started_ns_ = ToUnixNanos(started);
    CAIRN_ASSIGN_OR_RETURN(std::vector<BucketInfo> buckets, s_.store_.ListBuckets());
    for (const BucketInfo& bucket : buckets) {
      if (resume_ && bucket.name < resume_->bucket) continue;
      auto config = s_.store_.GetBucketLifecycle(bucket.name);
      if (!config.ok() || !*config) continue;  // deleted meanwhile, or no rules
      Update([](ScannerPass& p) { ++p.buckets; });
      for (int phase = 0; phase < kPhases; ++phase) {
        if (resume_ && bucket.name == resume_->bucket && phase < resume_->phase) continue;
        if (static_cast<Phase>(phase) == Phase::kVersions &&
            bucket.versioning == Versioning::kUnversioned) {
          continue;  // a bucket never versioned has no history
        }
        if (static_cast<Phase>(phase) == Phase::kUploads && s_.multipart_ == nullptr) continue;
        std::vector<std::string> ranges = RangesFor(**config, static_cast<Phase>(phase));
        for (size_t range = 0; range < ranges.size(); ++range) {
          std::string marker;
          if (resume_ && bucket.name == resume_->bucket && phase == resume_->phase) {
            if (range < resume_->range) continue;
            if (range == resume_->range) marker = resume_->marker;
          }
          resume_.reset();  // from here on, an ordinary pass
          Position pos{bucket.name, phase, range, ranges[range]};
          CAIRN_RETURN_IF_ERROR(Walk(pos, **config, marker));
          if (!s_.StepPause()) return Status(Code::kUnavailable, "scanner stopping");
        }
        resume_.reset();
      }
      resume_.reset();
    }
    return Status::Ok();
  }

 private:
  struct Position {
    std::string bucket;
    int phase;
    size_t range;
    std::string prefix;
  };

  template <typename F>
  void Update(F&& f) {
    std::lock_guard lock(s_.mu_);
    if (!s_.current_) s_.current_.emplace();
    f(*s_.current_);
  }
  void Count(uint64_t ScannerPass::*field, uint64_t n = 1) {
    Update([&](ScannerPass& p) { p.*field += n; });
  }
  void Error(const Status& status) {
    Update([&](ScannerPass& p) {
      ++p.errors;
      p.last_error = status.ToString();
    });
  }

  // Records that every entry up to `marker` of this range is handled.
  Status SaveCheckpoint(const Position& pos, const std::string& marker) {
    if (s_.system_ == nullptr) return Status::Ok();
    scanner::Checkpoint c{started_ns_, pos.bucket, pos.phase, pos.range, marker};
    return s_.system_->PutSystem(kCheckpointKey, c.Encode());
  }

  // Ends a step: checkpoints, then pauses. kUnavailable when stopping.
  Status EndStep(const Position& pos, const std::string& marker) {
    Status saved = SaveCheckpoint(pos, marker);
    if (!saved.ok()) Error(saved);
    if (!s_.StepPause()) return Status(Code::kUnavailable, "scanner stopping");
    return Status::Ok();
  }

  Status Walk(const Position& pos, const LifecycleConfiguration& config, std::string marker) {
    switch (static_cast<Phase>(pos.phase)) {
      case Phase::kCurrent: return WalkCurrent(pos, config, marker);
      case Phase::kVersions: return WalkVersions(pos, config, marker);
      case Phase::kUploads: return WalkUploads(pos, config, marker);
    }
    return Status::Ok();
  }

  TimePoint now() const { return s_.options_.clock(); }
  int64_t day() const { return s_.options_.day_seconds; }

  // Current versions past their Expiration.
  Status WalkCurrent(const Position& pos, const LifecycleConfiguration& config,
                     std::string marker) {
    for (;;) {
      ListQuery q;
      q.prefix = pos.prefix;
      q.after = marker;
      q.max_keys = s_.options_.page_size;
      auto page = s_.store_.ListObjects(pos.bucket, q);
      if (!page.ok()) {
        Error(page.status());
        return Status::Ok();  // the bucket went away, or a read failed: next pass retries
      }
      Count(&ScannerPass::scanned, page->objects.size());
      for (const ObjectInfo& listed : page->objects) {
        marker = listed.key;
        auto expiry = CurrentVersionExpiry(config, listed.key, listed.size, listed.tags,
                                           listed.modified, day());
        if (!expiry || expiry->when > now()) continue;
        ExpireCurrent(pos.bucket, listed, config);
      }
      if (!page->truncated || page->objects.empty()) return Status::Ok();
      CAIRN_RETURN_IF_ERROR(EndStep(pos, marker));
    }
  }

  void ExpireCurrent(const std::string& bucket, const ObjectInfo& listed,
                     const LifecycleConfiguration& config) {
    // Judged again against the record as it is now: a version written since the listing is
    // not the one the rule expired.
    auto current = s_.store_.HeadObject(bucket, listed.key);
    if (!current.ok()) return;  // gone already
    if (current->version_id != listed.version_id || current->etag != listed.etag ||
        current->modified != listed.modified) {
      return;
    }
    auto expiry = CurrentVersionExpiry(config, current->key, current->size, current->tags,
                                       current->modified, day());
    if (!expiry || expiry->when > now()) return;
    // In a bucket never versioned the delete is for good; otherwise a marker hides it.
    if (current->version_id.empty() && LockedAgainstLifecycle(*current)) return;
    auto done = s_.store_.DeleteObject(bucket, listed.key, "");
    if (!done.ok()) return Error(done.status());
    Count(&ScannerPass::expired);
  }

  // Noncurrent versions and expired delete markers. A key's versions are judged together
  // (newest first), so they are gathered across pages before any is removed.
  Status WalkVersions(const Position& pos, const LifecycleConfiguration& config,
                      std::string marker) {
    std::vector<ObjectInfo> pending;  // versions of the key being gathered
    std::string key_marker = marker, version_marker;
    for (;;) {
      VersionListQuery q;
      q.prefix = pos.prefix;
      q.key_marker = key_marker;
      q.version_id_marker = version_marker;
      q.max_keys = s_.options_.page_size;
      auto page = s_.store_.ListObjectVersions(pos.bucket, q);
      if (!page.ok()) {
        Error(page.status());
        return Status::Ok();
      }
      Count(&ScannerPass::scanned, page->versions.size());
      std::string done_key = marker;
      for (ObjectInfo& v : page->versions) {
        if (!pending.empty() && pending.front().key != v.key) {
          JudgeKey(pos.bucket, config, pending);
          done_key = pending.front().key;
          pending.clear();
        }
        pending.push_back(std::move(v));
      }
      if (!page->truncated) {
        if (!pending.empty()) JudgeKey(pos.bucket, config, pending);
        return Status::Ok();
      }
      key_marker = page->next_key_marker;
      version_marker = page->next_version_id_marker;
      if (done_key != marker) {
        marker = done_key;
        CAIRN_RETURN_IF_ERROR(EndStep(pos, marker));
      } else if (!s_.StepPause()) {
        return Status(Code::kUnavailable, "scanner stopping");
      }
    }
  }

  // `versions`: every version of one key, newest first.
  void JudgeKey(const std::string& bucket, const LifecycleConfiguration& config,
                const std::vector<ObjectInfo>& versions) {
    const TimePoint t = now();
    size_t kept = 0;  // versions left after this judgement
    int newer_noncurrent = 0;
    for (size_t i = 0; i < versions.size(); ++i) {
      const ObjectInfo& v = versions[i];
      if (i == 0 && v.is_latest) {
        ++kept;
        continue;
      }
      // It became noncurrent when the next newer version was written.
      TimePoint since = i == 0 ? v.modified : versions[i - 1].modified;
      bool due =
          NoncurrentVersionDue(config, v.key, v.size, v.tags, since, newer_noncurrent, t, day());
      ++newer_noncurrent;
      if (due && !LockedAgainstLifecycle(v) && Remove(bucket, v)) {
        Count(&ScannerPass::noncurrent_removed);
        continue;
      }
      ++kept;
    }
    const ObjectInfo& latest = versions.front();
    if (kept == 1 && latest.is_latest && latest.delete_marker &&
        ExpiredDeleteMarkerDue(config, latest.key)) {
      // Only if it is still the latest and alone: a version written meanwhile keeps it.
      auto history =
          s_.store_.ListObjectVersions(bucket, VersionListQuery{latest.key, "", "", "", 2});
      if (!history.ok()) return Error(history.status());
      std::vector<ObjectInfo> same;
      for (const ObjectInfo& h : history->versions) {
        if (h.key == latest.key) same.push_back(h);
      }
      if (same.size() == 1 && same[0].delete_marker && same[0].version_id == latest.version_id &&
          Remove(bucket, latest)) {
        Count(&ScannerPass::markers_removed);
      }
    }
  }

  // Removes one version for good (DeleteObject with its id: idempotent).
  bool Remove(const std::string& bucket, const ObjectInfo& v) {
    auto done = s_.store_.DeleteObject(bucket, v.key, v.version_id.empty() ? "null" : v.version_id);
    if (!done.ok()) {
      Error(done.status());
      return false;
    }
    return true;
  }

  // Uploads past AbortIncompleteMultipartUpload.
  Status WalkUploads(const Position& pos, const LifecycleConfiguration& config,
                     std::string marker) {
    std::string upload_marker;
    for (;;) {
      ListUploadsQuery q;
      q.prefix = pos.prefix;
      q.key_marker = marker;
      q.upload_id_marker = upload_marker;
      q.max_uploads = s_.options_.page_size;
      auto page = s_.multipart_->ListMultipartUploads(pos.bucket, q);
      if (!page.ok()) {
        Error(page.status());
        return Status::Ok();
      }
      Count(&ScannerPass::scanned, page->uploads.size());
      for (const UploadInfo& u : page->uploads) {
        if (!UploadAbortDue(config, u.key, u.initiated, now(), day())) continue;
        Status s = s_.multipart_->AbortMultipartUpload(pos.bucket, u.key, u.upload_id);
        if (s.ok()) {
          Count(&ScannerPass::uploads_aborted);
        } else if (s.code() != Code::kNoSuchUpload) {
          Error(s);
        }
      }
      if (!page->truncated) return Status::Ok();
      marker = page->next_key_marker;
      upload_marker = page->next_upload_id_marker;
      // Aborting is idempotent: a checkpoint at the key (redoing its uploads) is safe.
      CAIRN_RETURN_IF_ERROR(EndStep(pos, ""));
    }
  }

  LifecycleScanner& s_;
  std::optional<scanner::Checkpoint> resume_;
  int64_t started_ns_ = 0;
};

LifecycleScanner::LifecycleScanner(ObjectStore& store, MultipartStore* multipart,
                                   SystemStore* system, ScannerOptions options)
    : store_(store), multipart_(multipart), system_(system), options_(std::move(options)) {}

LifecycleScanner::~LifecycleScanner() { Stop(); }

void LifecycleScanner::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void LifecycleScanner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LifecycleScanner::stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

bool LifecycleScanner::Sleep(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, d, [this] { return stop_; });
  return !stop_;
}

Status LifecycleScanner::RunPass() {
  if (stopping()) return Status(Code::kUnavailable, "scanner stopping");
  std::optional<Checkpoint> resume;
  if (system_ != nullptr) {
    auto saved = system_->GetSystem(kCheckpointKey);
    if (saved.ok() && *saved) resume = Checkpoint::Decode(**saved);
  }
  {
    std::lock_guard lock(mu_);
    current_.emplace();
  }
  Pass pass(*this, resume);
  Status s = pass.Run();
  if (s.code() == Code::kUnavailable) return s;  // stopping: the checkpoint stays
  if (system_ != nullptr) {
    Status cleared = system_->DeleteSystem(kCheckpointKey);
    if (s.ok()) s = cleared;
  }
  std::lock_guard lock(mu_);
  if (!s.ok()) {
    ++current_->errors;
    current_->last_error = s.ToString();
  }
  current_->finished = options_.clock();
  if (current_->acted()) last_active_ = current_;
  last_ = std::move(current_);
  current_.reset();
  ++passes_;
  return s;
}

bool LifecycleScanner::HoldLease() {
  if (!options_.lease) return true;
  const auto now = std::chrono::steady_clock::now();
  if (lease_renewed_ != std::chrono::steady_clock::time_point{} &&
      now - lease_renewed_ < options_.lease_duration / 3) {
    return true;
  }
  Result<bool> held = options_.lease->Hold(options_.lease_duration);
  if (held.ok() && *held) {
    lease_renewed_ = now;
    return true;
  }
  if (!held.ok())
    spdlog::warn("lifecycle: cannot take the scan lease: {}", held.status().ToString());
  lease_renewed_ = {};
  return false;
}

bool LifecycleScanner::StepPause() {
  if (!Sleep(options_.pause)) return false;
  return HoldLease();
}

void LifecycleScanner::Loop() {
  for (;;) {
    auto start = std::chrono::steady_clock::now();
    // Another gateway scans: this one waits an interval and asks again.
    Status s = HoldLease() ? RunPass() : Status::Ok();
    if (s.code() == Code::kUnavailable && stopping()) {
      if (options_.lease) options_.lease->Release();
      return;
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!Sleep(std::max(options_.interval - elapsed, std::chrono::milliseconds(10)))) {
      if (options_.lease) options_.lease->Release();
      return;
    }
  }
}

ScannerStatus LifecycleScanner::status() const {
  std::lock_guard lock(mu_);
  ScannerStatus out;
  out.running = current_.has_value();
  out.passes = passes_;
  out.last = last_;
  out.last_active = last_active_;
  out.current = current_;
  out.day_seconds = options_.day_seconds;
  out.interval = options_.interval;
  return out;
}

}  // namespace cairn::storage::scanner
