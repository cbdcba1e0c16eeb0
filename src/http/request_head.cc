#include "http/request_head.h"

#include <array>
#include <cstring>
#include <limits>

#include "common/headers.h"

namespace cairn::http {
namespace {

// RFC 9110 token characters.
constexpr std::array<bool, 256> kToken = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// Request-target bytes: visible ASCII and obs-text, as Beast's parser accepted.
constexpr std::array<bool, 256> kTarget = [] {
  std::array<bool, 256> t{};
  for (int c = 0x21; c <= 0xff; ++c) t[c] = c != 0x7f;
  return t;
}();

bool IsToken(unsigned char c) { return kToken[c]; }

// True when every byte of [p, end) may be in a field value: TAB, SP, VCHAR, obs-text. Checks 8
// bytes at a time: a byte b is bad when b < 0x20 and b != TAB, or b == 0x7f.
bool ValueBytesOk(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    // Bytes below 0x20 (ASCII only: high-bit bytes are excluded by ~w), and bytes equal to 0x7f.
    uint64_t below = (w - kOnes * 0x20) & ~w & kHigh;
    uint64_t x7f = w ^ (kOnes * 0x7f);
    uint64_t del = (x7f - kOnes) & ~x7f & kHigh;
    if (below | del) {
      // Rare (a TAB, or a bad byte): decide byte by byte.
      for (int i = 0; i < 8; ++i) {
        unsigned char c = static_cast<unsigned char>(p[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
      }
    }
    p += 8;
  }
  for (; p < end; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

bool NameIs(std::string_view name, std::string_view lower) {
  return name.size() == lower.size() && EqualsIgnoreCase(name, lower);
}

// Whether a comma-separated list (Connection) holds `token`, any case.
bool ListHas(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (EqualsIgnoreCase(TrimWhitespace(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// The last coding of a Transfer-Encoding list, lower-cased comparison done by the caller.
std::string_view LastCoding(std::string_view list) {
  size_t comma = list.rfind(',');
  return TrimWhitespace(comma == std::string_view::npos ? list : list.substr(comma + 1));
}

bool ParseLength(std::string_view v, uint64_t& out) {
  if (v.empty()) return false;
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    n = n * 10 + d;
  }
  out = n;
  return true;
}

HeadResult Fail(HeadStatus status) {
  HeadResult r;
  r.status = status;
  return r;
}

}  // namespace

HeadResult ParseRequestHead(std::string_view input, size_t max_head_bytes,
                            std::string_view remote_ip, Request& request, size_t& scanned) {
  // 1. Find the blank line that ends the head, resuming where the last call stopped (less the 3
  //    bytes a "\r\n\r\n" split across reads could have started with).
  size_t from = scanned > 3 ? scanned - 3 : 0;
  size_t limit = std::min(input.size(), max_head_bytes);
  size_t end = std::string_view::npos;
  for (size_t i = from; i + 3 < limit;) {
    const void* cr = std::memchr(input.data() + i, '\r', limit - 3 - i);
    if (cr == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(cr) - input.data());
    if (input[i + 1] == '\n' && input[i + 2] == '\r' && input[i + 3] == '\n') {
      end = i + 4;
      break;
    }
    ++i;
  }
  if (end == std::string_view::npos) {
    scanned = limit;
    return Fail(input.size() >= max_head_bytes ? HeadStatus::kTooLarge : HeadStatus::kIncomplete);
  }
  // Leading empty lines before a request line are allowed by RFC 9112 ("SHOULD ignore at least
  // one"); Beast did not, and no client sends them: 400.
  const char* p = input.data();
  const char* const head_end = input.data() + end - 2;  // at the final CRLF

  // 2. Request line: method SP target SP HTTP/1.x CRLF.
  const char* q = p;
  while (q < head_end && IsToken(static_cast<unsigned char>(*q))) ++q;
  if (q == p || q >= head_end || *q != ' ') return Fail(HeadStatus::kBad);
  std::string_view method(p, static_cast<size_t>(q - p));
  p = q + 1;
  q = p;
  while (q < head_end && kTarget[static_cast<unsigned char>(*q)]) ++q;
  if (q == p || q >= head_end || *q != ' ') return Fail(HeadStatus::kBad);
  std::string_view target(p, static_cast<size_t>(q - p));
  p = q + 1;
  if (head_end - p < 10 || std::memcmp(p, "HTTP/", 5) != 0 || p[5] < '0' || p[5] > '9' ||
      p[6] != '.' || p[7] < '0' || p[7] > '9' || p[8] != '\r' || p[9] != '\n') {
    return Fail(HeadStatus::kBad);
  }
  if (p[5] != '1') return Fail(p[5] == '0' ? HeadStatus::kBad : HeadStatus::kBadVersion);
  bool http11 = p[7] != '0';
  p += 10;

  request.method.assign(method);
  request.target.assign(target);
  size_t qmark = target.find('?');
  request.path.assign(target.substr(0, qmark));
  if (qmark == std::string_view::npos) {
    request.query.clear();
  } else {
    request.query.assign(target.substr(qmark + 1));
  }
  request.headers = Headers();
  request.content_length.reset();
  request.chunked = false;
  request.remote_ip.assign(remote_ip);
  request.secure = false;

  // 3. Fields: name ":" OWS value OWS CRLF, up to the blank line.
  bool close = false;
  bool keep_alive_token = false;
  bool has_length = false;
  bool has_encoding = false;
  uint64_t length = 0;
  while (p < head_end) {
    q = p;
    while (q < head_end && IsToken(static_cast<unsigned char>(*q))) ++q;
    // An empty name (obs-fold starts with SP/HTAB) or space before ':' is refused.
    if (q == p || q >= head_end || *q != ':') return Fail(HeadStatus::kBad);
    std::string_view name(p, static_cast<size_t>(q - p));
    const char* v = q + 1;
    const char* eol =
        static_cast<const char*>(std::memchr(v, '\r', static_cast<size_t>(head_end + 2 - v)));
    if (eol == nullptr || eol + 1 >= head_end + 2 || eol[1] != '\n') return Fail(HeadStatus::kBad);
    if (!ValueBytesOk(v, eol)) return Fail(HeadStatus::kBad);
    while (v < eol && (*v == ' ' || *v == '\t')) ++v;
    const char* ve = eol;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) --ve;
    std::string_view value(v, static_cast<size_t>(ve - v));
    p = eol + 2;

    switch (name.size()) {
      case 10:
        if (NameIs(name, "connection")) {
          close = close || ListHas(value, "close");
          keep_alive_token = keep_alive_token || ListHas(value, "keep-alive");
        }
        break;
      case 14:
        if (NameIs(name, "content-length")) {
          uint64_t n = 0;
          if (!ParseLength(value, n)) return Fail(HeadStatus::kBad);
          if (has_length && n != length) return Fail(HeadStatus::kBad);
          has_length = true;
          length = n;
        }
        break;
      case 17:
        if (NameIs(name, "transfer-encoding")) {
          // Only the last coding counts; several fields form one list.
          has_encoding = true;
          request.chunked = EqualsIgnoreCase(LastCoding(value), "chunked");
        }
        break;
      default: break;
    }
    request.headers.Add(name, value);
  }
  if (has_encoding) {
    // RFC 9112 6.1: a request with both is refused (request smuggling); a final coding other
    // than chunked leaves the body length unknown.
    if (has_length) return Fail(HeadStatus::kBad);
    if (!request.chunked) return Fail(HeadStatus::kBadEncoding);
  } else if (has_length) {
    request.content_length = length;
  }

  HeadResult r;
  r.status = HeadStatus::kComplete;
  r.length = end;
  r.keep_alive = http11 ? !close : (keep_alive_token && !close);
  return r;
}

bool StartChunkedBodyParser(ChunkedBodyParser& parser, std::string_view head) {
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(head.size() + 1, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.eager(false);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(head.data(), head.size()), ec);
  return !ec && used == head.size() && parser.is_header_done() && parser.chunked();
}

}  // namespace cairn::http
