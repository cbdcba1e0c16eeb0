#include "storage/erasure_blobs/shard_files.h"

#include <isa-l/crc.h>

#include <cstring>
#include <string_view>

#include "common/encoding.h"

namespace cairn::storage::erasure_blobs {

using platform::JoinPath;

namespace {

uint32_t FooterCrc(const erasure::ErasureParams& params, int index, const uint8_t* footer) {
  auto header = erasure::EncodeShardHeader(params, index);
  uint32_t crc = crc32_iscsi(header.data(), static_cast<int>(header.size()), 0xffffffff);
  return crc32_iscsi(const_cast<uint8_t*>(footer), 12, crc);  // only reads
}

std::string HexOf(const erasure::StreamId& id) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

}  // namespace

std::array<uint8_t, kShardFooterSize> EncodeShardFooter(const erasure::ErasureParams& params,
                                                        int index, uint64_t object_size) {
  std::array<uint8_t, kShardFooterSize> f{};
  for (int i = 0; i < 8; ++i) f[i] = static_cast<uint8_t>(object_size >> (8 * i));
  std::memcpy(f.data() + 8, kShardFooterMagic, 4);
  uint32_t crc = FooterCrc(params, index, f.data());
  for (int i = 0; i < 4; ++i) f[12 + i] = static_cast<uint8_t>(crc >> (8 * i));
  return f;
}

Result<uint64_t> DecodeShardFooter(std::span<const uint8_t> footer,
                                   const erasure::ErasureParams& params, int index) {
  if (footer.size() != kShardFooterSize || std::memcmp(footer.data() + 8, kShardFooterMagic, 4)) {
    return Status(Code::kCorruption, "erasure blobs: shard footer missing");
  }
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<uint32_t>(footer[12 + i]) << (8 * i);
  if (stored != FooterCrc(params, index, footer.data())) {
    return Status(Code::kCorruption, "erasure blobs: shard footer checksum");
  }
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size |= static_cast<uint64_t>(footer[i]) << (8 * i);
  return size;
}

uint64_t ShardFileBytes(const erasure::ErasureParams& params, uint64_t object_size) {
  return erasure::ShardFileSize(params, object_size) + kShardFooterSize;
}

Status PrepareDrive(platform::Env* env, const std::string& root) {
  const std::string shards = JoinPath(root, "shards");
  const std::string tmp = JoinPath(root, "tmp");
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(tmp));
  CAIRN_RETURN_IF_ERROR(env->CreateDirs(shards));
  // All 256 fan-out directories exist up front, so publishing never creates a directory.
  static constexpr char kHex[] = "0123456789abcdef";
  bool created = false;
  for (int i = 0; i < 256; ++i) {
    std::string sub = JoinPath(shards, std::string{kHex[i >> 4], kHex[i & 15]});
    if (env->FileExists(sub)) continue;
    CAIRN_RETURN_IF_ERROR(env->CreateDirs(sub));
    created = true;
  }
  if (created) {
    CAIRN_RETURN_IF_ERROR(env->SyncDir(shards));
    CAIRN_RETURN_IF_ERROR(env->SyncDir(root));
  }
  // Whatever is in tmp/ belongs to writes or heals that never published.
  CAIRN_ASSIGN_OR_RETURN(auto names, env->ListDir(tmp));
  for (const auto& name : names) {
    Status s = env->RemoveFile(JoinPath(tmp, name));
    if (!s.ok() && s.code() != Code::kNotFound) return s;
  }
  return Status::Ok();
}

std::string ShardDir(const std::string& root, const std::string& id_hex) {
  return JoinPath(JoinPath(root, "shards"), id_hex.substr(0, 2));
}

std::string ShardPath(const std::string& root, const std::string& id_hex) {
  return JoinPath(ShardDir(root, id_hex), id_hex);
}

std::string TmpShardPath(const std::string& root, const std::string& id_hex) {
  return JoinPath(JoinPath(root, "tmp"), id_hex);
}

Status FileShardSink::Append(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return failed_;
  return failed_ = file_->Append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Status FileShardSink::Finish() {
  if (!failed_.ok()) return failed_;
  if (!object_size_) return failed_ = Status(Code::kInternal, "shard finished without a size");
  auto footer = EncodeShardFooter(params_, index_, *object_size_);
  CAIRN_RETURN_IF_ERROR(
      failed_ = file_->Append(reinterpret_cast<const char*>(footer.data()), footer.size()));
  if (defer_sync_) return Status::Ok();
  return SyncAndClose();
}

Status FileShardSink::SyncAndClose() {
  if (!failed_.ok()) return failed_;
  CAIRN_RETURN_IF_ERROR(failed_ = file_->Sync());
  return failed_ = file_->Close();
}

Status FileShardSource::ReadAt(uint64_t offset, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, file_->Read(offset + done, out.size() - done,
                                                   reinterpret_cast<char*>(out.data()) + done));
    if (got == 0) return Status(Code::kCorruption, "erasure blobs: shard file is short");
    done += got;
  }
  return Status::Ok();
}

OpenedShard OpenShard(platform::Env* env, const std::string& root,
                      const erasure::ErasureParams& params, int index) {
  OpenedShard shard;
  auto file = env->NewRandomAccessFile(ShardPath(root, HexOf(params.stream_id)));
  if (!file.ok()) {
    shard.why = file.status().ToString();
    return shard;  // absent, or the drive refuses: missing
  }
  auto source = std::make_unique<FileShardSource>(std::move(*file));
  auto corrupt = [&](std::string why) {
    shard.state = ShardState::kCorrupt;
    shard.why = std::move(why);
    return std::move(shard);
  };
  const uint64_t length = source->size();
  if (length < erasure::kShardHeaderSize + kShardFooterSize) return corrupt("shorter than a shard");
  uint8_t header[erasure::kShardHeaderSize];
  Status read = source->ReadAt(0, header);
  if (read.ok()) read = erasure::CheckShardHeader(header, params, index);
  if (!read.ok()) {
    if (read.code() != Code::kCorruption) {
      shard.why = read.ToString();
      return shard;  // an I/O error: the drive, not the bytes
    }
    return corrupt(read.ToString());
  }
  uint8_t footer[kShardFooterSize];
  read = source->ReadAt(length - kShardFooterSize, footer);
  if (!read.ok() && read.code() != Code::kCorruption) {
    shard.why = read.ToString();
    return shard;
  }
  Result<uint64_t> size = read.ok() ? DecodeShardFooter(footer, params, index) : read;
  if (!size.ok()) return corrupt(size.status().ToString());
  // The library does not notice bytes added or lost behind its stream; the length does.
  if (*size > (uint64_t{1} << 60) || ShardFileBytes(params, *size) != length) {
    return corrupt("file length does not match the size in its footer");
  }
  shard.state = ShardState::kGood;
  shard.source = std::move(source);
  shard.object_size = *size;
  return shard;
}

}  // namespace cairn::storage::erasure_blobs
