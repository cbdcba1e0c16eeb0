// An ordered list of HTTP header fields with lower-case names: the one header type shared by
// http/ (parsing), auth/ (canonical requests) and s3/ (handlers), so none depends on another.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn {

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;  // {lower-case name, value}

  // Appends a field; `name` is lower-cased. Repeated names are kept as separate fields.
  void Add(std::string_view name, std::string_view value);
  // Replaces every field named `name` with one field.
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  void Reserve(size_t fields) { fields_.reserve(fields); }

  // The first value for `name` (any case), if present.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // All values for `name` joined with "," as HTTP defines for repeated fields.
  std::optional<std::string> GetJoined(std::string_view name) const;

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::string_view TrimWhitespace(std::string_view s);

// True when `value` may be written into an HTTP head as a field value: no control byte (below
// 0x20 except TAB, nor DEL 0x7f), so it can neither end the line (CR, LF) nor smuggle bytes
// that proxies and clients treat differently (NUL, 0x01...). Bytes 0x80-0xff (UTF-8, obs-text)
// are allowed. Every value that reaches a response head is checked with this where it enters.
bool IsSafeHeaderValue(std::string_view value);

// True when `name` is an HTTP field name (RFC 9110 token: 1+ of ALPHA DIGIT !#$%&'*+-.^_`|~).
bool IsHttpToken(std::string_view name);

}  // namespace cairn
