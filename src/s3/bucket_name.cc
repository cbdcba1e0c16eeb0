#include "s3/bucket_name.h"

#include <array>

namespace cairn::s3 {

namespace {
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view name) {
  int dots = 0;
  int digits = 0;
  for (char c : name) {
    if (c == '.') {
      if (digits == 0 || digits > 3) return false;
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0 && digits <= 3;
}
}  // namespace

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  char prev = 0;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
    if (c == '.' && (prev == '.' || prev == '-')) return false;
    if (c == '-' && prev == '.') return false;
    prev = c;
  }
  if (LooksLikeIpv4(name)) return false;
  constexpr std::array kPrefixes = {"xn--", "sthree-", "amzn-s3-demo-"};
  for (std::string_view p : kPrefixes) {
    if (name.starts_with(p)) return false;
  }
  constexpr std::array kSuffixes = {"-s3alias", "--ol-s3", ".mrap", "--x-s3"};
  for (std::string_view s : kSuffixes) {
    if (name.ends_with(s)) return false;
  }
  return true;
}

}  // namespace cairn::s3
