#include "storage/drives/volumes.h"

#include <charconv>
#include <set>

namespace cairn::storage::drives {

namespace {

constexpr std::string_view kEllipses = "...";
constexpr size_t kMaxExpanded = kMaxDrives * 64;

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

bool IsRangeChar(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }

// MinIO reads a side as decimal, else as hexadecimal.
bool ParseSide(std::string_view text, uint64_t* value, bool* hex) {
  if (text.empty()) return false;
  auto parse = [&](int base) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value, base);
    return ec == std::errc() && end == text.data() + text.size();
  };
  if (parse(10)) return true;
  if (parse(16)) {
    *hex = true;
    return true;
  }
  return false;
}

// The values of one `{start...end}`.
Result<std::vector<std::string>> RangeValues(std::string_view start_text,
                                             std::string_view end_text) {
  uint64_t start = 0, end = 0;
  bool hex = false;
  if (!ParseSide(start_text, &start, &hex) || !ParseSide(end_text, &end, &hex)) {
    return Invalid("invalid ellipses range {" + std::string(start_text) + "..." +
                   std::string(end_text) + "}");
  }
  if (start > end) {
    return Invalid("invalid ellipses range {" + std::string(start_text) + "..." +
                   std::string(end_text) + "}: the start is after the end");
  }
  if (end - start >= kMaxExpanded) return Invalid("ellipses range too large");
  // Zero padding to the end's width, as MinIO pads.
  const bool pad = (start_text.size() > 1 && start_text[0] == '0') || end_text[0] == '0';
  std::vector<std::string> out;
  for (uint64_t v = start; v <= end; ++v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, hex ? 16 : 10);
    std::string text(buf, p);
    if (pad && text.size() < end_text.size()) text.insert(0, end_text.size() - text.size(), '0');
    out.push_back(std::move(text));
  }
  return out;
}

bool HasEllipses(std::string_view arg) {
  size_t open = arg.find('{');
  return open != std::string_view::npos && arg.find(kEllipses, open) != std::string_view::npos &&
         arg.find('}', open) != std::string_view::npos;
}

}  // namespace

Result<std::vector<std::string>> ExpandEllipses(std::string_view arg) {
  std::vector<std::string> out{""};
  size_t pos = 0;
  while (pos < arg.size()) {
    size_t open = arg.find('{', pos);
    size_t close = open == std::string_view::npos ? open : arg.find('}', open);
    std::string_view inside = close == std::string_view::npos
                                  ? std::string_view()
                                  : arg.substr(open + 1, close - open - 1);
    size_t dots = inside.find(kEllipses);
    bool is_range = close != std::string_view::npos && dots != std::string_view::npos;
    for (char c : inside) {
      if (!IsRangeChar(c) && c != '.') is_range = false;
    }
    if (!is_range) {  // literal text up to the next candidate (or the end)
      size_t next = open == std::string_view::npos ? arg.size() : open + 1;
      for (std::string& s : out) s.append(arg.substr(pos, next - pos));
      pos = next;
      continue;
    }
    for (std::string& s : out) s.append(arg.substr(pos, open - pos));
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> values,
                           RangeValues(inside.substr(0, dots), inside.substr(dots + 3)));
    if (out.size() * values.size() > kMaxExpanded) return Invalid("ellipses expand too far");
    std::vector<std::string> next;
    next.reserve(out.size() * values.size());
    for (const std::string& s : out) {
      for (const std::string& v : values) next.push_back(s + v);
    }
    out = std::move(next);
    pos = close + 1;
  }
  return out;
}

Result<std::vector<std::string>> ExpandVolumes(const std::vector<std::string>& args) {
  size_t with = 0;
  for (const std::string& arg : args) with += HasEllipses(arg) ? 1 : 0;
  if (with != 0 && with != args.size()) {
    return Invalid("either every data folder argument uses ellipses ({1...4}) or none does");
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& arg : args) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> folders, ExpandEllipses(arg));
    for (std::string& folder : folders) {
      if (folder.empty()) return Invalid("an empty data folder name");
      if (!seen.insert(folder).second) {
        return Invalid("the data folder " + folder + " is named twice");
      }
      out.push_back(std::move(folder));
    }
  }
  if (out.size() > kMaxDrives) {
    return Invalid(std::to_string(out.size()) + " data folders: Cairn serves one erasure set of " +
                   "at most " + std::to_string(kMaxDrives) + " drives");
  }
  return out;
}

}  // namespace cairn::storage::drives
