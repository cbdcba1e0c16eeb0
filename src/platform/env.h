// Env: the seam between Cairn and the operating system's files (modelled on leveldb's env.h).
// Everything the storage layers do to a disk goes through here, so tests can inject faults and
// a different platform needs one new implementation.
//
// Errors: a file or directory that does not exist is kNotFound; a full disk (ENOSPC, EDQUOT) is
// kNoSpace; anything else the OS refuses is kIOError with the path and strerror in the message.
// Every method is safe to call from any thread concurrently; a file object is used by one thread
// at a time unless its comment says otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace cairn::platform {

// A file being written sequentially. Closing (or destroying) does not sync.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all `n` bytes at the end of the file (short writes are retried).
  virtual Status Append(const char* data, size_t n) = 0;
  // Makes the file's data durable (fdatasync): what is appended before Sync() returns OK
  // survives power loss. The directory entry needs Env::SyncDir as well.
  virtual Status Sync() = 0;
  // Releases the descriptor; reports a deferred write error. Further calls fail.
  virtual Status Close() = 0;
};

// A file read at arbitrary offsets. Thread-safe: pread has no shared position.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `buf`; fewer only at the end of the file.
  virtual Result<size_t> Read(uint64_t offset, size_t n, char* buf) const = 0;
  // The size of the file when it was opened.
  virtual uint64_t size() const = 0;
  // The OS descriptor, valid while this object lives (for sendfile), or -1 when there is none.
  virtual int fd() const = 0;
};

struct DiskSpace {
  uint64_t total = 0;      // bytes
  uint64_t available = 0;  // bytes available to this (unprivileged) process
};

class Env {
 public:
  virtual ~Env() = default;

  // The POSIX implementation; never deleted.
  static Env* Default();

  // Creates `path` for writing; fails when it exists (O_EXCL), so two writers never share a file.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens an existing file for reading; kNotFound when it is absent.
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  // rename(2): atomically replaces `to`. Durable only after SyncDir of both parents.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // unlink(2); kNotFound when absent. Open handles keep reading the file (POSIX semantics).
  virtual Status RemoveFile(const std::string& path) = 0;
  // mkdir -p with mode 0755; OK when the directory already exists.
  virtual Status CreateDirs(const std::string& path) = 0;
  // fsync of a directory: makes the creation, rename and removal of its entries durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // Names of the entries in `dir`, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual Result<DiskSpace> GetDiskSpace(const std::string& path) = 0;
};

// Fills `buf` with `n` bytes from the kernel's CSPRNG (getrandom(2)).
Status RandomBytes(void* buf, size_t n);

// Joins two path components with exactly one '/'.
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace cairn::platform
