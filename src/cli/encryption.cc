#include "cli/encryption.h"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::cli {
namespace {

constexpr std::string_view kCustomerPrefix = "x-amz-server-side-encryption-customer-";
constexpr std::string_view kCopyCustomerPrefix =
    "x-amz-copy-source-server-side-encryption-customer-";

Status ClientKeyError(std::string_view detail) {
  return Status(
      Code::kInvalidArgument,
      "Encryption key should be either raw base64 encoded or hex encoded. " + std::string(detail));
}

// The 32 raw bytes of an SSE-C key given as 64 hex digits or base64 (with or without padding).
Result<std::string> DecodeCustomerKey(std::string_view text) {
  std::optional<std::string> raw;
  if (text.size() == 64) {
    raw = HexDecode(text);
  } else {
    std::string padded(text);
    while (padded.size() % 4 != 0) padded += '=';
    raw = Base64Decode(padded);
  }
  if (!raw) {
    return ClientKeyError("Key (" + std::string(text) +
                          ") was neither base64 raw encoded nor hex encoded.");
  }
  if (raw->size() != 32) {
    return ClientKeyError("Plain text from key (" + std::string(text) + ") is " +
                          std::to_string(raw->size()) + " bytes, but should be 32 bytes.");
  }
  return *raw;
}

void SplitAliasPrefix(std::string_view path, SseRule& rule) {
  size_t slash = path.find('/');
  rule.alias = std::string(path.substr(0, slash));
  if (slash != std::string_view::npos) rule.prefix = std::string(path.substr(slash + 1));
}

Headers CustomerHeaders(const SseRule* rule, std::string_view prefix) {
  Headers h;
  if (rule == nullptr || rule->kind != SseKind::kCustomer) return h;
  std::string p(prefix);
  h.Set(p + "algorithm", "AES256");
  h.Set(p + "key", Base64Encode(rule->customer_key));
  h.Set(p + "key-md5", Base64Encode(Md5(rule->customer_key)));
  return h;
}

std::string XmlToString(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

}  // namespace

bool ValidKmsKeyName(std::string_view name) {
  if (name.empty() || name == "_") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              c == '_' || (c == '-' && i > 0 && i + 1 < name.size());
    if (!ok) return false;
  }
  return true;
}

Result<SseRule> ParseSseEntry(std::string_view entry, SseKind kind) {
  SseRule rule;
  rule.kind = kind;
  if (kind == SseKind::kS3) {
    // No key: the whole entry is the path (object keys may hold '=').
    SplitAliasPrefix(entry, rule);
  } else {
    // An SSE-C key in padded base64 ends in '='; the separator is the last '=' before it.
    std::string_view body = entry;
    if (kind == SseKind::kCustomer) {
      while (!body.empty() && body.back() == '=') body.remove_suffix(1);
    }
    size_t eq = body.rfind('=');
    if (eq == std::string_view::npos || eq + 1 == body.size()) {
      return Status(Code::kInvalidArgument, "SSE key is missing in `" + std::string(entry) + "`");
    }
    std::string_view key = entry.substr(eq + 1);
    SplitAliasPrefix(entry.substr(0, eq), rule);
    if (kind == SseKind::kKms) {
      if (!ValidKmsKeyName(key)) {
        return Status(Code::kInvalidArgument,
                      "SSE key format error. Key (" + std::string(key) + ") is badly formatted.");
      }
      rule.kms_key = std::string(key);
    } else {
      auto raw = DecodeCustomerKey(key);
      if (!raw.ok()) return raw.status();
      rule.customer_key = std::move(raw).value();
    }
  }
  if (rule.alias.empty()) {
    return Status(
        Code::kInvalidArgument,
        "SSE prefix " + std::string(entry.substr(0, entry.find('='))) + " has an invalid alias.");
  }
  return rule;
}

