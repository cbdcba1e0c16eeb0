// ListObjectVersions: a merge of two ordered scans over one snapshot, the live latest versions
// (ObjectKey records) and the histories (VersionKey records). For each key the live version comes
// first, then its history newest first. Common prefixes are skipped with one seek in each scan,
// so a page costs O(page + prefixes) however many versions lie under a prefix.
#include <limits>

#include "storage/local/store_impl.h"

namespace cairn::storage::local {

namespace {

// One of the two scans, positioned at an entry whose key it has decoded.
struct Scan {
  std::unique_ptr<meta::Iterator> it;
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

Result<VersionListResult> LocalStoreImpl::ListObjectVersions(const std::string& bucket,
                                                             const VersionListQuery& query) {
  CAIRN_RETURN_IF_ERROR(CheckRead());
  CAIRN_ASSIGN_OR_RETURN(Versioning state, BucketState(bucket));
  VersionListResult result;
  const int max_keys = std::max(query.max_keys, 0);
  if (max_keys == 0) return result;

  auto snapshot = db_->NewSnapshot();
  Scan live;
  live.base = ObjectPrefix(bucket);
  live.scan_prefix = live.base + query.prefix;
  live.it = db_->NewIterator(meta::PrefixSuccessor(live.scan_prefix), *snapshot);
  Scan history;
  history.escaped = true;
  history.base = VersionPrefix(bucket);
  history.scan_prefix = history.base + EscapeKey(query.prefix);
  history.it = db_->NewIterator(meta::PrefixSuccessor(history.scan_prefix), *snapshot);
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
      Status s = db_->Get(ObjectKey(bucket, marker), &value, *snapshot);
      ObjectRecord rec;
      bool marker_is_live =
          s.ok() && DecodeObjectRecord(value, &rec, false).ok() && IsVersion(rec, vid);
      if (!marker_is_live) {
        std::optional<VersionStamp> stamp;
        if (vid == "null") {
          std::vector<std::pair<std::string, std::string>> entries;
          CAIRN_RETURN_IF_ERROR(ReadHistory(bucket, marker, std::numeric_limits<size_t>::max(),
                                            &entries, snapshot.get()));
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

    bool latest = key != resume_key;
    // Adds the entry `scan` is at; only the first entry of a key can be the latest.
    auto emit = [&](Scan& scan) -> Status {
      ObjectRecord rec;
      CAIRN_RETURN_IF_ERROR(DecodeObjectRecord(scan.it->value(), &rec, false));
      ObjectInfo info = ToInfo(bucket, key, std::move(rec), state);
      info.is_latest = latest;
      latest = false;
      result.next_key_marker = key;
      result.next_version_id_marker = info.version_id.empty() ? "null" : info.version_id;
      result.versions.push_back(std::move(info));
      ++count;
      scan.it->Next();
      return Status::Ok();
    };
    if (have_live && live.key == key) {
      if (full()) break;
      // The live record is the key's latest version whatever came before it: on a resumed key
      // it is reached only when the marked entry, newer than it, was deleted since (a delete
      // marker or version), which made it the latest.
      latest = true;
      CAIRN_RETURN_IF_ERROR(emit(live));
    }
    bool stopped = false;
    while (history.Valid() && history.key == key) {
      if (full()) {
        stopped = true;
        break;
      }
      CAIRN_RETURN_IF_ERROR(emit(history));
    }
    CAIRN_RETURN_IF_ERROR(history.status);
    if (stopped) break;
  }
  if (!result.truncated) {
    result.next_key_marker.clear();
    result.next_version_id_marker.clear();
  }
  return result;
}

}  // namespace cairn::storage::local
