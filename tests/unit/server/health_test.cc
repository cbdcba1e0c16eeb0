#include "server/health.h"

#include <gtest/gtest.h>

namespace cairn::server {
namespace {

using storage::DriveHealthState;
using storage::StoreHealth;

class Recorder final : public http::ResponseWriter {
 public:
  Status Send(int s, const Headers& h, std::string_view) override {
    status = s;
    headers = h;
    sent_ = true;
    return Status::Ok();
  }
  Status SendStream(int s, const Headers& h, uint64_t, ByteSource*) override {
    return Send(s, h, "");
  }
  bool sent() const override { return sent_; }
  int status = 0;
  Headers headers;

 private:
  bool sent_ = false;
};

Recorder Check(const std::string& path, const StoreHealth* health, const std::string& query = "",
               const std::string& method = "GET") {
  http::Request request;
  request.method = method;
  request.path = path;
  request.query = query;
  Recorder out;
  EXPECT_TRUE(ServeHealth(request, out, health)) << path;
  return out;
}

StoreHealth FourDrives(int offline, int healing = 0) {
  StoreHealth h;
  for (int i = 0; i < 4; ++i) {
    DriveHealthState state = i < offline             ? DriveHealthState::kOffline
                             : i < offline + healing ? DriveHealthState::kHealing
                                                     : DriveHealthState::kOnline;
    h.drives.push_back({"/d" + std::to_string(i + 1), state, ""});
  }
  h.data_drives = 2;
  h.parity_drives = 2;
  h.read_quorum = 2;
  h.write_quorum = 3;
  return h;
}

TEST(HealthTest, EverythingIs503UntilTheStoreIsOpen) {
  for (const char* path : {"/minio/health/live", "/minio/health/ready", "/minio/health/cluster",
                           "/minio/health/cluster/read"}) {
    EXPECT_EQ(Check(path, nullptr).status, 503) << path;
  }
}

TEST(HealthTest, OneDriveAnswersWithItsQuorums) {
  StoreHealth one;
  one.drives.push_back({"/data", DriveHealthState::kOnline, ""});
  EXPECT_EQ(Check("/minio/health/live", &one).status, 200);
  EXPECT_EQ(Check("/minio/health/ready", &one, "", "HEAD").status, 200);
  Recorder cluster = Check("/minio/health/cluster", &one);
  EXPECT_EQ(cluster.status, 200);
  EXPECT_EQ(cluster.headers.Get("x-minio-write-quorum"), "1");
  EXPECT_FALSE(cluster.headers.Get("x-minio-healing-drives"));
  Recorder read = Check("/minio/health/cluster/read", &one);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.headers.Get("x-minio-read-quorum"), "1");
  EXPECT_EQ(Check("/minio/health/cluster", &one, "maintenance=true").status, 412)
      << "one node: taking it down loses quorum";
}

TEST(HealthTest, ClusterChecksFollowTheQuorums) {
  StoreHealth all = FourDrives(0);
  EXPECT_EQ(Check("/minio/health/cluster", &all).status, 200);
  StoreHealth one_off = FourDrives(1);
  EXPECT_EQ(Check("/minio/health/cluster", &one_off).status, 200);
  EXPECT_EQ(Check("/minio/health/cluster/read", &one_off).status, 200);
  StoreHealth two_off = FourDrives(2);
  EXPECT_EQ(Check("/minio/health/cluster", &two_off).status, 503) << "below write quorum";
  EXPECT_EQ(Check("/minio/health/cluster/read", &two_off).status, 200) << "read quorum holds";
  StoreHealth three_off = FourDrives(3);
  EXPECT_EQ(Check("/minio/health/cluster/read", &three_off).status, 503);
  // A healing drive takes writes but cannot yet answer reads alone.
  StoreHealth healing = FourDrives(1, 2);
  Recorder cluster = Check("/minio/health/cluster", &healing);
  EXPECT_EQ(cluster.status, 200);
  EXPECT_EQ(cluster.headers.Get("x-minio-healing-drives"), "2");
  EXPECT_EQ(cluster.headers.Get("x-minio-write-quorum"), "3");
  EXPECT_EQ(Check("/minio/health/cluster/read", &healing).status, 503);
}

TEST(HealthTest, OtherPathsAndMethodsAreNotHealthChecks) {
  StoreHealth one;
  one.drives.push_back({"/data", DriveHealthState::kOnline, ""});
  http::Request request;
  Recorder out;
  request.method = "GET";
  request.path = "/minio/health/other";
  EXPECT_FALSE(ServeHealth(request, out, &one));
  request.path = "/minio/health/live";
  request.method = "POST";
  EXPECT_FALSE(ServeHealth(request, out, &one));
}

}  // namespace
}  // namespace cairn::server
