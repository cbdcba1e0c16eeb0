#include "storage/drives/drive_set.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>

#include "common/encoding.h"

namespace cairn::storage::drives {

namespace {

constexpr std::string_view kFormatName = "cairn-erasure";
constexpr int kFormatVersion = 1;

Status Refuse(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

Result<std::string> NewId() {
  uint8_t raw[16];
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(raw, sizeof raw));
  raw[6] = (raw[6] & 0x0f) | 0x40;  // a version 4 UUID, as MinIO's format ids are
  raw[8] = (raw[8] & 0x3f) | 0x80;
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string FormatPath(const std::string& root) {
  return platform::JoinPath(CairnDirOf(root), "format.json");
}

Result<std::string> ReadSmallFile(platform::Env* env, const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(auto file, env->NewRandomAccessFile(path));
  if (file->size() > (1 << 20)) return Status(Code::kCorruption, path + " is too large");
  std::string out(file->size(), '\0');
  size_t at = 0;
  while (at < out.size()) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, file->Read(at, out.size() - at, out.data() + at));
    if (got == 0) return Status(Code::kCorruption, path + " shrank while read");
    at += got;
  }
  return out;
}

// tmp + fsync + rename + fsync of the folder: a crash leaves the old record or the new one.
Status WriteFormat(platform::Env* env, const std::string& root, const DriveFormat& format) {
  const std::string dir = CairnDirOf(root);
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(dir));
  const std::string tmp = platform::JoinPath(dir, "format.json.tmp");
  CAIRN_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
  std::string text = EncodeDriveFormat(format);
  CAIRN_RETURN_IF_ERROR(file->Append(text.data(), text.size()));
  CAIRN_RETURN_IF_ERROR(file->Sync());
  CAIRN_RETURN_IF_ERROR(file->Close());
  CAIRN_RETURN_IF_ERROR(env->RenameFile(tmp, FormatPath(root)));
  CAIRN_RETURN_IF_ERROR(env->SyncDir(dir));
  return env->SyncDir(root);
}

// What one folder holds.
struct Probe {
  enum Kind { kEmpty, kFormatted, kSingleDriveStore, kUnreadable } kind = kUnreadable;
  DriveFormat format;
  std::string detail;
};

Probe ProbeFolder(platform::Env* env, const std::string& root) {
  Probe probe;
  if (Status made = env->CreateDirs(root); !made.ok()) {
    probe.detail = made.ToString();
    return probe;
  }
  Result<std::vector<std::string>> names = env->ListDir(root);
  if (!names.ok()) {
    probe.detail = names.status().ToString();
    return probe;
  }
  if (!env->FileExists(FormatPath(root))) {
    // A folder without a format record is empty enough to join the set unless it holds a
    // store: a one-drive Cairn store (.cairn/) is never turned into a shard of a set.
    probe.kind = env->FileExists(CairnDirOf(root)) ? Probe::kSingleDriveStore : Probe::kEmpty;
    return probe;
  }
  Result<std::string> text = ReadSmallFile(env, FormatPath(root));
  if (!text.ok()) {
    probe.detail = text.status().ToString();
    return probe;
  }
  Result<DriveFormat> format = DecodeDriveFormat(*text);
  if (!format.ok()) {
    probe.detail = format.status().ToString();
    return probe;
  }
  probe.kind = Probe::kFormatted;
  probe.format = std::move(*format);
  return probe;
}

}  // namespace

std::string CairnDirOf(const std::string& root) { return platform::JoinPath(root, ".cairn"); }

Result<DriveFormat> ReadDriveFormat(platform::Env* env, const std::string& root) {
  const std::string path = FormatPath(root);
  if (!env->FileExists(path)) {
    // A missing or unreadable folder is not an empty one (it may be an unmounted drive).
    if (auto listed = env->ListDir(root); !listed.ok()) {
      return Status(Code::kIOError, root + ": " + listed.status().message());
    }
    return Status(Code::kNotFound, root + " holds no drive format record");
  }
  CAIRN_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(env, path));
  return DecodeDriveFormat(text);
}

