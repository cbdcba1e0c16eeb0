// ListObjectVersions: a merge of two ordered scans, the live latest versions (ObjectKey records)
// and the histories (VersionKey records). For each key the live version comes first, then its
// history newest first. Common prefixes are skipped with one seek in each scan, so a page costs
// O(page + prefixes) however many versions lie under a prefix.
// The index has no snapshots, so a commit may move a key's versions between the two scans' reads
// of it. Each key of a versioned bucket is therefore checked: its live record is read again
// after its history (one more point read per key), and when it changed, the key's versions are read
// again on their own until two reads of the live record agree. A version is never shown twice or
// left out by a concurrent move.
#include <limits>
#include <optional>

#include "storage/local/store_impl.h"

namespace cairn::storage::local {

namespace {

// One of the two scans, positioned at an entry whose key it has decoded.
struct Scan {
  std::unique_ptr<IndexIterator> it;
  std::string base;  // the bucket's prefix in this scan
  std::string scan_prefix;
  bool escaped = false;  // history keys escape the object key and add the stamp
  std::string key;       // the object key of the current entry
  Status status;

  // Decodes the current entry's key; false at the end (or on an error, kept in `status`).
  bool Valid() {
    if (!it->Valid()) {
      status = it->status();
      return false;
    }
    std::string_view full = it->key();
    if (full.substr(0, scan_prefix.size()) != scan_prefix) return false;
    std::string_view suffix = full.substr(base.size());
    if (!escaped) {
      key.assign(suffix);
      return true;
    }
    std::string stamp;
    if (!ParseEscapedKey(suffix, &key, &stamp) || stamp.size() != 16) {
      status = Status(Code::kCorruption, "bad version key");
      return false;
    }
    return true;
  }
  // Positions at the first entry whose object key is past every key starting with `prefix`.
  void SkipPrefix(std::string_view prefix) {
    std::string next =
        meta::PrefixSuccessor(base + (escaped ? EscapeKey(prefix) : std::string(prefix)));
    if (next.empty()) {
      it->Seek(meta::PrefixSuccessor(scan_prefix));  // past the end of the scan
    } else {
      it->Seek(next);
    }
  }
  // Positions past every entry of `key`.
  void SkipKey(std::string_view key) {
    if (escaped) {
      std::string past = base + EscapeKey(key) + std::string(kEscapedKeyEnd);
      past.back() = '\x02';
      it->Seek(past);
    } else {
      it->Seek(base + std::string(key) + std::string(1, '\0'));
    }
  }
};

}  // namespace

Status LocalStoreImpl::StableVersions(const std::string& bucket, const std::string& key,
                                      std::optional<std::string>* live_value,
                                      std::vector<std::string>* history) {
  const std::string object_key = ObjectKey(bucket, key);
  std::vector<std::pair<std::string, std::string>> entries;
  for (int attempt = 0; attempt < kStableReadAttempts; ++attempt) {
    std::optional<std::string> now;
    CAIRN_RETURN_IF_ERROR(ReadLive(object_key, &now));
    if (now == *live_value) {
      if (attempt == 0) return Status::Ok();  // the scans' reads stand
      history->clear();
      for (auto& [k, v] : entries) history->push_back(std::move(v));
      return Status::Ok();
    }
    // Moved meanwhile: this key's versions again, then the live record once more.
    *live_value = std::move(now);
    CAIRN_RETURN_IF_ERROR(ReadHistory(bucket, key, std::numeric_limits<size_t>::max(), &entries));
  }
  return Status(Code::kUnavailable, "the object's versions kept changing during the listing");
}

Result<VersionListResult> LocalStoreImpl::ListObjectVersions(const std::string& bucket,
                                                             const VersionListQuery& query) {
  CAIRN_RETURN_IF_ERROR(CheckRead());
  CAIRN_ASSIGN_OR_RETURN(Versioning state, BucketState(bucket));
  VersionListResult result;
  const int max_keys = std::max(query.max_keys, 0);
  if (max_keys == 0) return result;

  Scan live;
  live.base = ObjectPrefix(bucket);
  live.scan_prefix = live.base + query.prefix;
  live.it = index_->NewIterator(meta::PrefixSuccessor(live.scan_prefix));
  Scan history;
  history.escaped = true;
  history.base = VersionPrefix(bucket);
  history.scan_prefix = history.base + EscapeKey(query.prefix);
  history.it = index_->NewIterator(meta::PrefixSuccessor(history.scan_prefix));
  live.it->Seek(live.scan_prefix);
  history.it->Seek(history.scan_prefix);

  // Resuming inside a key (a version id marker): the versions of that key after the marked one.
  const std::string& marker = query.key_marker;
  // History entries of this key are never the latest (the latest came on an earlier page).
  std::string resume_key;
  if (!marker.empty() && marker >= query.prefix) {
    const std::string& vid = query.version_id_marker;
    if (vid.empty()) {
      live.SkipKey(marker);
      history.SkipKey(marker);
    } else {
      resume_key = marker;
      live.SkipKey(marker);  // the live version sorts first: it came at or before the marker
      std::string value;
      Status s = index_->Get(ObjectKey(bucket, marker), &value);
      ObjectRecord rec;
      bool marker_is_live =
          s.ok() && DecodeObjectRecord(value, &rec, false).ok() && IsVersion(rec, vid);
      if (!marker_is_live) {
        std::optional<VersionStamp> stamp;
        if (vid == "null") {
          std::vector<std::pair<std::string, std::string>> entries;
          CAIRN_RETURN_IF_ERROR(
              ReadHistory(bucket, marker, std::numeric_limits<size_t>::max(), &entries));
          for (const auto& [k, v] : entries) {
            if (DecodeObjectRecord(v, &rec, false).ok() && rec.null_version) stamp = rec.version;
          }
        } else {
          stamp = VersionStamp::FromId(vid);
        }
        if (stamp) {
          // Past the marked version's place (whether or not it still exists).
          history.it->Seek(VersionKey(bucket, marker, *stamp) + std::string(1, '\0'));
          // A marked version deleted since the last page may have made an older one live: it
          // sorts after the marker, so it is still to come.
          if (s.ok() && DecodeObjectRecord(value, &rec, false).ok() &&
              rec.version.Raw() > stamp->Raw()) {
            live.it->Seek(ObjectKey(bucket, marker));
          }
        } else {
          history.SkipKey(marker);
        }
      } else {
        history.it->Seek(std::max(history.scan_prefix, VersionKeyPrefix(bucket, marker)));
      }
    }
  }

  const std::string& delim = query.delimiter;
  int count = 0;
  auto full = [&] {
    if (count < max_keys) return false;
    result.truncated = true;
    return true;
  };
  for (;;) {
    bool have_live = live.Valid();
    bool have_history = history.Valid();
    CAIRN_RETURN_IF_ERROR(live.status);
    CAIRN_RETURN_IF_ERROR(history.status);
    if (!have_live && !have_history) break;
    const std::string key =
        !have_history || (have_live && live.key <= history.key) ? live.key : history.key;

    if (!delim.empty()) {
      size_t pos = key.find(delim, query.prefix.size());
      if (pos != std::string::npos) {
        std::string common = key.substr(0, pos + delim.size());
        // A marker equal to this common prefix means an earlier page returned it already.
        if (common != marker) {
          if (full()) break;
          result.common_prefixes.push_back(common);
          result.next_key_marker = common;
          result.next_version_id_marker.clear();
          ++count;
        }
        live.SkipPrefix(common);
        history.SkipPrefix(common);
        continue;
      }
    }

    // This key's entries as the scans read them: the live record, then the history.
    std::optional<std::string> live_value;
    std::vector<std::string> values;
    if (have_live && live.key == key) {
      live_value = std::string(live.it->value());
      live.it->Next();
    }
    while (history.Valid() && history.key == key) {
      values.emplace_back(history.it->value());
      history.it->Next();
    }
    CAIRN_RETURN_IF_ERROR(history.status);
    // A key of a bucket that never had versioning has no history to move between. A resumed
    // key starts mid-history; its one-key window is left as the scans saw it.
    if ((!values.empty() || state != Versioning::kUnversioned) && key != resume_key) {
      CAIRN_RETURN_IF_ERROR(StableVersions(bucket, key, &live_value, &values));
    }

    bool latest = key != resume_key;
    // Adds one entry; only the first entry of a key can be the latest.
    auto emit = [&](std::string_view value) -> Status {
      ObjectRecord rec;
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(value, &rec, false));
      ObjectInfo info = ToInfo(bucket, key, std::move(rec), state);
      info.is_latest = latest;
      latest = false;
      result.next_key_marker = key;
      result.next_version_id_marker = info.version_id.empty() ? "null" : info.version_id;
      result.versions.push_back(std::move(info));
      ++count;
      return Status::Ok();
    };
    bool stopped = false;
    if (live_value) {
      if (full()) break;
      // The live record is the key's latest version whatever came before it: on a resumed key
      // it is reached only when the marked entry, newer than it, was deleted since (a delete
      // marker or version), which made it the latest.
      latest = true;
      CAIRN_RETURN_IF_ERROR(emit(*live_value));
    }
    for (const std::string& value : values) {
      if (full()) {
        stopped = true;
        break;
      }
      CAIRN_RETURN_IF_ERROR(emit(value));
    }
    if (stopped) break;
  }
  if (!result.truncated) {
    result.next_key_marker.clear();
    result.next_version_id_marker.clear();
  }
  return result;
}

}  // namespace cairn::storage::local
