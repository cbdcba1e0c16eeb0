#include "storage/records.h"

#include <gtest/gtest.h>

#include "storage/meta/coding.h"
#include "test_util.h"

namespace cairn::storage {
namespace {

ObjectRecord Sample(bool is_inline) {
  ObjectRecord r;
  r.etag = "0123456789abcdef0123456789abcdef";
  r.modified = FromUnixNanos(1700000000123456789);
  r.attributes.content_type = "text/plain; charset=utf-8";
  r.attributes.headers = {
      {"cache-control", "no-cache"}, {"x-amz-meta-a", ""}, {"x-amz-meta-a", "second"}};
  r.checksums = {{"crc32", "AAAAAA=="}};
  r.is_inline = is_inline;
  if (is_inline) {
    r.inline_data = std::string("ab\0c", 4);
    r.size = 4;
  } else {
    r.size = 1ull << 40;
    r.file_id = *blobs::BlobId::FromHex("00112233445566778899aabbccddeeff");
  }
  return r;
}

void ExpectSame(const ObjectRecord& a, const ObjectRecord& b) {
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.modified, b.modified);
  EXPECT_EQ(a.attributes.content_type, b.attributes.content_type);
  EXPECT_EQ(a.attributes.headers, b.attributes.headers);
  EXPECT_EQ(a.checksums, b.checksums);
  EXPECT_EQ(a.is_inline, b.is_inline);
  if (a.is_inline) {
    EXPECT_EQ(a.inline_data, b.inline_data);
  } else {
    EXPECT_EQ(a.file_id, b.file_id);
  }
}

TEST(RecordsTest, ObjectRoundTrip) {
  for (bool is_inline : {true, false}) {
    ObjectRecord in = Sample(is_inline);
    ObjectRecord out;
    ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(in), &out, true).ok());
    ExpectSame(in, out);
  }
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(Sample(true)), &out, false).ok());
  EXPECT_TRUE(out.inline_data.empty());
  EXPECT_EQ(out.size, 4u);
}

TEST(RecordsTest, VersionFieldsRoundTrip) {
  ObjectRecord in = Sample(true);
  in.version = VersionStamp::Make(1700000000123456789, 0x0123456789abcdefULL);
  in.null_version = false;
  in.tags = {{"project", "x"}, {"empty", ""}};
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(in), &out, true).ok());
  ExpectSame(in, out);
  EXPECT_EQ(out.version, in.version);
  EXPECT_FALSE(out.null_version);
  EXPECT_FALSE(out.delete_marker);
  EXPECT_EQ(out.tags, in.tags);

  ObjectRecord marker;
  marker.delete_marker = true;
  marker.null_version = true;
  marker.version = VersionStamp::Make(5, 6);
  ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(marker), &out, true).ok());
  EXPECT_TRUE(out.delete_marker);
  EXPECT_TRUE(out.null_version);
  EXPECT_EQ(out.version, marker.version);
}

// A record written before versions existed (format 1) decodes as the null version, stamped with
// its modification time, without tags.
TEST(RecordsTest, FormatOneObjectIsTheNullVersion) {
  std::string v1;
  v1.push_back('\x01');  // format 1
  v1.push_back('\x01');  // inline
  meta::PutVarint64(&v1, 3);
  meta::PutLengthPrefixed(&v1, "etag");
  meta::PutFixed64(&v1, 1234567);
  meta::PutLengthPrefixed(&v1, "text/plain");
  meta::PutVarint32(&v1, 0);  // headers
  meta::PutVarint32(&v1, 0);  // checksums
  v1 += "abc";
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(v1, &out, true).ok());
  EXPECT_EQ(out.inline_data, "abc");
  EXPECT_EQ(out.attributes.content_type, "text/plain");
  EXPECT_TRUE(out.null_version);
  EXPECT_FALSE(out.delete_marker);
  EXPECT_EQ(out.version.UnixNanos(), 1234567);
  EXPECT_TRUE(out.tags.empty());
  // Format 1 knew no version flags.
  v1[1] = '\x05';
  EXPECT_EQ(DecodeObjectRecord(v1, &out, true).code(), Code::kCorruption);
}

TEST(RecordsTest, VersionStampOrdersNewestFirstAndRoundTrips) {
  VersionStamp older = VersionStamp::Make(1000, 0xffffffffffffffffULL);
  VersionStamp newer = VersionStamp::Make(1001, 0);
  EXPECT_LT(newer.Raw(), older.Raw());
  EXPECT_LT(newer.Id(), older.Id());  // the ids sort as the stamps do
  EXPECT_LT(VersionKey("b", "k", newer), VersionKey("b", "k", older));
  std::string id = older.Id();
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[23], '-');
  ASSERT_TRUE(VersionStamp::FromId(id).has_value());
  EXPECT_EQ(*VersionStamp::FromId(id), older);
  EXPECT_EQ(VersionStamp::FromRaw(older.Raw()), older);
  EXPECT_FALSE(VersionStamp::FromId("null").has_value());
  EXPECT_FALSE(VersionStamp::FromId(std::string(36, 'a')).has_value());
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != id) {
    EXPECT_FALSE(VersionStamp::FromId(upper).has_value());
  }
  // The history of a key sorts after the key's own prefix and before a longer key's history.
  EXPECT_LT(VersionKey("b", "a", older), VersionKeyPrefix("b", "a/"));
}

