#include "s3/conditions.h"

#include <charconv>

#include "common/time.h"

namespace cairn::s3 {

namespace {

int64_t Seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Last-Modified has one-second resolution; compare at that resolution.
std::optional<int64_t> HeaderSeconds(const Headers& headers, std::string_view name) {
  auto value = headers.Get(name);
  if (!value) return std::nullopt;
  auto t = ParseHttpDate(*value);
  if (!t) return std::nullopt;  // an unparsable date is ignored, as HTTP requires
  return Seconds(*t);
}

bool ParseUint(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::string_view UnquoteEtag(std::string_view etag) {
  etag = TrimWhitespace(etag);
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

bool EtagListMatches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = TrimWhitespace(list.substr(0, comma));
    if (item == "*" || UnquoteEtag(item) == etag) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Status CheckReadConditions(const Headers& headers, const storage::ObjectInfo& info) {
  int64_t modified = Seconds(info.modified);
  auto if_match = headers.Get("if-match");
  if (if_match) {
    if (!EtagListMatches(*if_match, info.etag)) return Status(Code::kPreconditionFailed, "");
  } else if (auto since = HeaderSeconds(headers, "if-unmodified-since")) {
    if (modified > *since) return Status(Code::kPreconditionFailed, "");
  }
  auto if_none_match = headers.Get("if-none-match");
  if (if_none_match) {
    if (EtagListMatches(*if_none_match, info.etag)) return Status(Code::kNotModified, "");
  } else if (auto since = HeaderSeconds(headers, "if-modified-since")) {
    if (modified <= *since) return Status(Code::kNotModified, "");
  }
  return Status::Ok();
}

Status CheckCopySourceConditions(const Headers& headers, const storage::ObjectInfo& info) {
  int64_t modified = Seconds(info.modified);
  Status failed(Code::kPreconditionFailed, "");
  auto if_match = headers.Get("x-amz-copy-source-if-match");
  if (if_match && !EtagListMatches(*if_match, info.etag)) return failed;
  if (!if_match) {
    if (auto since = HeaderSeconds(headers, "x-amz-copy-source-if-unmodified-since")) {
      if (modified > *since) return failed;
    }
  }
  auto if_none_match = headers.Get("x-amz-copy-source-if-none-match");
  if (if_none_match && EtagListMatches(*if_none_match, info.etag)) return failed;
  if (!if_none_match) {
    if (auto since = HeaderSeconds(headers, "x-amz-copy-source-if-modified-since")) {
      if (modified <= *since) return failed;
    }
  }
  return Status::Ok();
}

Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  header = TrimWhitespace(header);
  if (!header.starts_with("bytes=")) return std::optional<ByteRange>();
  std::string_view spec = TrimWhitespace(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>();
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  std::string_view first = TrimWhitespace(spec.substr(0, dash));
  std::string_view last = TrimWhitespace(spec.substr(dash + 1));
  Status unsatisfiable(Code::kInvalidRange, "");
  if (first.empty()) {  // bytes=-n: the last n bytes
    uint64_t n = 0;
    if (!ParseUint(last, n)) return std::optional<ByteRange>();
    if (n == 0 || size == 0) return unsatisfiable;
    if (n > size) n = size;
    return std::optional<ByteRange>(ByteRange{size - n, n});
  }
  uint64_t start = 0;
  if (!ParseUint(first, start)) return std::optional<ByteRange>();
  uint64_t end = size == 0 ? 0 : size - 1;
  if (!last.empty()) {
    uint64_t requested_end = 0;
    if (!ParseUint(last, requested_end)) return std::optional<ByteRange>();
    if (requested_end < start) return std::optional<ByteRange>();  // syntactically invalid
    if (requested_end < end) end = requested_end;
  }
  if (start >= size) return unsatisfiable;
  return std::optional<ByteRange>(ByteRange{start, end - start + 1});
}

}  // namespace cairn::s3
