#include "cli/units.h"

#include <fnmatch.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace cairn::cli {

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Status(Code::kInvalidArgument,
                  "invalid duration `" + std::string(text) + "` (examples: 90s, 15m, 1h30m, 7d)");
  };
  if (text.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad();
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 100'000'000'000) return bad();
      ++i;
    }
    int64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return bad();
      }
      ++i;
    } else if (total != 0) {
      return bad();  // "1h30": a bare number only on its own
    }
    total += n * unit;
  }
  if (total <= 0) return bad();
  return std::chrono::seconds(total);
}

Result<uint64_t> ParseSize(std::string_view text) {
  auto bad = [&] {
    return Status(Code::kInvalidArgument,
                  "invalid size `" + std::string(text) + "` (examples: 512, 10KiB, 5MB, 1GiB)");
  };
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return bad();
  double number = 0;
  try {
    number = std::stod(std::string(text.substr(0, i)));
  } catch (...) {
    return bad();
  }
  std::string unit;
  for (char c : text.substr(i))
    unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double mult = 1;
  static constexpr std::string_view kLetters = "KMGTP";
  if (!unit.empty() && unit != "B") {
    size_t power = kLetters.find(unit[0]);
    if (power == std::string_view::npos) return bad();
    std::string_view tail = std::string_view(unit).substr(1);
    double base = 1000;
    if (tail == "IB" || tail == "I") {
      base = 1024;
    } else if (!tail.empty() && tail != "B") {
      return bad();
    }
    mult = std::pow(base, static_cast<double>(power + 1));
  }
  double value = number * mult;
  if (value < 0 || value > 1.8e19) return bad();
  return static_cast<uint64_t>(value);
}

std::string FormatSize(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 6) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%s", v, kUnits[unit]);
  return buf;
}

std::string FormatDate(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string FormatDuration(std::chrono::seconds d) {
  int64_t s = d.count();
  std::string out;
  const std::pair<int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (auto [size, letter] : units) {
    if (s >= size) {
      out += std::to_string(s / size) + letter;
      s %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

bool GlobMatch(std::string_view pattern, std::string_view name) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

}  // namespace cairn::cli