TEST(RecordsTest, BucketRoundTrip) {
  BucketRecord in;
  in.created = FromUnixNanos(42);
  in.region = "eu-west-1";
  in.versioning = Versioning::kSuspended;
  in.tags = {{"team", "a"}};
  BucketRecord out;
  ASSERT_TRUE(DecodeBucketRecord(EncodeBucketRecord(in), &out).ok());
  EXPECT_EQ(out.created, in.created);
  EXPECT_EQ(out.region, in.region);
  EXPECT_EQ(out.versioning, Versioning::kSuspended);
  EXPECT_EQ(out.tags, in.tags);
  // Format 1: created + region, unversioned.
  std::string v1 = "\x01";
  meta::PutFixed64(&v1, 42);
  meta::PutLengthPrefixed(&v1, "r");
  ASSERT_TRUE(DecodeBucketRecord(v1, &out).ok());
  EXPECT_EQ(out.region, "r");
  EXPECT_EQ(out.versioning, Versioning::kUnversioned);
  EXPECT_TRUE(out.tags.empty());
  EXPECT_EQ(DecodeBucketRecord("", &out).code(), Code::kCorruption);
  EXPECT_EQ(DecodeBucketRecord(EncodeBucketRecord(in) + "x", &out).code(), Code::kCorruption);
}

TEST(RecordsTest, BucketLockSectionRoundTripsAndIsOptional) {
  BucketRecord in;
  in.created = FromUnixNanos(7);
  in.versioning = Versioning::kEnabled;
  const std::string without = EncodeBucketRecord(in);
  in.object_lock = true;
  in.default_retention = DefaultRetention{RetentionMode::kCompliance, 0, 3};
  const std::string with = EncodeBucketRecord(in);
  // A bucket without lock is written exactly as before the section existed.
  EXPECT_LT(without.size(), with.size());
  EXPECT_EQ(with.substr(0, without.size()), without);
  BucketRecord out;
  ASSERT_TRUE(DecodeBucketRecord(with, &out).ok());
  EXPECT_TRUE(out.object_lock);
  EXPECT_EQ(out.default_retention, in.default_retention);
  ASSERT_TRUE(DecodeBucketRecord(without, &out).ok());
  EXPECT_FALSE(out.object_lock);
  EXPECT_EQ(out.default_retention.mode, RetentionMode::kNone);
  // A section of a later version is skipped, so another section can follow or precede it.
  std::string later = with;
  later.push_back('\x07');
  meta::PutLengthPrefixed(&later, "future");
  ASSERT_TRUE(DecodeBucketRecord(later, &out).ok());
  EXPECT_TRUE(out.object_lock);
  EXPECT_EQ(out.default_retention.years, 3);
  // A bad mode or a truncated section is corruption, not a crash.
  std::string bad = with;
  bad[without.size() + 2] = '\x09';
  EXPECT_EQ(DecodeBucketRecord(bad, &out).code(), Code::kCorruption);
  for (size_t n = without.size() + 1; n < with.size(); ++n) {
    EXPECT_EQ(DecodeBucketRecord(with.substr(0, n), &out).code(), Code::kCorruption) << n;
  }
}

TEST(RecordsTest, ObjectLockRoundTripsAndOldRecordsHaveNone) {
  for (bool is_inline : {true, false}) {
    ObjectRecord in = Sample(is_inline);
    in.null_version = false;
    const std::string plain = EncodeObjectRecord(in);
    in.lock.mode = RetentionMode::kGovernance;
    in.lock.retain_until = FromUnixNanos(1800000000000000000);
    in.lock.legal_hold = true;
    const std::string locked = EncodeObjectRecord(in);
    EXPECT_NE(plain, locked);
    ObjectRecord out;
    ASSERT_TRUE(DecodeObjectRecord(locked, &out, true).ok());
    ExpectSame(in, out);
    EXPECT_EQ(out.lock, in.lock);
    // A record written before lock existed (no lock flag) decodes with no lock state.
    out.lock.legal_hold = true;
    ASSERT_TRUE(DecodeObjectRecord(plain, &out, true).ok());
    EXPECT_TRUE(out.lock.empty());
    for (size_t n = 0; n < locked.size(); ++n) {
      EXPECT_EQ(DecodeObjectRecord(std::string_view(locked).substr(0, n), &out, true).code(),
                Code::kCorruption)
          << n;
    }
  }
  // Legal hold alone is lock state too.
  ObjectRecord hold = Sample(true);
  hold.lock.legal_hold = true;
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(hold), &out, true).ok());
  EXPECT_TRUE(out.lock.legal_hold);
  EXPECT_EQ(out.lock.mode, RetentionMode::kNone);
}

