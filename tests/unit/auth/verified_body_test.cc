#include <gtest/gtest.h>

#include "auth/canonical.h"
#include "auth/sigv4.h"
#include "auth_test_util.h"

namespace cairn::auth {
namespace {

using testing::ChunkedBuilder;
using testing::ReadAll;
using testing::TrickleSource;

// The identity the AWS chunked-upload example verifies to.
Identity DocStreamingIdentity(PayloadMode mode) {
  Identity id;
  id.anonymous = false;
  id.access_key = testing::kDocAccessKey;
  id.payload = mode;
  id.signing_key = DeriveSigningKey(testing::kDocSecret, "20130524", "us-east-1", "s3");
  id.seed_signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  id.amz_date = "20130524T000000Z";
  id.scope = "20130524/us-east-1/s3/aws4_request";
  return id;
}

Result<std::string> Decode(const std::string& wire, const Identity& id, size_t piece = 1 << 20,
                           const Headers** trailers = nullptr) {
  TrickleSource src(wire, piece);
  std::unique_ptr<ByteSource> body = VerifiedBody(src, id);
  Result<std::string> out = ReadAll(*body, 1000);
  if (trailers != nullptr) *trailers = nullptr;
  if (out.ok() && trailers != nullptr) {
    static Headers copy;
    copy = body->trailers() ? *body->trailers() : Headers();
    *trailers = body->trailers() ? &copy : nullptr;
  }
  return out;
}

std::string DocExampleWire() {
  std::string a1(65536, 'a'), a2(1024, 'a');
  return "10000;chunk-signature="
         "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         a1 + "\r\n" +
         "400;chunk-signature="
         "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         a2 + "\r\n" +
         "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n"
         "\r\n";
}

TEST(VerifiedBody, AwsChunkedUploadExample) {
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  id.decoded_content_length = 66560;
  std::string wire = DocExampleWire();
  EXPECT_EQ(wire.size(), 66824u);  // the example's Content-Length
  for (size_t piece : {size_t{1} << 20, size_t{1}, size_t{7}, size_t{4096}, size_t{65537}}) {
    Result<std::string> out = Decode(wire, id, piece);
    ASSERT_TRUE(out.ok()) << piece << ": " << out.status().ToString();
    EXPECT_EQ(*out, std::string(66560, 'a'));
  }
}

TEST(VerifiedBody, AwsChunkedExampleTampered) {
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  std::string wire = DocExampleWire();
  std::string t = wire;
  t[200] = 'b';  // a data byte of the first chunk
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
  t = wire;
  t[30] = t[30] == '0' ? '1' : '0';  // the first chunk's signature
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
  t = wire;
  t[t.size() - 5] = t[t.size() - 5] == '0' ? '1' : '0';  // the final chunk's signature
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
  // Chunks swapped or dropped break the chain.
  size_t second = wire.find("400;");
  size_t final = wire.find("0;chunk", second + 4);
  t = wire.substr(0, second) + wire.substr(final);
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
  id.seed_signature[0] = id.seed_signature[0] == '0' ? '1' : '0';
  EXPECT_EQ(Decode(wire, id).status().code(), Code::kSignatureDoesNotMatch);
}

TEST(VerifiedBody, PartialOutputBeforeSignatureFailureButNeverEof) {
  // The decoded bytes of a chunk may be handed out before its signature is checked; what matters
  // is that the stream ends in an error, never in a clean 0.
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  std::string wire = DocExampleWire();
  wire[200] = 'b';
  TrickleSource src(wire, 1 << 20);
  std::unique_ptr<ByteSource> body = VerifiedBody(src, id);
  std::string buf(1 << 20, '\0');
  size_t total = 0;
  Status last;
  while (true) {
    Result<size_t> r = body->Read(buf.data(), buf.size());
    if (!r.ok()) {
      last = r.status();
      break;
    }
    ASSERT_NE(*r, 0u) << "clean EOF after a bad chunk";
    total += *r;
  }
  EXPECT_EQ(last.code(), Code::kSignatureDoesNotMatch);
  EXPECT_LE(total, 65536u);
  // Once failed, it stays failed.
  EXPECT_EQ(body->Read(buf.data(), buf.size()).status().code(), Code::kSignatureDoesNotMatch);
}

class ChunkedModes : public ::testing::Test {
 protected:
  std::string data_ = [] {
    std::string s;
    for (int i = 0; i < 200000; ++i) s.push_back(static_cast<char>('a' + i % 26));
    return s;
  }();

