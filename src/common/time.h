// Time formats S3 speaks: ISO 8601 basic (x-amz-date), ISO 8601 with milliseconds (XML bodies)
// and the RFC 7231 IMF-fixdate (Last-Modified, Date).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::nanoseconds>;

TimePoint Now();
int64_t ToUnixNanos(TimePoint t);
TimePoint FromUnixNanos(int64_t ns);

std::string FormatAmzDate(TimePoint t);   // 20130524T000000Z
std::string FormatIso8601(TimePoint t);   // 2013-05-24T00:00:00.000Z
std::string FormatHttpDate(TimePoint t);  // Fri, 24 May 2013 00:00:00 GMT

// Each parser answers nullopt for text not in its form, and for dates outside the years
// 1678-2261 that a TimePoint can hold.
std::optional<TimePoint> ParseAmzDate(std::string_view s);
std::optional<TimePoint> ParseIso8601(std::string_view s);  // with or without fraction
// Accepts IMF-fixdate, RFC 850 and asctime forms, as HTTP requires of recipients.
std::optional<TimePoint> ParseHttpDate(std::string_view s);

}  // namespace cairn
