#include "console/assets.h"

#include <gtest/gtest.h>

#include <string>

#include "console_test_util.h"

namespace cairn::console {
namespace {

const unsigned char kIndex[] = "<html>app</html>";
const unsigned char kScript[] = "console.log(1)";
const Asset kFake[] = {
    {"/index.html", "\"etag-index\"", kIndex, sizeof kIndex - 1},
    {"/assets/app-1234.js", "\"etag-js\"", kScript, sizeof kScript - 1},
};

TEST(ConsoleAssets, FindByPathAndRootIsIndex) {
  EXPECT_EQ(FindAsset(kFake, "/"), &kFake[0]);
  EXPECT_EQ(FindAsset(kFake, "/index.html"), &kFake[0]);
  EXPECT_EQ(FindAsset(kFake, "/assets/app-1234.js"), &kFake[1]);
  EXPECT_EQ(FindAsset(kFake, "/assets/"), nullptr);
  EXPECT_EQ(FindAsset(kFake, "/../index.html"), nullptr);
  EXPECT_EQ(FindAsset(kFake, "/INDEX.HTML"), nullptr);
}

TEST(ConsoleAssets, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/assets/a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/assets/a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("/x.bin"), "application/octet-stream");
}

TEST(ConsoleAssets, ServeWithTypeEtagCachingAndSecurityHeaders) {
  RecordingWriter out;
  ServeAsset(kFake, MakeRequest("GET", "/"), out);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, "<html>app</html>");
  EXPECT_EQ(out.headers.Get("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(out.headers.Get("etag"), "\"etag-index\"");
  EXPECT_EQ(out.headers.Get("cache-control"), "no-cache");
  EXPECT_TRUE(out.headers.Has("content-security-policy"));
  EXPECT_EQ(out.headers.Get("x-content-type-options"), "nosniff");

  RecordingWriter js;
  ServeAsset(kFake, MakeRequest("GET", "/assets/app-1234.js"), js);
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(std::string(*js.headers.Get("cache-control")).find("immutable"), std::string::npos);
}

TEST(ConsoleAssets, NotModifiedNotFoundAndMethods) {
  http::Request conditional = MakeRequest("GET", "/index.html");
  conditional.headers.Add("if-none-match", "\"etag-index\"");
  RecordingWriter out;
  ServeAsset(kFake, conditional, out);
  EXPECT_EQ(out.status, 304);
  EXPECT_EQ(out.body, "");

  RecordingWriter missing;
  ServeAsset(kFake, MakeRequest("GET", "/nope.js"), missing);
  EXPECT_EQ(missing.status, 404);

  RecordingWriter head;
  ServeAsset(kFake, MakeRequest("HEAD", "/index.html"), head);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");

  RecordingWriter post;
  ServeAsset(kFake, MakeRequest("POST", "/index.html"), post);
  EXPECT_EQ(post.status, 405);
}

TEST(ConsoleAssets, EmbeddedAppHasIndexAndItsScripts) {
  auto assets = EmbeddedAssets();
  const Asset* index = FindAsset(assets, "/");
  ASSERT_NE(index, nullptr);
  std::string html(reinterpret_cast<const char*>(index->data), index->size);
  EXPECT_NE(html.find("<div id=\"app\">"), std::string::npos);
  // Every script the page loads is an embedded file, and none is inline.
  size_t pos = 0;
  int scripts = 0;
  while ((pos = html.find("<script", pos)) != std::string::npos) {
    size_t src = html.find("src=\"", pos);
    size_t close = html.find('>', pos);
    ASSERT_LT(src, close) << "inline script in index.html";
    size_t end = html.find('"', src + 5);
    std::string path = html.substr(src + 5, end - src - 5);
    EXPECT_NE(FindAsset(assets, path), nullptr) << path;
    ++scripts;
    pos = close;
  }
  EXPECT_GE(scripts, 1);
  for (const Asset& asset : assets) {
    EXPECT_TRUE(asset.path.starts_with("/")) << asset.path;
    EXPECT_EQ(asset.etag.size(), 34u) << asset.path;
  }
}

}  // namespace
}  // namespace cairn::console