  std::string Build(const Identity& id, size_t chunk,
                    const std::vector<std::pair<std::string, std::string>>& trailer) {
    ChunkedBuilder b;
    b.identity = &id;
    b.sign = id.payload != PayloadMode::kStreamingUnsignedTrailer;
    for (size_t off = 0; off < data_.size(); off += chunk) {
      b.Chunk(std::string_view(data_).substr(off, chunk));
    }
    b.Chunk("");
    if (id.payload == PayloadMode::kStreamingSigned) {
      b.End();
    } else {
      b.Trailer(trailer, id.payload == PayloadMode::kStreamingSignedTrailer);
    }
    return b.body;
  }
};

TEST_F(ChunkedModes, SignedTrailer) {
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSignedTrailer);
  id.decoded_content_length = data_.size();
  std::string wire = Build(id, 65536, {{"x-amz-checksum-crc32", "sOO8/Q=="}});
  for (size_t piece : {size_t{3}, size_t{1000}, size_t{1} << 20}) {
    const Headers* trailers = nullptr;
    Result<std::string> out = Decode(wire, id, piece, &trailers);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, data_);
    ASSERT_NE(trailers, nullptr);
    EXPECT_EQ(trailers->Get("x-amz-checksum-crc32"), "sOO8/Q==");
    EXPECT_FALSE(trailers->Has("x-amz-trailer-signature"));
  }

  // A changed trailer value, a bad or missing trailer signature.
  std::string t = wire;
  t.replace(t.find("sOO8/Q=="), 8, "AAAAAA==");
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
  t = wire;
  size_t sig = t.find("x-amz-trailer-signature:") + 24;
  t[sig] = t[sig] == '0' ? '1' : '0';
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
  t = wire;
  t.erase(t.find("x-amz-trailer-signature:"), 24 + 64 + 2);
  EXPECT_EQ(Decode(t, id).status().code(), Code::kSignatureDoesNotMatch);
}

TEST_F(ChunkedModes, SignedTrailerWithoutFields) {
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSignedTrailer);
  Result<std::string> out = Decode(Build(id, 8192, {}), id);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, data_);
}

TEST_F(ChunkedModes, UnsignedTrailer) {
  Identity id;
  id.payload = PayloadMode::kStreamingUnsignedTrailer;
  id.decoded_content_length = data_.size();
  std::string wire = Build(id, 65536, {{"x-amz-checksum-crc64nvme", "abcdefghijk="}});
  EXPECT_TRUE(wire.ends_with("\r\n0\r\nx-amz-checksum-crc64nvme:abcdefghijk=\r\n\r\n"));
  for (size_t piece : {size_t{1}, size_t{10}, size_t{1} << 20}) {
    const Headers* trailers = nullptr;
    Result<std::string> out = Decode(wire, id, piece, &trailers);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, data_);
    ASSERT_NE(trailers, nullptr);
    EXPECT_EQ(trailers->Get("x-amz-checksum-crc64nvme"), "abcdefghijk=");
  }
  // Bare "\n" line endings in the trailer, and no final empty line, are tolerated.
  std::string lenient = wire.substr(0, wire.size() - 2);
  EXPECT_TRUE(Decode(lenient, id).ok());
  std::string lf = wire;
  lf.replace(lf.size() - 4, 4, "\n\n");
  EXPECT_TRUE(Decode(lf, id).ok());
}

TEST_F(ChunkedModes, TrailersOnlyAfterEof) {
  Identity id;
  id.payload = PayloadMode::kStreamingUnsignedTrailer;
  std::string wire = Build(id, 65536, {{"x-amz-checksum-crc32", "AAAAAA=="}});
  MemorySource src(wire.data(), wire.size());
  std::unique_ptr<ByteSource> body = VerifiedBody(src, id);
  char buf[100];
  ASSERT_TRUE(body->Read(buf, sizeof buf).ok());
  EXPECT_EQ(body->trailers(), nullptr);
  ASSERT_TRUE(ReadAll(*body).ok());
  ASSERT_NE(body->trailers(), nullptr);
}

TEST_F(ChunkedModes, DecodedLengthEnforced) {
  Identity id;
  id.payload = PayloadMode::kStreamingUnsignedTrailer;
  std::string wire = Build(id, 65536, {});
  id.decoded_content_length = data_.size() - 1;
  EXPECT_EQ(Decode(wire, id).status().code(), Code::kInvalidRequest);
  id.decoded_content_length = data_.size() + 1;
  EXPECT_EQ(Decode(wire, id).status().code(), Code::kIncompleteBody);
  id.decoded_content_length = data_.size();
  EXPECT_TRUE(Decode(wire, id).ok());
}

