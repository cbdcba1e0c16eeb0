// Writes the scanner benchmark's store straight through cairn's storage engine (no HTTP):
// bucket `bench` (unversioned) with KEYS objects of 16 bytes, in directories of 1,000 keys.
// Every tenth directory is under `tmp/` (the prefix the benchmark's lifecycle rule expires),
// the others under `data/`: 10 % of the objects match the rule. Usage:
//   scanner_populate DIR [KEYS] [THREADS]
// Bounded: exactly KEYS puts; any store error stops the run.
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

// Key i: directory i / 1000; every tenth directory is a temporary one.
std::string KeyName(long i) {
  const long dir = i / 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s/d%04ld/k%07ld", dir % 10 == 9 ? "tmp" : "data", dir, i);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cairn;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [KEYS] [THREADS]\n", argv[0]);
    return 2;
  }
  const long keys = argc > 2 ? std::atol(argv[2]) : 1000000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 8;
  auto opened = storage::OpenLocalStore(argv[1], storage::LocalStoreOptions());
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& store = *opened.value();
  if (Status s = store.CreateBucket("bench", ""); !s.ok()) {
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
        char body[17];
        std::snprintf(body, sizeof body, "%016lx", i);
        MemorySource src(body, 16);
        auto r = store.PutObject("bench", key, src, 16, storage::PutOptions());
        if (!r.ok()) {
          std::fprintf(stderr, "put %s: %s\n", key.c_str(), r.status().ToString().c_str());
          failed = true;
          return;
        }
        const long n = done.fetch_add(1) + 1;
        if (n % 100000 == 0) {
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
  std::printf("populated: %ld keys (%ld under tmp/) in %.1f s\n", keys, keys / 10, sec);
  return 0;
}
