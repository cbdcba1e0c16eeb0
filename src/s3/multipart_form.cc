#include "s3/multipart_form.h"

#include <algorithm>
#include <cstring>

#include "common/headers.h"

namespace cairn::s3 {

namespace {

constexpr size_t kBufferSize = 64 * 1024;
constexpr size_t kMaxBoundary = 70;  // RFC 2046

Status Malformed(std::string detail) {
  return Status(
      Code::kMalformedPOSTRequest,
      "The body of your POST request is not well-formed multipart/form-data: " + std::move(detail));
}

// Splits "a; b=c; d=\"e;f\"" at the semicolons outside quotes.
std::vector<std::string_view> SplitParams(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && quoted) {
      ++i;
    } else if (s[i] == '"') {
      quoted = !quoted;
    } else if (s[i] == ';' && !quoted) {
      out.push_back(TrimWhitespace(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(TrimWhitespace(s.substr(start)));
  return out;
}

// name=value or name="quoted \"value\"": the name lower-cased and the value unquoted.
std::pair<std::string, std::string> ParseParam(std::string_view param) {
  size_t eq = param.find('=');
  if (eq == std::string_view::npos) return {ToLower(param), ""};
  std::string name = ToLower(TrimWhitespace(param.substr(0, eq)));
  std::string_view raw = TrimWhitespace(param.substr(eq + 1));
  std::string value;
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    raw = raw.substr(1, raw.size() - 2);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
      value.push_back(raw[i]);
    }
  } else {
    value = std::string(raw);
  }
  return {std::move(name), std::move(value)};
}

// The headers of one part: "Name: value" lines separated by CRLF.
Result<FormPart> ParsePartHeaders(std::string_view block) {
  FormPart part;
  bool has_name = false;
  while (!block.empty()) {
    size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Malformed("a part header has no ':'");
    std::string_view name = TrimWhitespace(line.substr(0, colon));
    std::string_view value = TrimWhitespace(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-type")) {
      part.content_type = std::string(value);
    } else if (EqualsIgnoreCase(name, "content-disposition")) {
      std::vector<std::string_view> params = SplitParams(value);
      if (!EqualsIgnoreCase(params[0], "form-data")) {
        return Malformed("a part's Content-Disposition is not form-data");
      }
      for (size_t i = 1; i < params.size(); ++i) {
        auto [pname, pvalue] = ParseParam(params[i]);
        if (pname == "name") {
          part.name = std::move(pvalue);
          has_name = true;
        } else if (pname == "filename") {
          part.filename = std::move(pvalue);
        }
      }
    }
  }
  if (!has_name || part.name.empty()) return Malformed("a part has no Content-Disposition name");
  return part;
}

}  // namespace

Result<std::string> FormBoundary(std::string_view content_type) {
  std::vector<std::string_view> params = SplitParams(content_type);
  if (!EqualsIgnoreCase(params[0], "multipart/form-data")) {
    return Status(Code::kMalformedPOSTRequest,
                  "POST requires a multipart/form-data body (Content-Type)");
  }
  for (size_t i = 1; i < params.size(); ++i) {
    auto [name, value] = ParseParam(params[i]);
    if (name != "boundary") continue;
    if (value.empty() || value.size() > kMaxBoundary) {
      return Status(Code::kMalformedPOSTRequest, "the multipart boundary is empty or too long");
    }
    return value;
  }
  return Status(Code::kMalformedPOSTRequest,
                "the multipart/form-data Content-Type has no boundary");
}

MultipartFormReader::MultipartFormReader(ByteSource& body, std::string_view boundary,
                                         FormLimits limits)
    : body_(body), delimiter_("\r\n--" + std::string(boundary)), limits_(limits) {
  limits_.max_header_bytes = std::min(limits_.max_header_bytes, kBufferSize / 2);
  buf_.resize(kBufferSize + delimiter_.size());
  // A body usually starts with the first delimiter's "--": the CRLF in front lets one search
  // find it like every later delimiter.
  buf_[0] = '\r';
  buf_[1] = '\n';
  end_ = 2;
}

Status MultipartFormReader::Fill() {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    if (found_ != std::string::npos) found_ -= pos_;
    clear_to_ = clear_to_ > pos_ ? clear_to_ - pos_ : 0;
    pos_ = 0;
  }
  if (end_ == buf_.size() || eof_) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(size_t got, body_.Read(buf_.data() + end_, buf_.size() - end_));
  if (got == 0) eof_ = true;
  end_ += got;
  return Status::Ok();
}

Result<bool> MultipartFormReader::Want(size_t n) {
  while (end_ - pos_ < n) {
    if (eof_) return false;
    CAIRN_RETURN_IF_ERROR(Fill());
  }
  return true;
}

