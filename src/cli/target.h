// Path arguments as mc reads them: "ALIAS/BUCKET/KEY" when the first component names a known
// alias, a local path otherwise ("./x", "/x" and "-" are always local; "-" is stdin/stdout).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::cli {

struct Target {
  bool remote = false;
  std::string local;  // when !remote
  std::string alias;  // when remote
  std::string bucket;
  std::string key;  // may be empty or end in '/'

  // "alias/bucket/key" as the user would write it.
  std::string Display() const;
};

// Parses `arg`; `is_alias` says whether a name is a configured alias.
Target ParseTarget(std::string_view arg, const std::function<bool(std::string_view)>& is_alias);

// For commands that only take remote paths: the one-line error for a local-looking argument.
Status NotAnAliasError(std::string_view arg);

// Joins a key prefix and a relative path with exactly one '/'.
std::string JoinKey(std::string_view prefix, std::string_view rest);
// The last path component of a key or local path ("a/b/c" → "c", "a/b/" → "b").
std::string BaseName(std::string_view path);

}  // namespace cairn::cli
