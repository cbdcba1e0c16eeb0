#include "storage/data/data_dir.h"

#include <algorithm>

#include "common/encoding.h"

namespace cairn::storage::data {

using platform::JoinPath;

// ---- DataWriter ----

DataWriter::DataWriter(DataDir* dir, FileId id, std::string tmp_path,
                       std::unique_ptr<platform::WritableFile> file)
    : dir_(dir), id_(id), tmp_path_(std::move(tmp_path)), file_(std::move(file)) {}

DataWriter::~DataWriter() {
  if (published_) return;
  file_.reset();  // close before unlink
  // Best effort: a leftover is swept from tmp/ at the next start.
  dir_->RemoveTmp(tmp_path_);
}

Status DataWriter::Append(const char* data, size_t n) {
  if (finished_) return Status(Code::kInternal, "append to a finished data file");
  CAIRN_RETURN_IF_ERROR(file_->Append(data, n));
  size_ += n;
  return Status::Ok();
}

Status DataWriter::Finish() {
  if (finished_) return Status(Code::kInternal, "data file finished twice");
  finished_ = true;
  CAIRN_RETURN_IF_ERROR(file_->Sync());
  return file_->Close();
}

// ---- DataDir ----

DataDir::DataDir(platform::Env* env, std::string root)
    : env_(env),
      root_(std::move(root)),
      data_dir_(JoinPath(root_, "data")),
      tmp_dir_(JoinPath(root_, "tmp")) {}

Result<std::unique_ptr<DataDir>> DataDir::Open(platform::Env* env, const std::string& root) {
  std::unique_ptr<DataDir> dir(new DataDir(env, root));
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(dir->tmp_dir_));
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(dir->data_dir_));
  // All 256 fan-out directories exist up front, so publishing never creates a directory.
  static constexpr char kHex[] = "0123456789abcdef";
  bool created = false;
  for (int i = 0; i < 256; ++i) {
    std::string sub = JoinPath(dir->data_dir_, std::string{kHex[i >> 4], kHex[i & 15]});
    if (env->FileExists(sub)) continue;
    CAIRN_RETURN_IF_ERROR(env->CreateDirs(sub));
    created = true;
  }
  if (created) {
    CAIRN_RETURN_IF_ERROR(env->SyncDir(dir->data_dir_));
    CAIRN_RETURN_IF_ERROR(env->SyncDir(root));
  }
  // Whatever is in tmp/ belongs to writes that never published: nothing refers to it.
  CAIRN_ASSIGN_OR_RETURN(auto names, env->ListDir(dir->tmp_dir_));
  for (const auto& name : names) {
    Status s = env->RemoveFile(JoinPath(dir->tmp_dir_, name));
    if (!s.ok() && s.code() != Code::kNotFound) return s;
  }
  return dir;
}

std::string DataDir::PathOf(const FileId& id) const {
  std::string hex = id.Hex();
  return JoinPath(JoinPath(data_dir_, hex.substr(0, 2)), hex);
}

std::string DataDir::TmpPathOf(const FileId& id) const { return JoinPath(tmp_dir_, id.Hex()); }

Result<std::unique_ptr<blobs::BlobWriter>> DataDir::Create() {
  CAIRN_ASSIGN_OR_RETURN(FileId id, FileId::Random());
  std::string path = TmpPathOf(id);
  CAIRN_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(path));
  return std::unique_ptr<blobs::BlobWriter>(
      new DataWriter(this, id, std::move(path), std::move(file)));
}

Status DataDir::Publish(blobs::BlobWriter& blob_writer) {
  // A store publishes only the writers it made (the seam's contract).
  DataWriter& writer = static_cast<DataWriter&>(blob_writer);
  if (!writer.finished_ || writer.published_) {
    return Status(Code::kInternal, "publish of an unfinished or published data file");
  }
  std::string to = PathOf(writer.id());
  CAIRN_RETURN_IF_ERROR(env_->RenameFile(writer.tmp_path_, to));
  writer.published_ = true;
  return env_->SyncDir(to.substr(0, to.rfind('/')));
}

Result<std::shared_ptr<const blobs::Blob>> DataDir::Open(const FileId& id) {
  CAIRN_ASSIGN_OR_RETURN(auto file, env_->NewRandomAccessFile(PathOf(id)));
  return std::shared_ptr<const blobs::Blob>(std::make_shared<DataFile>(std::move(file)));
}

Status DataDir::Remove(const FileId& id) { return env_->RemoveFile(PathOf(id)); }

void DataDir::RemoveTmp(const std::string& path) { (void)env_->RemoveFile(path); }

}  // namespace cairn::storage::data
