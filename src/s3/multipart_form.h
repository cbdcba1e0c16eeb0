// A streaming reader of multipart/form-data bodies (RFC 7578), for browser-form uploads (POST
// Object). Parts are read one after the other straight from the request's ByteSource through a
// fixed buffer, so a file part of any size passes through without being held in memory.
//
// Framing as browsers, curl and the SDKs send it: each part starts after "--boundary" plus CRLF,
// its header block ends with an empty line, and its data ends at CRLF "--boundary"; the last
// delimiter is followed by "--". A preamble before the first delimiter and an epilogue after the
// last are ignored. Line ends must be CRLF.
//
// Errors (kMalformedPOSTRequest unless the body itself failed, whose error passes unchanged):
// the body ends inside a part or before the closing delimiter, a header block longer than
// FormLimits::max_header_bytes (this also refuses huge field names), a part without a
// Content-Disposition form-data name, a field longer than the limit ReadPartString is given.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_source.h"
#include "common/status.h"

namespace cairn::s3 {

struct FormPart {
  std::string name;                     // Content-Disposition name
  std::optional<std::string> filename;  // Content-Disposition filename, when given
  std::string content_type;             // the part's Content-Type, "" when absent
};

struct FormLimits {
  size_t max_header_bytes = 8 * 1024;  // one part's header block
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted or not).
// kMalformedPOSTRequest for another type, a missing boundary, or one longer than 70 characters.
Result<std::string> FormBoundary(std::string_view content_type);

class MultipartFormReader {
 public:
  MultipartFormReader(ByteSource& body, std::string_view boundary, FormLimits limits = {});
  MultipartFormReader(const MultipartFormReader&) = delete;
  MultipartFormReader& operator=(const MultipartFormReader&) = delete;

  // Skips what is left of the current part (or the preamble) and reads the next part's
  // headers. nullopt after the closing delimiter; the epilogue is not read.
  Result<std::optional<FormPart>> NextPart();

  // Up to `n` bytes of the current part's data; 0 at its end (and before the first part).
  Result<size_t> ReadPart(char* buf, size_t n);

  // The rest of the current part, kMalformedPOSTRequest when longer than `limit` bytes.
  Result<std::string> ReadPartString(size_t limit);

  // Reads the rest of the body (up to `limit` bytes) and discards it; true when it ended.
  Result<bool> DrainBody(size_t limit);

 private:
  enum class State { kInPart, kAfterDelimiter, kDone };

  // Reads more of the body into the buffer (moving the unread bytes to its front first);
  // sets eof_ at the body's end.
  Status Fill();
  // Makes at least `n` unread bytes available unless the body ends first; false if it did.
  Result<bool> Want(size_t n);
  // Finds the next delimiter in the unread bytes, remembering how far it searched.
  void Scan();
  std::string_view Unread() const { return std::string_view(buf_).substr(pos_, end_ - pos_); }

  ByteSource& body_;
  std::string delimiter_;  // CRLF "--" boundary
  FormLimits limits_;
  std::string buf_;  // fixed capacity; bytes [pos_, end_) are unread
  size_t pos_ = 0;
  size_t end_ = 0;
  size_t found_ = std::string::npos;  // where the next delimiter starts, once seen
  size_t clear_to_ = 0;  // no delimiter starts in [pos_, clear_to_) (valid when found_ unset)
  bool eof_ = false;
  State state_ = State::kInPart;  // the preamble is read as a part nobody asks for
};

}  // namespace cairn::s3