void MultipartFormReader::Scan() {
  if (found_ != std::string::npos) return;
  std::string_view buffered = std::string_view(buf_).substr(0, end_);
  size_t from = std::max(pos_, clear_to_);
  for (;;) {
    size_t at = buffered.find(delimiter_, from);
    if (at == std::string_view::npos) {
      // A delimiter may still start in the last delimiter_.size() - 1 bytes, completed by more.
      size_t tail = delimiter_.size() - 1;
      clear_to_ = std::max(from, end_ > tail ? end_ - tail : 0);
      return;
    }
    // Only "--", CRLF or padding may follow a delimiter; "--boundaryX" in the data is data, as
    // other parsers (Go's mime/multipart) read it.
    std::string_view next = buffered.substr(at + delimiter_.size(), 2);
    if (next.size() < 2 && !eof_) {
      clear_to_ = at;  // undecided until more bytes arrive
      return;
    }
    if (next.size() < 2 || next == "--" || next == "\r\n" || next[0] == ' ' || next[0] == '\t') {
      found_ = at;
      return;
    }
    from = at + 1;
  }
}

Result<size_t> MultipartFormReader::ReadPart(char* buf, size_t n) {
  if (state_ != State::kInPart || n == 0) return size_t{0};
  for (;;) {
    Scan();
    size_t available = (found_ != std::string::npos ? found_ : clear_to_) - pos_;
    if (available > 0) {
      size_t count = std::min(n, available);
      std::memcpy(buf, buf_.data() + pos_, count);
      pos_ += count;
      return count;
    }
    if (found_ != std::string::npos) {
      pos_ = found_ + delimiter_.size();
      found_ = std::string::npos;
      clear_to_ = pos_;
      state_ = State::kAfterDelimiter;
      return size_t{0};
    }
    if (eof_) return Malformed("the body ended inside a part");
    CAIRN_RETURN_IF_ERROR(Fill());
  }
}

Result<std::optional<FormPart>> MultipartFormReader::NextPart() {
  if (state_ == State::kDone) return std::optional<FormPart>();
  char scratch[4096];
  while (state_ == State::kInPart) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadPart(scratch, sizeof scratch));
    (void)got;
  }
  // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF.
  CAIRN_ASSIGN_OR_RETURN(bool have, Want(2));
  if (!have) return Malformed("the body ended after a boundary");
  if (Unread().substr(0, 2) == "--") {
    pos_ += 2;
    state_ = State::kDone;
    return std::optional<FormPart>();
  }
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool more, Want(2));
    if (!more) return Malformed("the body ended after a boundary");
    char c = buf_[pos_];
    if (c != ' ' && c != '\t') break;
    ++pos_;
    if (end_ - pos_ == 0 && eof_) return Malformed("the body ended after a boundary");
  }
  if (Unread().substr(0, 2) != "\r\n") return Malformed("a boundary is not followed by CRLF");
  pos_ += 2;

  // The header block ends with an empty line; a part may have no headers at all.
  size_t block_end = std::string_view::npos;
  for (;;) {
    std::string_view unread = Unread();
    if (unread.substr(0, 2) == "\r\n") {
      block_end = 0;
      break;
    }
    block_end = unread.find("\r\n\r\n");
    if (block_end != std::string_view::npos && block_end <= limits_.max_header_bytes) break;
    if (unread.size() > limits_.max_header_bytes + 2) {
      return Malformed("a part's headers are longer than " +
                       std::to_string(limits_.max_header_bytes) + " bytes");
    }
    if (eof_) return Malformed("the body ended inside a part's headers");
    CAIRN_RETURN_IF_ERROR(Fill());
  }
  std::string_view block = Unread().substr(0, block_end);
  CAIRN_ASSIGN_OR_RETURN(FormPart part, ParsePartHeaders(block));
  pos_ += block_end == 0 ? 2 : block_end + 4;
  // The part's data starts here; the delimiter that ends it begins with the CRLF before it.
  found_ = std::string::npos;
  clear_to_ = pos_;
  state_ = State::kInPart;
  // With no headers the data starts right after the empty line, and a delimiter right after
  // it must still be found: the search starts at pos_, which is past the CRLF just consumed.
  return std::optional<FormPart>(std::move(part));
}

Result<std::string> MultipartFormReader::ReadPartString(size_t limit) {
  std::string out;
  char chunk[4096];
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(size_t got, ReadPart(chunk, sizeof chunk));
    if (got == 0) return out;
    if (out.size() + got > limit) {
      return Status(Code::kMalformedPOSTRequest,
                    "Your POST request fields preceding the upload file were too large.");
    }
    out.append(chunk, got);
  }
}

Result<bool> MultipartFormReader::DrainBody(size_t limit) {
  size_t drained = 0;
  for (;;) {
    drained += end_ - pos_;
    pos_ = end_;
    if (eof_) return true;
    if (drained > limit) return false;
    CAIRN_RETURN_IF_ERROR(Fill());
  }
}

}  // namespace cairn::s3
