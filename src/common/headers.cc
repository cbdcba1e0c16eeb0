#include "common/headers.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace cairn {

namespace {
char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower-cases ASCII letters in place, eight bytes at a time: per byte, 0x20 is added where the
// byte is 'A'..'Z' (computed on the low seven bits, so no carry crosses bytes; bytes >= 0x80
// are left alone).
void LowerInPlace(char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t low7 = w & ~kHigh;
    uint64_t ge_a = low7 + kOnes * (0x80 - 'A');
    uint64_t gt_z = low7 + kOnes * (0x7f - 'Z');
    uint64_t upper = (ge_a ^ gt_z) & ~w & kHigh;
    w |= upper >> 2;
    std::memcpy(p, &w, 8);
  }
  for (; n > 0; ++p, --n) *p = LowerAscii(*p);
}
}  // namespace

std::string ToLower(std::string_view s) {
  std::string out(s);
  LowerInPlace(out.data(), out.size());
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void Headers::Add(std::string_view name, std::string_view value) {
  fields_.emplace_back(ToLower(name), std::string(value));
}

void Headers::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return EqualsIgnoreCase(f.first, name); });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const Field& f : fields_) {
    // Names are stored lower-case and callers mostly ask in lower case: a plain comparison
    // settles most fields, the case-blind one only runs on a same-length mismatch.
    if (f.first.size() != name.size()) continue;
    if (f.first == name || EqualsIgnoreCase(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

std::optional<std::string> Headers::GetJoined(std::string_view name) const {
  std::optional<std::string> out;
  for (const Field& f : fields_) {
    if (!EqualsIgnoreCase(f.first, name)) continue;
    if (out) {
      *out += ",";
      *out += f.second;
    } else {
      out = f.second;
    }
  }
  return out;
}

bool IsSafeHeaderValue(std::string_view value) {
  // Eight bytes at a time: a word with no byte below 0x20 and none equal to 0x7f passes at
  // once; one that might hold a TAB (or a bad byte) is checked byte by byte.
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const char* p = value.data();
  size_t n = value.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    uint64_t x = w ^ (kOnes * 0x7f);
    uint64_t del = (x - kOnes) & ~x & kHigh;
    if ((below_space | del) == 0) continue;
    for (int i = 0; i < 8; ++i) {
      auto byte = static_cast<unsigned char>(p[i]);
      if ((byte < 0x20 && byte != '\t') || byte == 0x7f) return false;
    }
  }
  for (; n > 0; ++p, --n) {
    auto byte = static_cast<unsigned char>(*p);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) return false;
  }
  return true;
}

bool IsHttpToken(std::string_view name) {
  if (name.empty()) return false;
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kSymbols.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace cairn
