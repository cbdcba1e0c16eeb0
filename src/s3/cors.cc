#include "s3/cors.h"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>

#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

constexpr size_t kMaxRules = 100;
constexpr size_t kMaxIdLength = 255;
constexpr std::string_view kMethods[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};

// What a browser may read from any S3 answer when the bucket sets no rules: the headers S3
// clients look at (ETag for uploads, ranges, request ids, versions, checksums).
constexpr std::string_view kDefaultExposeHeaders =
    "ETag, Content-Length, Content-Range, Content-Type, Content-Disposition, Content-Encoding, "
    "Content-Language, Cache-Control, Expires, Last-Modified, Accept-Ranges, Date, "
    "x-amz-request-id, x-amz-id-2, x-amz-version-id, x-amz-delete-marker, x-amz-bucket-region, "
    "x-amz-mp-parts-count, x-amz-checksum-crc32, x-amz-checksum-crc32c, "
    "x-amz-checksum-crc64nvme, x-amz-checksum-sha1, x-amz-checksum-sha256, x-amz-checksum-type, "
    "x-amz-server-side-encryption, x-amz-expiration";
constexpr std::string_view kDefaultMethods = "GET, PUT, HEAD, POST, DELETE";
constexpr std::string_view kPreflightVary =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

Status Malformed(std::string detail) {
  return Status(Code::kMalformedXML,
                "The XML you provided was not well-formed or did not validate against our "
                "published schema: " +
                    std::move(detail));
}

size_t CountStars(std::string_view s) { return std::count(s.begin(), s.end(), '*'); }

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool CharsEqual(char a, char b, bool ignore_case) {
  if (!ignore_case) return a == b;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return lower(a) == lower(b);
}

bool EqualChars(std::string_view a, std::string_view b, bool ignore_case) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!CharsEqual(a[i], b[i], ignore_case)) return false;
  }
  return true;
}

bool RuleAllowsOrigin(const CorsRule& rule, std::string_view origin) {
  return std::any_of(rule.allowed_origins.begin(), rule.allowed_origins.end(),
                     [&](const std::string& p) { return WildcardMatch(p, origin, false); });
}

bool RuleAllowsMethod(const CorsRule& rule, std::string_view method) {
  return std::find(rule.allowed_methods.begin(), rule.allowed_methods.end(), method) !=
         rule.allowed_methods.end();
}

// "*" when the rule allows every origin (then credentials are not allowed), else the origin.
std::string AllowOriginValue(const CorsRule& rule) {
  for (const std::string& p : rule.allowed_origins) {
    if (p == "*") return "*";
  }
  return "";
}

void AddRuleHeaders(const CorsRule& rule, std::string_view origin, Headers& out) {
  std::string star = AllowOriginValue(rule);
  out.Set("access-control-allow-origin", star.empty() ? origin : std::string_view(star));
  if (star.empty()) out.Set("access-control-allow-credentials", "true");
  out.Set("access-control-allow-methods", Join(rule.allowed_methods));
  if (!rule.expose_headers.empty()) {
    out.Set("access-control-expose-headers", Join(rule.expose_headers));
  }
  if (rule.max_age_seconds) {
    out.Set("access-control-max-age", std::to_string(*rule.max_age_seconds));
  }
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return EqualChars(pattern, value, ignore_case);
  std::string_view head = pattern.substr(0, star);
  std::string_view tail = pattern.substr(star + 1);
  if (value.size() < head.size() + tail.size()) return false;
  return EqualChars(head, value.substr(0, head.size()), ignore_case) &&
         EqualChars(tail, value.substr(value.size() - tail.size()), ignore_case);
}

Result<CorsConfig> ParseCorsConfig(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) return Malformed(parsed.description());
  pugi::xml_node root = doc.child("CORSConfiguration");
  if (!root) return Malformed("the root element is not CORSConfiguration");
  CorsConfig config;
  for (pugi::xml_node node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    if (std::string_view(node.name()) != "CORSRule") {
      return Malformed(std::string("unexpected element ") + node.name());
    }
    if (config.rules.size() == kMaxRules) {
      return Malformed("a CORS configuration has at most 100 rules");
    }
    CorsRule rule;
    for (pugi::xml_node field : node.children()) {
      if (field.type() != pugi::node_element) continue;
      std::string_view name = field.name();
      std::string text = field.text().get();
      if (name == "ID") {
        if (text.size() > kMaxIdLength) return Malformed("a rule ID is longer than 255");
        rule.id = text;
      } else if (name == "AllowedOrigin") {
        if (CountStars(text) > 1) {
          return Status(Code::kInvalidRequest,
                        "AllowedOrigin \"" + text + "\" can not have more than one wildcard.");
        }
        rule.allowed_origins.push_back(text);
      } else if (name == "AllowedMethod") {
        if (std::find(std::begin(kMethods), std::end(kMethods), text) == std::end(kMethods)) {
          return Status(
              Code::kInvalidRequest,
              "Found unsupported HTTP method in CORS config. Unsupported method is " + text);
        }
        rule.allowed_methods.push_back(text);
      } else if (name == "AllowedHeader") {
        if (CountStars(text) > 1) {
          return Status(Code::kInvalidRequest,
                        "AllowedHeader \"" + text + "\" can not have more than one wildcard.");
        }
        rule.allowed_headers.push_back(text);
      } else if (name == "ExposeHeader") {
        if (text.find('*') != std::string::npos) {
          return Status(Code::kInvalidRequest,
                        "ExposeHeader \"" + text +
                            "\" contains wildcard. We currently do not support wildcard for "
                            "ExposeHeader.");
        }
        rule.expose_headers.push_back(text);
      } else if (name == "MaxAgeSeconds") {
        int64_t seconds = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() || seconds < 0) {
          return Malformed("MaxAgeSeconds is not a non-negative integer");
        }
        rule.max_age_seconds = seconds;
      } else {
        return Malformed("unexpected element " + std::string(name) + " in CORSRule");
      }
    }
    if (rule.allowed_origins.empty()) return Malformed("a CORSRule has no AllowedOrigin");
    if (rule.allowed_methods.empty()) return Malformed("a CORSRule has no AllowedMethod");
    config.rules.push_back(std::move(rule));
  }
  if (config.rules.empty()) return Malformed("a CORS configuration needs at least one CORSRule");
  return config;
}