Result<SseRules> SseRules::Parse(const SseFlags& flags) {
  SseRules out;
  auto add = [&](const std::vector<std::string>& values, SseKind kind) -> Status {
    for (const auto& value : values) {
      std::string_view rest = value;
      while (true) {
        size_t comma = rest.find(',');
        std::string_view entry = TrimWhitespace(rest.substr(0, comma));
        if (!entry.empty()) {
          auto rule = ParseSseEntry(entry, kind);
          if (!rule.ok()) return rule.status();
          out.rules_.push_back(std::move(rule).value());
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(add(flags.kms, SseKind::kKms));
  CAIRN_RETURN_IF_ERROR(add(flags.s3, SseKind::kS3));
  CAIRN_RETURN_IF_ERROR(add(flags.customer, SseKind::kCustomer));
  for (size_t i = 0; i < out.rules_.size(); ++i) {
    for (size_t j = i + 1; j < out.rules_.size(); ++j) {
      if (out.rules_[i].Path() == out.rules_[j].Path()) {
        return Status(Code::kInvalidArgument, "SSE prefix " + out.rules_[i].Path() +
                                                  " overlaps with " + out.rules_[j].Path());
      }
    }
  }
  std::stable_sort(out.rules_.begin(), out.rules_.end(), [](const SseRule& a, const SseRule& b) {
    return a.Path().size() > b.Path().size();
  });
  return out;
}

Status SseRules::CheckAgainst(const std::vector<std::string>& args,
                              const std::function<bool(std::string_view)>& is_alias) const {
  for (const auto& rule : rules_) {
    std::string path = rule.Path();
    bool matched = false;
    for (const auto& arg : args) {
      if (arg.rfind(path, 0) == 0 || path.rfind(arg, 0) == 0) matched = true;
    }
    if (!matched) {
      return Status(Code::kInvalidArgument,
                    "SSE prefixes do not match any object paths. (`" + path + "`)");
    }
  }
  for (const auto& rule : rules_) {
    if (!is_alias(rule.alias)) {
      return Status(Code::kInvalidArgument, "SSE prefix " + rule.Path() + " has an invalid alias.");
    }
  }
  return Status::Ok();
}

const SseRule* SseRules::Find(std::string_view alias, std::string_view bucket,
                              std::string_view key) const {
  std::string path = std::string(alias) + "/" + std::string(bucket);
  if (!key.empty()) path += "/" + std::string(key);
  for (const auto& rule : rules_) {
    if (path.rfind(rule.Path(), 0) == 0) return &rule;  // longest first
  }
  return nullptr;
}

Headers SseWriteHeaders(const SseRule* rule) {
  Headers h;
  if (rule == nullptr) return h;
  switch (rule->kind) {
    case SseKind::kS3: h.Set("x-amz-server-side-encryption", "AES256"); break;
    case SseKind::kKms:
      h.Set("x-amz-server-side-encryption", "aws:kms");
      h.Set("x-amz-server-side-encryption-aws-kms-key-id", rule->kms_key);
      break;
    case SseKind::kCustomer: h = CustomerHeaders(rule, kCustomerPrefix); break;
  }
  return h;
}

Headers SseReadHeaders(const SseRule* rule) { return CustomerHeaders(rule, kCustomerPrefix); }

Headers SseCopySourceHeaders(const SseRule* rule) {
  return CustomerHeaders(rule, kCopyCustomerPrefix);
}

ObjectEncryption EncryptionFromHeaders(const Headers& headers) {
  ObjectEncryption out;
  std::string algorithm = ToLower(headers.Get("x-amz-server-side-encryption").value_or(""));
  if (headers.Has("x-amz-server-side-encryption-customer-algorithm")) {
    out.kind = "SSE-C";
    out.customer_key_md5 =
        std::string(headers.Get("x-amz-server-side-encryption-customer-key-md5").value_or(""));
  } else if (algorithm == "aes256") {
    out.kind = "SSE-S3";
  } else if (algorithm.rfind("aws:kms", 0) == 0) {
    out.kind = "SSE-KMS";
    out.kms_key_id =
        std::string(headers.Get("x-amz-server-side-encryption-aws-kms-key-id").value_or(""));
  }
  return out;
}

std::string EncryptionText(const ObjectEncryption& enc) {
  if (enc.kind == "SSE-KMS" && !enc.kms_key_id.empty())
    return enc.kind + " (" + enc.kms_key_id + ")";
  return enc.kind;
}

std::string BucketEncryptionXml(const BucketEncryption& config) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ServerSideEncryptionConfiguration");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  pugi::xml_node by_default =
      root.append_child("Rule").append_child("ApplyServerSideEncryptionByDefault");
  by_default.append_child("SSEAlgorithm").text().set(config.algorithm.c_str());
  if (!config.kms_key_id.empty()) {
    by_default.append_child("KMSMasterKeyID").text().set(config.kms_key_id.c_str());
  }
  return XmlToString(doc);
}

Result<BucketEncryption> ParseBucketEncryptionXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status(Code::kMalformedXML, "the server's encryption configuration does not parse");
  }
  pugi::xml_node by_default = doc.child("ServerSideEncryptionConfiguration")
                                  .child("Rule")
                                  .child("ApplyServerSideEncryptionByDefault");
  BucketEncryption out;
  out.algorithm = by_default.child_value("SSEAlgorithm");
  out.kms_key_id = by_default.child_value("KMSMasterKeyID");
  if (out.algorithm.empty()) {
    return Status(Code::kMalformedXML, "the server's encryption configuration has no algorithm");
  }
  return out;
}

}  // namespace cairn::cli