TEST(ChunkedFraming, Errors) {
  Identity unsigned_id;
  unsigned_id.payload = PayloadMode::kStreamingUnsignedTrailer;
  Identity signed_id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  std::string sig(64, 'a');
  struct Case {
    const char* what;
    const Identity* id;
    std::string wire;
    Code code;
  } cases[] = {
      {"empty body", &unsigned_id, "", Code::kIncompleteBody},
      {"cut in size line", &unsigned_id, "5", Code::kIncompleteBody},
      {"cut in data", &unsigned_id, "5\r\nabc", Code::kIncompleteBody},
      {"cut after data", &unsigned_id, "5\r\nabcde", Code::kIncompleteBody},
      {"no final chunk", &unsigned_id, "5\r\nabcde\r\n", Code::kIncompleteBody},
      {"data longer than size", &unsigned_id, "5\r\nabcdefg\r\n0\r\n\r\n", Code::kInvalidRequest},
      {"data shorter than size", &unsigned_id, "5\r\nabc\r\n0\r\n\r\n", Code::kInvalidRequest},
      {"not hex", &unsigned_id, "5x\r\nabcde\r\n0\r\n\r\n", Code::kInvalidRequest},
      {"negative", &unsigned_id, "-5\r\nabcde\r\n0\r\n\r\n", Code::kInvalidRequest},
      {"empty size", &unsigned_id, "\r\nabcde\r\n0\r\n\r\n", Code::kInvalidRequest},
      {"17 hex digits", &unsigned_id, "00000000000000005\r\nabcde\r\n0\r\n\r\n",
       Code::kInvalidRequest},
      {"huge size", &unsigned_id, "ffffffffffffffff\r\nabcde\r\n0\r\n\r\n", Code::kInvalidRequest},
      {"size line too long", &unsigned_id, "5;" + std::string(5000, 'x') + "\r\nabcde\r\n",
       Code::kInvalidRequest},
      {"endless size line", &unsigned_id, std::string(100000, '1'), Code::kInvalidRequest},
      {"bad trailer field", &unsigned_id, "0\r\nno-colon\r\n\r\n", Code::kInvalidRequest},
      // Found by tests/fuzz/aws_chunked_fuzz: a blank name was accepted as a trailer field "".
      {"blank trailer name", &unsigned_id, "0\r\n :AAAAAA==\r\n\r\n", Code::kInvalidRequest},
      {"trailer name with a space", &unsigned_id, "0\r\nx-amz checksum:A\r\n\r\n",
       Code::kInvalidRequest},
      {"trailer line too long", &unsigned_id,
       "0\r\nx-amz-checksum-crc32:" + std::string(5000, 'A') + "\r\n\r\n", Code::kInvalidRequest},
      {"too many trailer bytes", &unsigned_id,
       [] {
         std::string s = "0\r\n";
         for (int i = 0; i < 100; ++i)
           s += "x-f" + std::to_string(i) + ":" + std::string(200, 'v') + "\r\n";
         return s + "\r\n";
       }(),
       Code::kInvalidRequest},
      {"cut in trailer", &unsigned_id, "0\r\nx-amz-checksum-crc32:AAA", Code::kIncompleteBody},
      {"data after the end", &unsigned_id, "0\r\n\r\nextra", Code::kInvalidRequest},
      {"no chunk signature", &signed_id, "5\r\nabcde\r\n0\r\n\r\n", Code::kSignatureDoesNotMatch},
      {"short chunk signature", &signed_id, "5;chunk-signature=abc\r\nabcde\r\n",
       Code::kInvalidRequest},
      {"wrong chunk signature", &signed_id, "5;chunk-signature=" + sig + "\r\nabcde\r\n",
       Code::kSignatureDoesNotMatch},
      {"wrong final signature", &signed_id, "0;chunk-signature=" + sig + "\r\n\r\n",
       Code::kSignatureDoesNotMatch},
  };
  for (const Case& c : cases) {
    for (size_t piece : {size_t{1}, size_t{1} << 20}) {
      EXPECT_EQ(Decode(c.wire, *c.id, piece).status().code(), c.code)
          << c.what << " (piece " << piece << ")";
    }
  }
}

TEST(ChunkedFraming, SignedModeRejectsTrailerFields) {
  // STREAMING-AWS4-HMAC-SHA256-PAYLOAD has no trailer: fields there would be unsigned.
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  ChunkedBuilder b;
  b.identity = &id;
  b.Chunk("hello");
  b.Chunk("");
  b.Trailer({{"x-amz-checksum-crc32", "AAAAAA=="}}, false);
  EXPECT_EQ(Decode(b.body, id).status().code(), Code::kInvalidRequest);
}

