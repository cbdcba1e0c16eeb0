#include "admin/admin_api.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>

#include "admin/context.h"
#include "admin/endpoints.h"
#include "admin/handlers.h"
#include "audit/record_hub.h"
#include "audit/request_capture.h"
#include "common/encoding.h"

namespace cairn::admin {

namespace {

std::string OwnRequestId() {
  static std::atomic<uint64_t> next{static_cast<uint64_t>(ToUnixNanos(Now()))};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llX",
                static_cast<unsigned long long>(next.fetch_add(1, std::memory_order_relaxed)));
  return buf;
}

// The action the pipeline checks before the handler runs; "" when the handler authorizes
// itself (service accounts: a user's own need no admin action).
std::string_view RequiredAction(const EndpointSpec& spec, const AdminContext& ctx) {
  bool enabling = ctx.Param("status").value_or("") == "enabled";
  switch (spec.endpoint) {
    case Endpoint::kSetUserStatus:
    case Endpoint::kV3SetUserStatus: return enabling ? "admin:EnableUser" : "admin:DisableUser";
    case Endpoint::kSetGroupStatus:
    case Endpoint::kV3SetGroupStatus: return enabling ? "admin:EnableGroup" : "admin:DisableGroup";
    case Endpoint::kV3Service: {
      // MinIO's actions for madmin's service calls; an unknown action needs the strongest.
      std::string_view service = ctx.Param("action").value_or("");
      if (service == "restart") return "admin:ServiceRestart";
      if (service == "freeze" || service == "unfreeze") return "admin:ServiceFreeze";
      return "admin:ServiceStop";
    }
    default: return spec.action;
  }
}

Result<Reply> Dispatch(Endpoint endpoint, AdminContext& ctx) {
  switch (endpoint) {
    case Endpoint::kServerInfo: return ServerInfo(ctx);
    case Endpoint::kScannerStatus: return ScannerStatus(ctx);
    case Endpoint::kListUsers: return ListUsers(ctx);
    case Endpoint::kGetUser: return GetUser(ctx);
    case Endpoint::kPutUser: return PutUser(ctx);
    case Endpoint::kDeleteUser: return DeleteUser(ctx);
    case Endpoint::kSetUserStatus: return SetUserStatus(ctx);
    case Endpoint::kListGroups: return ListGroups(ctx);
    case Endpoint::kGetGroup: return GetGroup(ctx);
    case Endpoint::kAddGroupMembers: return AddGroupMembers(ctx);
    case Endpoint::kRemoveGroupMembers: return RemoveGroupMembers(ctx);
    case Endpoint::kDeleteGroup: return DeleteGroup(ctx);
    case Endpoint::kSetGroupStatus: return SetGroupStatus(ctx);
    case Endpoint::kListPolicies: return ListPolicies(ctx);
    case Endpoint::kGetPolicy: return GetPolicy(ctx);
    case Endpoint::kPutPolicy: return PutPolicy(ctx);
    case Endpoint::kDeletePolicy: return DeletePolicy(ctx);
    case Endpoint::kAttachPolicies: return AttachPolicies(ctx);
    case Endpoint::kDetachPolicies: return DetachPolicies(ctx);
    case Endpoint::kListServiceAccounts: return ListServiceAccounts(ctx);
    case Endpoint::kCreateServiceAccount: return CreateServiceAccount(ctx);
    case Endpoint::kGetServiceAccount: return GetServiceAccount(ctx);
    case Endpoint::kDeleteServiceAccount: return DeleteServiceAccount(ctx);
    case Endpoint::kV3AddUser: return V3AddUser(ctx);
    case Endpoint::kV3RemoveUser: return V3RemoveUser(ctx);
    case Endpoint::kV3ListUsers: return V3ListUsers(ctx);
    case Endpoint::kV3UserInfo: return V3UserInfo(ctx);
    case Endpoint::kV3SetUserStatus: return V3SetUserStatus(ctx);
    case Endpoint::kV3AddCannedPolicy: return V3AddCannedPolicy(ctx);
    case Endpoint::kV3RemoveCannedPolicy: return V3RemoveCannedPolicy(ctx);
    case Endpoint::kV3ListCannedPolicies: return V3ListCannedPolicies(ctx);
    case Endpoint::kV3InfoCannedPolicy: return V3InfoCannedPolicy(ctx);
    case Endpoint::kV3SetUserOrGroupPolicy: return V3SetUserOrGroupPolicy(ctx);
    case Endpoint::kV3AttachPolicy: return V3AttachPolicy(ctx);
    case Endpoint::kV3DetachPolicy: return V3DetachPolicy(ctx);
    case Endpoint::kV3UpdateGroupMembers: return V3UpdateGroupMembers(ctx);
    case Endpoint::kV3GroupInfo: return V3GroupInfo(ctx);
    case Endpoint::kV3ListGroups: return V3ListGroups(ctx);
    case Endpoint::kV3SetGroupStatus: return V3SetGroupStatus(ctx);
    case Endpoint::kV3AddServiceAccount: return V3AddServiceAccount(ctx);
    case Endpoint::kV3UpdateServiceAccount: return V3UpdateServiceAccount(ctx);
    case Endpoint::kV3ListServiceAccounts: return V3ListServiceAccounts(ctx);
    case Endpoint::kV3InfoServiceAccount: return V3InfoServiceAccount(ctx);
    case Endpoint::kV3DeleteServiceAccount: return V3DeleteServiceAccount(ctx);
    case Endpoint::kV3InfoAccessKey: return V3InfoAccessKey(ctx);
    case Endpoint::kV3ListAccessKeysBulk: return V3ListAccessKeysBulk(ctx);
    case Endpoint::kV3ServerInfo: return V3ServerInfo(ctx);
    case Endpoint::kV3StorageInfo: return V3StorageInfo(ctx);
    case Endpoint::kV3DataUsageInfo: return V3DataUsageInfo(ctx);
    case Endpoint::kV3PolicyEntities: return V3PolicyEntities(ctx);
    case Endpoint::kV3AccountInfo: return V3AccountInfo(ctx);
    case Endpoint::kV3Service: return V3Service(ctx);
    case Endpoint::kV3GetConfigKV: return V3GetConfigKV(ctx);
    case Endpoint::kV3SetConfigKV: return V3SetConfigKV(ctx);
    case Endpoint::kV3DelConfigKV: return V3DelConfigKV(ctx);
    case Endpoint::kV3HelpConfigKV: return V3HelpConfigKV(ctx);
    case Endpoint::kV3Heal: return V3Heal(ctx);
    case Endpoint::kV3Trace: break;  // a stream: AdminApi::Handle serves it
  }
  return Status(Code::kInternal, "unrouted admin endpoint");
}

}  // namespace

