// VerifiedBody: the request body as the signature protects it. Three sources: a pass-through,
// a SHA-256 checker, and the aws-chunked decoder (a state machine over a fixed buffer).
#include <algorithm>
#include <cstring>
#include <utility>

#include "auth/canonical.h"
#include "auth/sigv4.h"
#include "common/encoding.h"
#include "common/hash.h"

namespace cairn::auth {

namespace {

class PassThroughSource final : public ByteSource {
 public:
  explicit PassThroughSource(ByteSource& in) : in_(in) {}
  Result<size_t> Read(char* buf, size_t n) override { return in_.Read(buf, n); }
  std::optional<FileRegion> RemainingFileRegion() override { return in_.RemainingFileRegion(); }
  std::optional<std::string_view> RemainingMemory() override { return in_.RemainingMemory(); }
  const Headers* trailers() const override { return in_.trailers(); }

 private:
  ByteSource& in_;
};

class Sha256CheckingSource final : public ByteSource {
 public:
  Sha256CheckingSource(ByteSource& in, std::string expected_hex)
      : in_(in), expected_hex_(std::move(expected_hex)), digest_(DigestAlgorithm::kSha256) {}

  Result<size_t> Read(char* buf, size_t n) override {
    Result<size_t> r = in_.Read(buf, n);
    if (!r.ok()) return r;
    if (*r > 0) {
      digest_.Update(buf, *r);
      return r;
    }
    if (n == 0) return r;  // a zero-length read is not the end
    if (!ConstantTimeEquals(HexEncode(digest_.Finish()), expected_hex_)) {
      return Status(Code::kContentSha256Mismatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    return size_t{0};
  }
  const Headers* trailers() const override { return in_.trailers(); }

 private:
  ByteSource& in_;
  std::string expected_hex_;
  Digest digest_;
};

constexpr size_t kBufferSize = 64 * 1024;
constexpr size_t kMaxLine = 4096;  // a chunk-size line or one trailer field
constexpr size_t kMaxTrailerBytes = 16 * 1024;
constexpr uint64_t kMaxChunkSize = uint64_t{1} << 40;

// An HTTP field name (RFC 9110 token): visible ASCII except separators. A trailer named " " or
// "a b" is malformed, not a field.
bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  constexpr std::string_view kSeparators = "\"(),/:;<=>?@[\\]{}";
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || kSeparators.find(c) != std::string_view::npos) return false;
  }
  return true;
}

// Decodes aws-chunked:
//   signed:   hex-size;chunk-signature=<64 hex>\r\n <data> \r\n ... 0;chunk-signature=<sig>\r\n
//   unsigned: hex-size\r\n <data> \r\n ... 0\r\n
// then trailer fields "name:value\r\n" (the signed-trailer mode ends them with
// "x-amz-trailer-signature:<sig>\r\n") and a final empty line "\r\n".
class AwsChunkedSource final : public ByteSource {
 public:
  AwsChunkedSource(ByteSource& in, const Identity& id)
      : in_(in),
        signed_(id.payload == PayloadMode::kStreamingSigned ||
                id.payload == PayloadMode::kStreamingSignedTrailer),
        signed_trailer_(id.payload == PayloadMode::kStreamingSignedTrailer),
        has_trailer_(id.payload != PayloadMode::kStreamingSigned),
        signing_key_(id.signing_key),
        amz_date_(id.amz_date),
        scope_(id.scope),
        previous_signature_(id.seed_signature),
        expected_length_(id.decoded_content_length),
        chunk_digest_(DigestAlgorithm::kSha256),
        buffer_(new char[kBufferSize]) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (!error_.ok()) return error_;
    if (state_ == State::kDone) return size_t{0};
    if (n == 0) return size_t{0};
    Result<size_t> r = Step(buf, n);
    if (!r.ok()) error_ = r.status();
    return r;
  }