TEST(RecordsTest, UploadLockIsAnOptionalTrailingBlock) {
  UploadRecord in;
  in.initiated = FromUnixNanos(5);
  in.tags = {{"a", "b"}};
  const std::string plain = EncodeUploadRecord(in);
  in.lock = ObjectLock{RetentionMode::kCompliance, FromUnixNanos(99), false};
  UploadRecord out;
  ASSERT_TRUE(DecodeUploadRecord(EncodeUploadRecord(in), &out).ok());
  EXPECT_EQ(out.lock, in.lock);
  EXPECT_EQ(out.tags, in.tags);
  ASSERT_TRUE(DecodeUploadRecord(plain, &out).ok());
  EXPECT_TRUE(out.lock.empty());
  EXPECT_EQ(DecodeUploadRecord(plain + "x", &out).code(), Code::kCorruption);
}

TEST(RecordsTest, BucketAccessSectionRoundTripsAndIsOptional) {
  BucketRecord in;
  in.created = FromUnixNanos(9);
  const std::string plain = EncodeBucketRecord(in);
  in.access.acl.AddGrant(AclGrant{GranteeType::kGroup,
                                  "http://acs.amazonaws.com/groups/global/AllUsers",
                                  AclPermission::kRead});
  in.access.ownership = ObjectOwnership::kBucketOwnerPreferred;
  in.access.public_access_block = PublicAccessBlock{true, false, true, false};
  const std::string with = EncodeBucketRecord(in);
  // A bucket with the default access (private, root-owned, no controls) is written as before.
  EXPECT_EQ(with.substr(0, plain.size()), plain);
  BucketRecord out;
  ASSERT_TRUE(DecodeBucketRecord(with, &out).ok());
  EXPECT_EQ(out.access, in.access);
  ASSERT_TRUE(DecodeBucketRecord(plain, &out).ok());
  EXPECT_TRUE(out.access.IsDefault());
  EXPECT_EQ(out.access.acl.owner(), kRootCanonicalId);
  EXPECT_EQ(out.access.ownership, ObjectOwnership::kNone);
  // With the lock section too, in either order.
  in.object_lock = true;
  in.default_retention = DefaultRetention{RetentionMode::kGovernance, 5, 0};
  ASSERT_TRUE(DecodeBucketRecord(EncodeBucketRecord(in), &out).ok());
  EXPECT_EQ(out.access, in.access);
  EXPECT_TRUE(out.object_lock);
  for (size_t n = plain.size() + 1; n < with.size(); ++n) {
    EXPECT_EQ(DecodeBucketRecord(with.substr(0, n), &out).code(), Code::kCorruption) << n;
  }
  // A bad ownership byte is corruption.
  std::string bad = with;
  bad[bad.size() - 2] = '\x07';
  EXPECT_EQ(DecodeBucketRecord(bad, &out).code(), Code::kCorruption);
}

TEST(RecordsTest, ObjectAclRoundTripsAndOldRecordsArePrivate) {
  for (bool is_inline : {true, false}) {
    ObjectRecord in = Sample(is_inline);
    in.lock.legal_hold = true;
    const std::string plain = EncodeObjectRecord(in);
    in.acl.AddGrant(AclGrant{GranteeType::kCanonicalUser, "someone", AclPermission::kReadAcp});
    const std::string with = EncodeObjectRecord(in);
    EXPECT_NE(plain, with);
    ObjectRecord out;
    ASSERT_TRUE(DecodeObjectRecord(with, &out, true).ok());
    ExpectSame(in, out);
    EXPECT_EQ(out.acl, in.acl);
    EXPECT_TRUE(out.lock.legal_hold);
    ASSERT_TRUE(DecodeObjectRecord(plain, &out, true).ok());
    EXPECT_EQ(out.acl, Acl::Private());
    for (size_t n = 0; n < with.size(); ++n) {
      EXPECT_EQ(DecodeObjectRecord(std::string_view(with).substr(0, n), &out, true).code(),
                Code::kCorruption)
          << n;
    }
  }
}

TEST(RecordsTest, UploadAclIsVersion3AndVersion2StaysAsItWas) {
  UploadRecord in;
  in.initiated = FromUnixNanos(5);
  in.lock = ObjectLock{RetentionMode::kCompliance, FromUnixNanos(99), false};
  const std::string v2 = EncodeUploadRecord(in);
  EXPECT_EQ(v2[0], 2);
  in.acl.AddGrant(AclGrant{GranteeType::kGroup, "http://acs.amazonaws.com/groups/global/AllUsers",
                           AclPermission::kRead});
  const std::string v3 = EncodeUploadRecord(in);
  EXPECT_EQ(v3[0], 3);
  UploadRecord out;
  ASSERT_TRUE(DecodeUploadRecord(v3, &out).ok());
  EXPECT_EQ(out.acl, in.acl);
  EXPECT_EQ(out.lock, in.lock);
  ASSERT_TRUE(DecodeUploadRecord(v2, &out).ok());
  EXPECT_EQ(out.acl, Acl::Private());
  in.lock = ObjectLock{};
  ASSERT_TRUE(DecodeUploadRecord(EncodeUploadRecord(in), &out).ok());
  EXPECT_TRUE(out.lock.empty());
  EXPECT_EQ(out.acl, in.acl);
  for (size_t n = 0; n < v3.size(); ++n) {
    EXPECT_EQ(DecodeUploadRecord(std::string_view(v3).substr(0, n), &out).code(), Code::kCorruption)
        << n;
  }
}

