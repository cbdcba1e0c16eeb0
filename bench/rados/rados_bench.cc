// The RADOS back ends beside raw librados on the same pool, in one run (bench/rados/run.sh):
//   blobs: RadosBlobStore write+publish and full read of 1 MiB and 64 MiB bodies (4 MiB stripes,
//          aio), beside one rados_write_full / rados_read of the same bytes per object (4 MiB
//          pieces for 64 MiB, one after another: what a client without striping does);
//   index: RadosIndex conditional writes (ExpectAbsent + Put) and Gets, beside raw omap set and
//          get of one key per op, one thread.
// Rounds interleave the cells; each prints one JSON line per cell and round.
//   rados_bench CEPH_CONF POOL ROUNDS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "storage/rados/rados_cluster.h"
#include "storage/rados_blobs/rados_blob_store.h"
#include "storage/rados_index/rados_index.h"

using namespace cairn;
using namespace cairn::storage;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "rados_bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

std::string Body(size_t n) {
  std::string out(n, '\0');
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x);
  }
  return out;
}

void Report(const char* group, const std::string& cell, int round, double value, const char* unit) {
  std::printf("{\"group\":\"%s\",\"cell\":\"%s\",\"round\":%d,\"value\":%.3f,\"unit\":\"%s\"}\n",
              group, cell.c_str(), round, value, unit);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) Die("usage: rados_bench CEPH_CONF POOL ROUNDS");
  rados::RadosConnectOptions connect;
  connect.conf_path = argv[1];
  auto cluster = rados::RadosCluster::Connect(connect);
  if (!cluster.ok()) Die(cluster.status().ToString());
  Check((*cluster)->EnsurePool(argv[2]), "pool");
  auto pool = rados::RadosPool::Open(*cluster, argv[2]);
  if (!pool.ok()) Die(pool.status().ToString());
  const int rounds = std::atoi(argv[3]);
  rados_ioctx_t io = (*pool)->io();

  rados_blobs::RadosBlobStoreOptions blob_options;
  blob_options.prefix = "bench/";
  blob_options.sweep_interval = std::chrono::seconds(0);
  auto blobs = rados_blobs::RadosBlobStore::Open(*pool, blob_options);
  if (!blobs.ok()) Die(blobs.status().ToString());

  const std::vector<std::pair<size_t, std::string>> sizes = {{1u << 20, "1MiB"},
                                                             {64u << 20, "64MiB"}};
  const int kIndexOps = 300;
  for (int round = 1; round <= rounds; ++round) {
    for (const auto& [size, name] : sizes) {
      const std::string body = Body(size);
      const int count = size <= (1u << 20) ? 48 : 3;
      std::vector<std::function<void()>> cells;
      cells.push_back([&, size = size, name = name, count] {
        // Cairn's blob store: write + publish, then read whole, then remove.
        std::vector<blobs::BlobId> ids;
        auto t0 = Clock::now();
        for (int i = 0; i < count; ++i) {
          auto w = (*blobs)->Create();
          if (!w.ok()) Die(w.status().ToString());
          for (size_t at = 0; at < size; at += 256 << 10) {
            Check((*w)->Append(body.data() + at, std::min<size_t>(256 << 10, size - at)), "append");
          }
          Check((*w)->Finish(), "finish");
          Check((*blobs)->Publish(**w), "publish");
          ids.push_back((*w)->id());
        }
        Report("blobs", name + " write store", round, count * size / 1048576.0 / Seconds(t0),
               "MiB/s");
        std::string buf(256 << 10, '\0');
        t0 = Clock::now();
        for (const auto& id : ids) {
          auto blob = (*blobs)->Open(id);
          if (!blob.ok()) Die(blob.status().ToString());
          auto src = blobs::Blob::OpenRange(*blob, 0, size);
          if (!src.ok()) Die(src.status().ToString());
          size_t total = 0;
          for (;;) {
            auto n = (*src)->Read(buf.data(), buf.size());
            if (!n.ok()) Die(n.status().ToString());
            if (*n == 0) break;
            total += *n;
          }
          if (total != size) Die("short read");
        }
        Report("blobs", name + " read store", round, count * size / 1048576.0 / Seconds(t0),
               "MiB/s");
        for (const auto& id : ids) Check((*blobs)->Remove(id), "remove");
      });
      cells.push_back([&, size = size, name = name, count] {
        // Raw librados: the body as 4 MiB objects written and read one at a time.
        const size_t piece = std::min<size_t>(size, 4u << 20);
        auto t0 = Clock::now();
        for (int i = 0; i < count; ++i) {
          for (size_t at = 0, n = 0; at < size; at += piece, ++n) {
            std::string oid = "raw/" + std::to_string(i) + "." + std::to_string(n);
            int r = rados_write_full(io, oid.c_str(), body.data() + at, piece);
            if (r < 0) Die("rados_write_full " + std::to_string(r));
          }
        }
        Report("blobs", name + " write raw", round, count * size / 1048576.0 / Seconds(t0),
               "MiB/s");
        std::string buf(piece, '\0');
        t0 = Clock::now();
        for (int i = 0; i < count; ++i) {
          for (size_t at = 0, n = 0; at < size; at += piece, ++n) {
            std::string oid = "raw/" + std::to_string(i) + "." + std::to_string(n);
            int r = rados_read(io, oid.c_str(), buf.data(), piece, 0);
            if (r != static_cast<int>(piece)) Die("rados_read " + std::to_string(r));
          }
        }
        Report("blobs", name + " read raw", round, count * size / 1048576.0 / Seconds(t0), "MiB/s");
        for (int i = 0; i < count; ++i) {
          for (size_t at = 0, n = 0; at < size; at += piece, ++n) {
            rados_remove(io, ("raw/" + std::to_string(i) + "." + std::to_string(n)).c_str());
          }
        }
      });
      if (round % 2 == 0) std::swap(cells[0], cells[1]);
      for (auto& cell : cells) cell();
    }

    // The index: conditional create of a fresh key, then reads, against raw omap calls.
    std::vector<std::function<void()>> index_cells;
    index_cells.push_back([&] {
      rados_index::RadosIndexOptions options;
      options.name = "bench/index-r" + std::to_string(round);
      auto index = rados_index::RadosIndex::Open(*pool, options);
      if (!index.ok()) Die(index.status().ToString());
      const std::string record(300, 'r');  // about an object record's size
      auto t0 = Clock::now();
      for (int i = 0; i < kIndexOps; ++i) {
        index::IndexBatch batch;
        std::string key = "o/bucket/key-" + std::to_string(i);
        batch.ExpectAbsent(key);
        batch.Put(key, record);
        Check((*index)->Write(batch, true), "index write");
      }
      Report("index", "conditional put, RadosIndex", round, kIndexOps / Seconds(t0), "ops/s");
      std::string value;
      t0 = Clock::now();
      for (int i = 0; i < kIndexOps; ++i) {
        Check((*index)->Get("o/bucket/key-" + std::to_string(i), &value), "index get");
      }
      Report("index", "get, RadosIndex", round, kIndexOps / Seconds(t0), "ops/s");
      rados_remove(io, (options.name + ".0").c_str());
    });
    index_cells.push_back([&] {
      const std::string object = "bench/raw-omap-r" + std::to_string(round);
      const std::string record(300, 'r');
      auto t0 = Clock::now();
      for (int i = 0; i < kIndexOps; ++i) {
        std::string key = "o/bucket/key-" + std::to_string(i);
        const char* keys[] = {key.c_str()};
        const char* vals[] = {record.data()};
        const size_t lens[] = {record.size()};
        rados_write_op_t op = rados_create_write_op();
        rados_write_op_omap_set(op, keys, vals, lens, 1);
        int r = rados_write_op_operate(op, io, object.c_str(), nullptr, 0);
        rados_release_write_op(op);
        if (r < 0) Die("omap set " + std::to_string(r));
      }
      Report("index", "put, raw omap set", round, kIndexOps / Seconds(t0), "ops/s");
      t0 = Clock::now();
      for (int i = 0; i < kIndexOps; ++i) {
        std::string key = "o/bucket/key-" + std::to_string(i);
        const char* keys[] = {key.c_str()};
        rados_read_op_t op = rados_create_read_op();
        rados_omap_iter_t iter = nullptr;
        int prval = 0;
        rados_read_op_omap_get_vals_by_keys(op, keys, 1, &iter, &prval);
        int r = rados_read_op_operate(op, io, object.c_str(), 0);
        if (r >= 0) rados_omap_get_end(iter);
        rados_release_read_op(op);
        if (r < 0) Die("omap get " + std::to_string(r));
      }
      Report("index", "get, raw omap", round, kIndexOps / Seconds(t0), "ops/s");
      rados_remove(io, object.c_str());
    });
    if (round % 2 == 0) std::swap(index_cells[0], index_cells[1]);
    for (auto& cell : index_cells) cell();
  }
  return 0;
}
