// The RADOS pool the unit tests use when a cluster is given: CAIRN_TEST_CEPH_CONF names its
// ceph.conf (tests/ceph/rados_test.sh starts a one-node cluster and sets it). Without it
// the RADOS cases are not registered at all, so nothing passes or skips silently in plain ctest;
// that script runs them and fails when they did not run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/rados/rados_cluster.h"

namespace cairn::storage::rados::testing {

// The conf path, or "" when no cluster was given.
std::string TestCephConf();
// One connection for the whole run and the pool "cairn-test" in it (created when absent);
// nullptr with no cluster. A failure to connect to a cluster that was given is fatal.
std::shared_ptr<RadosPool> TestPool();
// Another connection to the cluster, on the same pool (a second gateway); `ns` its namespace.
std::shared_ptr<RadosPool> SecondConnection(const std::string& ns = "");
// The parameters a RADOS suite is instantiated with: one case with a cluster, none without.
std::vector<int> Cases();

}  // namespace cairn::storage::rados::testing
