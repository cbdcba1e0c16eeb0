// Byte encodings used on the wire: hex, base64, and the URI percent-encoding of SigV4 and S3.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn {

std::string HexEncode(std::string_view raw);  // lower-case
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view raw);
// Strict standard base64 with padding; nullopt on any other input.
std::optional<std::string> Base64Decode(std::string_view text);

// Percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (and '/' when `keep_slash`), with
// upper-case hex: the SigV4 canonical form and S3's encoding-type=url.
std::string UriEncode(std::string_view s, bool keep_slash);
// Decodes %XX escapes; with `plus_as_space`, '+' becomes ' ' (query strings). nullopt when an
// escape is malformed.
std::optional<std::string> UriDecode(std::string_view s, bool plus_as_space);

// Splits a raw query string into decoded (name, value) pairs in order; "a&b=" gives
// {("a",""),("b","")}. nullopt when an escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view raw);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

}  // namespace cairn
