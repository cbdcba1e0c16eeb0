#include "cli/versions.h"

#include <gtest/gtest.h>

namespace cairn::cli {
namespace {

constexpr const char* kPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>
  <NextKeyMarker>b%20c</NextKeyMarker><NextVersionIdMarker>v9</NextVersionIdMarker>
  <MaxKeys>3</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <DeleteMarker><Key>a</Key><VersionId>v3</VersionId><IsLatest>true</IsLatest>
    <LastModified>2024-05-01T13:04:05.000Z</LastModified></DeleteMarker>
  <Version><Key>a</Key><VersionId>v2</VersionId><IsLatest>false</IsLatest>
    <LastModified>2024-05-01T13:00:00.000Z</LastModified><ETag>"abc"</ETag><Size>1536</Size>
    <StorageClass>STANDARD</StorageClass></Version>
  <Version><Key>b%20c</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>
    <LastModified>2024-05-01T12:00:00.000Z</LastModified><ETag>"def"</ETag><Size>12</Size>
  </Version>
  <CommonPrefixes><Prefix>d%2F</Prefix></CommonPrefixes>
</ListVersionsResult>)";

TEST(VersionsPageTest, ParsesVersionsAndMarkersInOrder) {
  auto page = ParseVersionsPage(kPage);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->entries.size(), 4u);
  const auto& e = page->entries;
  EXPECT_EQ(e[0].key, "a");
  EXPECT_TRUE(e[0].delete_marker);
  EXPECT_TRUE(e[0].is_latest);
  EXPECT_EQ(e[0].version_id, "v3");
  EXPECT_EQ(e[0].size, 0u);
  EXPECT_FALSE(e[1].delete_marker);
  EXPECT_EQ(e[1].etag, "abc");
  EXPECT_EQ(e[1].size, 1536u);
  EXPECT_EQ(e[2].key, "b c");  // url-decoded
  EXPECT_EQ(e[2].version_id, "null");
  EXPECT_EQ(e[2].storage_class, "STANDARD");  // defaulted
  EXPECT_TRUE(e[3].is_prefix);
  EXPECT_EQ(e[3].key, "d/");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "b c");
  EXPECT_EQ(page->next_version_id_marker, "v9");
}

TEST(VersionsPageTest, RejectsOtherBodies) {
  EXPECT_FALSE(ParseVersionsPage("not xml <").ok());
  EXPECT_FALSE(ParseVersionsPage("<ListBucketResult/>").ok());
}

TEST(VersioningStatusTest, ParsesAndWords) {
  EXPECT_EQ(ParseVersioningStatus("<VersioningConfiguration xmlns=\"x\"/>").value(), "");
  EXPECT_EQ(ParseVersioningStatus(VersioningConfigurationXml("Enabled")).value(), "Enabled");
  EXPECT_EQ(ParseVersioningStatus(VersioningConfigurationXml("Suspended")).value(), "Suspended");
  EXPECT_FALSE(ParseVersioningStatus("<Other/>").ok());
  EXPECT_EQ(VersioningWord("Enabled"), "enabled");
  EXPECT_EQ(VersioningWord("Suspended"), "suspended");
  EXPECT_EQ(VersioningWord(""), "un-versioned");
}

TEST(VersionLineTest, NumbersNewestHighest) {
  EXPECT_EQ(VersionNumbers(3), (std::vector<int>{3, 2, 1}));
  EXPECT_TRUE(VersionNumbers(0).empty());
  auto page = ParseVersionsPage(kPage);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(VersionLine(page->entries[0], 2, "a"),
            "[2024-05-01 13:04:05 UTC]      0B STANDARD v3 v2 DEL a");
  EXPECT_EQ(VersionLine(page->entries[1], 1, "a"),
            "[2024-05-01 13:00:00 UTC]  1.5KiB STANDARD v2 v1 PUT a");
}

std::vector<ObjectVersion> History(const std::string& kinds) {  // newest first: 'P' or 'D'
  std::vector<ObjectVersion> out;
  for (size_t i = 0; i < kinds.size(); ++i) {
    ObjectVersion v;
    v.key = "k";
    v.version_id = "v" + std::to_string(kinds.size() - i);
    v.delete_marker = kinds[i] == 'D';
    v.is_latest = i == 0;
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> Ids(const Result<std::vector<ObjectVersion>>& plan) {
  std::vector<std::string> out;
  for (const auto& v : plan.value()) out.push_back(v.version_id);
  return out;
}

TEST(PlanUndoTest, UndoesTheLastChanges) {
  EXPECT_EQ(Ids(PlanUndo(History("DPP"), 1, "")), (std::vector<std::string>{"v3"}));
  EXPECT_EQ(Ids(PlanUndo(History("PPP"), 1, "")), (std::vector<std::string>{"v3"}));
  EXPECT_EQ(Ids(PlanUndo(History("DPP"), 2, "")), (std::vector<std::string>{"v3", "v2"}));
  EXPECT_EQ(Ids(PlanUndo(History("P"), 5, "")), (std::vector<std::string>{"v1"}));
}

TEST(PlanUndoTest, ActionFiltersAndStops) {
  EXPECT_EQ(Ids(PlanUndo(History("DPP"), 1, "DELETE")), (std::vector<std::string>{"v3"}));
  EXPECT_TRUE(PlanUndo(History("DPP"), 1, "PUT").value().empty());
  EXPECT_EQ(Ids(PlanUndo(History("PPD"), 5, "PUT")), (std::vector<std::string>{"v3", "v2"}));
}

TEST(PlanUndoTest, RejectsBadArguments) {
  EXPECT_FALSE(PlanUndo(History("P"), 0, "").ok());
  EXPECT_FALSE(PlanUndo(History("P"), 1, "COPY").ok());
}

}  // namespace
}  // namespace cairn::cli