TEST(RecordsTest, BucketLifecycleRoundTripAndFormat2) {
  LifecycleConfiguration config;
  LifecycleRule a;
  a.id = "temp";
  a.filter.form = LifecycleFilterForm::kAnd;
  a.filter.prefix = "temp/";
  a.filter.tags = {{"k", "v"}};
  a.filter.size_greater_than = 10;
  a.filter.size_less_than = 1000;
  a.expiration_days = 3;
  a.noncurrent_days = 2;
  a.newer_noncurrent_versions = 5;
  LifecycleRule b;
  b.id = "dated";
  b.enabled = false;
  b.filter.form = LifecycleFilterForm::kLegacyPrefix;
  b.expiration_date = FromUnixNanos(int64_t{1798416000} * 1000000000);
  LifecycleRule c;
  c.id = "markers";
  c.expired_object_delete_marker = true;
  c.abort_days = 7;
  config.rules = {a, b, c};
  BucketRecord in;
  in.created = FromUnixNanos(42);
  in.versioning = Versioning::kEnabled;
  in.lifecycle = config;
  BucketRecord out;
  ASSERT_TRUE(DecodeBucketRecord(EncodeBucketRecord(in), &out).ok());
  ASSERT_TRUE(out.lifecycle.has_value());
  ASSERT_EQ(out.lifecycle->rules.size(), 3u);
  const LifecycleRule& ra = out.lifecycle->rules[0];
  EXPECT_EQ(ra.id, "temp");
  EXPECT_TRUE(ra.enabled);
  EXPECT_EQ(ra.filter.form, LifecycleFilterForm::kAnd);
  EXPECT_EQ(ra.filter.prefix, "temp/");
  EXPECT_EQ(ra.filter.tags, a.filter.tags);
  EXPECT_EQ(ra.filter.size_greater_than, std::optional<uint64_t>(10));
  EXPECT_EQ(ra.filter.size_less_than, std::optional<uint64_t>(1000));
  EXPECT_EQ(ra.expiration_days, std::optional<int>(3));
  EXPECT_EQ(ra.noncurrent_days, std::optional<int>(2));
  EXPECT_EQ(ra.newer_noncurrent_versions, std::optional<int>(5));
  EXPECT_FALSE(ra.abort_days.has_value());
  const LifecycleRule& rb = out.lifecycle->rules[1];
  EXPECT_FALSE(rb.enabled);
  EXPECT_EQ(rb.filter.form, LifecycleFilterForm::kLegacyPrefix);
  EXPECT_EQ(rb.expiration_date, b.expiration_date);
  const LifecycleRule& rc = out.lifecycle->rules[2];
  EXPECT_TRUE(rc.expired_object_delete_marker);
  EXPECT_EQ(rc.abort_days, std::optional<int>(7));

  // A format 2 record (before lifecycle) decodes with no configuration.
  std::string v2 = "\x02";
  meta::PutFixed64(&v2, 42);
  meta::PutLengthPrefixed(&v2, "");
  v2.push_back('\x01');  // Enabled
  meta::PutVarint32(&v2, 0);
  out.lifecycle = config;
  ASSERT_TRUE(DecodeBucketRecord(v2, &out).ok());
  EXPECT_EQ(out.versioning, Versioning::kEnabled);
  EXPECT_FALSE(out.lifecycle.has_value());
  // Truncated rules are corruption, never a crash.
  std::string full = EncodeBucketRecord(in);
  for (size_t cut = v2.size(); cut < full.size(); ++cut) {
    EXPECT_EQ(DecodeBucketRecord(full.substr(0, cut), &out).code(), Code::kCorruption) << cut;
  }
}