AdminApi::AdminApi(AdminOptions options, const auth::Verifier& verifier,
                   const iam::Authorizer& authorizer, iam::IamStore& iam,
                   storage::ObjectStore& store)
    : options_(std::move(options)),
      verifier_(verifier),
      authorizer_(authorizer),
      iam_(iam),
      store_(store) {}

bool AdminApi::Handles(const http::Request& request) { return VersionOf(request.path).has_value(); }

std::string AdminApiName(std::string_view name) {
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos)
    name.remove_prefix(slash + 1);
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

void AdminApi::Handle(const http::Request& request, ByteSource& raw_body,
                      http::ResponseWriter& out) {
  if (options_.records == nullptr || !options_.records->wanted()) {
    return Serve(request, raw_body, out, nullptr);
  }
  audit::RequestCapture capture(request, raw_body, out);
  audit::RequestRecord facts;
  Serve(request, capture, capture, &facts);
  audit::RequestRecord record = capture.Finish();
  record.kind = audit::RecordKind::kAdmin;
  record.api_name = facts.api_name.empty() ? "Unknown" : std::move(facts.api_name);
  record.access_key = std::move(facts.access_key);
  if (record.request_id.empty()) record.request_id = std::move(facts.request_id);
  options_.records->Publish(std::move(record));
}

