// Bucket versioning on the client side, as pure functions over S3 XML and version lists: the
// ListObjectVersions page parser, mc's "vN" numbering and `ls --versions` line, the versioning
// status words, and what `undo` removes. The requests themselves are in s3_client.*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace cairn::cli {

// One entry of ListObjectVersions: a version, a delete marker, or (with a delimiter) a common
// prefix. `version_id` is as the server sent it ("null" for the null version).
struct ObjectVersion {
  std::string key;  // or the common prefix
  std::string version_id;
  bool is_prefix = false;
  bool delete_marker = false;
  bool is_latest = false;
  uint64_t size = 0;
  std::string etag;
  TimePoint last_modified;
  std::string storage_class;  // "STANDARD" when the server sent none
};

struct VersionsPage {
  // Versions and markers in the server's order (key ascending, newest first within a key),
  // then the common prefixes.
  std::vector<ObjectVersion> entries;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_version_id_marker;
};

// Parses a ListVersionsResult body, decoding keys when EncodingType is url.
Result<VersionsPage> ParseVersionsPage(std::string_view xml);

// The <Status> of a VersioningConfiguration body: "Enabled", "Suspended" or "" (never set).
Result<std::string> ParseVersioningStatus(std::string_view xml);
// The body that sets `status` ("Enabled" or "Suspended").
std::string VersioningConfigurationXml(std::string_view status);
// mc's words for a status: "enabled", "suspended", "un-versioned".
std::string VersioningWord(std::string_view status);

// mc's version numbers for the versions of one key listed newest first: the newest of n
// versions is n, the oldest 1.
std::vector<int> VersionNumbers(size_t count);

// One `ls --versions` line as mc prints it:
// "[2024-05-01 13:04:05 UTC]  1.5KiB STANDARD 3f9c...  v2 PUT name".
std::string VersionLine(const ObjectVersion& v, int number, std::string_view name);

// `undo`'s choice among one key's versions (newest first): the versions to delete, newest
// first. Undoing a change removes the version it created: a delete marker for a DELETE, the
// newest version for a PUT, so the one before becomes current again. `last` changes are undone
// (at least 1); with `action` "PUT" or "DELETE" only changes of that kind are undone, stopping at
// the first change of the other kind.
Result<std::vector<ObjectVersion>> PlanUndo(const std::vector<ObjectVersion>& newest_first,
                                            int last, std::string_view action);

}  // namespace cairn::cli
