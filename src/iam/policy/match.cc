// Wildcards, policy variables, and the typed values conditions compare (numbers, dates, IPs).
#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>

#include "iam/policy/internal.h"

namespace cairn::iam::policy::internal {

namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One ${...} reference: `name` and its optional default. `end` is one past the '}'.
struct VariableRef {
  std::string_view name;
  std::optional<std::string_view> fallback;
  size_t end = 0;
};

// Parses the reference starting at raw[pos] == '$', raw[pos+1] == '{'. Nullopt if malformed.
std::optional<VariableRef> ParseRef(std::string_view raw, size_t pos, std::string* error) {
  size_t close = raw.find('}', pos + 2);
  if (close == std::string_view::npos) {
    if (error) *error = "unterminated policy variable";
    return std::nullopt;
  }
  std::string_view body = raw.substr(pos + 2, close - pos - 2);
  VariableRef ref;
  ref.end = close + 1;
  size_t comma = body.find(',');
  ref.name = Trim(body.substr(0, comma));
  if (comma != std::string_view::npos) {
    std::string_view def = Trim(body.substr(comma + 1));
    if (def.size() < 2 || def.front() != '\'' || def.back() != '\'') {
      if (error) *error = "policy variable default must be in single quotes";
      return std::nullopt;
    }
    ref.fallback = def.substr(1, def.size() - 2);
  }
  if (ref.name.empty()) {
    if (error) *error = "empty policy variable";
    return std::nullopt;
  }
  return ref;
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IsResourceFreeAction(std::string_view action) {
  for (std::string_view svc : {"admin:", "kms:", "sts:"}) {
    if (action.size() >= svc.size() && EqualsIgnoreCase(action.substr(0, svc.size()), svc)) {
      return true;
    }
  }
  return false;
}

ContextView::ContextView(const RequestContext* context) : context_(context) {}

const std::vector<std::string>* ContextView::Find(std::string_view key) const {
  if (context_) {
    // A request brings a handful of keys: a scan costs less than building a lookup key.
    for (const auto& [k, v] : context_->values) {
      if (EqualsIgnoreCase(k, key)) return &v;
    }
  }
  if (context_ && !context_->username.empty() && EqualsIgnoreCase(key, "aws:username")) {
    if (username_.empty()) username_.push_back(context_->username);
    return &username_;
  }
  return nullptr;
}

const std::string* ContextView::FindSingle(std::string_view key) const {
  const std::vector<std::string>* values = Find(key);
  if (!values || values->size() != 1) return nullptr;
  return &values->front();
}

bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case, bool escaped) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  auto utf8_len = [&](size_t at) {
    size_t n = 1;
    while (at + n < text.size() && (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80) ++n;
    return n;
  };
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (c == '?') {
        ++p;
        t += utf8_len(t);
        continue;
      }
      size_t len = 1;
      if (escaped && c == '\\' && p + 1 < pattern.size()) {
        c = pattern[p + 1];
        len = 2;
      }
      if (c == text[t] || (ignore_case && Lower(c) == Lower(text[t]))) {
        p += len;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool HasVariables(std::string_view raw) { return raw.find("${") != std::string_view::npos; }

bool CheckVariables(std::string_view raw, std::string* error) {
  for (size_t pos = raw.find("${"); pos != std::string_view::npos; pos = raw.find("${", pos)) {
    auto ref = ParseRef(raw, pos, error);
    if (!ref) return false;
    pos = ref->end;
  }
  return true;
}

std::optional<std::string> ExpandVariables(std::string_view raw, const ContextView& context,
                                           bool glob) {
  std::string out;
  out.reserve(raw.size() + 16);
  size_t pos = 0;
  while (pos < raw.size()) {
    if (raw[pos] == '$' && pos + 1 < raw.size() && raw[pos + 1] == '{') {
      auto ref = ParseRef(raw, pos, nullptr);
      if (!ref) return std::nullopt;  // rejected at parse time; defensive
      std::string_view value;
      if (ref->name == "*" || ref->name == "?" || ref->name == "$") {
        value = ref->name;
      } else if (const std::string* v = context.FindSingle(ref->name)) {
        value = *v;
      } else if (ref->fallback) {
        value = *ref->fallback;
      } else {
        return std::nullopt;
      }
      if (glob) {
        AppendEscaped(out, value);
      } else {
        out.append(value);
      }
      pos = ref->end;
      continue;
    }
    if (glob && raw[pos] == '\\') out.push_back('\\');
    out.push_back(raw[pos++]);
  }
  return out;
}

std::string EscapeForGlob(std::string_view raw, bool keep_wildcards) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == '\\' || (!keep_wildcards && (c == '*' || c == '?'))) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::optional<Cidr> ParseCidr(std::string_view text, bool allow_prefix) {
  text = Trim(text);
  std::string_view addr = text;
  std::optional<int> prefix;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    if (!allow_prefix) return std::nullopt;
    addr = text.substr(0, slash);
    std::string_view bits = text.substr(slash + 1);
    int v = 0;
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), v);
    if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty()) return std::nullopt;
    prefix = v;
  }
  if (addr.empty() || addr.size() > 45) return std::nullopt;
  std::string s(addr);
  Cidr out;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), out.bytes) != 1) return std::nullopt;
    out.family = 4;
    out.prefix = prefix.value_or(32);
    if (out.prefix < 0 || out.prefix > 32) return std::nullopt;
    return out;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.bytes) != 1) return std::nullopt;
  out.family = 6;
  out.prefix = prefix.value_or(128);
  if (out.prefix < 0 || out.prefix > 128) return std::nullopt;
  // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 address, as a dual-stack socket reports.
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out.bytes, kMapped, 12) == 0 && out.prefix >= 96) {
    std::memmove(out.bytes, out.bytes + 12, 4);
    std::memset(out.bytes + 4, 0, 12);
    out.family = 4;
    out.prefix -= 96;
  }
  return out;
}

bool CidrContains(const Cidr& network, const Cidr& address) {
  if (network.family != address.family) return false;
  int bits = network.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((network.bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<int64_t> ParseDateSeconds(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  // Epoch seconds (aws:EpochTime, or a policy written that way).
  if (s.find('-') == std::string_view::npos ||
      (s[0] == '-' && s.size() > 1 && s.find('-', 1) == std::string_view::npos)) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  }
  size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' ||
      !ReadDigits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-' ||
      !ReadDigits(s, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
    ++pos;
    if (!ReadDigits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' ||
        !ReadDigits(s, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadDigits(s, pos, 2, second)) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < s.size()) {
      char z = s[pos];
      if ((z == 'Z' || z == 'z') && pos + 1 == s.size()) {
        pos = s.size();
      } else if (z == '+' || z == '-') {
        ++pos;
        int oh, om;
        if (!ReadDigits(s, pos, 2, oh) || pos >= s.size() || s[pos++] != ':' ||
            !ReadDigits(s, pos, 2, om) || pos != s.size() || oh > 23 || om > 59) {
          return std::nullopt;
        }
        offset = (z == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        return std::nullopt;
      }
    }
  }
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
}

std::optional<double> ParseNumber(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace cairn::iam::policy::internal
