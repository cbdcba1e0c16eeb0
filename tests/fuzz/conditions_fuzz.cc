// Range and conditional headers: s3::ParseRange against an object size, the read and copy-source
// conditions (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since and the
// x-amz-copy-source-if-* family), entity-tag lists, and the date parsers under them
// (ParseHttpDate in its three forms, ParseIso8601, ParseAmzDate).
//
// Input lines: the Range header value, the object size (decimal), the object's ETag, its
// Last-Modified (an HTTP date), then header lines "Name: value". Checked beyond not crashing: a
// range that parses lies inside the object and is not empty, and a date that parses formats
// and parses back to the same second.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "common/time.h"
#include "fuzz_util.h"
#include "s3/conditions.h"

namespace {

void CheckDate(std::string_view text) {
  using namespace cairn;
  using std::chrono::seconds;
  auto seconds_of = [](TimePoint t) {
    return std::chrono::floor<seconds>(t.time_since_epoch()).count();
  };
  if (auto t = ParseHttpDate(text)) {
    std::string formatted = FormatHttpDate(*t);
    auto back = ParseHttpDate(formatted);
    if (!back || seconds_of(*back) != seconds_of(*t)) {
      fprintf(stderr, "HTTP date round trip: '%.*s' -> '%s'\n", static_cast<int>(text.size()),
              text.data(), formatted.c_str());
      abort();
    }
  }
  if (auto t = ParseIso8601(text)) {
    std::string formatted = FormatIso8601(*t);
    auto back = ParseIso8601(formatted);
    if (!back || seconds_of(*back) != seconds_of(*t)) {
      fprintf(stderr, "ISO 8601 round trip: '%.*s' -> '%s'\n", static_cast<int>(text.size()),
              text.data(), formatted.c_str());
      abort();
    }
  }
  if (auto t = ParseAmzDate(text)) {
    std::string formatted = FormatAmzDate(*t);
    auto back = ParseAmzDate(formatted);
    if (!back || seconds_of(*back) != seconds_of(*t)) {
      fprintf(stderr, "amz date round trip: '%.*s' -> '%s'\n", static_cast<int>(text.size()),
              text.data(), formatted.c_str());
      abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  using namespace cairn::s3;
  fuzz::Input in(data, size);
  std::string_view range = in.Line();
  uint64_t object_size = 0;
  for (char c : in.Line().substr(0, 20)) object_size = object_size * 10 + (c & 15) % 10;
  storage::ObjectInfo info;
  info.size = object_size;
  info.etag = std::string(in.Line());
  std::string_view modified = in.Line();
  CheckDate(modified);
  info.modified = ParseHttpDate(modified).value_or(*ParseAmzDate("20130524T000000Z"));

  Result<std::optional<ByteRange>> parsed = ParseRange(range, object_size);
  if (parsed.ok() && parsed->has_value()) {
    const ByteRange& r = **parsed;
    if (r.length == 0 || r.start >= object_size || r.length > object_size - r.start) {
      fprintf(stderr, "range %llu+%llu outside an object of %llu bytes\n",
              static_cast<unsigned long long>(r.start), static_cast<unsigned long long>(r.length),
              static_cast<unsigned long long>(object_size));
      abort();
    }
  }

  Headers headers;
  for (int i = 0; i < 16 && !in.empty(); ++i) {
    std::string_view line = in.Line();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = TrimWhitespace(line.substr(colon + 1));
    headers.Add(line.substr(0, colon), value);
    CheckDate(value);
    (void)EtagListMatches(value, info.etag);
    (void)UnquoteEtag(value);
  }
  Status read = CheckReadConditions(headers, info);
  if (!read.ok() && read.code() != Code::kNotModified && read.code() != Code::kPreconditionFailed) {
    abort();
  }
  Status copy = CheckCopySourceConditions(headers, info);
  if (!copy.ok() && copy.code() != Code::kPreconditionFailed) abort();
  return 0;
}
