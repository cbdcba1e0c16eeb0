// The S3 API: one entry point per HTTP request, read as the pipeline it is:
// identify the caller (auth) -> route to one operation -> authorize (iam) -> run the handler
// against the store -> render XML or an S3 error.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "auth/sigv4.h"
#include "common/byte_source.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "iam/authorizer.h"
#include "s3/router.h"
#include "storage/multipart_store.h"
#include "storage/object_store.h"

namespace cairn::s3 {

struct ApiOptions {
  std::vector<std::string> domains;  // virtual-host-style bucket domains
  std::string region = "us-east-1";
  uint64_t max_object_size = 5ull << 30;  // single PUT limit, as S3
};

class S3Api {
 public:
  S3Api(ApiOptions options, const auth::Verifier& verifier, const iam::Authorizer& authorizer);

  // Until a store is attached every request is answered 503 (the store is still opening).
  void AttachStore(storage::ObjectStore* store) { store_.store(store); }
  // Attach before the store; without it multipart requests answer NotImplemented.
  void AttachMultipart(storage::MultipartStore* multipart) { multipart_.store(multipart); }
  bool ready() const { return store_.load() != nullptr; }

  void Handle(const http::Request& request, ByteSource& body, http::ResponseWriter& out);

 private:
  ApiOptions options_;
  RouterOptions router_options_;
  const auth::Verifier& verifier_;
  const iam::Authorizer& authorizer_;
  std::atomic<storage::ObjectStore*> store_{nullptr};
  std::atomic<storage::MultipartStore*> multipart_{nullptr};
};

// A fresh request id: 16 upper-case hex digits, unique within the process, as MinIO's.
std::string NewRequestId();

}  // namespace cairn::s3
