// Little-endian fixed-width and varint encodings for records (leveldb's util/coding.h idea).
// Decoders consume from the front of a string_view and return false on truncated or malformed
// input, never reading past its end: stored bytes are untrusted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::storage::meta {

void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);
// A varint32 length followed by the bytes.
void PutLengthPrefixed(std::string* dst, std::string_view s);

bool GetFixed32(std::string_view* in, uint32_t* v);
bool GetFixed64(std::string_view* in, uint64_t* v);
bool GetVarint32(std::string_view* in, uint32_t* v);
bool GetVarint64(std::string_view* in, uint64_t* v);
// The result views into the input.
bool GetLengthPrefixed(std::string_view* in, std::string_view* s);
bool GetBytes(std::string_view* in, size_t n, std::string_view* s);

}  // namespace cairn::storage::meta
