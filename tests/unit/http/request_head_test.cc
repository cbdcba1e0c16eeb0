#include "http/request_head.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn::http {
namespace {

constexpr size_t kLimit = 64 * 1024;

struct Parsed {
  HeadResult result;
  Request request;
};

Parsed Parse(std::string_view bytes, size_t limit = kLimit) {
  Parsed p;
  size_t scanned = 0;
  p.result = ParseRequestHead(bytes, limit, "10.0.0.7", p.request, scanned);
  return p;
}

HeadStatus StatusOf(std::string_view bytes) { return Parse(bytes).result.status; }

TEST(RequestHeadTest, ParsesARequestLineAndFields) {
  std::string head =
      "GET /bucket/a%20b?list-type=2&prefix=x HTTP/1.1\r\n"
      "Host: 127.0.0.1:9000\r\n"
      "X-Amz-Date:20261202T163000Z\r\n"
      "X-Amz-Meta-Note: \t two  words \t\r\n"
      "Empty:\r\n"
      "\r\n";
  Parsed p = Parse(head + "body bytes");
  ASSERT_EQ(p.result.status, HeadStatus::kComplete);
  EXPECT_EQ(p.result.length, head.size());
  EXPECT_TRUE(p.result.keep_alive);
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.target, "/bucket/a%20b?list-type=2&prefix=x");
  EXPECT_EQ(p.request.path, "/bucket/a%20b");
  EXPECT_EQ(p.request.query, "list-type=2&prefix=x");
  EXPECT_EQ(p.request.remote_ip, "10.0.0.7");
  ASSERT_EQ(p.request.headers.size(), 4u);
  EXPECT_EQ(p.request.headers.fields()[0].first, "host");  // names lower-cased, order kept
  EXPECT_EQ(p.request.headers.Get("x-amz-date").value_or(""), "20261202T163000Z");
  EXPECT_EQ(p.request.headers.Get("x-amz-meta-note").value_or(""), "two  words");
  EXPECT_EQ(p.request.headers.Get("empty").value_or("?"), "");
  EXPECT_FALSE(p.request.content_length.has_value());
  EXPECT_FALSE(p.request.chunked);
}

TEST(RequestHeadTest, ReusedRequestHoldsNothingOfTheLastHead) {
  Request request;
  size_t scanned = 0;
  ASSERT_EQ(ParseRequestHead("PUT /b/k?x HTTP/1.1\r\nContent-Length: 5\r\nA: 1\r\n\r\n", kLimit,
                             "ip", request, scanned)
                .status,
            HeadStatus::kComplete);
  scanned = 0;
  ASSERT_EQ(ParseRequestHead("GET /c HTTP/1.1\r\n\r\n", kLimit, "ip", request, scanned).status,
            HeadStatus::kComplete);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/c");
  EXPECT_EQ(request.query, "");
  EXPECT_TRUE(request.headers.empty());
  EXPECT_FALSE(request.content_length.has_value());
}

TEST(RequestHeadTest, IncompleteUntilTheBlankLineEvenWhenSplitAcrossReads) {
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  // Every split point, with the scan resumed from where the previous call stopped.
  for (size_t cut = 0; cut < head.size(); ++cut) {
    Request request;
    size_t scanned = 0;
    HeadResult first =
        ParseRequestHead(std::string_view(head).substr(0, cut), kLimit, "", request, scanned);
    EXPECT_EQ(first.status, HeadStatus::kIncomplete) << cut;
    HeadResult second = ParseRequestHead(head, kLimit, "", request, scanned);
    ASSERT_EQ(second.status, HeadStatus::kComplete) << cut;
    EXPECT_EQ(second.length, head.size());
  }
}

TEST(RequestHeadTest, HeadLongerThanTheLimitIsTooLarge) {
  std::string head = "GET / HTTP/1.1\r\nX-Big: " + std::string(200, 'b') + "\r\n\r\n";
  EXPECT_EQ(Parse(head, 100).result.status, HeadStatus::kTooLarge);
  EXPECT_EQ(Parse(head.substr(0, 150), 100).result.status, HeadStatus::kTooLarge);
  EXPECT_EQ(Parse(head.substr(0, 50), 100).result.status, HeadStatus::kIncomplete);
  EXPECT_EQ(Parse(head, head.size()).result.status, HeadStatus::kComplete);
}

TEST(RequestHeadTest, KeepAliveFollowsVersionAndConnection) {
  EXPECT_TRUE(Parse("GET / HTTP/1.1\r\n\r\n").result.keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").result.keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nConnection: te, close\r\n\r\n").result.keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").result.keep_alive);
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").result.keep_alive);
}