Status FormatDrive(platform::Env* env, const std::string& root, const DriveSet& set, int position) {
  if (position < 0 || static_cast<size_t>(position) >= set.drives.size()) {
    return Status(Code::kInvalidArgument, "no drive position " + std::to_string(position));
  }
  DriveFormat format{kFormatVersion, set.set_id, set.drives[position].id, {}};
  for (const Drive& d : set.drives) format.drives.push_back(d.id);
  return WriteFormat(env, root, format);
}

std::string_view DriveStateName(DriveState state) {
  switch (state) {
    case DriveState::kOnline: return "online";
    case DriveState::kOffline: return "offline";
    case DriveState::kFresh: return "fresh";
  }
  return "unknown";
}

std::string EncodeDriveFormat(const DriveFormat& format) {
  nlohmann::json j = {{"format", kFormatName},
                      {"version", format.version},
                      {"set", format.set_id},
                      {"drive", format.drive_id},
                      {"drives", format.drives}};
  return j.dump(2) + "\n";
}

Result<DriveFormat> DecodeDriveFormat(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [](std::string why) {
    return Status(Code::kCorruption, "drive format record: " + std::move(why));
  };
  if (!j.is_object()) return bad("not a JSON object");
  auto str = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (str("format") != std::string(kFormatName)) return bad("not a Cairn erasure drive");
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer() || version->get<int>() < 1) {
    return bad("no version");
  }
  if (version->get<int>() > kFormatVersion) {
    return bad("version " + std::to_string(version->get<int>()) + " is newer than this Cairn");
  }
  DriveFormat out;
  out.version = version->get<int>();
  auto set = str("set");
  auto drive = str("drive");
  if (!set || set->empty() || !drive || drive->empty()) return bad("no set or drive id");
  out.set_id = *set;
  out.drive_id = *drive;
  auto drives = j.find("drives");
  if (drives == j.end() || !drives->is_array() || drives->empty() || drives->size() > 16) {
    return bad("no drive list");
  }
  bool found = false;
  for (const auto& d : *drives) {
    if (!d.is_string() || d.get<std::string>().empty()) return bad("a drive id is not a string");
    out.drives.push_back(d.get<std::string>());
    found = found || out.drives.back() == out.drive_id;
  }
  if (!found) return bad("the drive is not in its own set's list");
  return out;
}

