// Bucket default encryption: Put/Get/DeleteBucketEncryption. The default is applied by the write
// handlers (EncryptionForWrite in s3/sse.cc) to writes that ask for no encryption.
#include <pugixml.hpp>

#include "s3/api.h"
#include "s3/context.h"
#include "s3/sse.h"
#include "s3/xml_writer.h"

namespace cairn::s3 {

namespace {

// <ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>
// <SSEAlgorithm>AES256|aws:kms</SSEAlgorithm>[<KMSMasterKeyID>id</KMSMasterKeyID>]
// </ApplyServerSideEncryptionByDefault>[<BucketKeyEnabled>true</BucketKeyEnabled>]</Rule>
// </ServerSideEncryptionConfiguration>: one rule, as AWS takes it.
Result<storage::BucketEncryption> ParseEncryptionConfiguration(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status(Code::kMalformedXML, "");
  pugi::xml_node root = doc.child("ServerSideEncryptionConfiguration");
  if (!root) return Status(Code::kMalformedXML, "");
  int rules = 0;
  for (pugi::xml_node rule : root.children("Rule")) {
    (void)rule;
    ++rules;
  }
  if (rules != 1) {
    return Status(Code::kMalformedXML,
                  "The server side encryption configuration must have exactly one rule.");
  }
  pugi::xml_node rule = root.child("Rule");
  pugi::xml_node apply = rule.child("ApplyServerSideEncryptionByDefault");
  if (!apply) return Status(Code::kMalformedXML, "");
  storage::BucketEncryption out;
  std::string algorithm = apply.child_value("SSEAlgorithm");
  std::string key_id = apply.child_value("KMSMasterKeyID");
  if (algorithm == "AES256") {
    out.mode = storage::SseMode::kS3;
    if (!key_id.empty()) {
      return Status(Code::kInvalidArgumentS3,
                    "a KMSMasterKeyID is allowed only if SSEAlgorithm is set to aws:kms.");
    }
  } else if (algorithm == "aws:kms") {
    out.mode = storage::SseMode::kKms;
    std::string_view id = key_id;
    if (id.starts_with(kKmsArnPrefix)) id.remove_prefix(kKmsArnPrefix.size());
    out.kms_key_id = std::string(id);
  } else if (algorithm == "aws:kms:dsse") {
    return Status(Code::kNotImplemented,
                  "Dual-layer server side encryption (aws:kms:dsse) is not supported.");
  } else {
    return Status(Code::kMalformedXML, "The SSEAlgorithm must be AES256 or aws:kms.");
  }
  if (pugi::xml_node bucket_key = rule.child("BucketKeyEnabled")) {
    std::string value = bucket_key.child_value();
    if (value != "true" && value != "false") return Status(Code::kMalformedXML, "");
    out.bucket_key_enabled = value == "true";
  }
  return out;
}

std::string RenderEncryptionConfiguration(const storage::BucketEncryption& config) {
  XmlWriter xml;
  xml.OpenRoot("ServerSideEncryptionConfiguration");
  xml.Open("Rule");
  xml.Open("ApplyServerSideEncryptionByDefault");
  xml.Element("SSEAlgorithm", config.mode == storage::SseMode::kKms ? "aws:kms" : "AES256");
  if (config.mode == storage::SseMode::kKms && !config.kms_key_id.empty()) {
    xml.Element("KMSMasterKeyID", std::string(kKmsArnPrefix) + config.kms_key_id);
  }
  xml.Close("ApplyServerSideEncryptionByDefault");
  xml.Element("BucketKeyEnabled", config.bucket_key_enabled ? "true" : "false");
  xml.Close("Rule");
  xml.Close("ServerSideEncryptionConfiguration");
  return xml.Finish();
}

}  // namespace

Status GetBucketEncryption(RequestContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<storage::BucketEncryption> config,
                         ctx.store.GetBucketEncryption(ctx.route.bucket));
  if (!config) return Status(Code::kServerSideEncryptionConfigurationNotFound, "");
  return ctx.ReplyXml(200, RenderEncryptionConfiguration(*config));
}

Status PutBucketEncryption(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.GetBucket(ctx.route.bucket).status());
  CAIRN_ASSIGN_OR_RETURN(std::string body, ReadRequestDocument(ctx, 64 << 10));
  CAIRN_ASSIGN_OR_RETURN(storage::BucketEncryption config, ParseEncryptionConfiguration(body));
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketEncryption(ctx.route.bucket, config));
  return ctx.ReplyEmpty(200);
}

Status DeleteBucketEncryption(RequestContext& ctx) {
  CAIRN_RETURN_IF_ERROR(ctx.store.GetBucket(ctx.route.bucket).status());
  CAIRN_RETURN_IF_ERROR(ctx.store.SetBucketEncryption(ctx.route.bucket, std::nullopt));
  return ctx.ReplyEmpty(204);
}

}  // namespace cairn::s3
