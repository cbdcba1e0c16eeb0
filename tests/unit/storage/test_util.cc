#include "test_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "platform/env.h"

namespace cairn::storage::testing {

TempDir::TempDir() {
  char tmpl[] = "/tmp/cairn-store-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Result<size_t> TestSource::Read(char* buf, size_t n) {
  if (pos_ >= fail_at_) return fail_;
  size_t limit = std::min({n, chunk_, data_.size() - pos_});
  if (fail_at_ != std::string::npos) limit = std::min(limit, fail_at_ - pos_);
  std::memcpy(buf, data_.data() + pos_, limit);
  pos_ += limit;
  return limit;
}

std::string Bytes(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x);
  }
  return out;
}

Result<ObjectInfo> PutString(ObjectStore& store, const std::string& bucket, const std::string& key,
                             const std::string& data, const PutOptions& options) {
  TestSource source(data, 64 << 10);
  return store.PutObject(bucket, key, source, data.size(), options);
}

Result<std::string> Drain(ByteSource& source) {
  std::string out;
  char buf[100000];
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t n, source.Read(buf, sizeof(buf)));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

Result<std::string> GetString(ObjectStore& store, const std::string& bucket,
                              const std::string& key) {
  CAIRN_ASSIGN_OR_RETURN(auto reader, store.OpenObject(bucket, key));
  CAIRN_ASSIGN_OR_RETURN(auto source, reader->OpenRange(0, reader->info().size));
  return Drain(*source);
}

size_t DataFileCount(const std::string& dir) {
  auto* env = platform::Env::Default();
  std::string data = dir + "/.cairn/data";
  auto subs = env->ListDir(data);
  if (!subs.ok()) return 0;
  size_t n = 0;
  for (const auto& sub : *subs) {
    auto files = env->ListDir(data + "/" + sub);
    if (files.ok()) n += files->size();
  }
  return n;
}

size_t TmpFileCount(const std::string& dir) {
  auto files = platform::Env::Default()->ListDir(dir + "/.cairn/tmp");
  return files.ok() ? files->size() : 0;
}

std::unique_ptr<LocalStore> OpenOrDie(const std::string& dir, const LocalStoreOptions& options) {
  auto store = OpenLocalStore(dir, options);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    std::abort();
  }
  return std::move(store).value();
}

}  // namespace cairn::storage::testing
