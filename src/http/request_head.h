// Reading a request head with Boost.Beast's parser, shared by the server and the request-head
// fuzz target so that both read every head the same way.
#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <string_view>

#include "http/request.h"

namespace cairn::http {

using HeadParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// Sets the limits every head is read with: at most `max_header_bytes` of head, any body size
// (the handler bounds it), and the body left unread until the handler asks for it.
void ConfigureHeadParser(HeadParser& parser, uint32_t max_header_bytes);

// Fills `request` from a parser whose head is done: method, target split into path and query,
// every field in order, chunked / Content-Length, and the peer's address.
void RequestFromHead(const HeadParser& parser, std::string_view remote_ip, Request& request);

}  // namespace cairn::http