// Every truncation, every single-byte change and random garbage either decodes or gives
// kCorruption; nothing crashes or reads out of bounds (run under ASan to be sure).
TEST(RecordsTest, DecodeIsDefensive) {
  for (bool is_inline : {true, false}) {
    std::string good = EncodeObjectRecord(Sample(is_inline));
    ObjectRecord out;
    for (size_t n = 0; n < good.size(); ++n) {
      Status s = DecodeObjectRecord(std::string_view(good).substr(0, n), &out, true);
      EXPECT_EQ(s.code(), Code::kCorruption) << n;
    }
    EXPECT_EQ(DecodeObjectRecord(good + "x", &out, true).code(), Code::kCorruption);
    for (size_t i = 0; i < good.size(); ++i) {
      for (int v : {0x00, 0x7f, 0x80, 0xff}) {
        std::string bad = good;
        bad[i] = static_cast<char>(v);
        Status s = DecodeObjectRecord(bad, &out, true);
        EXPECT_TRUE(s.ok() || s.code() == Code::kCorruption);
      }
    }
  }
  ObjectRecord out;
  for (uint32_t seed = 0; seed < 2000; ++seed) {
    std::string junk = testing::Bytes(seed % 97, seed);
    if (!junk.empty()) junk[0] = 1;  // get past the version byte
    if (junk.size() > 1) junk[1] = static_cast<char>(seed & 1);
    Status s = DecodeObjectRecord(junk, &out, true);
    EXPECT_TRUE(s.ok() || s.code() == Code::kCorruption);
  }
  EXPECT_EQ(DecodeObjectRecord(std::string("\x02\x00", 2), &out, true).code(), Code::kCorruption);
  EXPECT_EQ(DecodeObjectRecord(std::string("\x01\x02", 2), &out, true).code(), Code::kCorruption);
}

TEST(RecordsTest, KeysSortPerBucketInByteOrder) {
  EXPECT_EQ(ObjectKey("b", "k/x"), "o/b/k/x");
  // A bucket's prefix never covers another bucket's keys.
  EXPECT_NE(ObjectKey("ab", "c").rfind(ObjectPrefix("a"), 0), 0u);
  EXPECT_LT(ObjectKey("b", "a"), ObjectKey("b", "\xc3\xa9"));
  // Intents and garbage records live under their object's key (cairn-3), and name their blob.
  const auto id = *blobs::BlobId::FromHex("00112233445566778899aabbccddeeff");
  const std::string nul("a\0b", 3);
  EXPECT_EQ(IntentKey("b", "k/x", id),
            std::string("t/b/k/x\0\x01", 9) + "00112233445566778899aabbccddeeff");
  EXPECT_EQ(GarbageKey("b", nul, id), std::string("g/b/a\0\xff"
                                                  "b\0\x01",
                                                  10) +
                                          "00112233445566778899aabbccddeeff");
  EXPECT_EQ(BlobOfRecordKey(IntentKey("b", nul, id).substr(2)), id);
  EXPECT_EQ(BlobOfRecordKey(GarbageKey("b", "k/x", id).substr(2)), id);
  EXPECT_EQ(BlobOfRecordKey("00112233445566778899aabbccddeeff"), id);  // a cairn-2 record
  EXPECT_EQ(BlobOfRecordKey("b/k-without-end"), std::nullopt);
  EXPECT_EQ(BlobOfRecordKey(std::string("b/k\0\x01nothex", 11)), std::nullopt);
}

ObjectRecord MultipartSample() {
  ObjectRecord r = Sample(false);
  r.is_multipart = true;
  r.etag = "0123456789abcdef0123456789abcdef-2";
  r.checksum_type = "COMPOSITE";
  r.parts.push_back(ObjectPart{PartSummary{1, 5 << 20, "aa", {{"crc32", "AAAAAA=="}}},
                               *blobs::BlobId::FromHex("00112233445566778899aabbccddeeff"), ""});
  r.parts.push_back(ObjectPart{PartSummary{7, 3, "bb", {}},
                               *blobs::BlobId::FromHex("ffeeddccbbaa99887766554433221100"), ""});
  r.size = (5 << 20) + 3;
  return r;
}

TEST(RecordsTest, MultipartUploadIdIsAnOptionalTrailingField) {
  ObjectRecord in = MultipartSample();
  std::string without = EncodeObjectRecord(in);  // as written before the field existed
  in.upload_id = "0123456789abcdef";
  std::string with = EncodeObjectRecord(in);
  EXPECT_EQ(with.substr(0, without.size()), without);
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(with, &out, false).ok());
  EXPECT_EQ(out.upload_id, "0123456789abcdef");
  ASSERT_TRUE(DecodeObjectRecord(without, &out, false).ok());
  EXPECT_EQ(out.upload_id, "");
  EXPECT_FALSE(DecodeObjectRecord(with + "x", &out, false).ok());
}

