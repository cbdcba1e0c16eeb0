#include "storage/local/body_hasher.h"

#include "common/encoding.h"

namespace cairn::storage::local {

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(bytes, '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

// Reads until `n` bytes or the end of the stream; a body error comes back unchanged.
Result<size_t> ReadFull(ByteSource& body, char* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, body.Read(buf + done, n - done));
    if (got == 0) break;
    done += got;
  }
  return done;
}

Status IncompleteBody(uint64_t got, uint64_t want) {
  return Status(Code::kIncompleteBody, "the body ended after " + std::to_string(got) + " of " +
                                           std::to_string(want) + " bytes");
}

// After the declared bytes the stream must end; reading to the end also lets a chunked decoder
// verify its final chunk and parse its trailers.
Status ExpectEnd(ByteSource& body) {
  char extra;
  CAIRN_ASSIGN_OR_RETURN(size_t got, body.Read(&extra, 1));
  if (got != 0) return Status(Code::kInvalidRequest, "the body is longer than its declared size");
  return Status::Ok();
}

// Base64 values are compared as bytes, so an equivalent encoding is not rejected.
bool SameBase64(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto da = Base64Decode(a);
  auto db = Base64Decode(b);
  return da && db && *da == *db;
}

const std::string* FindChecksum(const Checksums& sums, std::string_view alg) {
  for (const auto& [name, value] : sums) {
    if (name == alg) return &value;
  }
  return nullptr;
}

// The object checksum of a completed upload, from its parts' stored checksums, as AWS defines
// it: COMPOSITE hashes the concatenated raw part checksums and appends "-N"; FULL_OBJECT is the
// CRC of the whole body, combined from the part CRCs and lengths.
Result<std::string> MultipartChecksum(const std::string& alg, const std::string& type,
                                      const std::vector<ObjectPart>& parts) {
  auto kind = KindOf(alg);
  if (!kind) return Status(Code::kInternal, "unknown checksum algorithm " + alg);
  std::vector<std::string> raws;
  raws.reserve(parts.size());
  for (const ObjectPart& part : parts) {
    const std::string* value = FindChecksum(part.summary.checksums, alg);
    auto raw = value ? Base64Decode(*value) : std::nullopt;
    if (!raw) {
      return Status(Code::kInvalidPart,
                    "part " + std::to_string(part.summary.number) + " has no " + alg + " checksum");
    }
    raws.push_back(std::move(*raw));
  }
  if (type == "COMPOSITE") {
    Checksummer sum(alg, *kind, "");
    for (const std::string& raw : raws) sum.Update(raw.data(), raw.size());
    return sum.Value() + "-" + std::to_string(parts.size());
  }
  const size_t width = *kind == ChecksumKind::kCrc64Nvme ? 8 : 4;
  uint64_t crc = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (raws[i].size() != width) return Status(Code::kCorruption, "bad stored part checksum");
    uint64_t part_crc = 0;
    for (unsigned char c : raws[i]) part_crc = (part_crc << 8) | c;
    uint64_t len = parts[i].summary.size;
    switch (*kind) {
      case ChecksumKind::kCrc32:
        crc = i == 0
                  ? part_crc
                  : Crc32Combine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part_crc), len);
        break;
      case ChecksumKind::kCrc32c:
        crc = i == 0
                  ? part_crc
                  : Crc32cCombine(static_cast<uint32_t>(crc), static_cast<uint32_t>(part_crc), len);
        break;
      case ChecksumKind::kCrc64Nvme:
        crc = i == 0 ? part_crc : Crc64NvmeCombine(crc, part_crc, len);
        break;
      default: return Status(Code::kInternal, "FULL_OBJECT checksum of a non-CRC algorithm");
    }
  }
  return Base64Encode(BigEndian(crc, static_cast<int>(width)));
}

}  // namespace cairn::storage::local
