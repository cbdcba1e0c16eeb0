// PUT/GET-like throughput of the blob stores (issue 15): the erasure blob store over 4 drive
// folders (EC:2, 1 MiB blocks) beside DataDir on one folder, for 1 MiB and 64 MiB blobs, in one
// run. A PUT is Create, Appends of 256 KiB (as the engine streams a body), Finish (fdatasync of
// every shard) and Publish (renames, directory fsyncs); a GET is Open and a full range stream
// read in 256 KiB pieces (from the page cache: the blobs were just written). Rounds interleave
// the stores (and the erasure store with its shard syncs at once or one by one); prints one
// markdown table of medians (min-max) over the rounds.
//
//   erasure_blob_bench DIR [ROUNDS]     DIR: a scratch folder on the disk to measure (emptied)
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "platform/env.h"
#include "storage/data/data_dir.h"
#include "storage/erasure_blobs/erasure_blob_store.h"

namespace cairn::storage {
namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr size_t kChunk = 256 << 10;

double Now(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

struct Figure {
  std::vector<double> mib_per_s;
  std::vector<double> cpu_ms_per_mib;
};

std::string Cell(std::vector<double> v, int digits) {
  std::sort(v.begin(), v.end());
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.*f (%.*f–%.*f)", digits, v[v.size() / 2], digits, v.front(),
                digits, v.back());
  return buf;
}

// PUTs `count` blobs of `size` bytes, GETs them back, removes them; adds one sample to each.
void Round(blobs::BlobStore& store, uint64_t size, int count, const std::string& pattern,
           Figure& put, Figure& get) {
  std::vector<blobs::BlobId> ids;
  double wall = Now(CLOCK_MONOTONIC), cpu = Now(CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < count; ++i) {
    auto writer = store.Create();
    Check(writer.status(), "create");
    for (uint64_t at = 0; at < size; at += kChunk) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, size - at));
      Check((*writer)->Append(pattern.data() + at % pattern.size(), n), "append");
    }
    Check((*writer)->Finish(), "finish");
    Check(store.Publish(**writer), "publish");
    ids.push_back((*writer)->id());
  }
  const double mib = static_cast<double>(size * count) / kMiB;
  put.mib_per_s.push_back(mib / (Now(CLOCK_MONOTONIC) - wall));
  put.cpu_ms_per_mib.push_back((Now(CLOCK_PROCESS_CPUTIME_ID) - cpu) * 1000 / mib);

  std::string buf(kChunk, '\0');
  wall = Now(CLOCK_MONOTONIC);
  cpu = Now(CLOCK_PROCESS_CPUTIME_ID);
  for (const auto& id : ids) {
    auto blob = store.Open(id);
    Check(blob.status(), "open");
    auto source = blobs::Blob::OpenRange(*blob, 0, size);
    Check(source.status(), "range");
    uint64_t got_total = 0;
    for (int guard = 0; guard < 1 << 20; ++guard) {
      auto got = (*source)->Read(buf.data(), buf.size());
      Check(got.status(), "read");
      if (*got == 0) break;
      got_total += *got;
    }
    if (got_total != size) Check(Status(Code::kInternal, "short read"), "read");
  }
  get.mib_per_s.push_back(mib / (Now(CLOCK_MONOTONIC) - wall));
  get.cpu_ms_per_mib.push_back((Now(CLOCK_PROCESS_CPUTIME_ID) - cpu) * 1000 / mib);
  for (const auto& id : ids) Check(store.Remove(id), "remove");
}

int Main(const std::string& dir, int rounds) {
  std::filesystem::remove_all(dir);
  platform::Env* env = platform::Env::Default();
  std::string pattern(8 * kMiB, '\0');
  std::mt19937_64 rng(1);
  for (size_t i = 0; i + 8 <= pattern.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(&pattern[i], &v, 8);
  }
  auto local = data::DataDir::Open(env, dir + "/single");
  Check(local.status(), "open DataDir");
  std::vector<std::optional<std::string>> roots;
  for (int i = 0; i < 4; ++i) roots.push_back(dir + "/drive" + std::to_string(i));
  erasure::ErasureParams geometry;
  geometry.data = 2;
  geometry.parity = 2;
  // The same drives, shard files synced at once (a thread each) or one by one (the default).
  erasure_blobs::ErasureBlobStoreOptions parallel;
  parallel.parallel_sync = true;
  auto coded = erasure_blobs::ErasureBlobStore::Open(env, roots, geometry, parallel);
  Check(coded.status(), "open ErasureBlobStore");
  erasure_blobs::ErasureBlobStoreOptions serial;
  serial.parallel_sync = false;
  auto coded_serial = erasure_blobs::ErasureBlobStore::Open(env, roots, geometry, serial);
  Check(coded_serial.status(), "open ErasureBlobStore");

  struct Case {
    std::string store;
    blobs::BlobStore* blobs;
    uint64_t size;
    int count;
  };
  std::vector<Case> cases;
  for (auto [size, count] : {std::pair{kMiB, 32}, std::pair{64 * kMiB, 2}}) {
    cases.push_back({"DataDir, 1 folder", local->get(), size, count});
    cases.push_back({"erasure, 4 folders EC:2 (syncs at once)", coded->get(), size, count});
    cases.push_back(
        {"erasure, 4 folders EC:2 (syncs one by one)", coded_serial->get(), size, count});
  }
  std::map<size_t, std::pair<Figure, Figure>> figures;
  for (int r = 0; r < rounds; ++r) {
    for (size_t c = 0; c < cases.size(); ++c) {
      Round(*cases[c].blobs, cases[c].size, cases[c].count, pattern, figures[c].first,
            figures[c].second);
    }
  }
  std::printf(
      "| store | blob | blobs a round | PUT MiB/s | PUT CPU ms/MiB | GET MiB/s | "
      "GET CPU ms/MiB |\n|---|---|---|---|---|---|---|\n");
  for (size_t c = 0; c < cases.size(); ++c) {
    const auto& [put, get] = figures[c];
    std::printf("| %s | %llu MiB | %d | %s | %s | %s | %s |\n", cases[c].store.c_str(),
                static_cast<unsigned long long>(cases[c].size / kMiB), cases[c].count,
                Cell(put.mib_per_s, 0).c_str(), Cell(put.cpu_ms_per_mib, 2).c_str(),
                Cell(get.mib_per_s, 0).c_str(), Cell(get.cpu_ms_per_mib, 2).c_str());
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace cairn::storage

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: erasure_blob_bench DIR [ROUNDS]\n");
    return 2;
  }
  return cairn::storage::Main(argv[1], argc > 2 ? std::atoi(argv[2]) : 3);
}
