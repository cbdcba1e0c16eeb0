// Helpers shared by the auth tests: an in-memory CredentialLookup, a parser for the raw request
// fixtures, sources that deliver bytes in awkward pieces, and an aws-chunked body builder.
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "auth/canonical.h"
#include "auth/credentials.h"
#include "auth/sigv4.h"
#include "common/byte_source.h"
#include "common/encoding.h"
#include "common/hash.h"
#include "common/headers.h"
#include "common/time.h"

namespace cairn::auth::testing {

inline constexpr char kDocAccessKey[] = "AKIAIOSFODNN7EXAMPLE";
inline constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

class MapLookup final : public CredentialLookup {
 public:
  void Put(std::string ak, std::string sk) { keys_[ak] = Credentials{ak, std::move(sk)}; }
  Result<Credentials> Lookup(std::string_view access_key) const override {
    auto it = keys_.find(std::string(access_key));
    if (it == keys_.end()) {
      return Status(Code::kInvalidAccessKeyId, "The AWS Access Key Id you provided does not exist");
    }
    return it->second;
  }

 private:
  std::map<std::string, Credentials> keys_;
};

inline TimePoint At(std::string_view amz_date) { return *ParseAmzDate(amz_date); }

// A request parsed from fixture text: "METHOD target HTTP/1.1\nName:value\n...\n\nbody".
struct RawRequest {
  std::string method;
  std::string raw_path;
  std::string raw_query;
  Headers headers;
  std::string body;

  RequestView View() const { return RequestView{method, raw_path, raw_query, &headers}; }
};

inline RawRequest ParseRawRequest(std::string_view text) {
  RawRequest r;
  size_t head_end = text.find("\n\n");
  std::string_view head = text.substr(0, head_end);
  r.body = head_end == std::string_view::npos ? "" : std::string(text.substr(head_end + 2));
  size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  r.method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  r.raw_path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.raw_query = std::string(target.substr(q + 1));
  while (!head.empty()) {
    eol = head.find('\n');
    line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
    size_t colon = line.find(':');
    r.headers.Add(line.substr(0, colon), line.substr(colon + 1));
  }
  return r;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Delivers at most `piece` bytes per Read, to cross every internal buffer boundary.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::string data, size_t piece) : data_(std::move(data)), piece_(piece) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min({n, piece_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, k, buf);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t piece_;
  size_t pos_ = 0;
};

// A stream made of parts, where a part is either literal bytes or `count` copies of one byte:
// lets a test send a 64 MiB chunk without holding it.
class PartsSource final : public ByteSource {
 public:
  void Literal(std::string s) { parts_.push_back({std::move(s), 0, 0}); }
  void Repeat(char c, uint64_t count) { parts_.push_back({"", c, count}); }
  Result<size_t> Read(char* buf, size_t n) override {
    while (index_ < parts_.size()) {
      Part& p = parts_[index_];
      uint64_t size = p.literal.empty() ? p.count : p.literal.size();
      if (offset_ == size) {
        ++index_;
        offset_ = 0;
        continue;
      }
      size_t k = static_cast<size_t>(std::min<uint64_t>(n, size - offset_));
      if (p.literal.empty()) {
        std::fill_n(buf, k, p.byte);
      } else {
        std::copy_n(p.literal.data() + offset_, k, buf);
      }
      offset_ += k;
      return k;
    }
    return size_t{0};
  }

 private:
  struct Part {
    std::string literal;
    char byte;
    uint64_t count;
  };
  std::vector<Part> parts_;
  size_t index_ = 0;
  uint64_t offset_ = 0;
};

inline Result<std::string> ReadAll(ByteSource& src, size_t piece = 4096) {
  std::string out;
  std::string buf(piece, '\0');
  while (true) {
    Result<size_t> r = src.Read(buf.data(), buf.size());
    if (!r.ok()) return r.status();
    if (*r == 0) return out;
    out.append(buf.data(), *r);
  }
}

// Builds aws-chunked bodies as clients do. For the signed modes, `identity` gives the key,
// date, scope and seed signature.
struct ChunkedBuilder {
  bool sign = true;
  const Identity* identity = nullptr;
  std::string previous;  // running signature
  std::string body;

  void Chunk(std::string_view data) {
    char size[32];
    snprintf(size, sizeof size, "%zx", data.size());
    body += size;
    if (sign) {
      if (previous.empty()) previous = identity->seed_signature;
      previous = ChunkSignature(identity->signing_key, identity->amz_date, identity->scope,
                                previous, Sha256Hex(data));
      body += ";chunk-signature=" + previous;
    }
    body += "\r\n";
    body.append(data);
    if (!data.empty()) body += "\r\n";
  }
  // The trailer fields "name:value" and, when signing, the trailer signature; then the end.
  void Trailer(const std::vector<std::pair<std::string, std::string>>& fields,
               bool signed_trailer) {
    std::string canonical;
    for (const auto& [name, value] : fields) {
      body += name + ":" + value + "\r\n";
      canonical += name + ":" + value + "\n";
    }
    if (signed_trailer) {
      body += "x-amz-trailer-signature:" +
              TrailerSignature(identity->signing_key, identity->amz_date, identity->scope, previous,
                               canonical) +
              "\r\n";
    }
    body += "\r\n";
  }
  void End() { body += "\r\n"; }
};

}  // namespace cairn::auth::testing
