#include "common/time.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace cairn {

using namespace std::chrono_literals;

namespace {
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// UTC fields of `t`, as gmtime_r gives them, without gmtime_r: glibc's takes the time-zone lock
// on every call, and every response formats a date or two. Days to civil date after Howard
// Hinnant's days_from_civil inverse (exact over the whole proleptic Gregorian range).
struct Fields {
  int64_t year;
  int mon;  // 1..12
  int day;  // 1..31
  int hour, min, sec;
  int wday;  // 0 = Sunday
};

Fields ToFields(TimePoint t) {
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  if (t.time_since_epoch().count() < 0 && t.time_since_epoch() % std::chrono::seconds(1) != 0s) {
    --secs;
  }
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  Fields f{};
  f.hour = static_cast<int>(rem / 3600);
  f.min = static_cast<int>(rem % 3600 / 60);
  f.sec = static_cast<int>(rem % 60);
  f.wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  f.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  f.mon = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  f.year = yoe + era * 400 + (f.mon <= 2 ? 1 : 0);
  return f;
}

// Writes `v` (0 <= v < 10^width) as exactly `width` digits.
char* Digits(char* out, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + width;
}

std::optional<TimePoint> FromFields(int year, int mon, int day, int h, int m, int s,
                                    int64_t nanos) {
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 ||
      s > 60) {
    return std::nullopt;
  }
  // TimePoint counts int64 nanoseconds: 1677-09-21 to 2262-04-11. A date outside (a header
  // naming year 3000 or 0001) is not representable; converting it would overflow.
  if (year < 1678 || year > 2261) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  std::time_t secs = timegm(&tm);
  return TimePoint(std::chrono::seconds(secs)) + std::chrono::nanoseconds(nanos);
}

int MonthIndex(std::string_view name) {
  for (int i = 0; i < 12; ++i) {
    if (name == kMonths[i]) return i + 1;
  }
  return 0;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

TimePoint Now() { return TimePoint(Clock::now().time_since_epoch()); }
int64_t ToUnixNanos(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromUnixNanos(int64_t ns) { return TimePoint(std::chrono::nanoseconds(ns)); }

// Years outside 0..9999 are rare enough to go through snprintf (same text as before).
std::string FormatAmzDate(TimePoint t) {
  Fields f = ToFields(t);
  char buf[64];
  if (f.year < 0 || f.year > 9999) {
    std::snprintf(buf, sizeof buf, "%04lld%02d%02dT%02d%02d%02dZ", static_cast<long long>(f.year),
                  f.mon, f.day, f.hour, f.min, f.sec);
    return buf;
  }
  char* p = Digits(buf, f.year, 4);
  p = Digits(p, f.mon, 2);
  p = Digits(p, f.day, 2);
  *p++ = 'T';
  p = Digits(p, f.hour, 2);
  p = Digits(p, f.min, 2);
  p = Digits(p, f.sec, 2);
  *p++ = 'Z';
  return std::string(buf, p);
}

std::string FormatIso8601(TimePoint t) {
  Fields f = ToFields(t);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()) % 1000;
  if (millis < 0ms) millis += 1000ms;
  char buf[64];
  if (f.year < 0 || f.year > 9999) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(f.year), f.mon, f.day, f.hour, f.min, f.sec,
                  static_cast<int>(millis.count()));
    return buf;
  }
  char* p = Digits(buf, f.year, 4);
  *p++ = '-';
  p = Digits(p, f.mon, 2);
  *p++ = '-';
  p = Digits(p, f.day, 2);
  *p++ = 'T';
  p = Digits(p, f.hour, 2);
  *p++ = ':';
  p = Digits(p, f.min, 2);
  *p++ = ':';
  p = Digits(p, f.sec, 2);
  *p++ = '.';
  p = Digits(p, millis.count(), 3);
  *p++ = 'Z';
  return std::string(buf, p);
}

std::string FormatHttpDate(TimePoint t) {
  Fields f = ToFields(t);
  char buf[64];
  if (f.year < 0 || f.year > 9999) {
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04lld %02d:%02d:%02d GMT", kDays[f.wday], f.day,
                  kMonths[f.mon - 1], static_cast<long long>(f.year), f.hour, f.min, f.sec);
    return buf;
  }
  char* p = buf;
  std::memcpy(p, kDays[f.wday], 3);
  p += 3;
  *p++ = ',';
  *p++ = ' ';
  p = Digits(p, f.day, 2);
  *p++ = ' ';
  std::memcpy(p, kMonths[f.mon - 1], 3);
  p += 3;
  *p++ = ' ';
  p = Digits(p, f.year, 4);
  *p++ = ' ';
  p = Digits(p, f.hour, 2);
  *p++ = ':';
  p = Digits(p, f.min, 2);
  *p++ = ':';
  p = Digits(p, f.sec, 2);
  std::memcpy(p, " GMT", 4);
  p += 4;
  return std::string(buf, p);
}

std::optional<TimePoint> ParseAmzDate(std::string_view s) {
  // YYYYMMDDTHHMMSSZ
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  if (!AllDigits(s.substr(0, 8)) || !AllDigits(s.substr(9, 6))) return std::nullopt;
  return FromFields(ToInt(s.substr(0, 4)), ToInt(s.substr(4, 2)), ToInt(s.substr(6, 2)),
                    ToInt(s.substr(9, 2)), ToInt(s.substr(11, 2)), ToInt(s.substr(13, 2)), 0);
}

std::optional<TimePoint> ParseIso8601(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff...]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z') {
    return std::nullopt;
  }
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2)) ||
      !AllDigits(s.substr(11, 2)) || !AllDigits(s.substr(14, 2)) || !AllDigits(s.substr(17, 2))) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  std::string_view rest = s.substr(19, s.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || !AllDigits(rest.substr(1)) || rest.size() > 10) return std::nullopt;
    std::string_view frac = rest.substr(1);
    for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  }
  return FromFields(ToInt(s.substr(0, 4)), ToInt(s.substr(5, 2)), ToInt(s.substr(8, 2)),
                    ToInt(s.substr(11, 2)), ToInt(s.substr(14, 2)), ToInt(s.substr(17, 2)), nanos);
}

std::optional<TimePoint> ParseHttpDate(std::string_view s) {
  char wday[16] = {0}, mon[8] = {0};
  int day = 0, year = 0, h = 0, m = 0, sec = 0;
  std::string str(s);
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  if (std::sscanf(str.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d GMT", wday, &day, mon, &year, &h, &m,
                  &sec) == 7) {
    return FromFields(year, MonthIndex(mon), day, h, m, sec, 0);
  }
  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  if (std::sscanf(str.c_str(), "%15[A-Za-z], %2d-%3s-%d %2d:%2d:%2d GMT", wday, &day, mon, &year,
                  &h, &m, &sec) == 7) {
    if (year < 100) year += year < 70 ? 2000 : 1900;
    return FromFields(year, MonthIndex(mon), day, h, m, sec, 0);
  }
  // asctime: Sun Nov  6 08:49:37 1994
  if (std::sscanf(str.c_str(), "%3s %3s %d %2d:%2d:%2d %4d", wday, mon, &day, &h, &m, &sec,
                  &year) == 7) {
    return FromFields(year, MonthIndex(mon), day, h, m, sec, 0);
  }
  return std::nullopt;
}

}  // namespace cairn
