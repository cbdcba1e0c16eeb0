#include "rados_test_pool.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::storage::rados::testing {

std::string TestCephConf() {
  const char* conf = std::getenv("CAIRN_TEST_CEPH_CONF");
  return conf == nullptr ? "" : conf;
}

std::shared_ptr<RadosPool> TestPool() {
  static std::shared_ptr<RadosPool> pool = []() -> std::shared_ptr<RadosPool> {
    if (TestCephConf().empty()) return nullptr;
    RadosConnectOptions options;
    options.conf_path = TestCephConf();
    auto cluster = RadosCluster::Connect(options);
    if (!cluster.ok()) {
      std::fprintf(stderr, "CAIRN_TEST_CEPH_CONF given but: %s\n",
                   cluster.status().ToString().c_str());
      std::abort();
    }
    if (Status s = (*cluster)->EnsurePool("cairn-test"); !s.ok()) {
      std::fprintf(stderr, "cannot make the test pool: %s\n", s.ToString().c_str());
      std::abort();
    }
    auto opened = RadosPool::Open(*cluster, "cairn-test");
    if (!opened.ok()) {
      std::fprintf(stderr, "cannot open the test pool: %s\n", opened.status().ToString().c_str());
      std::abort();
    }
    return *opened;
  }();
  return pool;
}

std::shared_ptr<RadosPool> SecondConnection(const std::string& ns) {
  RadosConnectOptions options;
  options.conf_path = TestCephConf();
  auto cluster = RadosCluster::Connect(options);
  if (!cluster.ok()) {
    std::fprintf(stderr, "a second connection failed: %s\n", cluster.status().ToString().c_str());
    std::abort();
  }
  auto pool = RadosPool::Open(*cluster, "cairn-test", ns);
  if (!pool.ok()) {
    std::fprintf(stderr, "cannot open the test pool: %s\n", pool.status().ToString().c_str());
    std::abort();
  }
  return *pool;
}

std::vector<int> Cases() {
  return TestCephConf().empty() ? std::vector<int>{} : std::vector<int>{0};
}

}  // namespace cairn::storage::rados::testing