TEST(RecordsTest, MultipartObjectRoundTrip) {
  ObjectRecord in = MultipartSample();
  std::string encoded = EncodeObjectRecord(in);
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(encoded, &out, true).ok());
  EXPECT_TRUE(out.is_multipart);
  EXPECT_FALSE(out.is_inline);
  EXPECT_EQ(out.size, in.size);
  EXPECT_EQ(out.etag, in.etag);
  EXPECT_EQ(out.checksum_type, "COMPOSITE");
  ASSERT_EQ(out.parts.size(), 2u);
  EXPECT_EQ(out.parts[1].summary.number, 7);
  EXPECT_EQ(out.parts[0].summary.size, 5u << 20);
  EXPECT_EQ(out.parts[0].summary.etag, "aa");
  EXPECT_EQ(out.parts[0].summary.checksums, in.parts[0].summary.checksums);
  EXPECT_EQ(out.parts[1].file_id, in.parts[1].file_id);
  EXPECT_EQ(DataFilesOf(out).size(), 2u);
  EXPECT_EQ(DataFilesOf(Sample(true)).size(), 0u);
  EXPECT_EQ(DataFilesOf(Sample(false)).size(), 1u);
  // A multipart record whose part sizes disagree with its size is refused.
  in.size += 1;
  EXPECT_EQ(DecodeObjectRecord(EncodeObjectRecord(in), &out, true).code(), Code::kCorruption);
  // Every truncation and trailing byte is refused; byte flips never crash.
  for (size_t n = 0; n < encoded.size(); ++n) {
    EXPECT_EQ(DecodeObjectRecord(std::string_view(encoded).substr(0, n), &out, true).code(),
              Code::kCorruption)
        << n;
  }
  EXPECT_EQ(DecodeObjectRecord(encoded + "x", &out, true).code(), Code::kCorruption);
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string bad = encoded;
    bad[i] = static_cast<char>(bad[i] ^ 0x55);
    Status s = DecodeObjectRecord(bad, &out, true);
    EXPECT_TRUE(s.ok() || s.code() == Code::kCorruption);
  }
  // Inline and multipart together is not a known layout.
  std::string both = encoded;
  both[1] = 0x03;
  EXPECT_EQ(DecodeObjectRecord(both, &out, true).code(), Code::kCorruption);
}

TEST(RecordsTest, UploadAndPartRoundTrip) {
  UploadRecord up;
  up.initiated = FromUnixNanos(1700000000000000001);
  up.attributes.content_type = "a/b";
  up.attributes.headers = {{"x-amz-meta-x", "y"}};
  up.checksum_algorithm = "crc64nvme";
  up.checksum_type = "FULL_OBJECT";
  up.tags = {{"team", "x"}, {"k", ""}};
  std::string enc = EncodeUploadRecord(up);
  UploadRecord up2;
  ASSERT_TRUE(DecodeUploadRecord(enc, &up2).ok());
  EXPECT_EQ(up2.tags, up.tags);
  EXPECT_EQ(up2.initiated, up.initiated);
  EXPECT_EQ(up2.attributes.content_type, "a/b");
  EXPECT_EQ(up2.attributes.headers, up.attributes.headers);
  EXPECT_EQ(up2.checksum_algorithm, "crc64nvme");
  EXPECT_EQ(up2.checksum_type, "FULL_OBJECT");
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_EQ(DecodeUploadRecord(enc.substr(0, n), &up2).code(), Code::kCorruption) << n;
  }
  EXPECT_EQ(DecodeUploadRecord(enc + "x", &up2).code(), Code::kCorruption);

  PartRecord part;
  part.size = 123456;
  part.etag = "0123456789abcdef0123456789abcdef";
  part.modified = FromUnixNanos(5);
  part.checksums = {{"sha256", "xyz="}};
  part.file_id = *blobs::BlobId::FromHex("00112233445566778899aabbccddeeff");
  enc = EncodePartRecord(part);
  PartRecord part2;
  ASSERT_TRUE(DecodePartRecord(enc, &part2).ok());
  EXPECT_EQ(part2.size, part.size);
  EXPECT_EQ(part2.etag, part.etag);
  EXPECT_EQ(part2.modified, part.modified);
  EXPECT_EQ(part2.checksums, part.checksums);
  EXPECT_EQ(part2.file_id, part.file_id);
  for (size_t n = 0; n < enc.size(); ++n) {
    EXPECT_EQ(DecodePartRecord(enc.substr(0, n), &part2).code(), Code::kCorruption) << n;
  }
  EXPECT_EQ(DecodePartRecord(enc + "x", &part2).code(), Code::kCorruption);
}

EncryptionRecord SampleEncryption(SseMode mode, bool with_base) {
  EncryptionRecord e;
  e.mode = mode;
  e.kms_key_id = mode == SseMode::kCustomer ? "" : "my-key";
  e.context = mode == SseMode::kKms ? R"({"a":"b"})" : "";
  e.bucket_key_enabled = mode == SseMode::kKms;
  e.sealed_key = std::string(60, 's');
  if (with_base) e.nonce_base = std::string(12, 'n');
  if (mode == SseMode::kCustomer) e.key_check = std::string(32, 'h');
  return e;
}

