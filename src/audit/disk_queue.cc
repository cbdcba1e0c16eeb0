#include "audit/disk_queue.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/hash.h"

namespace cairn::audit {

namespace {

constexpr size_t kFrame = 8;  // length + CRC
constexpr std::string_view kSuffix = ".seg";
constexpr const char* kHeadFile = "head";

void PutFixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Parses framed records from `data` into `out` (payloads) or `lengths`; stops at the first torn
// or corrupt one.
void ParseRecords(std::string_view data, std::vector<uint32_t>* lengths,
                  std::vector<std::string>* out, size_t max_records) {
  size_t at = 0;
  size_t taken = 0;
  while (data.size() - at >= kFrame && taken < max_records) {
    uint32_t length = GetFixed32(data.data() + at);
    uint32_t crc = GetFixed32(data.data() + at + 4);
    if (data.size() - at - kFrame < length) return;
    std::string_view payload = data.substr(at + kFrame, length);
    if (Crc32c(0, payload.data(), payload.size()) != crc) return;
    if (lengths != nullptr) lengths->push_back(length);
    if (out != nullptr) out->emplace_back(payload);
    at += kFrame + length;
    ++taken;
  }
}

Result<std::string> ReadRange(platform::Env* env, const std::string& path, uint64_t offset,
                              uint64_t length) {
  CAIRN_ASSIGN_OR_RETURN(auto file, env->NewRandomAccessFile(path));
  if (length == UINT64_MAX) length = file->size() > offset ? file->size() - offset : 0;
  std::string data(static_cast<size_t>(length), '\0');
  size_t filled = 0;
  while (filled < data.size()) {
    CAIRN_ASSIGN_OR_RETURN(size_t got,
                           file->Read(offset + filled, data.size() - filled, data.data() + filled));
    if (got == 0) break;
    filled += got;
  }
  data.resize(filled);
  return data;
}

}  // namespace

DiskQueue::DiskQueue(platform::Env* env, std::string dir, DiskQueueOptions options)
    : env_(env), dir_(std::move(dir)), options_(options) {}

Result<std::unique_ptr<DiskQueue>> DiskQueue::Open(platform::Env* env, std::string dir,
                                                   DiskQueueOptions options) {
  if (env == nullptr) env = platform::Env::Default();
  std::unique_ptr<DiskQueue> queue(new DiskQueue(env, std::move(dir), options));
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(queue->dir_));
  CAIRN_RETURN_IF_ERROR(queue->Load());
  return queue;
}

DiskQueue::~DiskQueue() {
  if (tail_) tail_->Close().IgnoreError();
  WriteHead();
}

std::string DiskQueue::PathOf(uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%016llu", static_cast<unsigned long long>(seq));
  return platform::JoinPath(dir_, std::string(name) + std::string(kSuffix));
}

Status DiskQueue::Load() {
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->ListDir(dir_));
  std::vector<uint64_t> seqs;
  for (const std::string& name : names) {
    if (name.size() != 16 + kSuffix.size() || !name.ends_with(kSuffix)) continue;
    uint64_t seq = 0;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + 16, seq);
    if (ec != std::errc() || ptr != name.data() + 16) continue;
    seqs.push_back(seq);
  }
  std::sort(seqs.begin(), seqs.end());
  for (uint64_t seq : seqs) {
    next_seq_ = std::max(next_seq_, seq + 1);
    CAIRN_ASSIGN_OR_RETURN(std::string data, ReadRange(env_, PathOf(seq), 0, UINT64_MAX));
    Segment segment;
    segment.seq = seq;
    ParseRecords(data, &segment.lengths, nullptr, SIZE_MAX);
    if (segment.lengths.empty()) {
      env_->RemoveFile(PathOf(seq)).IgnoreError();
      continue;
    }
    for (uint32_t length : segment.lengths) bytes_ += kFrame + length;
    records_ += segment.lengths.size();
    segments_.push_back(std::move(segment));
  }
  // What a clean stop had delivered of the first segment.
  const std::string head_path = platform::JoinPath(dir_, kHeadFile);
  if (env_->FileExists(head_path)) {
    Result<std::string> head = ReadRange(env_, head_path, 0, UINT64_MAX);
    unsigned long long seq = 0, count = 0;
    if (head.ok() && std::sscanf(head->c_str(), "%llu %llu", &seq, &count) == 2 &&
        !segments_.empty() && segments_.front().seq == seq) {
      Pop(std::min<size_t>(count, segments_.front().lengths.size())).IgnoreError();
    }
    env_->RemoveFile(head_path).IgnoreError();
  }
  return Status::Ok();
}

