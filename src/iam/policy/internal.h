// Pieces shared by the parser and the evaluator; not part of the public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/policy/policy.h"

namespace cairn::iam::policy::internal {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// admin:, kms: and sts: actions: MinIO lets their statements omit Resource, and matches them
// whatever the statement's resources say.
bool IsResourceFreeAction(std::string_view action);

// Condition keys of a request, looked up case-insensitively. Find returns null for an absent
// key; the caller treats an empty list as absent too.
class ContextView {
 public:
  explicit ContextView(const RequestContext* context);
  const std::vector<std::string>* Find(std::string_view key) const;
  // A single value for ${key}; null when absent or multi-valued.
  const std::string* FindSingle(std::string_view key) const;

 private:
  const RequestContext* context_;
  // aws:username from RequestContext::username, built on first use.
  mutable std::vector<std::string> username_;
};

// Glob matching. With `escaped`, a backslash makes the next pattern byte literal (the form
// ExpandVariables produces for glob use). `?` consumes one UTF-8 character.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case, bool escaped);

// True when `raw` holds a "${" that ExpandVariables would act on.
bool HasVariables(std::string_view raw);
// Whether every ${...} in `raw` is well formed (closed, non-empty name, quoted default).
// On failure, `error` says what is wrong.
bool CheckVariables(std::string_view raw, std::string* error);

// Expands policy variables: ${key}, ${key, 'default'}, and the escapes ${*} ${?} ${$}.
// For `glob`, the result is an escaped glob pattern in which only the document's own `*` and
// `?` are wildcards (values and escapes are literal). Returns nullopt when a variable has no
// value and no default: the element then matches nothing.
std::optional<std::string> ExpandVariables(std::string_view raw, const ContextView& context,
                                           bool glob);
// The same pattern without expansion, escaped for GlobMatch.
std::string EscapeForGlob(std::string_view raw, bool keep_wildcards);

std::optional<Cidr> ParseCidr(std::string_view text, bool allow_prefix);
bool CidrContains(const Cidr& network, const Cidr& address);
// ISO 8601 ("2024-01-31T12:00:00Z", with fraction or offset; or a bare date) or epoch seconds.
std::optional<int64_t> ParseDateSeconds(std::string_view text);
std::optional<double> ParseNumber(std::string_view text);

}  // namespace cairn::iam::policy::internal