std::string CorsConfigXml(const CorsConfig& config) {
  XmlWriter xml;
  xml.OpenRoot("CORSConfiguration");
  for (const CorsRule& rule : config.rules) {
    xml.Open("CORSRule");
    if (!rule.id.empty()) xml.Element("ID", rule.id);
    for (const auto& v : rule.allowed_headers) xml.Element("AllowedHeader", v);
    for (const auto& v : rule.allowed_methods) xml.Element("AllowedMethod", v);
    for (const auto& v : rule.allowed_origins) xml.Element("AllowedOrigin", v);
    for (const auto& v : rule.expose_headers) xml.Element("ExposeHeader", v);
    if (rule.max_age_seconds) {
      xml.Element("MaxAgeSeconds", std::to_string(*rule.max_age_seconds));
    }
    xml.Close("CORSRule");
  }
  xml.Close("CORSConfiguration");
  return xml.Finish();
}

const CorsRule* MatchCorsRule(const CorsConfig& config, std::string_view origin,
                              std::string_view method,
                              const std::vector<std::string>& request_headers) {
  for (const CorsRule& rule : config.rules) {
    if (!RuleAllowsOrigin(rule, origin) || !RuleAllowsMethod(rule, method)) continue;
    bool headers_ok =
        std::all_of(request_headers.begin(), request_headers.end(), [&](const std::string& header) {
          return std::any_of(rule.allowed_headers.begin(), rule.allowed_headers.end(),
                             [&](const std::string& p) { return WildcardMatch(p, header, true); });
        });
    if (headers_ok) return &rule;
  }
  return nullptr;
}

std::vector<std::string> SplitHeaderList(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = TrimWhitespace(value.substr(0, comma));
    if (!item.empty()) out.push_back(ToLower(item));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

void AddCorsResponseHeaders(const CorsConfig* config, std::string_view origin,
                            std::string_view method, Headers& out) {
  out.Set("vary", "Origin");
  if (config == nullptr) {
    out.Set("access-control-allow-origin", origin);
    out.Set("access-control-allow-credentials", "true");
    out.Set("access-control-expose-headers", kDefaultExposeHeaders);
    return;
  }
  if (const CorsRule* rule = MatchCorsRule(*config, origin, method, {})) {
    AddRuleHeaders(*rule, origin, out);
  }
}

Result<Headers> CorsPreflight(const CorsConfig* config, const Headers& request_headers) {
  std::optional<std::string_view> origin = request_headers.Get("origin");
  std::optional<std::string_view> method = request_headers.Get("access-control-request-method");
  if (!origin || origin->empty()) {
    return Status(Code::kInvalidRequest, "Insufficient information. Origin request header needed.");
  }
  if (!method || method->empty()) {
    return Status(Code::kInvalidRequest,
                  "Invalid Access-Control-Request-Method: " + std::string(method.value_or("")));
  }
  std::vector<std::string> asked =
      SplitHeaderList(request_headers.GetJoined("access-control-request-headers").value_or(""));
  Headers out;
  out.Set("vary", kPreflightVary);
  if (config == nullptr) {
    if (std::find(std::begin(kMethods), std::end(kMethods), *method) == std::end(kMethods)) {
      return Status(Code::kCorsForbidden, "");
    }
    out.Set("access-control-allow-origin", *origin);
    out.Set("access-control-allow-credentials", "true");
    out.Set("access-control-allow-methods", kDefaultMethods);
    if (!asked.empty()) out.Set("access-control-allow-headers", Join(asked));
    out.Set("access-control-expose-headers", kDefaultExposeHeaders);
    return out;
  }
  const CorsRule* rule = MatchCorsRule(*config, *origin, *method, asked);
  if (rule == nullptr) return Status(Code::kCorsForbidden, "");
  AddRuleHeaders(*rule, *origin, out);
  if (!asked.empty()) out.Set("access-control-allow-headers", Join(asked));
  return out;
}

}  // namespace cairn::s3
