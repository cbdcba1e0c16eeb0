#include "storage/meta/rocks_common.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cairn::storage::meta {

namespace {

// The one merge operator of the database: AddCounters' field-wise sum. Associative, so RocksDB
// may fold operands in any grouping (memtable, compaction, read).
class CounterAddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    std::vector<int64_t> sum =
        existing != nullptr ? DecodeCounters(ToView(*existing)) : std::vector<int64_t>();
    std::vector<int64_t> add = DecodeCounters(ToView(value));
    if (sum.size() < add.size()) sum.resize(add.size(), 0);
    for (size_t i = 0; i < add.size(); ++i) {
      // Wrapping add: defined behaviour whatever the stored bytes say.
      sum[i] = static_cast<int64_t>(static_cast<uint64_t>(sum[i]) + static_cast<uint64_t>(add[i]));
    }
    *new_value = EncodeCounters(sum);
    return true;
  }
  const char* Name() const override { return "cairn.CounterAdd"; }
};

}  // namespace

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  Code code = Code::kIOError;
  if (s.IsNotFound()) {
    code = Code::kNotFound;
  } else if (s.IsCorruption()) {
    code = Code::kCorruption;
  } else if (s.IsNoSpace()) {
    code = Code::kNoSpace;
  } else if (s.IsInvalidArgument()) {
    code = Code::kInvalidArgument;
  } else if (s.IsBusy() || s.IsTryAgain()) {
    code = Code::kUnavailable;
  } else if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    code = Code::kUnavailable;  // LOCK held by another process
  }
  return Status(code, "metadata: " + s.ToString());
}

rocksdb::Options MakeRocksOptions(const MetaOptions& o, std::shared_ptr<rocksdb::Cache> block_cache,
                                  int replicas) {
  const size_t n = static_cast<size_t>(std::max(replicas, 1));
  // One replica keeps the configured sizes exactly; N share them, with a floor.
  const size_t write_buffer =
      n == 1 ? o.write_buffer_bytes : std::max<size_t>(o.write_buffer_bytes / n, 1 << 20);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_background_jobs = o.max_background_jobs;
  options.write_buffer_size = write_buffer;
  options.max_write_buffer_number = 2;
  options.max_total_wal_size = 4 * write_buffer;
  options.level_compaction_dynamic_level_bytes = true;
  options.bytes_per_sync = 1 << 20;
  options.max_open_files = n == 1 ? 512 : static_cast<int>(std::max<size_t>(512 / n, 64));
  // RocksDB's own info log: a few small files, not an ever-growing LOG.
  options.keep_log_file_num = 3;
  options.max_log_file_size = 4 << 20;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.merge_operator = std::make_shared<CounterAddOperator>();
  // Folds a hot counter's operands in the memtable, so reading it never merges more than this.
  options.max_successive_merges = 64;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(block_cache);
  // Index and filter blocks live in the block cache, so memory stays bounded as data grows.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // point reads (GET, HEAD)
  table.block_size = 16 << 10;
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace cairn::storage::meta
