#include "audit/audit_entry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit/trace_json.h"

namespace cairn::audit {
namespace {

RequestRecord Sample() {
  RequestRecord r;
  r.time = FromUnixNanos(1714979289123456000);
  r.api_name = "PutObject";
  r.bucket = "photos";
  r.object = "a b.jpg";
  r.status = 200;
  r.rx = 5;
  r.tx = 0;
  r.time_to_first_byte = std::chrono::nanoseconds(1500);
  r.time_to_response = std::chrono::nanoseconds(2500);
  r.remote_host = "127.0.0.1";
  r.request_id = "17C0FFEE00000001";
  r.user_agent = "boto3";
  r.access_key = "svcacct";
  r.parent_user = "alice";
  r.method = "PUT";
  r.path = "/photos/a%20b.jpg";
  r.raw_query = "x-id=PutObject&tagging=&a=1&a=2";
  r.host = "127.0.0.1:9000";
  r.request_headers.Add("x-amz-date", "20240101T000000Z");
  r.request_headers.Add("x-amz-meta-k", "1");
  r.request_headers.Add("x-amz-meta-k", "2");
  r.response_headers.Add("etag", "\"abc\"");
  r.response_headers.Add("x-amz-request-id", "17C0FFEE00000001");
  return r;
}

TEST(AuditEntryTest, MinioFieldNames) {
  nlohmann::json e = nlohmann::json::parse(AuditEntryJson(Sample(), "dep-id"));
  EXPECT_EQ(e["version"], "1");
  EXPECT_EQ(e["deploymentid"], "dep-id");
  EXPECT_EQ(e["time"], "2024-05-06T07:08:09.123456Z");
  EXPECT_EQ(e["trigger"], "incoming");
  EXPECT_TRUE(e.contains("event"));
  const auto& api = e["api"];
  EXPECT_EQ(api["name"], "PutObject");
  EXPECT_EQ(api["bucket"], "photos");
  EXPECT_EQ(api["object"], "a b.jpg");
  EXPECT_EQ(api["status"], "OK");
  EXPECT_EQ(api["statusCode"], 200);
  EXPECT_EQ(api["rx"], 5);
  EXPECT_EQ(api["tx"], 0);
  EXPECT_EQ(api["timeToFirstByte"], "1500ns");
  EXPECT_EQ(api["timeToResponse"], "2500ns");
  EXPECT_EQ(api["timeToResponseInNS"], "2500");
  EXPECT_EQ(e["remotehost"], "127.0.0.1");
  EXPECT_EQ(e["requestID"], "17C0FFEE00000001");
  EXPECT_EQ(e["userAgent"], "boto3");
  EXPECT_EQ(e["requestPath"], "/photos/a b.jpg");
  EXPECT_EQ(e["requestHost"], "127.0.0.1:9000");
  EXPECT_EQ(e["requestQuery"]["a"], "1,2");
  EXPECT_EQ(e["requestQuery"]["x-id"], "PutObject");
  EXPECT_EQ(e["requestHeader"]["X-Amz-Date"], "20240101T000000Z");
  EXPECT_EQ(e["requestHeader"]["X-Amz-Meta-K"], "1,2");
  EXPECT_EQ(e["responseHeader"]["Etag"], "abc");
  EXPECT_TRUE(e["tags"].is_object());
  EXPECT_EQ(e["accessKey"], "svcacct");
  EXPECT_EQ(e["parentUser"], "alice");
}

TEST(AuditEntryTest, Rfc3339NanoTrimsZeros) {
  EXPECT_EQ(FormatRfc3339Nano(FromUnixNanos(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(FromUnixNanos(1500000000)), "1970-01-01T00:00:01.5Z");
  EXPECT_EQ(FormatRfc3339Nano(FromUnixNanos(1000000001)), "1970-01-01T00:00:01.000000001Z");
}

TEST(AuditEntryTest, CanonicalHeaderKeys) {
  EXPECT_EQ(CanonicalHeaderKey("x-amz-content-sha256"), "X-Amz-Content-Sha256");
  EXPECT_EQ(CanonicalHeaderKey("CONTENT-TYPE"), "Content-Type");
  EXPECT_EQ(CanonicalHeaderKey("etag"), "Etag");
}

TEST(TraceJsonTest, MadminTraceInfoShape) {
  nlohmann::json t = nlohmann::json::parse(TraceInfoJson(Sample(), "127.0.0.1:9000"));
  EXPECT_EQ(t["type"], kTraceTypeS3);
  EXPECT_EQ(t["nodename"], "127.0.0.1:9000");
  EXPECT_EQ(t["funcname"], "s3.PutObject");
  EXPECT_EQ(t["path"], "/photos/a%20b.jpg");
  EXPECT_EQ(t["dur"], 2500);
  const auto& http = t["http"];
  EXPECT_EQ(http["request"]["method"], "PUT");
  EXPECT_EQ(http["request"]["rawquery"], "x-id=PutObject&tagging=&a=1&a=2");
  EXPECT_EQ(http["request"]["client"], "127.0.0.1");
  EXPECT_EQ(http["request"]["headers"]["X-Amz-Meta-K"], nlohmann::json::array({"1", "2"}));
  EXPECT_EQ(http["response"]["statuscode"], 200);
  EXPECT_EQ(http["stats"]["inputbytes"], 5);
  EXPECT_EQ(http["stats"]["timetofirstbyte"], 1500);
  nlohmann::json dropped = nlohmann::json::parse(TraceDroppedJson(3, "n", FromUnixNanos(0)));
  EXPECT_NE(dropped["error"].get<std::string>().find("3 trace records"), std::string::npos);
}

}  // namespace
}  // namespace cairn::audit
