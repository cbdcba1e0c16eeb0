// The admin API end to end below HTTP: signed requests go through AdminApi::Handle with the real
// Verifier, IamStore (over an in-memory SystemStore) and PolicyAuthorizer, so routing, JSON
// shapes, error codes and authorization decisions are checked together.
#include "admin/admin_api.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "admin/endpoints.h"
#include "admin/madmin_crypto.h"
#include "common/encoding.h"
#include "common/hash.h"
#include "iam/bucket_policies.h"
#include "iam/policy_authorizer.h"
#include "s3/errors.h"
#include "storage/system_store.h"

namespace cairn::admin {
namespace {

using json = nlohmann::json;

constexpr char kRoot[] = "rootadmin";
constexpr char kRootSecret[] = "rootsecret123";

// Two buckets with known objects; the admin API only lists.
class FakeObjectStore final : public storage::ObjectStore {
 public:
  std::map<std::string, std::vector<storage::ObjectInfo>> buckets;

  Status CreateBucket(const std::string&, const std::string&, bool,
                      const storage::BucketAccess&) override {
    return Unsupported();
  }
  Status UpdateBucketAccess(const std::string&,
                            const std::function<Status(storage::BucketAccess&)>&) override {
    return Unsupported();
  }
  Result<std::string> SetObjectAcl(const std::string&, const std::string&, const std::string&,
                                   const storage::Acl&) override {
    return Unsupported();
  }
  Status SetBucketObjectLock(const std::string&, const storage::DefaultRetention&) override {
    return Unsupported();
  }
  Result<std::string> SetObjectRetention(const std::string&, const std::string&, const std::string&,
                                         storage::RetentionMode, TimePoint, bool) override {
    return Unsupported();
  }
  Result<std::string> SetObjectLegalHold(const std::string&, const std::string&, const std::string&,
                                         bool) override {
    return Unsupported();
  }
  Status DeleteBucket(const std::string&) override { return Unsupported(); }
  Result<storage::BucketInfo> GetBucket(const std::string&) override { return Unsupported(); }
  Result<std::vector<storage::BucketInfo>> ListBuckets() override {
    std::vector<storage::BucketInfo> out;
    for (const auto& [name, objects] : buckets) {
      storage::BucketInfo info;
      info.name = name;
      info.created = Now();
      out.push_back(info);
    }
    return out;
  }
  Result<storage::ObjectInfo> PutObject(const std::string&, const std::string&, ByteSource&,
                                        uint64_t, const storage::PutOptions&) override {
    return Unsupported();
  }
  Status SetBucketVersioning(const std::string&, storage::Versioning) override {
    return Unsupported();
  }
  Result<storage::ObjectInfo> HeadObject(const std::string&, const std::string&,
                                         const std::string&) override {
    return Unsupported();
  }
  Result<std::unique_ptr<storage::ObjectReader>> OpenObject(const std::string&, const std::string&,
                                                            const std::string&,
                                                            const storage::ReadOptions&) override {
    return Unsupported();
  }
  Result<std::optional<storage::ObjectInfo>> LatestDeleteMarker(const std::string&,
                                                                const std::string&) override {
    return Unsupported();
  }
  Result<storage::DeleteResult> DeleteObject(const std::string&, const std::string&,
                                             const std::string&,
                                             const storage::DeleteOptions&) override {
    return Unsupported();
  }
  Result<std::string> SetObjectTags(const std::string&, const std::string&, const std::string&,
                                    const storage::Tags&) override {
    return Unsupported();
  }
  Status SetBucketTags(const std::string&, const storage::Tags&) override { return Unsupported(); }
  Result<storage::Tags> GetBucketTags(const std::string&) override { return Unsupported(); }
  Status SetBucketLifecycle(const std::string&,
                            const std::optional<storage::LifecycleConfiguration>&) override {
    return Unsupported();
  }
  Result<std::optional<storage::LifecycleConfiguration>> GetBucketLifecycle(
      const std::string&) override {
    return Unsupported();
  }
  Result<storage::VersionListResult> ListObjectVersions(const std::string&,
                                                        const storage::VersionListQuery&) override {
    return Unsupported();
  }
  // Pages of two, so the walk over truncated listings is exercised.
  Result<storage::ListResult> ListObjects(const std::string& bucket,
                                          const storage::ListQuery& query) override {
    auto it = buckets.find(bucket);
    if (it == buckets.end()) return Status(Code::kNoSuchBucket, bucket);
    storage::ListResult result;
    for (const storage::ObjectInfo& object : it->second) {
      if (object.key <= query.after) continue;
      if (result.objects.size() == 2) {
        result.truncated = true;
        break;
      }
      result.objects.push_back(object);
      result.next_marker = object.key;
    }
    return result;
  }
  // The counters a real store keeps, from the same objects (all current, unversioned).
  Result<storage::BucketUsage> GetBucketUsage(const std::string& bucket) override {
    auto it = buckets.find(bucket);
    if (it == buckets.end()) return Status(Code::kNoSuchBucket, bucket);
    storage::BucketUsage usage;
    for (const storage::ObjectInfo& object : it->second) {
      ++usage.objects;
      ++usage.versions;
      usage.bytes += object.size;
      usage.current_bytes += object.size;
    }
    return usage;
  }

 private:
  static Status Unsupported() { return Status(Code::kNotImplemented, "fake"); }
};

storage::ObjectInfo Object(std::string bucket, std::string key, uint64_t size) {
  storage::ObjectInfo info;
  info.bucket = std::move(bucket);
  info.key = std::move(key);
  info.size = size;
  return info;
}

class RecordingWriter final : public http::ResponseWriter {
 public:
  int status = 0;
  Headers headers;
  std::string body;
  Status Send(int s, const Headers& h, std::string_view b) override {
    status = s;
    headers = h;
    body = std::string(b);
    sent_ = true;
    return Status::Ok();
  }
  Status SendStream(int, const Headers&, uint64_t, ByteSource*) override {
    ADD_FAILURE() << "the admin API never streams";
    return Status::Ok();
  }
  bool sent() const override { return sent_; }

 private:
  bool sent_ = false;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string text;
  json body;
  std::string code() const { return body.is_object() ? body.value("Code", "") : ""; }
};

ErrorInfo TableForTest(Code code) {
  const s3::S3ErrorInfo& info = s3::ErrorInfoFor(code);
  return {info.code, info.http_status, info.message};
}

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    iam_ = std::move(iam::IamStore::Open(system_, {kRoot, kRootSecret})).value();
    bucket_policies_ = std::move(iam::BucketPolicies::Open(system_)).value();
    authorizer_ = std::make_unique<iam::PolicyAuthorizer>(*iam_, *bucket_policies_);
    verifier_ = std::make_unique<auth::Verifier>(*iam_);
    AdminOptions options;
    options.error_table = TableForTest;
    options.drive_paths = {::testing::TempDir()};
    options.started = Now() - std::chrono::seconds(42);
    api_ = std::make_unique<AdminApi>(options, *verifier_, *authorizer_, *iam_, objects_);
  }

