// The streaming multipart/form-data reader: framing, reads split at every byte, CRLF edge
// cases, limits.
#include "s3/multipart_form.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace cairn::s3 {
namespace {

// Hands out its bytes `chunk` at a time, so delimiters and headers arrive split.
class ChunkedSource final : public ByteSource {
 public:
  ChunkedSource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t count = std::min({n, chunk_, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, count, buf);
    pos_ += count;
    return count;
  }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

struct Parsed {
  std::vector<std::pair<std::string, std::string>> parts;  // name -> data
  std::optional<std::string> filename;
  std::string file_type;
};

// Reads every part; the data of each with reads of `read_size` bytes.
Result<Parsed> ParseAll(const std::string& body, size_t chunk, size_t read_size,
                        std::string_view boundary = "XyZ") {
  ChunkedSource source(body, chunk);
  MultipartFormReader reader(source, boundary);
  Parsed out;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<FormPart> part, reader.NextPart());
    if (!part) return out;
    if (part->filename) {
      out.filename = part->filename;
      out.file_type = part->content_type;
    }
    std::string data;
    std::string buf(read_size, '\0');
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(size_t got, reader.ReadPart(buf.data(), buf.size()));
      if (got == 0) break;
      data.append(buf.data(), got);
    }
    out.parts.emplace_back(part->name, std::move(data));
  }
}

std::string Field(std::string_view name, std::string_view value) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
         std::string(value) + "\r\n";
}

std::string FilePart(std::string_view data) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
         "Content-Type: text/plain\r\n\r\n" +
         std::string(data) + "\r\n";
}

TEST(MultipartFormTest, BoundaryFromContentType) {
  EXPECT_EQ(*FormBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*FormBoundary("Multipart/Form-Data;boundary=\"a;b c\""), "a;b c");
  EXPECT_EQ(*FormBoundary("multipart/form-data; charset=utf-8; boundary=----Web"), "----Web");
  for (std::string_view bad : {"", "application/x-www-form-urlencoded", "multipart/form-data",
                               "multipart/mixed; boundary=a", "multipart/form-data; boundary="}) {
    EXPECT_EQ(FormBoundary(bad).status().code(), Code::kMalformedPOSTRequest) << bad;
  }
  EXPECT_FALSE(FormBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
}

TEST(MultipartFormTest, FieldsAndFileAtEverySplit) {
  // The file's data holds near-delimiters: CRLF, "--", CRLF--XY, a boundary without CRLF.
  std::string file = "line1\r\nline2\r\n--XY\r\n--XyZZ not yet\r\n-\r\n--Xy--XyZ\r";
  std::string body = Field("key", "uploads/${filename}") + Field("x-amz-meta-a", "") +
                     Field("policy", "eyJ9") + FilePart(file) + Field("after", "ignored") +
                     "--XyZ--\r\nepilogue";
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, body.size()}) {
    for (size_t read_size : {size_t{1}, size_t{5}, size_t{4096}}) {
      Result<Parsed> parsed = ParseAll(body, chunk, read_size);
      ASSERT_TRUE(parsed.ok()) << chunk << "/" << read_size << ": " << parsed.status().ToString();
      ASSERT_EQ(parsed->parts.size(), 5u);
      EXPECT_EQ(parsed->parts[0],
                std::make_pair(std::string("key"), std::string("uploads/${filename}")));
      EXPECT_EQ(parsed->parts[1].second, "");
      EXPECT_EQ(parsed->parts[2].second, "eyJ9");
      EXPECT_EQ(parsed->parts[3].first, "file");
      EXPECT_EQ(parsed->parts[3].second, file) << chunk << "/" << read_size;
      EXPECT_EQ(parsed->parts[4].second, "ignored");
      EXPECT_EQ(parsed->filename, "a b.txt");
      EXPECT_EQ(parsed->file_type, "text/plain");
    }
  }
}

TEST(MultipartFormTest, LargeFileStreamsThroughTheBuffer) {
  std::string file;
  for (int i = 0; i < 300000; ++i) file.push_back(static_cast<char>("\r\n-XyZab"[i % 8]));
  std::string body = Field("key", "k") + FilePart(file) + "--XyZ--";
  for (size_t chunk : {size_t{1000}, size_t{65536 + 13}}) {
    Result<Parsed> parsed = ParseAll(body, chunk, 100000);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    ASSERT_EQ(parsed->parts.size(), 2u);
    EXPECT_TRUE(parsed->parts[1].second == file);
  }
}

