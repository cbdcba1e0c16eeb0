#include "cli/admin_requests.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cairn::cli::admin {
namespace {

using Json = nlohmann::json;

TEST(AdminRequestsTest, Users) {
  Call add = AddUser("ana", "secret-123");
  EXPECT_EQ(add.method, "PUT");
  EXPECT_EQ(add.endpoint, "user");
  EXPECT_EQ(add.query, (QueryParams{{"accessKey", "ana"}}));
  EXPECT_EQ(Json::parse(*add.body),
            Json::parse(R"({"secretKey":"secret-123","status":"enabled"})"));

  Call disable = SetUserStatus("ana", false);
  EXPECT_EQ(disable.method, "PUT");
  EXPECT_EQ(disable.endpoint, "user-status");
  EXPECT_EQ(disable.query, (QueryParams{{"accessKey", "ana"}, {"status", "disabled"}}));
  EXPECT_EQ(SetUserStatus("ana", true).query[1].second, "enabled");

  EXPECT_EQ(RemoveUser("ana").method, "DELETE");
  EXPECT_EQ(ListUsers().endpoint, "users");
  EXPECT_EQ(GetUser("a b").query[0].second, "a b");
}

TEST(AdminRequestsTest, HttpRequestShape) {
  HttpRequest req = GetUser("a b").ToHttpRequest();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.path, "/cairn/admin/v1/user");
  EXPECT_FALSE(req.body.has_value());
  EXPECT_EQ(EncodeQuery(req.query), "accessKey=a%20b");
  HttpRequest put = AddUser("ana", "x").ToHttpRequest();
  EXPECT_EQ(put.headers.Get("content-type").value_or(""), "application/json");
  EXPECT_EQ(ServerInfo().ToHttpRequest().path, "/cairn/admin/v1/info");
}

TEST(AdminRequestsTest, HealIsMinioCallWithTokenPoll) {
  Call start = StartHeal("photos", "2024/", true, true);
  EXPECT_EQ(start.method, "POST");
  EXPECT_EQ(start.ToHttpRequest().path, "/minio/admin/v3/heal/photos/2024/");
  Json opts = Json::parse(*start.body);
  EXPECT_EQ(opts["recursive"], true);
  EXPECT_EQ(opts["scanMode"], 2);  // madmin.HealDeepScan
  EXPECT_EQ(Json::parse(*StartHeal("", "ignored", true, false).body)["scanMode"], 1);
  EXPECT_EQ(StartHeal("", "ignored", true, false).ToHttpRequest().path, "/minio/admin/v3/heal/");
  Call poll = HealStatus("photos", "", "tok");
  EXPECT_EQ(poll.ToHttpRequest().path, "/minio/admin/v3/heal/photos");
  EXPECT_EQ(poll.query, (QueryParams{{"clientToken", "tok"}}));
  EXPECT_FALSE(poll.body.has_value());
}

TEST(AdminRequestsTest, Groups) {
  Call add = AddGroupMembers("teachers", {"ana", "bob"});
  EXPECT_EQ(add.method, "PUT");
  EXPECT_EQ(add.endpoint, "group-members");
  EXPECT_EQ(add.query, (QueryParams{{"group", "teachers"}}));
  EXPECT_EQ(Json::parse(*add.body), Json::parse(R"({"members":["ana","bob"]})"));
  Call remove = RemoveGroupMembers("teachers", {"bob"});
  EXPECT_EQ(remove.method, "DELETE");
  EXPECT_EQ(Json::parse(*remove.body)["members"], Json::parse(R"(["bob"])"));
  Call drop = RemoveGroup("teachers");
  EXPECT_EQ(drop.method, "DELETE");
  EXPECT_EQ(drop.endpoint, "group");
  EXPECT_FALSE(drop.body.has_value());
  EXPECT_EQ(SetGroupStatus("t", false).query[1],
            (std::pair<std::string, std::string>{"status", "disabled"}));
  EXPECT_EQ(ListGroups().endpoint, "groups");
  EXPECT_EQ(GetGroup("t").endpoint, "group");
}

TEST(AdminRequestsTest, Policies) {
  auto create = CreatePolicy("docs", R"({"Version":"2012-10-17","Statement":[]})");
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->method, "PUT");
  EXPECT_EQ(create->endpoint, "policy");
  EXPECT_EQ(create->query, (QueryParams{{"name", "docs"}}));
  EXPECT_EQ(*create->body, R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_EQ(CreatePolicy("docs", "[1]").status().code(), Code::kMalformedPolicy);

  auto attach = AttachPolicies({"readonly", "diagnostics"}, "ana", "", false);
  ASSERT_TRUE(attach.ok());
  EXPECT_EQ(attach->method, "POST");
  EXPECT_EQ(attach->endpoint, "policy-attach");
  EXPECT_EQ(Json::parse(*attach->body),
            Json::parse(R"({"policies":["readonly","diagnostics"],"user":"ana"})"));
  auto detach = AttachPolicies({"readonly"}, "", "teachers", true);
  ASSERT_TRUE(detach.ok());
  EXPECT_EQ(detach->endpoint, "policy-detach");
  EXPECT_EQ(Json::parse(*detach->body),
            Json::parse(R"({"policies":["readonly"],"group":"teachers"})"));
  EXPECT_FALSE(AttachPolicies({"readonly"}, "ana", "teachers", false).ok());
  EXPECT_FALSE(AttachPolicies({"readonly"}, "", "", false).ok());
  EXPECT_FALSE(AttachPolicies({}, "ana", "", false).ok());
  EXPECT_EQ(RemovePolicy("docs").method, "DELETE");
  EXPECT_EQ(ListPolicies().endpoint, "policies");
  EXPECT_EQ(GetPolicy("docs").query[0].second, "docs");
}

TEST(AdminRequestsTest, AccessKeys) {
  AccessKeyOptions o;
  auto bare = CreateAccessKey(o);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->method, "PUT");
  EXPECT_EQ(bare->endpoint, "service-account");
  EXPECT_EQ(*bare->body, "{}");
  o.parent = "ana";
  o.access_key = "AK1";
  o.name = "ci";
  o.policy = R"({"Version":"2012-10-17","Statement":[]})";
  auto full = CreateAccessKey(o);
  ASSERT_TRUE(full.ok());
  Json body = Json::parse(*full->body);
  EXPECT_EQ(body["parent"], "ana");
  EXPECT_EQ(body["accessKey"], "AK1");
  EXPECT_EQ(body["name"], "ci");
  EXPECT_TRUE(body["policy"].is_object());  // embedded as JSON, not as a string
  EXPECT_FALSE(body.contains("secretKey"));
  o.policy = "nope";
  EXPECT_FALSE(CreateAccessKey(o).ok());

  EXPECT_TRUE(ListAccessKeys("").query.empty());
  EXPECT_EQ(ListAccessKeys("ana").query, (QueryParams{{"user", "ana"}}));
  EXPECT_EQ(ListAccessKeys("ana").endpoint, "service-accounts");
  EXPECT_EQ(RemoveAccessKey("AK1").method, "DELETE");
  EXPECT_EQ(GetAccessKey("AK1").query, (QueryParams{{"accessKey", "AK1"}}));
}

}  // namespace
}  // namespace cairn::cli::admin