  const Headers* trailers() const override { return state_ == State::kDone ? &trailers_ : nullptr; }

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailer, kDone };

  // Advances until some decoded bytes are produced, or the end.
  Result<size_t> Step(char* buf, size_t n) {
    while (true) {
      switch (state_) {
        case State::kSizeLine: {
          CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> line, ReadLine(kMaxLine));
          if (!line) return Incomplete("the body ended before the final chunk");
          CAIRN_RETURN_IF_ERROR(ParseSizeLine(*line));
          break;
        }
        case State::kData: {
          if (chunk_remaining_ == 0) {
            state_ = State::kDataEnd;
            break;
          }
          size_t want = static_cast<size_t>(std::min<uint64_t>(n, chunk_remaining_));
          size_t got;
          if (pos_ < len_) {
            got = std::min(want, len_ - pos_);
            std::memcpy(buf, buffer_.get() + pos_, got);
            pos_ += got;
          } else {
            // Nothing buffered: read straight into the caller's buffer, sparing a copy.
            CAIRN_ASSIGN_OR_RETURN(got, in_.Read(buf, want));
            if (got == 0) return Incomplete("the body ended inside a chunk");
          }
          if (signed_) chunk_digest_.Update(buf, got);
          chunk_remaining_ -= got;
          return got;
        }
        case State::kDataEnd: {
          CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> line, ReadLine(kMaxLine));
          if (!line) return Incomplete("the body ended after a chunk's data");
          if (!line->empty()) return Malformed("a chunk's data is longer than its declared size");
          if (signed_) CAIRN_RETURN_IF_ERROR(CheckChunkSignature());
          state_ = State::kSizeLine;
          break;
        }
        case State::kTrailer: {
          CAIRN_RETURN_IF_ERROR(ReadTrailer());
          CAIRN_RETURN_IF_ERROR(ExpectEnd());
          state_ = State::kDone;
          return size_t{0};
        }
        case State::kDone: return size_t{0};
      }
    }
  }

  Status ParseSizeLine(std::string_view line) {
    std::string_view size_text = line.substr(0, line.find(';'));
    while (!size_text.empty() && (size_text.back() == ' ' || size_text.back() == '\t')) {
      size_text.remove_suffix(1);
    }
    if (size_text.empty() || size_text.size() > 16) return Malformed("bad chunk size line");
    uint64_t size = 0;
    for (char c : size_text) {
      int v = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (v < 0) return Malformed("bad chunk size line");
      size = size * 16 + static_cast<uint64_t>(v);
    }
    if (size > kMaxChunkSize) return Malformed("chunk too large");
    if (signed_) {
      constexpr std::string_view kExt = ";chunk-signature=";
      std::string_view ext = line.substr(size_text.size());
      while (!ext.empty() && (ext.front() == ' ' || ext.front() == '\t')) ext.remove_prefix(1);
      if (!ext.starts_with(kExt)) {
        return Status(Code::kSignatureDoesNotMatch, "a chunk has no chunk-signature");
      }
      ext.remove_prefix(kExt.size());
      ext = TrimWhitespace(ext);
      if (!IsSha256Hex(ext)) return Malformed("bad chunk-signature");
      chunk_signature_ = ToLower(ext);
    }
    if (expected_length_ && size > *expected_length_ - total_) {
      return Malformed("the chunks hold more data than x-amz-decoded-content-length");
    }
    total_ += size;
    chunk_remaining_ = size;
    if (size == 0) {
      if (expected_length_ && total_ != *expected_length_) {
        return Incomplete("the chunks hold less data than x-amz-decoded-content-length");
      }
      if (signed_) CAIRN_RETURN_IF_ERROR(CheckChunkSignature());
      state_ = State::kTrailer;
    } else {
      state_ = State::kData;
    }
    return Status::Ok();
  }

  Status CheckChunkSignature() {
    std::string expected = ChunkSignature(signing_key_, amz_date_, scope_, previous_signature_,
                                          HexEncode(chunk_digest_.Finish()));
    if (!ConstantTimeEquals(expected, chunk_signature_)) {
      return Status(Code::kSignatureDoesNotMatch, "a chunk signature does not match");
    }
    previous_signature_ = std::move(expected);
    return Status::Ok();
  }

  // Trailer fields up to the empty line; a body that ends where that empty line (or the whole
  // trailer) would start is accepted, as some clients omit the final CRLF.
  Status ReadTrailer() {
    std::string canonical;
    std::optional<std::string> signature;
    size_t bytes = 0;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> line, ReadLine(kMaxLine));
      if (!line || line->empty()) break;
      if (!has_trailer_) return Malformed("trailer fields in a mode without a trailer");
      bytes += line->size();
      if (bytes > kMaxTrailerBytes) return Malformed("the trailer is too long");
      size_t colon = line->find(':');
      if (colon == std::string::npos || colon == 0) return Malformed("bad trailer field");
      std::string name = ToLower(TrimWhitespace(std::string_view(*line).substr(0, colon)));
      if (!IsFieldName(name)) return Malformed("bad trailer field name");
      std::string_view value = TrimWhitespace(std::string_view(*line).substr(colon + 1));
      if (name == "x-amz-trailer-signature") {
        if (signature) return Malformed("two trailer signatures");
        signature = std::string(value);
        continue;
      }
      if (signature) return Malformed("a trailer field after the trailer signature");
      canonical.append(name).push_back(':');
      canonical.append(value).push_back('\n');
      trailers_.Add(name, value);
    }
    if (!signed_trailer_) return Status::Ok();
    if (!signature) return Status(Code::kSignatureDoesNotMatch, "the trailer signature is missing");
    std::string expected =
        TrailerSignature(signing_key_, amz_date_, scope_, previous_signature_, canonical);
    if (!ConstantTimeEquals(expected, ToLower(*signature))) {
      return Status(Code::kSignatureDoesNotMatch, "the trailer signature does not match");
    }
    return Status::Ok();
  }

  Status ExpectEnd() {
    if (pos_ < len_) return Malformed("data after the end of the aws-chunked body");
    char extra;
    CAIRN_ASSIGN_OR_RETURN(size_t got, in_.Read(&extra, 1));
    if (got != 0) return Malformed("data after the end of the aws-chunked body");
    return Status::Ok();
  }

  // One line without its "\r\n" (or bare "\n"); nullopt at a clean end of the stream (no bytes
  // of the line read). A line longer than `max` or cut by the end of the stream is an error.
  Result<std::optional<std::string>> ReadLine(size_t max) {
    std::string line;
    while (true) {
      if (pos_ == len_) {
        CAIRN_RETURN_IF_ERROR(Fill());
        if (pos_ == len_) {
          if (line.empty()) return std::optional<std::string>();
          return Incomplete("the body ended inside a chunk header or trailer");
        }
      }
      const char* start = buffer_.get() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
      size_t take = nl ? static_cast<size_t>(nl - start) : len_ - pos_;
      if (line.size() + take > max) return Malformed("a chunk header or trailer line is too long");
      line.append(start, take);
      pos_ += take;
      if (nl) {
        ++pos_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return std::optional<std::string>(std::move(line));
      }
    }
  }

  Status Fill() {
    pos_ = 0;
    len_ = 0;
    CAIRN_ASSIGN_OR_RETURN(size_t got, in_.Read(buffer_.get(), kBufferSize));
    len_ = got;
    return Status::Ok();
  }

  static Status Malformed(std::string message) {
    return Status(Code::kInvalidRequest, "malformed aws-chunked body: " + message);
  }
  static Status Incomplete(std::string message) {
    return Status(Code::kIncompleteBody, std::move(message));
  }

  ByteSource& in_;
  const bool signed_;
  const bool signed_trailer_;
  const bool has_trailer_;  // the mode allows trailer fields
  const std::string signing_key_;
  const std::string amz_date_;
  const std::string scope_;
  std::string previous_signature_;
  const std::optional<uint64_t> expected_length_;

  State state_ = State::kSizeLine;
  Status error_;
  uint64_t chunk_remaining_ = 0;
  uint64_t total_ = 0;
  std::string chunk_signature_;
  Digest chunk_digest_;
  Headers trailers_;

  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> VerifiedBody(ByteSource& body, const Identity& identity) {
  switch (identity.payload) {
    case PayloadMode::kSha256:
      return std::make_unique<Sha256CheckingSource>(body, identity.payload_sha256_hex);
    case PayloadMode::kStreamingSigned:
    case PayloadMode::kStreamingSignedTrailer:
    case PayloadMode::kStreamingUnsignedTrailer:
      return std::make_unique<AwsChunkedSource>(body, identity);
    case PayloadMode::kUnsigned: break;
  }
  return std::make_unique<PassThroughSource>(body);
}

}  // namespace cairn::auth
