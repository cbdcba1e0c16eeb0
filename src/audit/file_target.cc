#include "audit/file_target.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "audit/audit_entry.h"

namespace cairn::audit {

namespace {

int OpenForAppend(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

bool WriteAll(int fd, const std::string& text) {
  size_t at = 0;
  while (at < text.size()) {
    ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Result<std::shared_ptr<FileTarget>> FileTarget::Start(std::string path, std::string deployment_id,
                                                      size_t inbox_size) {
  int fd = OpenForAppend(path);
  if (fd < 0) {
    return Status(Code::kIOError,
                  "cannot open the audit file " + path + ": " + std::strerror(errno));
  }
  std::shared_ptr<FileTarget> target(
      new FileTarget(std::move(path), std::move(deployment_id), inbox_size, fd));
  target->writer_ = std::thread([raw = target.get()] { raw->Run(); });
  return target;
}

FileTarget::FileTarget(std::string path, std::string deployment_id, size_t inbox_size, int fd)
    : path_(std::move(path)),
      deployment_id_(std::move(deployment_id)),
      fd_(fd),
      inbox_(inbox_size) {}

FileTarget::~FileTarget() {
  inbox_.Close();
  if (writer_.joinable()) writer_.join();
  if (fd_ >= 0) ::close(fd_);
}

void FileTarget::Consume(const RecordPtr& record) {
  total_.fetch_add(1, std::memory_order_relaxed);
  if (!inbox_.Push(record)) failed_.fetch_add(1, std::memory_order_relaxed);
}

TargetStats FileTarget::stats() const {
  TargetStats s;
  s.total_messages = total_.load(std::memory_order_relaxed);
  s.failed_messages = failed_.load(std::memory_order_relaxed);
  s.queue_length = inbox_.size();
  return s;
}

void FileTarget::ReopenIfRotated() {
  struct stat open_file {};
  struct stat named {};
  bool same = fd_ >= 0 && ::fstat(fd_, &open_file) == 0 && ::stat(path_.c_str(), &named) == 0 &&
              open_file.st_ino == named.st_ino && open_file.st_dev == named.st_dev;
  if (same) return;
  int fd = OpenForAppend(path_);
  if (fd < 0) {
    spdlog::error("audit: cannot reopen the audit file {}: {}", path_, std::strerror(errno));
    return;  // keep writing to the old one, if any
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

void FileTarget::Run() {
  for (;;) {
    std::deque<RecordPtr> batch;
    const bool stopping = inbox_.TakeAll(batch);
    if (!batch.empty()) {
      ReopenIfRotated();
      std::string text;
      for (const RecordPtr& record : batch) {
        text += AuditEntryJson(*record, deployment_id_);
        text += '\n';
      }
      if (fd_ < 0 || !WriteAll(fd_, text)) {
        failed_.fetch_add(batch.size(), std::memory_order_relaxed);
      }
    }
    if (stopping) return;
  }
}

}  // namespace cairn::audit
