// Reading a request head: a strict HTTP/1.1 head parser over the connection's input buffer,
// shared by the server and the request-head fuzz target so that both read every head the same
// way. It allocates nothing but the Request's own strings (Beast's parser allocated a node per
// field and was copied into the Request afterwards: ~10% of a 4 KiB GET). Chunked bodies are
// still decoded by Beast's parser (MakeChunkedBodyParser), which re-reads the head once.
#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request.h"

namespace cairn::http {

enum class HeadStatus {
  kIncomplete,   // no blank line yet: read more (unless the buffer is at the limit)
  kComplete,     // `request` is filled in; the head is `length` bytes
  kTooLarge,     // the head is longer than the limit: 431
  kBad,          // not a well-formed HTTP/1.x request head: 400
  kBadVersion,   // HTTP/2 or later in a request line: 505
  kBadEncoding,  // a Transfer-Encoding other than chunked: 501
};

struct HeadResult {
  HeadStatus status = HeadStatus::kIncomplete;
  size_t length = 0;        // bytes of head, including the blank line (kComplete)
  bool keep_alive = false;  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 with "keep-alive"
};

// Parses the head at the start of `input` into `request` (its strings keep their capacity).
// `scanned` carries, between calls on a growing buffer, how far the blank line was already looked
// for (start it at 0 for each head), so a head trickling in is not rescanned from its start.
// Rules (RFC 9112, as strict as Beast's parser): CRLF line ends; a token method, one space, an
// origin- or absolute-form target of visible bytes, one space, "HTTP/1.x"; field names are tokens
// followed directly by ':'; values have no control byte but TAB; no obs-fold; Content-Length is
// digits (repeats must agree); Transfer-Encoding ends in chunked and excludes Content-Length.
HeadResult ParseRequestHead(std::string_view input, size_t max_head_bytes,
                            std::string_view remote_ip, Request& request, size_t& scanned);

using ChunkedBodyParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// Beast's parser set up for a chunked body: it is fed the head (bytes already checked by
// ParseRequestHead) and returns false if it disagrees; afterwards put() decodes the chunks.
bool StartChunkedBodyParser(ChunkedBodyParser& parser, std::string_view head);

}  // namespace cairn::http
