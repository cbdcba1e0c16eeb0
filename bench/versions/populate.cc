// Writes the versions benchmark's store straight through cairn's storage engine (no HTTP):
// bucket `bench` with versioning Enabled, KEYS keys "d<NNN>/k<NNNNNN>" (1,000 keys per
// directory), each with VERSIONS versions of a 16-byte body; every even key then gets a delete
// marker as its latest version. Usage: versions_populate DIR [KEYS] [VERSIONS] [THREADS]
// Bounded: exactly KEYS * VERSIONS puts and KEYS / 2 deletes; any store error stops the run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/byte_source.h"
#include "storage/local_store.h"

namespace {

std::string KeyName(long i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "d%03ld/k%06ld", i / 1000, i);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cairn;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [KEYS] [VERSIONS] [THREADS]\n", argv[0]);
    return 2;
  }
  const long keys = argc > 2 ? std::atol(argv[2]) : 200000;
  const int versions = argc > 3 ? std::atoi(argv[3]) : 5;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 8;
  auto opened = storage::OpenLocalStore(argv[1], storage::LocalStoreOptions());
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& store = *opened.value();
  Status s = store.CreateBucket("bench", "");
  if (s.ok()) s = store.SetBucketVersioning("bench", storage::Versioning::kEnabled);
  if (!s.ok()) {
    std::fprintf(stderr, "bucket: %s\n", s.ToString().c_str());
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<long> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (long i; !failed && (i = next.fetch_add(1)) < keys;) {
        const std::string key = KeyName(i);
        for (int v = 0; v < versions; ++v) {
          char body[17];
          std::snprintf(body, sizeof body, "%08lx%08x", i, v);
          MemorySource src(body, 16);
          auto r = store.PutObject("bench", key, src, 16, storage::PutOptions());
          if (!r.ok()) {
            std::fprintf(stderr, "put %s: %s\n", key.c_str(), r.status().ToString().c_str());
            failed = true;
            return;
          }
        }
        if (i % 2 == 0) {
          auto r = store.DeleteObject("bench", key);
          if (!r.ok() || !r.value().delete_marker) {
            std::fprintf(stderr, "delete %s: %s\n", key.c_str(), r.status().ToString().c_str());
            failed = true;
            return;
          }
        }
        const long n = done.fetch_add(1) + 1;
        if (n % 20000 == 0) {
          const double sec =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          std::fprintf(stderr, "%ld keys in %.1f s\n", n, sec);
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  if (failed) return 1;
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("populated: %ld keys x %d versions + %ld delete markers in %.1f s\n", keys, versions,
              (keys + 1) / 2, sec);
  return 0;
}
