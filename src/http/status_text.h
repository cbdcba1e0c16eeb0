#pragma once

#include <string_view>

namespace cairn::http {

// The reason phrase for an HTTP status code ("Not Found"); "Unknown" for codes Cairn never sends.
std::string_view StatusText(int status);

}  // namespace cairn::http
