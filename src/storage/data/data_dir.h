// DataDir: the object data files of one drive. Files are named by opaque random ids, never by
// user keys, so a key may hold any bytes ("..", "//", any UTF-8) without touching the tree:
//
//   <root>/data/ab/abcdef0123456789abcdef0123456789   one published file (fan-out by 1st byte)
//   <root>/tmp/abcdef0123456789abcdef0123456789       a file being written
//
// A file is written in tmp/, made durable (fdatasync), then published by a rename into data/
// followed by an fsync of the fan-out directory. tmp/ holds nothing worth keeping after a
// restart: Open() empties it. Which published files are live is the metadata's business.
// Thread-safe; a DataWriter is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_source.h"
#include "common/status.h"
#include "platform/env.h"

namespace cairn::storage::data {

// 128 bits from the kernel CSPRNG: collisions are not a practical concern.
struct FileId {
  std::array<uint8_t, 16> bytes{};

  static Result<FileId> Random();
  // From the 32-char lower-case hex form; nullopt for anything else.
  static std::optional<FileId> FromHex(std::string_view hex);
  // From the 16 raw bytes.
  static std::optional<FileId> FromBytes(std::string_view raw);
  std::string Hex() const;
  std::string_view Raw() const {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  bool operator==(const FileId&) const = default;
};

class DataDir;

// A new data file in tmp/. Destroying it without Publish() removes the temporary file.
class DataWriter {
 public:
  ~DataWriter();
  DataWriter(const DataWriter&) = delete;
  DataWriter& operator=(const DataWriter&) = delete;

  const FileId& id() const { return id_; }
  uint64_t size() const { return size_; }
  // The caller batches: pass large buffers (hundreds of KiB), each becomes one write(2).
  Status Append(const char* data, size_t n);
  // fdatasync + close. After this only Publish() or destruction.
  Status Finish();

 private:
  friend class DataDir;
  DataWriter(DataDir* dir, FileId id, std::string tmp_path,
             std::unique_ptr<platform::WritableFile> file);
  DataDir* dir_;
  FileId id_;
  std::string tmp_path_;
  std::unique_ptr<platform::WritableFile> file_;
  uint64_t size_ = 0;
  bool finished_ = false;
  bool published_ = false;
};

// An open, published data file. Holding it keeps the bytes readable even after Remove().
class DataFile {
 public:
  explicit DataFile(std::unique_ptr<platform::RandomAccessFile> file) : file_(std::move(file)) {}
  uint64_t size() const { return file_->size(); }
  // A stream over [offset, offset+length), which must lie within the file. The source shares
  // ownership of the file, so it may outlive this handle; it offers RemainingFileRegion().
  static Result<std::unique_ptr<ByteSource>> OpenRange(std::shared_ptr<const DataFile> file,
                                                       uint64_t offset, uint64_t length);
  const platform::RandomAccessFile& file() const { return *file_; }

 private:
  std::unique_ptr<platform::RandomAccessFile> file_;
};

class DataDir {
 public:
  // Creates <root>/data/00..ff and <root>/tmp as needed and empties tmp/.
  static Result<std::unique_ptr<DataDir>> Open(platform::Env* env, const std::string& root);

  // Creates tmp/<new id>.
  Result<std::unique_ptr<DataWriter>> Create();
  // Moves a finished file into data/ durably (rename + fsync of the fan-out directory).
  Status Publish(DataWriter& writer);
  // kNotFound when the file is not (or no longer) there.
  Result<std::shared_ptr<const DataFile>> Open(const FileId& id);
  // kNotFound when absent. Makes the removal durable only with a later SyncDir (not needed:
  // a resurrected garbage file is swept again from its metadata record).
  Status Remove(const FileId& id);

  std::string PathOf(const FileId& id) const;
  std::string TmpPathOf(const FileId& id) const;
  const std::string& tmp_dir() const { return tmp_dir_; }

 private:
  friend class DataWriter;
  DataDir(platform::Env* env, std::string root);
  void RemoveTmp(const std::string& path);
  platform::Env* env_;
  std::string root_;
  std::string data_dir_;
  std::string tmp_dir_;
};

}  // namespace cairn::storage::data