Result<DriveSet> OpenDriveSet(platform::Env* env, const std::vector<std::string>& roots) {
  const size_t n = roots.size();
  std::vector<Probe> probes;
  probes.reserve(n);
  for (const std::string& root : roots) probes.push_back(ProbeFolder(env, root));
  for (size_t i = 0; i < n; ++i) {
    if (probes[i].kind == Probe::kSingleDriveStore) {
      return Refuse(roots[i] +
                    " holds a one-drive Cairn store (.cairn without format.json); "
                    "a one-drive store cannot become a drive of a set");
    }
  }

  // The reference: the format the formatted drives agree on (set id and drive list).
  std::map<std::pair<std::string, std::vector<std::string>>, size_t> votes;
  size_t formatted = 0, empty = 0;
  for (const Probe& p : probes) {
    if (p.kind == Probe::kFormatted) {
      ++formatted;
      ++votes[{p.format.set_id, p.format.drives}];
    }
    if (p.kind == Probe::kEmpty) ++empty;
  }

  DriveSet set;
  if (formatted == 0) {
    if (empty != n) {
      for (size_t i = 0; i < n; ++i) {
        if (probes[i].kind == Probe::kUnreadable) {
          return Refuse("cannot make a new set: " + roots[i] + ": " + probes[i].detail);
        }
      }
    }
    // Every folder is empty: a new set, positions in argument order.
    DriveFormat format;
    CAIRN_ASSIGN_OR_RETURN(format.set_id, NewId());
    for (size_t i = 0; i < n; ++i) {
      CAIRN_ASSIGN_OR_RETURN(std::string id, NewId());
      format.drives.push_back(std::move(id));
    }
    for (size_t i = 0; i < n; ++i) {
      format.drive_id = format.drives[i];
      Status written = WriteFormat(env, roots[i], format);
      if (!written.ok()) return Refuse("cannot format " + roots[i] + ": " + written.ToString());
      set.drives.push_back({roots[i], format.drive_id, DriveState::kOnline, ""});
    }
    set.set_id = format.set_id;
    set.created = true;
    return set;
  }

  if (votes.size() > 1) {
    // Name the folders outside the largest group, so the foreign disk is the one named.
    auto largest = votes.begin();
    for (auto it = votes.begin(); it != votes.end(); ++it) {
      if (it->second > largest->second) largest = it;
    }
    std::string odd;
    for (size_t i = 0; i < n; ++i) {
      if (probes[i].kind != Probe::kFormatted) continue;
      if (std::pair(probes[i].format.set_id, probes[i].format.drives) == largest->first) continue;
      odd += (odd.empty() ? "" : ", ") + roots[i];
    }
    return Refuse("the formatted drives belong to different sets or disagree on the drives (" +
                  odd +
                  " holds another set's drive or another drive list); give the folders "
                  "of one set");
  }
  const auto& [reference, count] = *votes.begin();
  const auto& [set_id, drive_ids] = reference;
  if (drive_ids.size() != n) {
    return Refuse("the set has " + std::to_string(drive_ids.size()) + " drives and " +
                  std::to_string(n) + " folders were given");
  }
  if (count * 2 < n) {
    return Refuse("only " + std::to_string(count) + " of " + std::to_string(n) +
                  " folders hold this set's drives; refusing to guess which empty ones belong");
  }
  set.set_id = set_id;
  set.drives.resize(n);
  for (size_t pos = 0; pos < n; ++pos) set.drives[pos].id = drive_ids[pos];

  std::vector<size_t> empties;
  for (size_t i = 0; i < n; ++i) {
    const Probe& p = probes[i];
    if (p.kind == Probe::kEmpty) {
      empties.push_back(i);
      continue;
    }
    if (p.kind == Probe::kUnreadable) continue;  // its position stays offline below
    size_t pos = 0;
    while (pos < n && drive_ids[pos] != p.format.drive_id) ++pos;
    Drive& d = set.drives[pos];
    if (!d.root.empty()) {
      return Refuse(roots[i] + " and " + d.root + " hold the same drive of the set");
    }
    d.root = roots[i];
    d.state = DriveState::kOnline;
    if (pos != i) d.detail = "moved: given as folder " + std::to_string(i + 1);
  }
  // Positions no formatted folder holds: unreadable folders in argument order first (a drive
  // whose mount failed keeps its place), then empty folders, which become those drives.
  std::vector<size_t> unheld;
  for (size_t pos = 0; pos < n; ++pos) {
    if (set.drives[pos].root.empty()) unheld.push_back(pos);
  }
  size_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    if (probes[i].kind != Probe::kUnreadable) continue;
    Drive& d = set.drives[unheld[next++]];
    d.root = roots[i];
    d.state = DriveState::kOffline;
    d.detail = probes[i].detail;
  }
  for (size_t i : empties) {
    Drive& d = set.drives[unheld[next++]];
    DriveFormat format{kFormatVersion, set_id, d.id, drive_ids};
    Status written = WriteFormat(env, roots[i], format);
    d.root = roots[i];
    if (!written.ok()) {
      d.state = DriveState::kOffline;
      d.detail = "cannot format: " + written.ToString();
      continue;
    }
    d.state = DriveState::kFresh;
    d.detail = "an empty folder took this position; it is refilled from the others";
  }
  return set;
}

}  // namespace cairn::storage::drives
