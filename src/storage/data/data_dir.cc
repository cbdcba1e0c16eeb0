#include "storage/data/data_dir.h"

#include <algorithm>

#include "common/encoding.h"

namespace cairn::storage::data {

using platform::JoinPath;

Result<FileId> FileId::Random() {
  FileId id;
  CAIRN_RETURN_IF_ERROR(platform::RandomBytes(id.bytes.data(), id.bytes.size()));
  return id;
}

std::optional<FileId> FileId::FromHex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  auto raw = HexDecode(hex);
  if (!raw) return std::nullopt;
  return FromBytes(*raw);
}

std::optional<FileId> FileId::FromBytes(std::string_view raw) {
  if (raw.size() != 16) return std::nullopt;
  FileId id;
  std::copy(raw.begin(), raw.end(), id.bytes.begin());
  return id;
}

std::string FileId::Hex() const { return HexEncode(Raw()); }

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

// ---- DataFile ----

namespace {

class FileRangeSource final : public ByteSource {
 public:
  FileRangeSource(std::shared_ptr<const DataFile> file, uint64_t offset, uint64_t length)
      : file_(std::move(file)), pos_(offset), end_(offset + length) {}

  Result<size_t> Read(char* buf, size_t n) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    if (want == 0) return size_t{0};
    CAIRN_ASSIGN_OR_RETURN(size_t got, file_->file().Read(pos_, want, buf));
    // The file is immutable once published; a short read means it was truncated behind us.
    if (got == 0) return Status(Code::kCorruption, "data file shorter than its record");
    pos_ += got;
    return got;
  }

  std::optional<FileRegion> RemainingFileRegion() override {
    int fd = file_->file().fd();
    if (fd < 0) return std::nullopt;
    return FileRegion{fd, pos_, end_ - pos_};
  }

 private:
  std::shared_ptr<const DataFile> file_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> DataFile::OpenRange(std::shared_ptr<const DataFile> file,
                                                        uint64_t offset, uint64_t length) {
  if (offset > file->size() || length > file->size() - offset) {
    return Status(Code::kInvalidRange, "range beyond the end of the data file");
  }
  return std::unique_ptr<ByteSource>(new FileRangeSource(std::move(file), offset, length));
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

Result<std::unique_ptr<DataWriter>> DataDir::Create() {
  CAIRN_ASSIGN_OR_RETURN(FileId id, FileId::Random());
  std::string path = TmpPathOf(id);
  CAIRN_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(path));
  return std::unique_ptr<DataWriter>(new DataWriter(this, id, std::move(path), std::move(file)));
}

Status DataDir::Publish(DataWriter& writer) {
  if (!writer.finished_ || writer.published_) {
    return Status(Code::kInternal, "publish of an unfinished or published data file");
  }
  std::string to = PathOf(writer.id());
  CAIRN_RETURN_IF_ERROR(env_->RenameFile(writer.tmp_path_, to));
  writer.published_ = true;
  return env_->SyncDir(to.substr(0, to.rfind('/')));
}

Result<std::shared_ptr<const DataFile>> DataDir::Open(const FileId& id) {
  CAIRN_ASSIGN_OR_RETURN(auto file, env_->NewRandomAccessFile(PathOf(id)));
  return std::shared_ptr<const DataFile>(std::make_shared<DataFile>(std::move(file)));
}

Status DataDir::Remove(const FileId& id) { return env_->RemoveFile(PathOf(id)); }

void DataDir::RemoveTmp(const std::string& path) { (void)env_->RemoveFile(path); }

}  // namespace cairn::storage::data
