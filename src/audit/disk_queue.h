// A bounded, durable FIFO of records (audit entries) in a directory of segment files, owned by
// one thread (a target's sender). Append writes a batch with one fsync; Peek reads from the head
// without removing; Pop removes what was delivered, deleting segments once they are used up.
//
// Format (docs/audit.md, "Queue"): `<16 decimal digits>.seg` files, oldest first, each a run of
// records `fixed32 length | fixed32 CRC-32C of the bytes | bytes` (little endian). A record whose
// length runs past the file end or whose CRC does not match — a write torn by a crash — ends its
// segment: it and anything after it are ignored. A clean close writes `head` (the first
// segment's delivered count), so delivered records are not sent again; after a crash the head
// segment's delivered records are (at least once).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "platform/env.h"

namespace cairn::audit {

struct DiskQueueOptions {
  size_t max_records = 100000;          // MinIO's default queue_size
  uint64_t max_bytes = 256ull << 20;    // of record bytes, framing included
  uint64_t segment_bytes = 1ull << 20;  // a new segment file past this
};

class DiskQueue {
 public:
  // Creates `dir` when absent and reads what an earlier run left.
  static Result<std::unique_ptr<DiskQueue>> Open(platform::Env* env, std::string dir,
                                                 DiskQueueOptions options = {});
  ~DiskQueue();  // writes `head`
  DiskQueue(const DiskQueue&) = delete;
  DiskQueue& operator=(const DiskQueue&) = delete;

  // Appends records in order while the caps allow, durably; returns how many were taken (the
  // first ones). The rest are the caller's to count as dropped.
  Result<size_t> Append(const std::vector<std::string>& records);

  // Up to `n` records from the head, oldest first, without removing them.
  Result<std::vector<std::string>> Peek(size_t n);

  // Removes the first `n` records (at most size()).
  Status Pop(size_t n);

  size_t size() const { return records_; }
  uint64_t bytes() const { return bytes_; }

 private:
  struct Segment {
    uint64_t seq = 0;
    std::vector<uint32_t> lengths;  // payload length of each valid record
    size_t consumed = 0;            // records of this segment already popped
    uint64_t consumed_bytes = 0;    // their framed bytes (the read offset)
  };
  DiskQueue(platform::Env* env, std::string dir, DiskQueueOptions options);
  std::string PathOf(uint64_t seq) const;
  Status Load();
  Status StartSegment();
  void WriteHead();

  platform::Env* env_;
  std::string dir_;
  DiskQueueOptions options_;
  std::deque<Segment> segments_;
  std::unique_ptr<platform::WritableFile> tail_;  // the last segment, open for appending
  uint64_t tail_bytes_ = 0;
  uint64_t next_seq_ = 1;
  size_t records_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace cairn::audit