// Encryption is an optional section (flag bit 6) after the ACL: records without it are byte for
// byte what they were, and every field of it round-trips.
TEST(RecordsTest, ObjectEncryptionSectionRoundTripsAndIsOptional) {
  for (bool is_inline : {true, false}) {
    ObjectRecord plain = Sample(is_inline);
    const std::string before = EncodeObjectRecord(plain);
    EXPECT_EQ(static_cast<uint8_t>(before[1]) & 0x40, 0);
    ObjectRecord decoded;
    ASSERT_TRUE(DecodeObjectRecord(before, &decoded, true).ok());
    EXPECT_FALSE(decoded.encryption.has_value());
    for (SseMode mode : {SseMode::kS3, SseMode::kKms, SseMode::kCustomer}) {
      ObjectRecord in = Sample(is_inline);
      in.encryption = SampleEncryption(mode, true);
      if (is_inline) in.inline_data = std::string(4 + 16, 'x');  // one sealed package
      std::string enc = EncodeObjectRecord(in);
      EXPECT_NE(static_cast<uint8_t>(enc[1]) & 0x40, 0);
      ObjectRecord out;
      ASSERT_TRUE(DecodeObjectRecord(enc, &out, true).ok()) << static_cast<int>(mode);
      ExpectSame(in, out);
      ASSERT_TRUE(out.encryption.has_value());
      EXPECT_EQ(*out.encryption, *in.encryption);
      for (size_t n = 2; n < enc.size(); ++n) {
        EXPECT_EQ(DecodeObjectRecord(enc.substr(0, n), &out, true).code(), Code::kCorruption) << n;
      }
    }
  }
  // An inline body of the plaintext length under the encryption flag is refused: the sealed
  // form is longer.
  ObjectRecord bad = Sample(true);
  bad.encryption = SampleEncryption(SseMode::kS3, true);
  ObjectRecord out;
  EXPECT_EQ(DecodeObjectRecord(EncodeObjectRecord(bad), &out, true).code(), Code::kCorruption);
}

TEST(RecordsTest, EncryptedMultipartPartsCarryTheirNonceBases) {
  ObjectRecord in = MultipartSample();
  in.encryption = SampleEncryption(SseMode::kKms, false);
  in.parts[0].nonce_base = std::string(12, '1');
  in.parts[1].nonce_base = std::string(12, '2');
  ObjectRecord out;
  ASSERT_TRUE(DecodeObjectRecord(EncodeObjectRecord(in), &out, false).ok());
  ASSERT_EQ(out.parts.size(), 2u);
  EXPECT_EQ(out.parts[0].nonce_base, in.parts[0].nonce_base);
  EXPECT_EQ(out.parts[1].nonce_base, in.parts[1].nonce_base);
  EXPECT_EQ(*out.encryption, *in.encryption);
  // A multipart record's section has no nonce base of its own; a single-part one must.
  in.encryption->nonce_base = std::string(12, 'n');
  EXPECT_EQ(DecodeObjectRecord(EncodeObjectRecord(in), &out, false).code(), Code::kCorruption);
}

TEST(RecordsTest, EncryptedUploadIsVersion4AndPartsVersion2) {
  UploadRecord up;
  up.initiated = FromUnixNanos(7);
  up.tags = {{"t", "v"}};
  std::string plain = EncodeUploadRecord(up);
  EXPECT_EQ(plain[0], 2);
  up.encryption = SampleEncryption(SseMode::kCustomer, false);
  std::string enc = EncodeUploadRecord(up);
  EXPECT_EQ(enc[0], 4);
  UploadRecord out;
  ASSERT_TRUE(DecodeUploadRecord(enc, &out).ok());
  EXPECT_EQ(*out.encryption, *up.encryption);
  EXPECT_EQ(out.tags, up.tags);
  ASSERT_TRUE(DecodeUploadRecord(plain, &out).ok());
  EXPECT_FALSE(out.encryption.has_value());

  PartRecord part;
  part.size = 9;
  part.etag = "aa";
  part.file_id = *blobs::BlobId::FromHex("00112233445566778899aabbccddeeff");
  EXPECT_EQ(EncodePartRecord(part)[0], 1);
  part.nonce_base = std::string(12, 'q');
  std::string penc = EncodePartRecord(part);
  EXPECT_EQ(penc[0], 2);
  PartRecord pout;
  ASSERT_TRUE(DecodePartRecord(penc, &pout).ok());
  EXPECT_EQ(pout.nonce_base, part.nonce_base);
  ASSERT_TRUE(
      DecodePartRecord(EncodePartRecord(PartRecord{9, "aa", {}, {}, part.file_id, ""}), &pout)
          .ok());
  EXPECT_TRUE(pout.nonce_base.empty());
}

TEST(RecordsTest, BucketEncryptionSectionRoundTripsAndIsOptional) {
  BucketRecord b;
  b.created = FromUnixNanos(1);
  const std::string plain = EncodeBucketRecord(b);
  b.encryption = BucketEncryption{SseMode::kKms, "my-key", true};
  BucketRecord out;
  ASSERT_TRUE(DecodeBucketRecord(EncodeBucketRecord(b), &out).ok());
  ASSERT_TRUE(out.encryption.has_value());
  EXPECT_EQ(*out.encryption, *b.encryption);
  ASSERT_TRUE(DecodeBucketRecord(plain, &out).ok());
  EXPECT_FALSE(out.encryption.has_value());
}

