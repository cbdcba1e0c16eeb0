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

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "platform/env.h"
#include "storage/blobs/blob_store.h"

namespace cairn::storage::data {

// Blob ids name the files.
using FileId = blobs::BlobId;

class DataDir;

// A new data file in tmp/. Destroying it without Publish() removes the temporary file.
class DataWriter final : public blobs::BlobWriter {
 public:
  ~DataWriter() override;
  DataWriter(const DataWriter&) = delete;
  DataWriter& operator=(const DataWriter&) = delete;

  const FileId& id() const override { return id_; }
  uint64_t size() const override { return size_; }
  // Each call becomes one write(2).
  Status Append(const char* data, size_t n) override;
  // fdatasync + close.
  Status Finish() override;

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

// An open, published data file: its descriptor serves zero-copy sends.
class DataFile final : public blobs::Blob {
 public:
  explicit DataFile(std::unique_ptr<platform::RandomAccessFile> file) : file_(std::move(file)) {}
  uint64_t size() const override { return file_->size(); }
  Result<size_t> ReadAt(uint64_t pos, size_t n, char* buf) const override {
    return file_->Read(pos, n, buf);
  }
  int fd() const override { return file_->fd(); }

 private:
  std::unique_ptr<platform::RandomAccessFile> file_;
};

// The blob store of one drive.
class DataDir final : public blobs::BlobStore {
 public:
  // Creates <root>/data/00..ff and <root>/tmp as needed and empties tmp/.
  static Result<std::unique_ptr<DataDir>> Open(platform::Env* env, const std::string& root);

  // Creates tmp/<new id>.
  Result<std::unique_ptr<blobs::BlobWriter>> Create() override;
  // Moves a finished file into data/ durably (rename + fsync of the fan-out directory).
  Status Publish(blobs::BlobWriter& writer) override;
  Result<std::shared_ptr<const blobs::Blob>> Open(const FileId& id) override;
  // Makes the removal durable only with a later SyncDir (not needed: a resurrected garbage
  // file is swept again from its metadata record).
  Status Remove(const FileId& id) override;

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