TEST(ChunkedFraming, SignedModeToleratesMissingFinalCrlf) {
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  ChunkedBuilder b;
  b.identity = &id;
  b.Chunk("hello");
  b.Chunk("");
  Result<std::string> out = Decode(b.body, id);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "hello");
}

TEST(ChunkedFraming, SixtyFourMiBChunkStreamsInBoundedMemory) {
  // One 64 MiB signed chunk from a source that never holds it; the decoder must hand it through
  // in pieces (each Read returns at most the caller's buffer) and verify it at the end.
  Identity id = DocStreamingIdentity(PayloadMode::kStreamingSigned);
  const uint64_t size = uint64_t{64} << 20;
  Digest d(DigestAlgorithm::kSha256);
  std::string block(1 << 20, 'z');
  for (int i = 0; i < 64; ++i) d.Update(block);
  std::string s1 = ChunkSignature(id.signing_key, id.amz_date, id.scope, id.seed_signature,
                                  HexEncode(d.Finish()));
  std::string s2 = ChunkSignature(id.signing_key, id.amz_date, id.scope, s1, kEmptySha256Hex);
  testing::PartsSource src;
  src.Literal("4000000;chunk-signature=" + s1 + "\r\n");
  src.Repeat('z', size);
  src.Literal("\r\n0;chunk-signature=" + s2 + "\r\n\r\n");
  id.decoded_content_length = size;
  std::unique_ptr<ByteSource> body = VerifiedBody(src, id);
  std::string buf(256 * 1024, '\0');
  uint64_t total = 0;
  while (true) {
    Result<size_t> r = body->Read(buf.data(), buf.size());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (*r == 0) break;
    ASSERT_LE(*r, buf.size());
    total += *r;
  }
  EXPECT_EQ(total, size);
}

TEST(VerifiedBody, UnsignedPassesThrough) {
  Identity id;
  std::string data = "anything";
  MemorySource src(data.data(), data.size());
  std::unique_ptr<ByteSource> body = VerifiedBody(src, id);
  EXPECT_EQ(ReadAll(*body).value(), data);
}

TEST(VerifiedBody, Sha256EmptyBody) {
  Identity id;
  id.payload = PayloadMode::kSha256;
  id.payload_sha256_hex = std::string(kEmptySha256Hex);
  MemorySource empty("", 0);
  EXPECT_TRUE(ReadAll(*VerifiedBody(empty, id)).ok());
  MemorySource one("x", 1);
  EXPECT_EQ(ReadAll(*VerifiedBody(one, id)).status().code(), Code::kContentSha256Mismatch);
}

// ---- End to end: Verify a signed streaming request, then decode its body ----

TEST(VerifiedBody, EndToEndSignedTrailerRequest) {
  testing::MapLookup lookup;
  lookup.Put("ak", "sk");
  Verifier verifier(lookup);
  testing::RawRequest r;
  r.method = "PUT";
  r.raw_path = "/bucket/obj";
  r.headers.Add("Host", "localhost:9000");
  r.headers.Add("Content-Encoding", "aws-chunked");
  r.headers.Add("x-amz-decoded-content-length", "11");
  r.headers.Add("x-amz-trailer", "x-amz-checksum-crc32");
  TimePoint now = testing::At("20250101T120000Z");
  SignRequest(SigningParams{"ak", "sk", "us-east-1", "s3"}, r.method, r.raw_path, r.raw_query,
              r.headers, kStreamingSignedPayloadTrailer, now);
  Result<Identity> id = verifier.Verify(r.View(), now);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_EQ(id->payload, PayloadMode::kStreamingSignedTrailer);
  ChunkedBuilder b;
  b.identity = &*id;
  b.Chunk("hello ");
  b.Chunk("world");
  b.Chunk("");
  b.Trailer({{"x-amz-checksum-crc32", "DUoRhQ=="}}, true);
  const Headers* trailers = nullptr;
  Result<std::string> out = Decode(b.body, *id, 5, &trailers);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "hello world");
  ASSERT_NE(trailers, nullptr);
  EXPECT_EQ(trailers->Get("x-amz-checksum-crc32"), "DUoRhQ==");

  // The same body under another key does not verify.
  lookup.Put("ak", "other");
  Result<Identity> other = verifier.Verify(r.View(), now);
  EXPECT_EQ(other.status().code(), Code::kSignatureDoesNotMatch);
}

}  // namespace
}  // namespace cairn::auth
