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

std::tm ToTm(TimePoint t) {
  std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  if (t.time_since_epoch().count() < 0 && t.time_since_epoch() % std::chrono::seconds(1) != 0s) {
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
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

std::string FormatAmzDate(TimePoint t) {
  std::tm tm = ToTm(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string FormatIso8601(TimePoint t) {
  std::tm tm = ToTm(t);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()) % 1000;
  if (millis < 0ms) millis += 1000ms;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis.count()));
  return buf;
}

std::string FormatHttpDate(TimePoint t) {
  std::tm tm = ToTm(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
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
