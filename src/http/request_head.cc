#include "http/request_head.h"

#include <iterator>
#include <limits>
#include <string>

namespace cairn::http {

void ConfigureHeadParser(HeadParser& parser, uint32_t max_header_bytes) {
  parser.header_limit(max_header_bytes);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.eager(false);
}

void RequestFromHead(const HeadParser& parser, std::string_view remote_ip, Request& request) {
  const auto& msg = parser.get();
  request = Request();
  request.method.assign(msg.method_string().data(), msg.method_string().size());
  request.target.assign(msg.target().data(), msg.target().size());
  size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  if (q != std::string::npos) request.query = request.target.substr(q + 1);
  request.headers.Reserve(static_cast<size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& field : msg) {
    request.headers.Add(std::string_view(field.name_string().data(), field.name_string().size()),
                        std::string_view(field.value().data(), field.value().size()));
  }
  request.chunked = parser.chunked();
  if (auto length = parser.content_length()) request.content_length = *length;
  request.remote_ip.assign(remote_ip.data(), remote_ip.size());
}

}  // namespace cairn::http