TEST(MultipartFormTest, PreambleEmptyPartsPaddingAndQuotedNames) {
  std::string body =
      "this is a preamble\r\n--XyZ  \t\r\n"  // transport padding after the delimiter
      "content-disposition: form-data; name=\"we\\\"ird;name\"; filename=\"\"\r\n\r\n\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=empty\r\n\r\n\r\n--XyZ--";
  Result<Parsed> parsed = ParseAll(body, 3, 10);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->parts.size(), 2u);
  EXPECT_EQ(parsed->parts[0].first, "we\"ird;name");
  EXPECT_EQ(parsed->parts[0].second, "");
  EXPECT_EQ(parsed->filename, "");
  EXPECT_EQ(parsed->parts[1].first, "empty");
  EXPECT_EQ(parsed->parts[1].second, "");
}

TEST(MultipartFormTest, BoundaryFollowedByOtherBytesIsData) {
  Result<Parsed> parsed = ParseAll(
      "--XyZjunk\r\n--XyZ\r\nContent-Disposition: form-data; "
      "name=\"a\"\r\n\r\nv\r\n--XyZx\r\n--XyZ--",
      1, 3);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->parts.size(), 1u);
  EXPECT_EQ(parsed->parts[0].second, "v\r\n--XyZx");
  // Bare LF after the boundary: no delimiter, so all of it is preamble and the form is empty.
  parsed = ParseAll("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\r\n--XyZ--", 2, 3);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->parts.empty());
}

TEST(MultipartFormTest, MalformedBodiesAreRefused) {
  const std::string huge_name(20000, 'n');
  struct Case {
    const char* what;
    std::string body;
  } cases[] = {
      {"no closing delimiter", Field("key", "k") + FilePart("data")},
      {"ends inside data", Field("key", "k") + "--XyZ\r\nContent-Disposition: form-data; "
                                               "name=\"file\"\r\n\r\nabc"},
      {"ends inside headers", "--XyZ\r\nContent-Disposition: form-da"},
      {"no delimiter at all", "just text"},
      {"empty body", ""},
      {"no name", "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--"},
      {"not form-data", "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--"},
      {"header without colon", "--XyZ\r\nContent-Disposition form-data\r\n\r\nv\r\n--XyZ--"},
      {"huge field name",
       "--XyZ\r\nContent-Disposition: form-data; name=\"" + huge_name + "\"\r\n\r\nv\r\n--XyZ--"},
  };
  for (const Case& c : cases) {
    for (size_t chunk : {size_t{1}, size_t{1 << 20}}) {
      Result<Parsed> parsed = ParseAll(c.body, chunk, 4096);
      EXPECT_EQ(parsed.status().code(), Code::kMalformedPOSTRequest) << c.what;
    }
  }
}

TEST(MultipartFormTest, FieldLimitAndDrain) {
  std::string body =
      Field("policy", std::string(5000, 'p')) + FilePart("f") + "--XyZ--" + std::string(100, 'e');
  ChunkedSource source(body, 100);
  MultipartFormReader reader(source, "XyZ");
  auto part = reader.NextPart();
  ASSERT_TRUE(part.ok() && part->has_value());
  EXPECT_EQ(reader.ReadPartString(4999).status().code(), Code::kMalformedPOSTRequest);

  ChunkedSource again(body, 100);
  MultipartFormReader reader2(again, "XyZ");
  ASSERT_TRUE(reader2.NextPart().ok());
  EXPECT_EQ(reader2.ReadPartString(5000)->size(), 5000u);
  auto file = reader2.NextPart();
  ASSERT_TRUE(file.ok() && file->has_value());
  EXPECT_EQ((*file)->name, "file");
  auto drained = reader2.DrainBody(1 << 20);
  ASSERT_TRUE(drained.ok());
  EXPECT_TRUE(*drained);
}

TEST(MultipartFormTest, BodyErrorsPassThrough) {
  class Failing final : public ByteSource {
   public:
    Result<size_t> Read(char*, size_t) override {
      return Status(Code::kIncompleteBody, "peer went away");
    }
  } failing;
  MultipartFormReader reader(failing, "XyZ");
  EXPECT_EQ(reader.NextPart().status().code(), Code::kIncompleteBody);
}

}  // namespace
}  // namespace cairn::s3
