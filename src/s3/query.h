// The decoded query string of a request, looked up by name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::s3 {

class Query {
 public:
  Query() = default;
  explicit Query(std::vector<std::pair<std::string, std::string>> params)
      : params_(std::move(params)) {}

  bool Has(std::string_view name) const { return Get(name).has_value(); }
  std::optional<std::string_view> Get(std::string_view name) const {
    for (const auto& [n, v] : params_) {
      if (n == name) return std::string_view(v);
    }
    return std::nullopt;
  }
  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace cairn::s3