// An upload record written before uploads took tags (version 1: no tag list) still decodes, as an
// upload without tags; the bytes are spelled out so a change to the encoder cannot hide a break.
TEST(RecordsTest, UploadRecordVersion1DecodesWithoutTags) {
  // Short strings: a one-byte length, then the bytes.
  auto str = [](std::string_view text) {
    return static_cast<char>(text.size()) + std::string(text);
  };
  std::string v1(1, '\x01');
  v1 += std::string(8, '\0');          // initiated = 0
  v1 += str("a/b");                    // content type
  v1 += "\x01" + str("h") + str("v");  // one header h=v
  v1 += str("crc32");                  // checksum algorithm
  v1 += str("COMPOSITE");              // checksum type
  UploadRecord up;
  up.tags = {{"stale", "tag"}};
  ASSERT_TRUE(DecodeUploadRecord(v1, &up).ok());
  EXPECT_EQ(up.attributes.content_type, "a/b");
  ASSERT_EQ(up.attributes.headers.size(), 1u);
  EXPECT_EQ(up.checksum_algorithm, "crc32");
  EXPECT_EQ(up.checksum_type, "COMPOSITE");
  EXPECT_TRUE(up.tags.empty());
  // A version 1 record followed by a tag list is trailing garbage, not tags.
  EXPECT_EQ(DecodeUploadRecord(v1 + std::string("\0", 1), &up).code(), Code::kCorruption);
  std::string v3 = v1;
  v3[0] = '\x03';
  EXPECT_EQ(DecodeUploadRecord(v3, &up).code(), Code::kCorruption);
}

TEST(RecordsTest, UploadKeysSortByKeyThenUploadIdForAnyBytes) {
  const std::string nul("a\0b", 3);
  // A key sorts before its extensions, whatever bytes follow (NUL included).
  std::vector<std::string> keys = {
      "", "a", std::string("a\0", 2), nul, std::string("a\0\xff", 3), "a\x01", "ab", "b"};
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    EXPECT_LT(UploadKey("bk", keys[i], "ffff"), UploadKey("bk", keys[i + 1], "0000")) << i;
  }
  EXPECT_LT(UploadKey("bk", "a", "0001"), UploadKey("bk", "a", "0002"));
  // Round trip through the parser.
  for (const std::string& key : keys) {
    std::string full = UploadKey("bk", key, "00ff");
    std::string k, id;
    ASSERT_TRUE(ParseEscapedKey(std::string_view(full).substr(UploadPrefix("bk").size()), &k, &id));
    EXPECT_EQ(k, key);
    EXPECT_EQ(id, "00ff");
  }
  std::string k, id;
  EXPECT_FALSE(ParseEscapedKey("abc", &k, &id));
  EXPECT_FALSE(ParseEscapedKey(std::string("a\0", 2), &k, &id));
  EXPECT_FALSE(ParseEscapedKey(std::string("a\0\x05", 3), &k, &id));
  // A key prefix escapes to a prefix of the escaped key.
  std::string pre = UploadPrefix("bk") + EscapeKey(std::string("a\0", 2));
  EXPECT_EQ(UploadKey("bk", nul, "1").rfind(pre, 0), 0u);
  EXPECT_NE(UploadKey("bk", "a", "1").rfind(pre, 0), 0u);
  // Part keys sort by number.
  EXPECT_LT(PartKey("bk", "a", "id", 9), PartKey("bk", "a", "id", 10));
  EXPECT_LT(PartKey("bk", "a", "id", 9999), PartKey("bk", "a", "id", 10000));
  EXPECT_EQ(PartKey("bk", "a", "id", 42), std::string("p/bk/a\0\x01id/00042", 16));
  EXPECT_EQ(PartKey("bk", "a", "id", 42).rfind(PartPrefix("bk", "a", "id"), 0), 0u);
  // Another key's or another upload's parts are not under the prefix.
  EXPECT_NE(PartKey("bk", "ab", "id", 1).rfind(PartPrefix("bk", "a", "id"), 0), 0u);
  EXPECT_NE(PartKey("bk", "a", "id2", 1).rfind(PartPrefix("bk", "a", "id"), 0), 0u);
  EXPECT_EQ(Format2PartPrefix("id"), "p/id/");
}

TEST(CodingTest, Varints) {
  using namespace meta;
  std::string s;
  std::vector<uint64_t> values = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  for (uint64_t v : values) PutVarint64(&s, v);
  std::string_view in = s;
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  std::string_view overlong = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&overlong, &v));
  std::string big;
  PutVarint64(&big, uint64_t{UINT32_MAX} + 1);
  std::string_view big_in = big;
  uint32_t v32;
  EXPECT_FALSE(GetVarint32(&big_in, &v32));
  std::string_view cut = "\x80";
  EXPECT_FALSE(GetVarint64(&cut, &v));
}

}  // namespace
}  // namespace cairn::storage
