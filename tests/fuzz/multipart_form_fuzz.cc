// The multipart/form-data reader of POST Object (s3::MultipartFormReader) and the boundary
// parser, driven as post_object_handler.cc drives them: parts one after the other, small fields
// read whole with a limit, the file part streamed in pieces, then the rest drained.
//
// Input: byte 0 & 15 is the count k of read sizes that follow (the body arrives in reads of
// those sizes); then the Content-Type header value and '\n'; the rest is the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "fuzz_util.h"
#include "s3/multipart_form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  fuzz::Input in(data, size);
  size_t k = in.Byte() & 15;
  std::string sizes;
  for (size_t i = 0; i < k; ++i) sizes.push_back(static_cast<char>(in.Byte()));
  Result<std::string> boundary = s3::FormBoundary(in.Line());
  if (!boundary.ok()) return 0;
  if (boundary->empty() || boundary->size() > 70) abort();

  fuzz::SmallReadSource body(in.Rest(), sizes);
  s3::FormLimits limits;
  limits.max_header_bytes = 1024;  // small, so the limit itself is reached
  s3::MultipartFormReader form(body, *boundary, limits);
  for (int parts = 0; parts < 64; ++parts) {
    Result<std::optional<s3::FormPart>> part = form.NextPart();
    if (!part.ok() || !part->has_value()) break;
    if ((*part)->name.empty()) abort();  // documented: a part without a name is an error
    if ((*part)->filename) {
      // The file part: streamed in reads of varying size, as FilePartSource does.
      char buf[300];
      for (size_t turn = 0;; ++turn) {
        size_t want = sizes.empty() ? sizeof buf : static_cast<uint8_t>(sizes[turn % k]) + 1;
        if (want > sizeof buf) want = sizeof buf;
        Result<size_t> got = form.ReadPart(buf, want);
        if (!got.ok() || *got == 0) break;
        if (*got > want) abort();
      }
    } else {
      Result<std::string> value = form.ReadPartString(64);
      if (value.ok() && value->size() > 64) abort();
      if (!value.ok()) break;
    }
  }
  (void)form.DrainBody(1 << 20);
  return 0;
}
