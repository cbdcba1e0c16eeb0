// An exclusive lock on a file (flock), held while the FileLock lives and released by the
// kernel when the process dies, kill -9 included: one process at a time owns what the file
// stands for (a RADOS gateway's state folder, whose path is its name as a lease holder).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace cairn::platform {

class FileLock {
 public:
  // Creates `path` when absent. kUnavailable when another holder (any process, or another
  // FileLock in this one) has it.
  static Result<std::unique_ptr<FileLock>> Acquire(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace cairn::platform