Status DiskQueue::StartSegment() {
  if (tail_) {
    CAIRN_RETURN_IF_ERROR(tail_->Close());
    tail_.reset();
  }
  Segment segment;
  segment.seq = next_seq_++;
  CAIRN_ASSIGN_OR_RETURN(tail_, env_->NewWritableFile(PathOf(segment.seq)));
  CAIRN_RETURN_IF_ERROR(env_->SyncDir(dir_));
  tail_bytes_ = 0;
  segments_.push_back(std::move(segment));
  return Status::Ok();
}

Result<size_t> DiskQueue::Append(const std::vector<std::string>& records) {
  size_t taken = 0;
  std::string pending;
  auto flush = [&]() -> Status {
    if (pending.empty()) return Status::Ok();
    CAIRN_RETURN_IF_ERROR(tail_->Append(pending.data(), pending.size()));
    pending.clear();
    return tail_->Sync();
  };
  for (const std::string& record : records) {
    const uint64_t framed = kFrame + record.size();
    if (records_ + 1 > options_.max_records || bytes_ + framed > options_.max_bytes) break;
    if (!tail_ || (tail_bytes_ > 0 && tail_bytes_ + framed > options_.segment_bytes)) {
      CAIRN_RETURN_IF_ERROR(flush());
      CAIRN_RETURN_IF_ERROR(StartSegment());
    }
    PutFixed32(pending, static_cast<uint32_t>(record.size()));
    PutFixed32(pending, Crc32c(0, record.data(), record.size()));
    pending += record;
    tail_bytes_ += framed;
    segments_.back().lengths.push_back(static_cast<uint32_t>(record.size()));
    records_ += 1;
    bytes_ += framed;
    ++taken;
  }
  CAIRN_RETURN_IF_ERROR(flush());
  return taken;
}

Result<std::vector<std::string>> DiskQueue::Peek(size_t n) {
  std::vector<std::string> out;
  for (const Segment& segment : segments_) {
    if (out.size() >= n) break;
    size_t want = std::min(n - out.size(), segment.lengths.size() - segment.consumed);
    if (want == 0) continue;
    uint64_t length = 0;
    for (size_t i = segment.consumed; i < segment.consumed + want; ++i) {
      length += kFrame + segment.lengths[i];
    }
    CAIRN_ASSIGN_OR_RETURN(std::string data,
                           ReadRange(env_, PathOf(segment.seq), segment.consumed_bytes, length));
    size_t before = out.size();
    ParseRecords(data, nullptr, &out, want);
    if (out.size() - before != want) {
      return Status(Code::kCorruption, "audit queue segment changed under its reader");
    }
  }
  return out;
}

Status DiskQueue::Pop(size_t n) {
  while (n > 0 && !segments_.empty()) {
    Segment& segment = segments_.front();
    size_t take = std::min(n, segment.lengths.size() - segment.consumed);
    for (size_t i = segment.consumed; i < segment.consumed + take; ++i) {
      segment.consumed_bytes += kFrame + segment.lengths[i];
      bytes_ -= kFrame + segment.lengths[i];
    }
    segment.consumed += take;
    records_ -= take;
    n -= take;
    if (segment.consumed < segment.lengths.size()) break;
    const bool is_tail = segments_.size() == 1 && tail_;
    if (is_tail) {
      tail_->Close().IgnoreError();
      tail_.reset();
    }
    CAIRN_RETURN_IF_ERROR(env_->RemoveFile(PathOf(segment.seq)));
    segments_.pop_front();
  }
  return Status::Ok();
}

void DiskQueue::WriteHead() {
  if (segments_.empty() || segments_.front().consumed == 0) return;
  const std::string tmp = platform::JoinPath(dir_, "head.tmp");
  env_->RemoveFile(tmp).IgnoreError();
  auto file = env_->NewWritableFile(tmp);
  if (!file.ok()) return;
  std::string text = std::to_string(segments_.front().seq) + " " +
                     std::to_string(segments_.front().consumed) + "\n";
  if (!(*file)->Append(text.data(), text.size()).ok() || !(*file)->Sync().ok() ||
      !(*file)->Close().ok()) {
    return;
  }
  env_->RenameFile(tmp, platform::JoinPath(dir_, kHeadFile)).IgnoreError();
  env_->SyncDir(dir_).IgnoreError();
}

}  // namespace cairn::audit
