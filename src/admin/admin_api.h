// The admin API (docs/admin-api.md): JSON over HTTP under /cairn/admin/v1/, on the S3 port.
// Handle() reads as the pipeline it is: route -> verify the SigV4 signature -> authorize the
// endpoint's admin action with iam -> run the handler -> render JSON or a JSON error.
#pragma once

#include <string>
#include <string_view>

#include "admin/admin_options.h"
#include "audit/request_record.h"
#include "auth/sigv4.h"
#include "common/byte_source.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "iam/authorizer.h"
#include "iam/iam_store.h"
#include "storage/object_store.h"

namespace cairn::admin {

class AdminApi {
 public:
  // All references must outlive the AdminApi. `options.error_table` is required.
  AdminApi(AdminOptions options, const auth::Verifier& verifier, const iam::Authorizer& authorizer,
           iam::IamStore& iam, storage::ObjectStore& store);

  // Whether `request` is for the admin API (its path starts with /cairn/admin/v1/); the server
  // sends those here and everything else to S3.
  static bool Handles(const http::Request& request);

  // Answers one request; thread-safe (any number of requests at once).
  void Handle(const http::Request& request, ByteSource& body, http::ResponseWriter& out);

 private:
  // Handle's pipeline; fills `facts` (api name, access key, request id) when it is not null.
  void Serve(const http::Request& request, ByteSource& raw_body, http::ResponseWriter& out,
             audit::RequestRecord* facts);

  AdminOptions options_;
  const auth::Verifier& verifier_;
  const iam::Authorizer& authorizer_;
  iam::IamStore& iam_;
  storage::ObjectStore& store_;
};

// MinIO's name for an admin call in audit entries and traces: the endpoint name's last segment in
// Pascal case ("add-user" -> "AddUser").
std::string AdminApiName(std::string_view name);

}  // namespace cairn::admin
