#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/drives/drive_set.h"
#include "storage/drives/parity.h"
#include "storage/drives/volumes.h"
#include "test_util.h"

namespace cairn::storage::drives {
namespace {

using Strings = std::vector<std::string>;

Strings Expand(std::string_view arg) {
  auto out = ExpandEllipses(arg);
  EXPECT_TRUE(out.ok()) << arg << ": " << out.status().ToString();
  return out.ok() ? *out : Strings{};
}

TEST(VolumesTest, ExpandsMinioEllipses) {
  EXPECT_EQ(Expand("/data"), Strings{"/data"});
  EXPECT_EQ(Expand("/mnt/d{1...4}"), (Strings{"/mnt/d1", "/mnt/d2", "/mnt/d3", "/mnt/d4"}));
  EXPECT_EQ(Expand("/d{8...11}/x"), (Strings{"/d8/x", "/d9/x", "/d10/x", "/d11/x"}));
  EXPECT_EQ(Expand("/d{01...03}"), (Strings{"/d01", "/d02", "/d03"}));
  EXPECT_EQ(Expand("/d{a...c}"), (Strings{"/da", "/db", "/dc"}));
  EXPECT_EQ(Expand("/m{1...2}/disk{1...2}"),
            (Strings{"/m1/disk1", "/m1/disk2", "/m2/disk1", "/m2/disk2"}));
  EXPECT_EQ(Expand("/odd{dir}/d{1...2}"), (Strings{"/odd{dir}/d1", "/odd{dir}/d2"}));
  for (const char* bad : {"/d{4...1}", "/d{1...}", "/d{...3}", "/d{1...zz}", "/d{1...99999}"}) {
    EXPECT_EQ(ExpandEllipses(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(VolumesTest, ExpandsArgumentListsAsMinioDoes) {
  auto plain = ExpandVolumes({"/a", "/b", "/c"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, (Strings{"/a", "/b", "/c"}));
  auto two = ExpandVolumes({"/x{1...2}", "/y{1...2}"});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, (Strings{"/x1", "/x2", "/y1", "/y2"}));
  EXPECT_EQ(ExpandVolumes({"/x{1...2}", "/y"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ExpandVolumes({"/a", "/a"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ExpandVolumes({"/d{1...17}"}).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(ExpandVolumes({"/d{1...16}"}).ok());
}

TEST(ParityTest, MinioDefaultsAndStorageClass) {
  const int expected[] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4};
  for (int n = 1; n <= 16; ++n) EXPECT_EQ(DefaultParity(n), expected[n]) << n;
  EXPECT_EQ(*ParityFor(4, ""), 2);
  EXPECT_EQ(*ParityFor(4, "EC:1"), 1);
  EXPECT_EQ(*ParityFor(4, "EC:2"), 2);
  EXPECT_EQ(*ParityFor(16, "EC:8"), 8);
  EXPECT_EQ(*ParityFor(6, "EC:0"), 0);
  for (const char* bad : {"EC:3", "EC:", "EC:x", "RS:2", "ec:2", "EC:-1", "EC:2 "}) {
    EXPECT_EQ(ParityFor(4, bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(DriveFormatTest, RoundTripsAndRefusesWhatItDidNotWrite) {
  DriveFormat f{1, "set-1", "b", {"a", "b", "c", "d"}};
  auto back = DecodeDriveFormat(EncodeDriveFormat(f));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, f);
  for (const char* bad :
       {"", "[]", "{}", R"({"format":"xl","version":1,"set":"s","drive":"a","drives":["a"]})",
        R"({"format":"cairn-erasure","version":2,"set":"s","drive":"a","drives":["a"]})",
        R"({"format":"cairn-erasure","version":1,"set":"s","drive":"z","drives":["a"]})",
        R"({"format":"cairn-erasure","version":1,"set":"","drive":"a","drives":["a"]})"}) {
    EXPECT_EQ(DecodeDriveFormat(bad).status().code(), Code::kCorruption) << bad;
  }
}

class DriveSetTest : public ::testing::Test {
 protected:
  Strings Roots(int n) {
    Strings out;
    for (int i = 0; i < n; ++i) out.push_back(dir_.path() + "/d" + std::to_string(i + 1));
    return out;
  }
  Result<DriveSet> Open(const Strings& roots) {
    return OpenDriveSet(platform::Env::Default(), roots);
  }
  testing::TempDir dir_;
};

TEST_F(DriveSetTest, EmptyFoldersMakeANewSetInArgumentOrder) {
  Strings roots = Roots(4);
  auto set = Open(roots);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(set->created);
  ASSERT_EQ(set->drives.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(set->drives[i].root, roots[i]);
    EXPECT_EQ(set->drives[i].state, DriveState::kOnline);
    EXPECT_TRUE(std::filesystem::exists(roots[i] + "/.cairn/format.json"));
  }
  auto again = Open(roots);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->set_id, set->set_id);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(again->drives[i].id, set->drives[i].id);
}

TEST_F(DriveSetTest, PositionsFollowTheDrivesNotTheArguments) {
  Strings roots = Roots(4);
  auto set = Open(roots);
  ASSERT_TRUE(set.ok());
  auto moved = Open({roots[2], roots[0], roots[1], roots[3]});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  for (size_t pos = 0; pos < 4; ++pos) {
    EXPECT_EQ(moved->drives[pos].root, roots[pos]);
    EXPECT_EQ(moved->drives[pos].id, set->drives[pos].id);
  }
  EXPECT_NE(moved->drives[0].detail.find("moved"), std::string::npos);
  EXPECT_EQ(moved->drives[3].detail, "") << "argument 3 is still position 3";
}

TEST_F(DriveSetTest, AWipedDriveTakesBackItsPositionAsFresh) {
  Strings roots = Roots(6);
  auto set = Open(roots);
  ASSERT_TRUE(set.ok());
  std::filesystem::remove_all(roots[4]);
  std::filesystem::create_directories(roots[4]);
  auto healed = Open(roots);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(healed->drives[4].state, DriveState::kFresh);
  EXPECT_EQ(healed->drives[4].id, set->drives[4].id);
  EXPECT_EQ(healed->drives[4].root, roots[4]);
  // The new record is written: the next start sees an online drive.
  auto next = Open(roots);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->drives[4].state, DriveState::kOnline);
}

TEST_F(DriveSetTest, ARunningMonitorReadsAndRewritesFormatRecords) {
  Strings roots = Roots(4);
  auto set = Open(roots);
  ASSERT_TRUE(set.ok());
  platform::Env* env = platform::Env::Default();
  auto format = ReadDriveFormat(env, roots[2]);
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(format->set_id, set->set_id);
  EXPECT_EQ(format->drive_id, set->drives[2].id);
  // Emptied: no record (kNotFound), and formatting it gives back the same position.
  std::filesystem::remove_all(roots[2]);
  std::filesystem::create_directories(roots[2]);
  EXPECT_EQ(ReadDriveFormat(env, roots[2]).status().code(), Code::kNotFound);
  ASSERT_TRUE(FormatDrive(env, roots[2], *set, 2).ok());
  auto back = ReadDriveFormat(env, roots[2]);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->drive_id, set->drives[2].id);
  EXPECT_EQ(back->drives.size(), 4u);
  // A missing folder is not an empty one: not kNotFound, so it is never formatted.
  std::filesystem::remove_all(roots[3]);
  auto missing = ReadDriveFormat(env, roots[3]);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(FormatDrive(env, roots[3], *set, 9).code(), Code::kInvalidArgument);
}

TEST_F(DriveSetTest, AnUnreadableFolderIsOfflineAndTheRestServe) {
  Strings roots = Roots(4);
  ASSERT_TRUE(Open(roots).ok());
  std::filesystem::remove_all(roots[1]);
  std::ofstream(roots[1]) << "a file where a drive was";
  auto set = Open(roots);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->drives[1].state, DriveState::kOffline);
  EXPECT_EQ(set->drives[1].root, roots[1]);
  for (size_t i : {0u, 2u, 3u}) EXPECT_EQ(set->drives[i].state, DriveState::kOnline);
}

TEST_F(DriveSetTest, RefusesForeignDrivesStoresAndGuesses) {
  Strings a = Roots(8);
  Strings set1(a.begin(), a.begin() + 4), set2(a.begin() + 4, a.end());
  ASSERT_TRUE(Open(set1).ok());
  ASSERT_TRUE(Open(set2).ok());
  Status foreign = Open({set1[0], set1[1], set1[2], set2[0]}).status();
  EXPECT_EQ(foreign.code(), Code::kInvalidArgument);
  EXPECT_NE(foreign.message().find("(" + set2[0] + " holds another set's drive"), std::string::npos)
      << foreign.message();
  EXPECT_EQ(Open({set1[0], set1[1], set1[2]}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Open({set1[0], set1[0] + "/../d1", set1[2], set1[3]}).status().code(),
            Code::kInvalidArgument)
      << "the same drive twice";

  Strings mixed = {dir_.path() + "/m1", dir_.path() + "/m2", dir_.path() + "/m3",
                   dir_.path() + "/m4"};
  ASSERT_TRUE(Open(mixed).ok());
  for (int i = 1; i < 4; ++i) std::filesystem::remove_all(mixed[i]);
  EXPECT_EQ(Open(mixed).status().code(), Code::kInvalidArgument) << "1 of 4 formatted";

  std::string single = dir_.path() + "/single";
  std::filesystem::create_directories(single + "/.cairn/meta");
  EXPECT_EQ(
      Open({single, dir_.path() + "/e2", dir_.path() + "/e3", dir_.path() + "/e4"}).status().code(),
      Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::storage::drives