void AdminApi::Serve(const http::Request& request, ByteSource& raw_body, http::ResponseWriter& out,
                     audit::RequestRecord* facts) {
  std::string request_id = options_.new_request_id ? options_.new_request_id() : OwnRequestId();
  if (facts != nullptr) facts->request_id = request_id;
  Headers headers;
  headers.Add("x-amz-request-id", request_id);
  bool minio = VersionOf(request.path) == AdminApiVersion::kMinioV3;
  auto send_error = [&](const ErrorInfo& info, const std::string& message) {
    Headers error_headers = headers;
    error_headers.Add("content-type", "application/json");
    if (request.method == "HEAD") {
      out.Send(info.http_status, error_headers, "").IgnoreError();
      return;
    }
    std::string text = minio ? MinioErrorJson(info, message, request.path, request_id)
                             : ErrorJson(info, message, request_id);
    out.Send(info.http_status, error_headers, text).IgnoreError();
  };
  bool config_call = false;  // set once the endpoint is known
  bool heal_call = false;
  auto fail = [&](const Status& error) {
    ErrorInfo info = options_.error_table(error.code());
    if (minio) info = MinioAdminError(error.code(), info, config_call, heal_call);
    // NotImplemented is a client asking for what is not there, not a server fault.
    if (info.http_status >= 500 && error.code() != Code::kNotImplemented) {
      spdlog::error("admin {} {}: {} (request {})", request.method, request.path, error.ToString(),
                    request_id);
    }
    send_error(info, error.message());
  };

  Result<const EndpointSpec*> resolved = ResolveEndpoint(request.method, request.path);
  if (!resolved.ok() && resolved.status().code() == Code::kNotFound) {
    // MinIO calls Cairn does not serve are refused loudly, never answered with an empty 200.
    if (minio) {
      // Not logged as a server error: a client asking for what is not there.
      ErrorInfo info =
          MinioAdminError(Code::kNotImplemented, options_.error_table(Code::kNotImplemented));
      return send_error(info, "Cairn does not implement the MinIO admin API call " +
                                  request.path.substr(kMinioBasePath.size()) + ".");
    }
    return send_error(kNoSuchEndpoint, resolved.status().message());
  }
  if (!resolved.ok()) return fail(resolved.status());
  const EndpointSpec& spec = **resolved;
  if (facts != nullptr) facts->api_name = AdminApiName(spec.name);
  config_call = IsConfigEndpoint(spec.endpoint);
  heal_call = spec.endpoint == Endpoint::kV3Heal;

  auto query = ParseQuery(request.query);
  if (!query) return fail(Status(Code::kInvalidArgument, "The query string is not valid."));

  auth::RequestView view{request.method, request.path, request.query, &request.headers};
  Result<auth::Identity> who = verifier_.Verify(view, Now());
  if (!who.ok()) return fail(who.status());
  const auth::Identity& identity = *who;
  if (facts != nullptr) facts->access_key = identity.access_key;
  // The contract is SigV4 only: legacy V2 signatures cannot sign a payload hash.
  if (identity.anonymous || identity.signature_v2) {
    return fail(Status(Code::kAccessDenied, "Access Denied."));
  }
  Result<iam::Principal> caller = iam_.Resolve(identity.access_key);
  if (!caller.ok()) return fail(caller.status());

  std::unique_ptr<ByteSource> body = auth::VerifiedBody(raw_body, identity);
  AdminServices services{options_, authorizer_, iam_, store_};
  AdminContext ctx(request, std::move(*query), identity, std::move(caller).value(), *body,
                   services);
  std::string_view action = RequiredAction(spec, ctx);
  if (!action.empty()) {
    if (Status allowed = ctx.Require(action); !allowed.ok()) return fail(allowed);
  }

  if (spec.endpoint == Endpoint::kV3Trace) {
    Status traced = ServeTrace(ctx, headers, out);
    if (!traced.ok() && !out.sent()) fail(traced);
    return;
  }
  Result<Reply> reply = Dispatch(spec.endpoint, ctx);
  if (!reply.ok()) return fail(reply.status());
  if (reply->raw) {
    if (!reply->raw->empty()) headers.Add("content-type", std::string(reply->content_type));
    out.Send(reply->status, headers, *reply->raw).IgnoreError();
    return;
  }
  if (reply->status == 204 || reply->body.is_null()) {
    out.Send(204, headers, "").IgnoreError();
    return;
  }
  headers.Add("content-type", "application/json");
  out.Send(reply->status, headers,
           reply->body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .IgnoreError();
}

}  // namespace cairn::admin
