#include "storage/lifecycle.h"

#include <algorithm>
#include <chrono>

namespace cairn::storage {

bool LifecycleMatches(const LifecycleFilter& filter, std::string_view key, uint64_t size,
                      const Tags& tags) {
  if (!key.starts_with(filter.prefix)) return false;
  if (filter.size_greater_than && !(size > *filter.size_greater_than)) return false;
  if (filter.size_less_than && !(size < *filter.size_less_than)) return false;
  for (const auto& wanted : filter.tags) {
    if (std::find(tags.begin(), tags.end(), wanted) == tags.end()) return false;
  }
  return true;
}

TimePoint LifecycleDueTime(TimePoint since, int days, int64_t day_seconds) {
  TimePoint due = since + std::chrono::seconds(static_cast<int64_t>(days) * day_seconds);
  if (day_seconds != kSecondsPerDay) return due;
  // Up to the next midnight UTC (a time exactly at midnight stays).
  const auto day = std::chrono::floor<std::chrono::days>(due);
  return day == due ? due : TimePoint(day + std::chrono::days(1));
}

std::optional<LifecycleExpiry> CurrentVersionExpiry(const LifecycleConfiguration& config,
                                                    std::string_view key, uint64_t size,
                                                    const Tags& tags, TimePoint modified,
                                                    int64_t day_seconds) {
  std::optional<LifecycleExpiry> best;
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.enabled || !rule.ExpiresCurrent()) continue;
    if (!LifecycleMatches(rule.filter, key, size, tags)) continue;
    TimePoint when = rule.expiration_date
                         ? *rule.expiration_date
                         : LifecycleDueTime(modified, *rule.expiration_days, day_seconds);
    if (!best || when < best->when) best = LifecycleExpiry{when, rule.id};
  }
  return best;
}

std::string FormatExpirationHeader(const LifecycleExpiry& expiry) {
  return "expiry-date=\"" + FormatHttpDate(expiry.when) + "\", rule-id=\"" + expiry.rule_id + "\"";
}

bool NoncurrentVersionDue(const LifecycleConfiguration& config, std::string_view key, uint64_t size,
                          const Tags& tags, TimePoint noncurrent_since, int newer_noncurrent,
                          TimePoint now, int64_t day_seconds) {
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.enabled || !rule.noncurrent_days) continue;
    if (!LifecycleMatches(rule.filter, key, size, tags)) continue;
    if (newer_noncurrent < rule.newer_noncurrent_versions.value_or(0)) continue;
    if (LifecycleDueTime(noncurrent_since, *rule.noncurrent_days, day_seconds) <= now) return true;
  }
  return false;
}

bool ExpiredDeleteMarkerDue(const LifecycleConfiguration& config, std::string_view key) {
  for (const LifecycleRule& rule : config.rules) {
    if (rule.enabled && rule.expired_object_delete_marker &&
        LifecycleMatches(rule.filter, key, 0, {})) {
      return true;
    }
  }
  return false;
}

bool UploadAbortDue(const LifecycleConfiguration& config, std::string_view key, TimePoint initiated,
                    TimePoint now, int64_t day_seconds) {
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.enabled || !rule.abort_days) continue;
    // Uploads have no tags or size yet: AWS refuses such filters with this action.
    if (!key.starts_with(rule.filter.prefix)) continue;
    if (LifecycleDueTime(initiated, *rule.abort_days, day_seconds) <= now) return true;
  }
  return false;
}

}  // namespace cairn::storage
