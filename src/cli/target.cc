#include "cli/target.h"

namespace cairn::cli {

std::string Target::Display() const {
  if (!remote) return local;
  std::string out = alias;
  if (!bucket.empty()) out += "/" + bucket;
  if (!key.empty()) out += "/" + key;
  return out;
}

Target ParseTarget(std::string_view arg, const std::function<bool(std::string_view)>& is_alias) {
  Target t;
  if (arg.empty() || arg == "-" || arg.front() == '/' || arg.front() == '.') {
    t.local = std::string(arg);
    return t;
  }
  size_t slash = arg.find('/');
  std::string_view first = arg.substr(0, slash);
  if (!is_alias(first)) {
    t.local = std::string(arg);
    return t;
  }
  t.remote = true;
  t.alias = std::string(first);
  if (slash == std::string_view::npos) return t;
  std::string_view rest = arg.substr(slash + 1);
  size_t next = rest.find('/');
  t.bucket = std::string(rest.substr(0, next));
  if (next != std::string_view::npos) t.key = std::string(rest.substr(next + 1));
  return t;
}

Status NotAnAliasError(std::string_view arg) {
  std::string_view first = arg.substr(0, arg.find('/'));
  return Status(Code::kInvalidArgument,
                "no alias named `" + std::string(first) + "` (add one with `cairn alias set`)");
}

std::string JoinKey(std::string_view prefix, std::string_view rest) {
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (prefix.empty()) return std::string(rest);
  std::string out(prefix);
  if (out.back() != '/') out += '/';
  return out + std::string(rest);
}

std::string BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::string(path);
  return std::string(path.substr(slash + 1));
}

}  // namespace cairn::cli
