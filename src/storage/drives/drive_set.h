// The drives of one erasure set and who is where. Each drive holds a format record,
// <drive>/.cairn/format.json, naming the set (a random id), this drive (a random id) and every
// drive of the set in position order, written once when the set is made (docs/storage-format.md,
// "Several drives"). At start the records decide each folder's position, so a drive moved to
// another mount point keeps its place, a foreign drive is refused, and an empty folder where a
// drive is missing becomes that drive, to be refilled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "platform/env.h"

namespace cairn::storage::drives {

struct DriveFormat {
  int version = 1;
  std::string set_id;
  std::string drive_id;
  std::vector<std::string> drives;  // every drive id, in position order

  bool operator==(const DriveFormat&) const = default;
};

std::string EncodeDriveFormat(const DriveFormat& format);
// kCorruption for anything but a format this code wrote (or a later version it can read).
Result<DriveFormat> DecodeDriveFormat(std::string_view text);

enum class DriveState {
  kOnline,   // formatted, in the set
  kOffline,  // its folder is unreadable or missing; its position waits for it
  kFresh,    // an empty folder given the position of a missing drive: to be refilled
};
std::string_view DriveStateName(DriveState state);

struct Drive {
  std::string root;  // the folder (as given on the command line); "" when no folder holds it
  std::string id;    // the drive id of its position
  DriveState state = DriveState::kOffline;
  std::string detail;  // why it is offline, or that it moved from another position
};

struct DriveSet {
  std::string set_id;
  std::vector<Drive> drives;  // by position
  bool created = false;       // every folder was empty: the set was made now
};

// Reads (or, for a set of empty folders, writes) the format records of `roots`. Positions come
// from the records, not the argument order. Refuses (kInvalidArgument, saying which folder and
// why): a folder holding another set's drive or a single-drive store (a store made by one-drive
// Cairn stays one drive), a set whose formatted drives disagree, fewer formatted drives than
// half of the set (an ambiguous mix of old and empty folders), and more folders than the set
// has drives.
Result<DriveSet> OpenDriveSet(platform::Env* env, const std::vector<std::string>& roots);

// The format record in `root`: kNotFound when it has none, kCorruption when it does not decode,
// another error when the folder cannot be read (a drive monitor's check of a running drive).
Result<DriveFormat> ReadDriveFormat(platform::Env* env, const std::string& root);

// Writes the format record of position `position` of `set` into `root` (an emptied folder
// taking back its drive's place while the server runs, as OpenDriveSet does at start).
Status FormatDrive(platform::Env* env, const std::string& root, const DriveSet& set, int position);

// Where drive `root` keeps the set's files.
std::string CairnDirOf(const std::string& root);

}  // namespace cairn::storage::drives
