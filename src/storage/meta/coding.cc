#include "storage/meta/coding.h"

namespace cairn::storage::meta {

void PutFixed32(std::string* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutFixed64(std::string* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

void PutVarint64(std::string* dst, uint64_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

void PutLengthPrefixed(std::string* dst, std::string_view s) {
  PutVarint32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s);
}

bool GetFixed32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i) r |= uint32_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  in->remove_prefix(4);
  *v = r;
  return true;
}

bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r |= uint64_t{static_cast<unsigned char>((*in)[i])} << (8 * i);
  in->remove_prefix(8);
  *v = r;
  return true;
}

bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t r = 0;
  for (size_t i = 0; i < in->size() && i < 10; ++i) {
    uint64_t byte = static_cast<unsigned char>((*in)[i]);
    if (i == 9 && byte > 1) return false;  // more than 64 bits
    r |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *v = r;
      return true;
    }
  }
  return false;
}

bool GetVarint32(std::string_view* in, uint32_t* v) {
  std::string_view copy = *in;
  uint64_t r;
  if (!GetVarint64(&copy, &r) || r > UINT32_MAX) return false;
  *in = copy;
  *v = static_cast<uint32_t>(r);
  return true;
}

bool GetBytes(std::string_view* in, size_t n, std::string_view* s) {
  if (in->size() < n) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

bool GetLengthPrefixed(std::string_view* in, std::string_view* s) {
  std::string_view copy = *in;
  uint32_t len;
  if (!GetVarint32(&copy, &len) || !GetBytes(&copy, len, s)) return false;
  *in = copy;
  return true;
}

}  // namespace cairn::storage::meta