  // A request signed as `access_key` (anonymous when empty) with SigV4 and a signed payload hash.
  Response Call(const std::string& method, const std::string& name,
                const std::vector<std::pair<std::string, std::string>>& query = {},
                const std::string& body = "", const std::string& access_key = kRoot,
                const std::string& secret = kRootSecret) {
    http::Request request;
    request.method = method;
    // A name starting with '/' is a whole path (MinIO's /minio/admin/v3/...).
    request.path = name.starts_with('/') ? name : std::string(kBasePath) + name;
    for (const auto& [key, value] : query) {
      if (!request.query.empty()) request.query += "&";
      request.query += UriEncode(key, false) + "=" + UriEncode(value, false);
    }
    request.target = request.path + (request.query.empty() ? "" : "?" + request.query);
    request.headers.Add("host", "127.0.0.1:9000");
    request.content_length = body.size();
    request.remote_ip = "127.0.0.1";
    if (!access_key.empty()) {
      auth::SignRequest({access_key, secret}, method, request.path, request.query, request.headers,
                        Sha256Hex(body), Now());
    }
    MemorySource source(body.data(), body.size());
    RecordingWriter out;
    api_->Handle(request, source, out);
    Response response{out.status, out.headers, out.body, nullptr};
    if (!out.body.empty()) response.body = json::parse(out.body, nullptr, false);
    return response;
  }

  void AddUser(const std::string& name, const std::vector<std::string>& policies) {
    ASSERT_TRUE(iam_->AddUser(name, name + "-secret").ok());
    if (!policies.empty()) {
      ASSERT_TRUE(iam_->AttachPolicies(policies, name, "").ok());
    }
  }
  Response As(const std::string& user, const std::string& method, const std::string& name,
              const std::vector<std::pair<std::string, std::string>>& query = {},
              const std::string& body = "") {
    return Call(method, name, query, body, user, user + "-secret");
  }

  storage::MemorySystemStore system_;
  FakeObjectStore objects_;
  std::unique_ptr<iam::IamStore> iam_;
  std::unique_ptr<iam::BucketPolicies> bucket_policies_;
  std::unique_ptr<iam::PolicyAuthorizer> authorizer_;
  std::unique_ptr<auth::Verifier> verifier_;
  std::unique_ptr<AdminApi> api_;
};

TEST_F(AdminApiTest, HandlesOnlyTheAdminBasePath) {
  http::Request request;
  request.path = "/cairn/admin/v1/users";
  EXPECT_TRUE(AdminApi::Handles(request));
  request.path = "/cairn/admin/v1";
  EXPECT_FALSE(AdminApi::Handles(request));
  request.path = "/cairn/object";
  EXPECT_FALSE(AdminApi::Handles(request));
}

TEST_F(AdminApiTest, ErrorsAreJsonWithCodeMessageAndRequestId) {
  Response r = Call("GET", "user", {{"accessKey", "ghost"}});
  EXPECT_EQ(r.status, 404);
  ASSERT_TRUE(r.body.is_object()) << r.text;
  EXPECT_EQ(r.code(), "NoSuchUser");
  EXPECT_NE(r.body.value("Message", "").find("ghost"), std::string::npos);
  EXPECT_EQ(r.body.value("RequestId", ""), r.headers.Get("x-amz-request-id").value_or("?"));
  EXPECT_EQ(r.headers.Get("content-type").value_or(""), "application/json");
}

TEST_F(AdminApiTest, UnknownPathIsNotFoundAndWrongMethodIs405) {
  Response r = Call("GET", "nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "NotFound");
  r = Call("POST", "users");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.code(), "MethodNotAllowed");
}

TEST_F(AdminApiTest, AnonymousAndBadSignaturesAreRefused) {
  Response r = Call("GET", "users", {}, "", "");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "AccessDenied");
  r = Call("GET", "users", {}, "", kRoot, "not-the-secret");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "SignatureDoesNotMatch");
  r = Call("GET", "users", {}, "", "nobody-key", "whatever-secret");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "InvalidAccessKeyId");
}

TEST_F(AdminApiTest, UserLifecycleNeverShowsTheSecret) {
  Response r = Call("PUT", "user", {{"accessKey", "alice"}}, R"({"secretKey":"alicesecret1"})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"accessKey":"alice","status":"enabled","policies":[],
                                    "groups":[]})"));
  EXPECT_EQ(r.text.find("alicesecret1"), std::string::npos);
  // The key works for S3 at once.
  EXPECT_EQ(iam_->Lookup("alice")->secret_key, "alicesecret1");

  r = Call("GET", "users");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["users"].size(), 1u);
  EXPECT_EQ(r.body["users"][0]["accessKey"], "alice");
  EXPECT_EQ(r.text.find("secret"), std::string::npos) << r.text;

  r = Call("PUT", "user-status", {{"accessKey", "alice"}, {"status", "disabled"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["status"], "disabled");
  EXPECT_EQ(iam_->Lookup("alice").status().code(), Code::kInvalidAccessKeyId);
  r = Call("PUT", "user-status", {{"accessKey", "alice"}, {"status", "sleepy"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "InvalidArgument");

  r = Call("DELETE", "user", {{"accessKey", "alice"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.text.empty());
  r = Call("DELETE", "user", {{"accessKey", "alice"}});
  EXPECT_EQ(r.code(), "NoSuchUser");
}

TEST_F(AdminApiTest, BadUserRequestsAreInvalidArgument) {
  EXPECT_EQ(Call("PUT", "user", {}, R"({"secretKey":"alicesecret1"})").code(), "InvalidArgument");
  EXPECT_EQ(Call("PUT", "user", {{"accessKey", "alice"}}, "{}").code(), "InvalidArgument");
  EXPECT_EQ(Call("PUT", "user", {{"accessKey", "alice"}}, "not json").code(), "InvalidArgument");
  EXPECT_EQ(Call("PUT", "user", {{"accessKey", "alice"}}, R"({"secretKey":"short"})").code(),
            "InvalidArgument");
  EXPECT_EQ(Call("PUT", "user", {{"accessKey", "alice"}}, R"({"secretKey":12345678})").code(),
            "InvalidArgument");
  EXPECT_EQ(Call("PUT", "user", {{"accessKey", kRoot}}, R"({"secretKey":"rootsecret9"})").code(),
            "InvalidArgument");
  EXPECT_FALSE(iam_->GetUser("alice").ok());
}

TEST_F(AdminApiTest, BodiesOverOneMebibyteAreRefused) {
  std::string big = R"({"secretKey":"alicesecret1","pad":")" + std::string(1 << 20, 'x') + "\"}";
  Response r = Call("PUT", "user", {{"accessKey", "alice"}}, big);
  EXPECT_EQ(r.code(), "EntityTooLarge");
  EXPECT_FALSE(iam_->GetUser("alice").ok());
}

TEST_F(AdminApiTest, ReadwriteUserIsDeniedConsoleAdminIsAllowed) {
  AddUser("writer", {"readwrite"});
  AddUser("operator", {"consoleAdmin"});
  for (const char* endpoint : {"users", "groups", "policies", "info"}) {
    SCOPED_TRACE(endpoint);
    EXPECT_EQ(As("writer", "GET", endpoint).code(), "AccessDenied");
    EXPECT_EQ(As("operator", "GET", endpoint).status, 200);
  }
  Response r =
      As("writer", "PUT", "user", {{"accessKey", "mallory"}}, R"({"secretKey":"mallorysecret"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(iam_->GetUser("mallory").ok());
  r = As("operator", "PUT", "user", {{"accessKey", "bob"}}, R"({"secretKey":"bobsecret1"})");
  EXPECT_EQ(r.status, 200) << r.text;
}

TEST_F(AdminApiTest, EachEndpointChecksItsOwnAction) {
  ASSERT_TRUE(iam_->PutPolicy("user-readers",
                              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                       "Action":["admin:ListUsers","admin:GetUser","admin:EnableUser"]}]})")
                  .ok());
  AddUser("reader", {"user-readers", "diagnostics"});
  AddUser("target", {});
  EXPECT_EQ(As("reader", "GET", "users").status, 200);
  EXPECT_EQ(As("reader", "GET", "user", {{"accessKey", "target"}}).status, 200);
  EXPECT_EQ(As("reader", "GET", "info").status, 200);  // diagnostics grants admin:ServerInfo
  EXPECT_EQ(As("reader", "GET", "groups").code(), "AccessDenied");
  EXPECT_EQ(As("reader", "DELETE", "user", {{"accessKey", "target"}}).code(), "AccessDenied");
  // user-status needs EnableUser or DisableUser according to the status asked for.
  EXPECT_EQ(
      As("reader", "PUT", "user-status", {{"accessKey", "target"}, {"status", "enabled"}}).status,
      200);
  EXPECT_EQ(
      As("reader", "PUT", "user-status", {{"accessKey", "target"}, {"status", "disabled"}}).code(),
      "AccessDenied");
  EXPECT_TRUE(iam_->GetUser("target")->enabled);
}

TEST_F(AdminApiTest, ExplicitDenyBeatsConsoleAdmin) {
  ASSERT_TRUE(iam_->PutPolicy("no-user-deletes",
                              R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
                                  "Action":["admin:DeleteUser"],"Resource":["arn:aws:s3:::*"]}]})")
                  .ok());
  AddUser("operator", {"consoleAdmin", "no-user-deletes"});
  AddUser("target", {});
  EXPECT_EQ(As("operator", "DELETE", "user", {{"accessKey", "target"}}).code(), "AccessDenied");
  EXPECT_EQ(As("operator", "GET", "user", {{"accessKey", "target"}}).status, 200);
}

