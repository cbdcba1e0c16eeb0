// CAIRN_AUDIT_FILE: MinIO's audit entry JSON, one line per request, appended to a local file by
// a writer thread (a request only hands its record over). The file is reopened when it was
// rotated away (renamed or removed: the path no longer names the open file), checked before each
// batch, so logrotate works without a signal. Lines are written with O_APPEND, not fsync'd.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/audit_target.h"
#include "audit/record_inbox.h"
#include "common/status.h"

namespace cairn::audit {

class FileTarget final : public AuditTarget {
 public:
  // Opens (creating, mode 0640) `path` for appending and starts the writer.
  static Result<std::shared_ptr<FileTarget>> Start(std::string path, std::string deployment_id,
                                                   size_t inbox_size = 10000);
  ~FileTarget() override;  // writes what is queued, then stops

  void Consume(const RecordPtr& record) override;
  const std::string& id() const override { return id_; }
  TargetStats stats() const override;

 private:
  FileTarget(std::string path, std::string deployment_id, size_t inbox_size, int fd);
  void Run();
  void ReopenIfRotated();

  const std::string path_;
  const std::string deployment_id_;
  const std::string id_ = "file";
  int fd_;  // the writer thread's
  RecordInbox inbox_;
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread writer_;
};

}  // namespace cairn::audit
