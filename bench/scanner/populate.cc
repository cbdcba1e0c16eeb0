// Writes the scanner benchmark's store straight through cairn's storage engine (no HTTP):
// bucket `bench` (unversioned) with KEYS objects of 16 bytes: 90 % named `data/obj-%08d`, 10 %
// `tmp/obj-%08d` (the prefix the benchmark's lifecycle rule expires). The `data/` names are
// s3load's, so `s3load --op get --prepared --prefix data/ --size 16 --verify-every 0` reads them
// (length-checked) at random. Usage: scanner_populate DIR [KEYS] [THREADS]
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

// Key i: the first 90 % under data/, the rest under tmp/, each numbered from 0.
std::string KeyName(long i, long keys) {
  const long data = keys - keys / 10;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s/obj-%08ld", i < data ? "data" : "tmp",
                i < data ? i : i - data);
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
        const std::string key = KeyName(i, keys);
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