TEST_F(AdminApiTest, PoliciesListCannedFirstAndRefuseChangesToThem) {
  Response r = Call("PUT", "policy", {{"name", "mine"}},
                    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                        "Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["name"], "mine");
  EXPECT_EQ(r.body["canned"], false);
  EXPECT_EQ(r.body["policy"]["Statement"][0]["Action"][0], "s3:GetObject");

  r = Call("GET", "policies");
  ASSERT_EQ(r.status, 200);
  const json& list = r.body["policies"];
  ASSERT_EQ(list.size(), 6u) << r.text;
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(list[i]["canned"], true) << list[i];
  EXPECT_EQ(list[5], json::parse(R"({"name":"mine","canned":false})"));

  r = Call("GET", "policy", {{"name", "consoleAdmin"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["canned"], true);
  EXPECT_EQ(r.body["policy"]["Statement"][0]["Action"][0], "admin:*");

  EXPECT_EQ(Call("PUT", "policy", {{"name", "readwrite"}}, R"({"Statement":[]})").code(),
            "InvalidArgument");
  EXPECT_EQ(Call("DELETE", "policy", {{"name", "readonly"}}).code(), "InvalidArgument");
  EXPECT_EQ(Call("GET", "policy", {{"name", "ghost"}}).code(), "NoSuchPolicy");
  EXPECT_EQ(Call("DELETE", "policy", {{"name", "ghost"}}).status, 404);
  EXPECT_EQ(Call("DELETE", "policy", {{"name", "mine"}}).status, 204);
}

TEST_F(AdminApiTest, MalformedPolicySaysWhere) {
  Response r = Call("PUT", "policy", {{"name", "broken"}},
                    "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Maybe\", "
                    "\"Action\": \"s3:*\", \"Resource\": \"*\"}]}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "MalformedPolicy");
  EXPECT_NE(r.body.value("Message", "").find("Statement[0].Effect"), std::string::npos) << r.text;
  r = Call("PUT", "policy", {{"name", "broken"}}, "{\"Version\": \"2012-10-17\",\n  oops}");
  EXPECT_EQ(r.code(), "MalformedPolicy");
  EXPECT_NE(r.body.value("Message", "").find("line 2"), std::string::npos) << r.text;
  EXPECT_FALSE(iam_->GetPolicy("broken").ok());
}

TEST_F(AdminApiTest, AttachDetachAndPolicyInUse) {
  AddUser("alice", {});
  Response r = Call("POST", "policy-attach", {}, R"({"policies":["readonly"],"user":"alice"})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["policies"], json::parse(R"(["readonly"])"));
  EXPECT_EQ(Call("POST", "policy-attach", {}, R"({"policies":["ghost"],"user":"alice"})").code(),
            "NoSuchPolicy");
  EXPECT_EQ(Call("POST", "policy-attach", {}, R"({"policies":["readonly"],"user":"bob"})").code(),
            "NoSuchUser");
  EXPECT_EQ(
      Call("POST", "policy-attach", {}, R"({"policies":["readonly"],"group":"nogroup"})").code(),
      "NoSuchGroup");
  EXPECT_EQ(
      Call("POST", "policy-attach", {}, R"({"policies":["readonly"],"user":"alice","group":"g"})")
          .code(),
      "InvalidArgument");
  EXPECT_EQ(Call("POST", "policy-attach", {}, R"({"policies":[],"user":"alice"})").code(),
            "InvalidArgument");

  ASSERT_EQ(Call("PUT", "policy", {{"name", "p1"}},
                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
                     "Resource":"*"}]})")
                .status,
            200);
  ASSERT_EQ(Call("POST", "policy-attach", {}, R"({"policies":["p1"],"user":"alice"})").status, 200);
  r = Call("DELETE", "policy", {{"name", "p1"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code(), "PolicyInUse");
  r = Call("POST", "policy-detach", {}, R"({"policies":["p1"],"user":"alice"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["policies"], json::parse(R"(["readonly"])"));
  EXPECT_EQ(Call("DELETE", "policy", {{"name", "p1"}}).status, 204);
}

TEST_F(AdminApiTest, GroupsMembersStatusAndGroupNotEmpty) {
  AddUser("alice", {});
  AddUser("bob", {});
  Response r = Call("PUT", "group-members", {{"group", "devs"}}, R"({"members":["alice","bob"]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"name":"devs","status":"enabled",
                                    "members":["alice","bob"],"policies":[]})"));
  EXPECT_EQ(Call("PUT", "group-members", {{"group", "devs"}}, R"({"members":["ghost"]})").code(),
            "NoSuchUser");
  EXPECT_EQ(Call("GET", "user", {{"accessKey", "alice"}}).body["groups"],
            json::parse(R"(["devs"])"));
  r = Call("DELETE", "group", {{"group", "devs"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code(), "GroupNotEmpty");
  r = Call("PUT", "group-status", {{"group", "devs"}, {"status", "disabled"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["status"], "disabled");
  // An empty member list would mean "remove the group" to the store: refused here.
  EXPECT_EQ(Call("DELETE", "group-members", {{"group", "devs"}}, R"({"members":[]})").code(),
            "InvalidArgument");
  r = Call("DELETE", "group-members", {{"group", "devs"}}, R"({"members":["alice","bob"]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["members"], json::array());
  // The emptied group stays (as in MinIO) until it is removed.
  r = Call("GET", "group", {{"group", "devs"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["members"], json::array());
  EXPECT_EQ(Call("DELETE", "group", {{"group", "devs"}}).status, 204);
  EXPECT_EQ(Call("GET", "group", {{"group", "devs"}}).code(), "NoSuchGroup");
  EXPECT_EQ(Call("DELETE", "group", {{"group", "devs"}}).code(), "NoSuchGroup");
  EXPECT_EQ(Call("GET", "groups").body["groups"], json::array());
}

TEST_F(AdminApiTest, UsersManageTheirOwnServiceAccountsOnly) {
  AddUser("alice", {"readwrite"});
  AddUser("bob", {"readwrite"});
  Response r = As("alice", "PUT", "service-account", {},
                  R"({"name":"ci","description":"builds","policy":{"Version":"2012-10-17",
                      "Statement":[{"Effect":"Allow","Action":["s3:GetObject"],
                      "Resource":["arn:aws:s3:::b/*"]}]}})");
  ASSERT_EQ(r.status, 200) << r.text;
  std::string key = r.body["accessKey"];
  std::string secret = r.body["secretKey"];
  EXPECT_EQ(r.body["parent"], "alice");
  EXPECT_EQ(r.body["name"], "ci");
  EXPECT_EQ(r.body["status"], "enabled");
  EXPECT_EQ(r.body["policy"]["Statement"][0]["Action"][0], "s3:GetObject");
  EXPECT_EQ(iam_->Lookup(key)->secret_key, secret);

  r = As("alice", "GET", "service-accounts");
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["serviceAccounts"].size(), 1u);
  EXPECT_EQ(r.body["serviceAccounts"][0]["accessKey"], key);
  EXPECT_EQ(r.text.find(secret), std::string::npos);
  EXPECT_FALSE(r.body["serviceAccounts"][0].contains("secretKey"));
  r = As("alice", "GET", "service-account", {{"accessKey", key}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.text.find(secret), std::string::npos);

  // Bob holds no admin action: not Alice's accounts, not one for Alice, no probing.
  EXPECT_EQ(As("bob", "GET", "service-accounts", {{"user", "alice"}}).code(), "AccessDenied");
  EXPECT_EQ(As("bob", "GET", "service-account", {{"accessKey", key}}).code(), "AccessDenied");
  EXPECT_EQ(As("bob", "DELETE", "service-account", {{"accessKey", key}}).code(), "AccessDenied");
  EXPECT_EQ(As("bob", "GET", "service-account", {{"accessKey", "NOSUCHKEY"}}).code(),
            "AccessDenied");
  EXPECT_EQ(As("bob", "PUT", "service-account", {}, R"({"parent":"alice"})").code(),
            "AccessDenied");
  EXPECT_EQ(Call("GET", "service-account", {{"accessKey", "NOSUCHKEY"}}).code(),
            "NoSuchServiceAccount");

  // The narrowed key itself may not mint a sibling (it would escape its own policy).
  r = Call("PUT", "service-account", {}, "{}", key, secret);
  EXPECT_EQ(r.code(), "AccessDenied");

  EXPECT_EQ(As("alice", "DELETE", "service-account", {{"accessKey", key}}).status, 204);
  EXPECT_EQ(iam_->Lookup(key).status().code(), Code::kInvalidAccessKeyId);
}

TEST_F(AdminApiTest, OnlyTheRootMintsRootServiceAccounts) {
  AddUser("operator", {"consoleAdmin"});
  Response r = As("operator", "PUT", "service-account", {},
                  std::string(R"({"parent":")") + kRoot + R"(","accessKey":"rootish"})");
  EXPECT_EQ(r.code(), "AccessDenied") << r.text;
  EXPECT_FALSE(iam_->GetServiceAccount("rootish").ok());
  // Its own, and other users', it may create.
  AddUser("alice", {});
  EXPECT_EQ(As("operator", "PUT", "service-account", {}, R"({"parent":"alice"})").status, 200);
  EXPECT_EQ(As("operator", "PUT", "service-account", {}, "{}").status, 200);
}

TEST_F(AdminApiTest, RootCreatesServiceAccountsForOthersWithChosenKeys) {
  AddUser("alice", {});
  Response r = Call("PUT", "service-account", {},
                    R"({"parent":"alice","accessKey":"alice-ci","secretKey":"alice-ci-secret"})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["accessKey"], "alice-ci");
  EXPECT_EQ(r.body["secretKey"], "alice-ci-secret");
  EXPECT_TRUE(r.body["policy"].is_null());
  r = Call("PUT", "service-account", {}, R"({"policy":{"Statement":"nope"}})");
  EXPECT_EQ(r.code(), "MalformedPolicy");
  r = Call("GET", "service-accounts", {{"user", "ghost"}});
  EXPECT_EQ(r.code(), "NoSuchUser");
  r = Call("PUT", "service-account", {}, "{}");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["parent"], kRoot);
  EXPECT_EQ(Call("GET", "service-accounts").body["serviceAccounts"].size(), 1u);
}

TEST_F(AdminApiTest, ServerInfoCountsStoreAndIam) {
  objects_.buckets["a"] = {Object("a", "k1", 10), Object("a", "k2", 20), Object("a", "k3", 30)};
  objects_.buckets["b"] = {Object("b", "x", 5)};
  AddUser("alice", {});
  Response r = Call("GET", "info");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["version"], CAIRN_TEST_VERSION);
  EXPECT_GE(r.body["uptimeSeconds"].get<int64_t>(), 42);
  EXPECT_EQ(r.body["region"], "us-east-1");
  EXPECT_EQ(r.body["buckets"], 2);
  EXPECT_EQ(r.body["objects"], 4);
  EXPECT_EQ(r.body["objectBytes"], 65);
  EXPECT_EQ(r.body["users"], 1);
  EXPECT_EQ(r.body["groups"], 0);
  EXPECT_EQ(r.body["policies"], 5);
  ASSERT_EQ(r.body["drives"].size(), 1u);
  const json& drive = r.body["drives"][0];
  EXPECT_EQ(drive["path"], ::testing::TempDir());
  EXPECT_GT(drive["totalBytes"].get<uint64_t>(), 0u);
  EXPECT_EQ(drive["usedBytes"].get<uint64_t>() + drive["freeBytes"].get<uint64_t>(),
            drive["totalBytes"].get<uint64_t>());
}

TEST_F(AdminApiTest, PayloadMustMatchItsSignedHash) {
  http::Request request;
  request.method = "PUT";
  request.path = "/cairn/admin/v1/user";
  request.query = "accessKey=alice";
  request.headers.Add("host", "127.0.0.1:9000");
  std::string signed_body = R"({"secretKey":"alicesecret1"})";
  std::string sent_body = R"({"secretKey":"evilsecret12"})";
  request.content_length = sent_body.size();
  auth::SignRequest({kRoot, kRootSecret}, "PUT", request.path, request.query, request.headers,
                    Sha256Hex(signed_body), Now());
  MemorySource source(sent_body.data(), sent_body.size());
  RecordingWriter out;
  api_->Handle(request, source, out);
  EXPECT_EQ(out.status, 400) << out.body;
  EXPECT_NE(out.body.find("XAmzContentSHA256Mismatch"), std::string::npos) << out.body;
  EXPECT_FALSE(iam_->GetUser("alice").ok());
}

// ---- MinIO's admin API v3 (minio_v3.cc) --------------------------------------------------------

std::string V3(const std::string& name) { return std::string(kMinioBasePath) + name; }

TEST_F(AdminApiTest, V3AddUserTakesAnEncryptedBodyAndListUsersAnswersEncrypted) {
  std::string body =
      MadminEncrypt(kRootSecret, R"({"secretKey":"v3-user-secret","status":"enabled"})").value();
  Response r = Call("PUT", V3("add-user"), {{"accessKey", "v3user"}}, body);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.text, "");
  auto creds = iam_->Lookup("v3user");
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->secret_key, "v3-user-secret");

  ASSERT_TRUE(iam_->AttachPolicies({"readonly", "diagnostics"}, "v3user", "").ok());
  r = Call("GET", V3("list-users"));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(MadminIsEncrypted(r.text));
  auto plain = MadminDecrypt(kRootSecret, r.text);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  json users = json::parse(*plain);
  EXPECT_EQ(users["v3user"]["status"], "enabled");
  EXPECT_EQ(users["v3user"]["policyName"], "diagnostics,readonly");
  EXPECT_FALSE(users["v3user"].contains("secretKey"));

  // user-info is plain JSON; a plaintext add-user body (not madmin's encryption) is refused.
  r = Call("GET", V3("user-info"), {{"accessKey", "v3user"}});
  EXPECT_EQ(r.body["status"], "enabled") << r.text;
  r = Call("PUT", V3("add-user"), {{"accessKey", "v3plain"}}, R"({"secretKey":"plain-secret"})");
  EXPECT_EQ(r.status, 400) << r.text;
  // Encrypted under another secret than the caller's: refused too.
  body = MadminEncrypt("someone-else", R"({"secretKey":"v3-user-secret"})").value();
  EXPECT_EQ(Call("PUT", V3("add-user"), {{"accessKey", "v3other"}}, body).status, 400);
  EXPECT_FALSE(iam_->GetUser("v3plain").ok());
  EXPECT_FALSE(iam_->GetUser("v3other").ok());
}

TEST_F(AdminApiTest, V3PoliciesGroupsAndStatuses) {
  const std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],)"
      R"("Resource":["arn:aws:s3:::b/*"]}]})";
  ASSERT_EQ(Call("PUT", V3("add-canned-policy"), {{"name", "getb"}}, doc).status, 200);
  Response r = Call("GET", V3("info-canned-policy"), {{"name", "getb"}});
  EXPECT_EQ(r.text, doc);
  r = Call("GET", V3("info-canned-policy"), {{"name", "getb"}, {"v", "2"}});
  EXPECT_EQ(r.body["PolicyName"], "getb");
  EXPECT_EQ(r.body["Policy"], json::parse(doc));
  r = Call("GET", V3("list-canned-policies"));
  EXPECT_TRUE(r.body.contains("getb") && r.body.contains("readwrite")) << r.text;

  AddUser("gmember", {});
  ASSERT_EQ(Call("PUT", V3("update-group-members"), {},
                 R"({"group":"devs","members":["gmember"],"isRemove":false})")
                .status,
            200);
  ASSERT_EQ(Call("PUT", V3("set-user-or-group-policy"),
                 {{"policyName", "getb"}, {"userOrGroup", "devs"}, {"isGroup", "true"}})
                .status,
            200);
  r = Call("GET", V3("group"), {{"group", "devs"}});
  EXPECT_EQ(r.body, json::parse(R"({"name":"devs","status":"enabled","members":["gmember"],)"
                                R"("policy":"getb"})"));
  // set-user-or-group-policy replaces the whole set.
  ASSERT_EQ(Call("PUT", V3("set-user-or-group-policy"),
                 {{"policyName", "readonly"}, {"userOrGroup", "devs"}, {"isGroup", "true"}})
                .status,
            200);
  EXPECT_EQ(iam_->GetGroup("devs")->policies, std::vector<std::string>{"readonly"});
  EXPECT_EQ(Call("GET", V3("groups")).body, json::parse(R"(["devs"])"));
  EXPECT_EQ(Call("PUT", V3("set-group-status"), {{"group", "devs"}, {"status", "disabled"}}).status,
            200);
  EXPECT_FALSE(iam_->GetGroup("devs")->enabled);
  EXPECT_EQ(
      Call("PUT", V3("set-user-status"), {{"accessKey", "gmember"}, {"status", "disabled"}}).status,
      200);
  EXPECT_FALSE(iam_->GetUser("gmember")->enabled);
  ASSERT_EQ(Call("PUT", V3("update-group-members"), {},
                 R"({"group":"devs","members":["gmember"],"isRemove":true})")
                .status,
            200);
  // No members and isRemove: the group itself goes (as mc admin group remove does it).
  ASSERT_EQ(Call("PUT", V3("update-group-members"), {},
                 R"({"group":"devs","members":[],"isRemove":true})")
                .status,
            200);
  EXPECT_FALSE(iam_->GetGroup("devs").ok());
  EXPECT_EQ(Call("DELETE", V3("remove-canned-policy"), {{"name", "getb"}}).status, 200);
  EXPECT_EQ(Call("DELETE", V3("remove-user"), {{"accessKey", "gmember"}}).status, 200);
  EXPECT_FALSE(iam_->GetUser("gmember").ok());
}

TEST_F(AdminApiTest, V3ServiceAccountsAreEncryptedBothWays) {
  AddUser("owner", {"readwrite"});
  std::string body = MadminEncrypt("owner-secret", R"({"policy":{"Version":"2012-10-17",)"
                                                   R"("Statement":[{"Effect":"Allow",)"
                                                   R"("Action":["s3:ListBucket"],)"
                                                   R"("Resource":["arn:aws:s3:::b"]}]},)"
                                                   R"("comment":"ci key"})")
                         .value();
  Response r = As("owner", "PUT", V3("add-service-account"), {}, body);
  ASSERT_EQ(r.status, 200) << r.text;
  json created = json::parse(MadminDecrypt("owner-secret", r.text).value());
  std::string key = created["credentials"]["accessKey"];
  EXPECT_FALSE(created["credentials"]["secretKey"].get<std::string>().empty());

  r = As("owner", "GET", V3("list-service-accounts"), {{"user", "owner"}});
  json listed = json::parse(MadminDecrypt("owner-secret", r.text).value());
  EXPECT_EQ(listed["accounts"], json::array({key}));
  r = As("owner", "GET", V3("info-service-account"), {{"accessKey", key}});
  json info = json::parse(MadminDecrypt("owner-secret", r.text).value());
  EXPECT_EQ(info["parentUser"], "owner");
  EXPECT_EQ(info["accountStatus"], "on");
  EXPECT_EQ(info["impliedPolicy"], false);
  EXPECT_EQ(info["comment"], "ci key");
  EXPECT_EQ(json::parse(info["policy"].get<std::string>())["Statement"][0]["Action"][0],
            "s3:ListBucket");
  // Another user without admin actions can neither see nor delete it.
  AddUser("other", {"readwrite"});
  EXPECT_EQ(As("other", "GET", V3("info-service-account"), {{"accessKey", key}}).code(),
            "AccessDenied");
  r = As("owner", "DELETE", V3("delete-service-account"), {{"accessKey", key}});
  EXPECT_EQ(r.status, 204) << r.text;
  EXPECT_FALSE(iam_->GetServiceAccount(key).ok());
}

TEST_F(AdminApiTest, V3UpdateServiceAccountChangesTheKeyInPlace) {
  AddUser("owner", {"readwrite"});
  ASSERT_TRUE(iam_->AddServiceAccount("owner", "ownerkey1", "ownerkey-secret", "", "ci", "").ok());
  auto update = [&](const std::string& as, const std::string& secret, const std::string& key,
                    const std::string& request) {
    return Call("POST", V3("update-service-account"), {{"accessKey", key}},
                MadminEncrypt(secret, request).value(), as, secret);
  };
  // Its owner changes it without admin actions: secret, status and comment in one call.
  Response r = update("owner", "owner-secret", "ownerkey1",
                      R"({"newSecretKey":"rotated-secret-1","newStatus":"off",)"
                      R"("newComment":"rotated"})");
  ASSERT_EQ(r.status, 204) << r.text;
  EXPECT_EQ(iam_->Lookup("ownerkey1").status().code(), Code::kInvalidAccessKeyId);  // off
  auto info = iam_->GetServiceAccount("ownerkey1");
  EXPECT_EQ(info->description, "rotated");
  EXPECT_EQ(info->name, "ci");  // not given: kept
  EXPECT_EQ(info->parent, "owner");
  r = update("owner", "owner-secret", "ownerkey1", R"({"newStatus":"on"})");
  ASSERT_EQ(r.status, 204) << r.text;
  EXPECT_EQ(iam_->Lookup("ownerkey1")->secret_key, "rotated-secret-1");

  // A policy narrows it; an absent one keeps it (MinIO would drop it); {} clears it.
  r = update("owner", "owner-secret", "ownerkey1",
             R"({"newPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
             R"("Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"]}]}})");
  ASSERT_EQ(r.status, 204) << r.text;
  EXPECT_FALSE(iam_->Resolve("ownerkey1")->session_policy.empty());
  ASSERT_EQ(update("owner", "owner-secret", "ownerkey1", R"({"newName":"ci-2"})").status, 204);
  EXPECT_FALSE(iam_->Resolve("ownerkey1")->session_policy.empty());
  EXPECT_EQ(iam_->GetServiceAccount("ownerkey1")->name, "ci-2");
  ASSERT_EQ(update("owner", "owner-secret", "ownerkey1", R"({"newPolicy":{}})").status, 204);
  EXPECT_TRUE(iam_->Resolve("ownerkey1")->session_policy.empty());

  // Bad requests change nothing.
  EXPECT_EQ(update("owner", "owner-secret", "ownerkey1",
                   R"({"newPolicy":{"Version":"2012-10-17","Statement":12}})")
                .code(),
            "MalformedPolicy");
  EXPECT_EQ(update("owner", "owner-secret", "ownerkey1", R"({"newStatus":"maybe"})").status, 400);
  EXPECT_EQ(update("owner", "owner-secret", "ownerkey1", R"({"newSecretKey":"short"})").status,
            400);
  EXPECT_EQ(
      update("owner", "owner-secret", "ownerkey1", R"({"newExpiration":"2000-01-01T00:00:00Z"})")
          .status,
      400);
  EXPECT_EQ(iam_->Lookup("ownerkey1")->secret_key, "rotated-secret-1");
  EXPECT_FALSE(iam_->GetServiceAccount("ownerkey1")->expiration);

  // An expiration within MinIO's bounds is kept and reported; the zero time removes it.
  std::string later = FormatIso8601(Now() + std::chrono::hours(48));
  ASSERT_EQ(
      update("owner", "owner-secret", "ownerkey1", R"({"newExpiration":")" + later + "\"}").status,
      204);
  r = As("owner", "GET", V3("info-service-account"), {{"accessKey", "ownerkey1"}});
  json described = json::parse(MadminDecrypt("owner-secret", r.text).value());
  EXPECT_EQ(described["expiration"], later);
  EXPECT_EQ(described["name"], "ci-2");
  EXPECT_TRUE(iam_->Lookup("ownerkey1").ok());
  ASSERT_EQ(
      update("owner", "owner-secret", "ownerkey1", R"({"newExpiration":"0001-01-01T00:00:00Z"})")
          .status,
      204);
  EXPECT_FALSE(iam_->GetServiceAccount("ownerkey1")->expiration);

  // Nobody else without the action; the key itself neither (it is not its own parent).
  AddUser("other", {"readwrite"});
  EXPECT_EQ(update("other", "other-secret", "ownerkey1", R"({"newStatus":"off"})").code(),
            "AccessDenied");
  EXPECT_EQ(update("other", "other-secret", "GHOSTKEY", R"({"newStatus":"off"})").code(),
            "AccessDenied");
  EXPECT_EQ(update("ownerkey1", "rotated-secret-1", "ownerkey1", R"({"newStatus":"off"})").code(),
            "AccessDenied");
  EXPECT_TRUE(iam_->GetServiceAccount("ownerkey1")->enabled);

  // admin:UpdateServiceAccount reaches any user's key, and an unknown key is then named so.
  ASSERT_TRUE(iam_->PutPolicy("update-keys", R"({"Version":"2012-10-17","Statement":[)"
                                             R"({"Effect":"Allow","Action":)"
                                             R"(["admin:UpdateServiceAccount"],)"
                                             R"("Resource":["arn:aws:s3:::*"]}]})")
                  .ok());
  AddUser("keyadmin", {"update-keys"});
  EXPECT_EQ(update("keyadmin", "keyadmin-secret", "ownerkey1", R"({"newStatus":"off"})").status,
            204);
  EXPECT_FALSE(iam_->GetServiceAccount("ownerkey1")->enabled);
  EXPECT_EQ(update("keyadmin", "keyadmin-secret", "GHOSTKEY", R"({"newStatus":"off"})").code(),
            "XMinioAdminServiceAccountNotFound");
  // ... but never a key of the root: a new secret would hand out the root's rights.
  ASSERT_TRUE(iam_->AddServiceAccount("", "rootkey1", "rootkey-secret", "", "", "").ok());
  EXPECT_EQ(
      update("keyadmin", "keyadmin-secret", "rootkey1", R"({"newSecretKey":"stolen-secret-1"})")
          .code(),
      "AccessDenied");
  EXPECT_EQ(iam_->Lookup("rootkey1")->secret_key, "rootkey-secret");
  EXPECT_EQ(update(kRoot, kRootSecret, "rootkey1", R"({"newSecretKey":"root-rotated-1"})").status,
            204);
  EXPECT_EQ(iam_->Lookup("rootkey1")->secret_key, "root-rotated-1");
}

TEST_F(AdminApiTest, V3ErrorsHaveMinioShapeAndUnservedCallsAreNotImplemented) {
  Response r = Call("GET", V3("user-info"), {{"accessKey", "ghost"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "XMinioAdminNoSuchUser");
  for (const char* field : {"Code", "Message", "Resource", "RequestId", "HostId"}) {
    EXPECT_TRUE(r.body.contains(field)) << field << " in " << r.text;
  }
  EXPECT_EQ(r.body["Resource"], V3("user-info"));
  EXPECT_EQ(r.body["RequestId"], r.headers.Get("x-amz-request-id").value_or("?"));

  for (const char* name : {"config-kv", "top/locks", "no-such-call"}) {
    r = Call("GET", V3(name));
    EXPECT_EQ(r.status, 501) << name;
    EXPECT_EQ(r.code(), "NotImplemented") << name;
  }
  AddUser("plain", {"readwrite"});
  r = As("plain", "GET", V3("list-users"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "AccessDenied");
  EXPECT_TRUE(r.body.contains("Resource")) << r.text;
  // Anonymous callers are refused the same way.
  r = Call("GET", V3("list-users"), {}, "", "");
  EXPECT_EQ(r.status, 403);
}

TEST_F(AdminApiTest, V3HealStartsThenAnswersOnItsTokenAndNeedsAnErasureSet) {
  // No heal (one drive): MinIO's answer for a setup without erasure coding, never a 200.
  Response r = Call("POST", V3("heal/"), {}, "{}");
  EXPECT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.code(), "XMinioHealNotImplemented");
  EXPECT_EQ(Call("GET", V3("heal/")).status, 405);

  storage::HealRequest seen;
  AdminOptions options;
  options.error_table = TableForTest;
  options.heal = [&seen](const storage::HealRequest& request) -> Result<storage::HealSummary> {
    seen = request;
    storage::HealSummary summary;
    summary.blobs_checked = 3;
    summary.blobs_damaged = 1;
    summary.shards_rebuilt = 1;
    summary.items.push_back({"bkt", "a/b", std::string(32, '0'), 100, {1}, {}, {}, {1}, ""});
    return summary;
  };
  options.store_health = [] {
    storage::StoreHealth h;
    for (const char* d : {"/d1", "/d2", "/d3", "/d4"})
      h.drives.push_back({d, storage::DriveHealthState::kOnline, ""});
    h.data_drives = 2;
    h.parity_drives = 2;
    return h;
  };
  api_ = std::make_unique<AdminApi>(options, *verifier_, *authorizer_, *iam_, objects_);
  r = Call("POST", V3("heal/bkt/a/"), {}, R"({"recursive":true,"scanMode":2})");
  ASSERT_EQ(r.status, 200) << r.text;
  const std::string token = r.body.value("clientToken", "");
  EXPECT_FALSE(token.empty());
  EXPECT_TRUE(r.body.contains("startTime"));
  EXPECT_EQ(seen.bucket, "bkt");
  EXPECT_EQ(seen.prefix, "a/");
  EXPECT_TRUE(seen.deep);
  r = Call("POST", V3("heal/bkt/a/"), {{"clientToken", token}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["summary"], "finished");
  EXPECT_EQ(r.body["settings"]["scanMode"], 2);
  ASSERT_EQ(r.body["items"].size(), 1u);
  const json& item = r.body["items"][0];
  EXPECT_EQ(item["bucket"], "bkt");
  EXPECT_EQ(item["object"], "a/b");
  EXPECT_EQ(item["diskCount"], 4);
  EXPECT_EQ(item["before"]["drives"][1]["state"], "missing");
  EXPECT_EQ(item["after"]["drives"][1]["state"], "ok");
  EXPECT_EQ(item["before"]["drives"][0]["state"], "ok");
  // A token is answered once; heal needs admin:Heal.
  r = Call("POST", V3("heal/bkt/a/"), {{"clientToken", token}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "XMinioHealNoSuchProcess");
  AddUser("plain", {"readwrite"});
  EXPECT_EQ(As("plain", "POST", V3("heal/"), {}, "{}").status, 403);
}

TEST_F(AdminApiTest, V3HealRefusesOptionsItDoesNotServeBeforeHealing) {
  int heals = 0;
  AdminOptions options;
  options.error_table = TableForTest;
  options.heal = [&heals](const storage::HealRequest&) -> Result<storage::HealSummary> {
    ++heals;
    return storage::HealSummary{};
  };
  api_ = std::make_unique<AdminApi>(options, *verifier_, *authorizer_, *iam_, objects_);
  // A dry run must not heal for real, and remove/recreate/updateParity are not done: refused.
  for (const char* body : {R"({"dryRun":true})", R"({"remove":true})", R"({"recreate":true})",
                           R"({"updateParity":true})", R"({"pool":1})", R"({"set":2})"}) {
    Response r = Call("POST", V3("heal/bkt/"), {}, body);
    EXPECT_EQ(r.status, 400) << body << " " << r.text;
    EXPECT_EQ(r.code(), "XMinioHealNotImplemented") << body;
  }
  for (const char* body : {R"({"dryRun":"yes"})", R"({"scanMode":7})", R"({"pool":"a"})"}) {
    Response r = Call("POST", V3("heal/bkt/"), {}, body);
    EXPECT_EQ(r.status, 400) << body << " " << r.text;
    EXPECT_EQ(r.code(), "InvalidRequest") << body;
  }
  EXPECT_EQ(heals, 0);
  // What madmin sends by default (false flags, pool/set 0, nolock) heals, echoed in settings.
  Response r = Call("POST", V3("heal/bkt/"), {},
                    R"({"recursive":true,"dryRun":false,"remove":false,"recreate":false,)"
                    R"("scanMode":1,"nolock":true,"pool":0,"set":0})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(heals, 1);
  r = Call("POST", V3("heal/bkt/"), {{"clientToken", r.body.value("clientToken", "")}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["settings"]["dryRun"], false);
  EXPECT_EQ(r.body["settings"]["nolock"], true);
}

// A back end that is no mounted file system (RADOS) reports its drive's capacity itself; the
// answer carries it rather than asking a file system at a path that is not one.
TEST_F(AdminApiTest, V3StorageInfoReportsTheSpaceABackEndGivesForItsDrive) {
  AdminOptions options;
  options.error_table = TableForTest;
  options.store_health = [] {
    storage::StoreHealth h;
    h.drives.push_back({"rados://pool", storage::DriveHealthState::kOnline, ""});
    h.drives.back().space = storage::DriveSpace{1 << 30, 400 << 20};
    return h;
  };
  api_ = std::make_unique<AdminApi>(options, *verifier_, *authorizer_, *iam_, objects_);
  Response r = Call("GET", V3("storageinfo"));
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["Disks"].size(), 1u);
  EXPECT_EQ(r.body["Disks"][0]["path"], "rados://pool");
  EXPECT_EQ(r.body["Disks"][0]["state"], "ok");
  EXPECT_EQ(r.body["Disks"][0]["totalspace"].get<uint64_t>(), uint64_t{1} << 30);
  EXPECT_EQ(r.body["Disks"][0]["availspace"].get<uint64_t>(), uint64_t{400} << 20);
  EXPECT_EQ(r.body["Disks"][0]["usedspace"].get<uint64_t>(), uint64_t{624} << 20);
}

TEST_F(AdminApiTest, V3ServerInfoStorageInfoAndDataUsageReportTheSameFactsAsV1) {
  objects_.buckets["a"] = {Object("a", "k1", 10), Object("a", "k2", 20), Object("a", "k3", 30)};
  objects_.buckets["b"] = {Object("b", "x", 5)};
  Response r = Call("GET", V3("info"));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["mode"], "online");
  EXPECT_EQ(r.body["buckets"]["count"], 2);
  EXPECT_EQ(r.body["objects"]["count"], 4);
  EXPECT_EQ(r.body["usage"]["size"], 65);
  EXPECT_EQ(r.body["backend"]["backendType"], "Erasure");
  EXPECT_EQ(r.body["backend"]["onlineDisks"], 1);
  ASSERT_EQ(r.body["servers"].size(), 1u);
  EXPECT_EQ(r.body["servers"][0]["version"], CAIRN_TEST_VERSION);
  EXPECT_EQ(r.body["servers"][0]["endpoint"], "127.0.0.1:9000");
  ASSERT_EQ(r.body["servers"][0]["drives"].size(), 1u);
  EXPECT_EQ(r.body["servers"][0]["drives"][0]["path"], ::testing::TempDir());

  r = Call("GET", V3("storageinfo"));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["Backend"]["Type"], 2);
  ASSERT_EQ(r.body["Disks"].size(), 1u);
  EXPECT_GT(r.body["Disks"][0]["totalspace"].get<uint64_t>(), 0u);

  r = Call("GET", V3("datausageinfo"));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["objectsCount"], 4);
  EXPECT_EQ(r.body["objectsTotalSize"], 65);
  EXPECT_EQ(r.body["bucketsCount"], 2);
  EXPECT_EQ(r.body["bucketsUsageInfo"]["a"]["objectsCount"], 3);
  EXPECT_EQ(r.body["bucketsSizes"]["a"], 60);
  EXPECT_TRUE(ParseIso8601(r.body["lastUpdate"].get<std::string>()).has_value());

  AddUser("plainuser", {"readwrite"});
  for (const char* name : {"info", "storageinfo", "datausageinfo"}) {
    EXPECT_EQ(As("plainuser", "GET", V3(name)).code(), "AccessDenied") << name;
  }
}

TEST_F(AdminApiTest, V3PolicyEntitiesAndAccountInfo) {
  objects_.buckets["a"] = {Object("a", "k1", 10)};
  objects_.buckets["b"] = {Object("b", "x", 5)};
  const std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],)"
      R"("Resource":["arn:aws:s3:::a"]}]})";
  ASSERT_TRUE(iam_->PutPolicy("list-a", doc).ok());
  AddUser("member", {});
  ASSERT_TRUE(iam_->AddGroupMembers("team", {"member"}).ok());
  ASSERT_TRUE(iam_->AttachPolicies({"list-a"}, "", "team").ok());

  Response r = Call("GET", V3("idp/builtin/policy-entities"));
  ASSERT_EQ(r.status, 200) << r.text;
  json all = json::parse(MadminDecrypt(kRootSecret, r.text).value());
  EXPECT_EQ(all["policyMappings"],
            json::parse(R"([{"policy":"list-a","users":[],"groups":["team"]}])"));
  EXPECT_FALSE(all.contains("userMappings"));
  r = Call("GET", V3("idp/builtin/policy-entities"), {{"user", "member"}, {"group", "team"}});
  json picked = json::parse(MadminDecrypt(kRootSecret, r.text).value());
  EXPECT_EQ(picked["userMappings"], json::parse(R"([{"user":"member","policies":[]}])"));
  EXPECT_EQ(picked["groupMappings"], json::parse(R"([{"group":"team","policies":["list-a"]}])"));
  EXPECT_EQ(As("member", "GET", V3("idp/builtin/policy-entities")).code(), "AccessDenied");

  // Any caller reads its own account: the group's policy, and the one bucket it may list.
  r = As("member", "GET", V3("accountinfo"));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["AccountName"], "member");
  EXPECT_EQ(r.body["Policy"]["Statement"][0]["Action"][0], "s3:ListBucket");
  ASSERT_EQ(r.body["Buckets"].size(), 1u) << r.text;
  EXPECT_EQ(r.body["Buckets"][0]["name"], "a");
  EXPECT_EQ(r.body["Buckets"][0]["objects"], 1);
  EXPECT_EQ(r.body["Buckets"][0]["access"], json::parse(R"({"read":true,"write":false})"));
  r = Call("GET", V3("accountinfo"));
  EXPECT_EQ(r.body["Buckets"].size(), 2u);
}

TEST_F(AdminApiTest, V3ServiceIsAuthorizedThenRefusedAndConfigKvHasTheRegion) {
  Response r = Call("POST", V3("service"), {{"action", "restart"}});
  EXPECT_EQ(r.status, 501);
  EXPECT_NE(r.body.value("Message", "").find("service manager"), std::string::npos) << r.text;
  AddUser("plainuser", {"readwrite"});
  EXPECT_EQ(As("plainuser", "POST", V3("service"), {{"action", "stop"}}).code(), "AccessDenied");
  ASSERT_TRUE(iam_->PutPolicy("restarter", R"({"Version":"2012-10-17","Statement":[{"Effect":)"
                                           R"("Allow","Action":["admin:ServiceRestart"],)"
                                           R"("Resource":["arn:aws:s3:::*"]}]})")
                  .ok());
  AddUser("restarter", {"restarter"});
  EXPECT_EQ(As("restarter", "POST", V3("service"), {{"action", "restart"}}).status, 501);
  EXPECT_EQ(As("restarter", "POST", V3("service"), {{"action", "stop"}}).code(), "AccessDenied");
}

TEST_F(AdminApiTest, V3ConfigKvReportsTheRegionAndRefusesChangesItCannotMake) {
  Response r = Call("GET", V3("get-config-kv"), {{"key", "region"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(MadminDecrypt(kRootSecret, r.text).value(), "region name=us-east-1\n");
  r = Call("GET", V3("get-config-kv"), {{"key", "site region"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(MadminDecrypt(kRootSecret, r.text).value(), "site region=us-east-1\n");
  // Sub-systems and keys Cairn lacks are MinIO's config error.
  for (const char* key : {"notify_webhook", "api", "region:target", "site name"}) {
    r = Call("GET", V3("get-config-kv"), {{"key", key}});
    EXPECT_EQ(r.status, 400) << key;
    EXPECT_EQ(r.code(), "XMinioConfigError") << key << ": " << r.text;
  }
  // The region is read at start: a change is refused, saying where it comes from, and the
  // region stays what it was.
  auto sealed = [](const std::string& text) { return MadminEncrypt(kRootSecret, text).value(); };
  r = Call("PUT", V3("set-config-kv"), {}, sealed("region name=eu-west-1"));
  EXPECT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.code(), "XMinioConfigError");
  EXPECT_NE(r.body.value("Message", "").find("MINIO_SITE_REGION"), std::string::npos) << r.text;
  EXPECT_EQ(Call("DELETE", V3("del-config-kv"), {}, sealed("site")).code(), "XMinioConfigError");
  r = Call("PUT", V3("set-config-kv"), {}, sealed("notify_webhook:1 endpoint=http://x"));
  EXPECT_NE(r.body.value("Message", "").find("unknown sub-system"), std::string::npos) << r.text;
  r = Call("GET", V3("get-config-kv"), {{"key", "region"}});
  EXPECT_EQ(MadminDecrypt(kRootSecret, r.text).value(), "region name=us-east-1\n");
  EXPECT_EQ(Call("PUT", V3("set-config-kv"), {}, "not encrypted").status, 400);

  // help: the sub-systems, or one's keys, in madmin.Help's exact fields.
  r = Call("GET", V3("help-config-kv"), {{"subSys", "region"}, {"key", ""}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["subSys"], "region");
  EXPECT_EQ(r.body["keysHelp"].size(), 1u);
  EXPECT_EQ(r.body["keysHelp"][0]["key"], "name");
  for (const char* field : {"description", "optional", "type", "multipleTargets"}) {
    EXPECT_TRUE(r.body["keysHelp"][0].contains(field)) << field;
  }
  r = Call("GET", V3("help-config-kv"), {{"subSys", ""}});
  EXPECT_EQ(r.body["keysHelp"].size(), 2u) << r.text;
  EXPECT_EQ(Call("GET", V3("help-config-kv"), {{"subSys", "scanner"}}).code(), "XMinioConfigError");

  // Outside the config calls an invalid argument keeps its S3 code.
  EXPECT_EQ(Call("GET", V3("user-info")).code(), "InvalidArgument");
  // Reading and changing the configuration are admin:ConfigUpdate's, as in MinIO.
  AddUser("plainuser", {"readwrite"});
  EXPECT_EQ(As("plainuser", "GET", V3("get-config-kv"), {{"key", "region"}}).code(),
            "AccessDenied");
  EXPECT_EQ(As("plainuser", "GET", V3("help-config-kv"), {{"subSys", "region"}}).code(),
            "AccessDenied");
}

TEST_F(AdminApiTest, HandlesTheMinioBasePathToo) {
  http::Request request;
  request.path = "/minio/admin/v3/list-users";
  EXPECT_TRUE(AdminApi::Handles(request));
  request.path = "/minio/admin/v2/list-users";
  EXPECT_FALSE(AdminApi::Handles(request));
  request.path = "/minio/object";
  EXPECT_FALSE(AdminApi::Handles(request));
}

TEST(AdminApiNameTest, MinioHandlerNames) {
  EXPECT_EQ(AdminApiName("add-user"), "AddUser");
  EXPECT_EQ(AdminApiName("list-canned-policies"), "ListCannedPolicies");
  EXPECT_EQ(AdminApiName("idp/builtin/policy/attach"), "Attach");
  EXPECT_EQ(AdminApiName("info"), "Info");
  EXPECT_EQ(AdminApiName(""), "");
}

}  // namespace
}  // namespace cairn::admin