TEST(RequestHeadTest, BodyFraming) {
  Parsed p = Parse("PUT /b/k HTTP/1.1\r\nContent-Length: 42\r\ncontent-length: 42\r\n\r\n");
  ASSERT_EQ(p.result.status, HeadStatus::kComplete);
  EXPECT_EQ(p.request.content_length.value_or(0), 42u);
  p = Parse("PUT /b/k HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n");
  ASSERT_EQ(p.result.status, HeadStatus::kComplete);
  EXPECT_TRUE(p.request.chunked);
  EXPECT_FALSE(p.request.content_length.has_value());

  EXPECT_EQ(StatusOf("PUT / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            HeadStatus::kBad);
  EXPECT_EQ(StatusOf("PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), HeadStatus::kBad);
  EXPECT_EQ(StatusOf("PUT / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n"), HeadStatus::kBad);
  EXPECT_EQ(StatusOf("PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            HeadStatus::kBad);
  // Both framings at once is the request-smuggling shape: refused.
  EXPECT_EQ(StatusOf("PUT / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadStatus::kBad);
  EXPECT_EQ(StatusOf("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
            HeadStatus::kBadEncoding);
}

TEST(RequestHeadTest, MalformedHeadsAreRefused) {
  for (std::string_view bad : {
           " GET / HTTP/1.1\r\n\r\n",                      // leading space
           "\r\nGET / HTTP/1.1\r\n\r\n",                   // leading empty line
           "GET  / HTTP/1.1\r\n\r\n",                      // two spaces
           "GET / HTTP/1.1 \r\n\r\n",                      // trailing space
           "GET /a\x01 HTTP/1.1\r\n\r\n",                  // control byte in the target
           "G(T / HTTP/1.1\r\n\r\n",                       // method not a token
           "GET / HTTP/1.x\r\n\r\n",                       // version
           "GET / HTTP/0.9\r\n\r\n",                       // version
           "GET / HTTPS/1.1\r\n\r\n",                      // protocol
           "GET /\r\n\r\n",                                // no version
           "GET / HTTP/1.1\nHost: h\r\n\r\n",              // bare LF
           "GET / HTTP/1.1\r\nHost : h\r\n\r\n",           // space before ':'
           "GET / HTTP/1.1\r\nHost\r\n\r\n",               // no ':'
           "GET / HTTP/1.1\r\n: v\r\n\r\n",                // empty name
           "GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n",    // obs-fold
           "GET / HTTP/1.1\r\nA: x\ry\r\n\r\n",            // bare CR in a value
           "GET / HTTP/1.1\r\nA: x\ny\r\n\r\n",            // bare LF in a value
           "GET / HTTP/1.1\r\nA: 0123456789\x7f\r\n\r\n",  // DEL
       }) {
    EXPECT_EQ(StatusOf(bad), HeadStatus::kBad) << bad;
  }
  EXPECT_EQ(StatusOf("GET / HTTP/2.0\r\n\r\n"), HeadStatus::kBadVersion);
}

TEST(RequestHeadTest, EveryControlByteInAValueIsRefusedAtEveryPosition) {
  // Exercises both the 8-byte and the byte-by-byte checks.
  for (int b = 0; b < 0x100; ++b) {
    bool ok = b == '\t' || (b >= 0x20 && b != 0x7f);
    for (size_t pos = 0; pos < 20; ++pos) {
      std::string value(20, 'v');
      value[pos] = static_cast<char>(b);
      if ((b == ' ' || b == '\t') && (pos == 0 || pos == 19)) continue;  // trimmed as OWS
      if (b == '\r') continue;  // ends the line early: covered by the bare-CR case
      std::string head = "GET / HTTP/1.1\r\nX-V: " + value + "\r\n\r\n";
      Parsed p = Parse(head);
      if (ok) {
        ASSERT_EQ(p.result.status, HeadStatus::kComplete) << b << " at " << pos;
        EXPECT_EQ(p.request.headers.Get("x-v").value_or(""), value);
      } else {
        EXPECT_EQ(p.result.status, HeadStatus::kBad) << b << " at " << pos;
      }
    }
  }
}

TEST(RequestHeadTest, ObsTextIsAllowedInTargetAndValues) {
  Parsed p = Parse("GET /b/caf\xc3\xa9 HTTP/1.1\r\nX-Amz-Meta-N: caf\xc3\xa9\r\n\r\n");
  ASSERT_EQ(p.result.status, HeadStatus::kComplete);
  EXPECT_EQ(p.request.path, "/b/caf\xc3\xa9");
  EXPECT_EQ(p.request.headers.Get("x-amz-meta-n").value_or(""), "caf\xc3\xa9");
}

TEST(RequestHeadTest, PipelinedHeadsAreSeparate) {
  std::string two = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
  Parsed first = Parse(two);
  ASSERT_EQ(first.result.status, HeadStatus::kComplete);
  EXPECT_EQ(first.request.path, "/1");
  Parsed second = Parse(std::string_view(two).substr(first.result.length));
  ASSERT_EQ(second.result.status, HeadStatus::kComplete);
  EXPECT_EQ(second.request.path, "/2");
}

TEST(RequestHeadTest, ChunkedBodyParserAcceptsTheHeadAndDecodes) {
  std::string head = "PUT /b/k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_EQ(StatusOf(head), HeadStatus::kComplete);
  ChunkedBodyParser parser;
  ASSERT_TRUE(StartChunkedBodyParser(parser, head));
  char out[16];
  auto& body = parser.get().body();
  body.data = out;
  body.size = sizeof out;
  body.more = true;
  std::string chunks = "5\r\nhello\r\n0\r\n\r\n";
  std::string_view rest = chunks;
  for (int i = 0; i < 10 && !parser.is_done(); ++i) {
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec && ec != boost::beast::http::error::need_buffer) break;
  }
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(std::string(out, sizeof out - body.size), "hello");
}

}  // namespace
}  // namespace cairn::http
