// The S3 API: one entry point per HTTP request, read as the pipeline it is:
// identify the caller (auth) -> route to one operation -> authorize (iam) -> run the handler
// against the store -> render XML or an S3 error.
#pragma once

#include <string>
#include <vector>

#include "audit/record_hub.h"
#include "auth/sigv4.h"
#include "common/byte_source.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "iam/authorizer.h"
#include "iam/bucket_policies.h"
#include "s3/router.h"
#include "storage/multipart_store.h"
#include "storage/object_store.h"

namespace cairn::s3 {

class BucketCors;
class RequestMeter;
class S3Metrics;

struct ApiOptions {
  std::vector<std::string> domains;  // virtual-host-style bucket domains
  std::string region = "us-east-1";
  uint64_t max_object_size = 5ull << 30;  // single PUT limit, as S3
  // The length of a lifecycle day (CAIRN_LIFECYCLE_DAY_SECONDS shortens it for tests): the
  // x-amz-expiration dates are computed with it, as the scanner's are.
  int64_t lifecycle_day_seconds = 86400;
  // Request counters (s3/metrics.h), kept for the metrics endpoints; null: none.
  S3Metrics* metrics = nullptr;
  // Where request records go (audit targets, live tracers); null: nowhere. A record is built
  // only while the hub wants one (one relaxed load per request otherwise).
  audit::RecordHub* records = nullptr;
};

class S3Api {
 public:
  // `multipart`, `bucket_policies` and `cors` may be null: those requests answer
  // NotImplemented (without `cors` every origin gets the default allow-all answer).
  S3Api(ApiOptions options, const auth::Verifier& verifier, const iam::Authorizer& authorizer,
        storage::ObjectStore& store, storage::MultipartStore* multipart,
        iam::BucketPolicies* bucket_policies, BucketCors* cors = nullptr);

  void Handle(const http::Request& request, ByteSource& body, http::ResponseWriter& out);

 private:
  // The pipeline; `meter` (may be null) learns the operation once the request is routed, and
  // `record` (may be null) the request's id, operation, target and signer.
  void Serve(const http::Request& request, ByteSource& body, http::ResponseWriter& out,
             RequestMeter* meter, audit::RequestRecord* record = nullptr);
  // Handle, with the request captured into a record published when it ends.
  void HandleRecorded(const http::Request& request, ByteSource& body, http::ResponseWriter& out);
  ApiOptions options_;
  RouterOptions router_options_;
  const auth::Verifier& verifier_;
  const iam::Authorizer& authorizer_;
  storage::ObjectStore& store_;
  storage::MultipartStore* multipart_;
  iam::BucketPolicies* bucket_policies_;
  BucketCors* cors_;
};

// A fresh request id: 16 upper-case hex digits, unique within the process, as MinIO's.
std::string NewRequestId();

}  // namespace cairn::s3
