"""Bucket versioning, delete markers and object tagging, driven by boto3 and the AWS CLI."""

import json
import re
import unittest
import uuid

from harness import CairnTestCase, md5_hex


class VersioningTest(CairnTestCase):
    def versioned_bucket(self):
        name = self.make_bucket("ver")
        self.s3.put_bucket_versioning(Bucket=name,
                                      VersioningConfiguration={"Status": "Enabled"})
        return name

    def test_configuration_states_and_mfa(self):
        name = self.make_bucket("vcfg")
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket=name))
        self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=name)["Status"], "Enabled")
        self.s3.put_bucket_versioning(Bucket=name,
                                      VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=name)["Status"], "Suspended")
        err = self.client_error(self.s3.put_bucket_versioning, Bucket=name,
                                VersioningConfiguration={"Status": "Off"})
        self.assertS3Error(err, "IllegalVersioningConfigurationException", 400)
        r = self.server.request("PUT", f"/{name}", query={"versioning": None},
                                body=b"<VersioningConfiguration><Status>Enabled</Status>"
                                     b"<MfaDelete>Enabled</MfaDelete></VersioningConfiguration>")
        self.assertRawError(r, 501, "NotImplemented")
        r = self.server.request("PUT", f"/{name}", query={"versioning": None}, body=b"<x")
        self.assertRawError(r, 400, "MalformedXML")
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=name)["Status"], "Suspended")

    def test_versions_markers_and_restores(self):
        name = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=name, Key="doc", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket=name, Key="doc", Body=b"two" * 100000)["VersionId"]
        self.assertNotEqual(v1, v2)
        got = self.s3.get_object(Bucket=name, Key="doc", VersionId=v1)
        self.assertEqual(got["Body"].read(), b"one")
        self.assertEqual(got["VersionId"], v1)
        head = self.s3.head_object(Bucket=name, Key="doc")
        self.assertEqual(head["VersionId"], v2)
        ranged = self.s3.get_object(Bucket=name, Key="doc", VersionId=v2, Range="bytes=3-5")
        self.assertEqual(ranged["Body"].read(), b"two")

        deleted = self.s3.delete_object(Bucket=name, Key="doc")
        self.assertTrue(deleted["DeleteMarker"])
        marker = deleted["VersionId"]
        err = self.client_error(self.s3.get_object, Bucket=name, Key="doc")
        self.assertS3Error(err, "NoSuchKey", 404)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"],
                         "true")
        r = self.server.request("GET", f"/{name}/doc", query={"versionId": marker})
        self.assertRawError(r, 405, "MethodNotAllowed")
        self.assertEqual(r.header("x-amz-delete-marker"), "true")
        self.assertEqual(r.header("x-amz-version-id"), marker)
        self.assertEqual(self.s3.list_objects_v2(Bucket=name).get("KeyCount"), 0)

        listing = self.s3.list_object_versions(Bucket=name)
        self.assertEqual([m["VersionId"] for m in listing["DeleteMarkers"]], [marker])
        self.assertTrue(listing["DeleteMarkers"][0]["IsLatest"])
        self.assertEqual([v["VersionId"] for v in listing["Versions"]], [v2, v1])
        self.assertFalse(any(v["IsLatest"] for v in listing["Versions"]))
        self.assertEqual(listing["Versions"][1]["ETag"], '"%s"' % md5_hex(b"one"))
        self.assertEqual(listing["Versions"][1]["Size"], 3)
        self.assertEqual(listing["Versions"][1]["StorageClass"], "STANDARD")
        self.assertIn("ID", listing["Versions"][1]["Owner"])

        # Deleting the marker brings the object back; deleting a version removes it for good.
        undo = self.s3.delete_object(Bucket=name, Key="doc", VersionId=marker)
        self.assertTrue(undo["DeleteMarker"])
        self.assertEqual(self.s3.get_object(Bucket=name, Key="doc")["VersionId"], v2)
        self.s3.delete_object(Bucket=name, Key="doc", VersionId=v2)
        self.assertEqual(self.s3.get_object(Bucket=name, Key="doc")["Body"].read(), b"one")
        err = self.client_error(self.s3.get_object, Bucket=name, Key="doc", VersionId=v2)
        self.assertS3Error(err, "NoSuchVersion", 404)
        err = self.client_error(self.s3.get_object, Bucket=name, Key="doc", VersionId="v2")
        self.assertS3Error(err, "InvalidArgument", 400)

    def test_get_object_attributes_of_a_delete_marker(self):
        name = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=name, Key="gone", Body=b"x")["VersionId"]
        marker = self.s3.delete_object(Bucket=name, Key="gone")["VersionId"]
        # The latest is a marker: 404 NoSuchKey saying so, with the marker's id, as GET does.
        err = self.client_error(self.s3.get_object_attributes, Bucket=name, Key="gone",
                                ObjectAttributes=["ETag"])
        self.assertS3Error(err, "NoSuchKey", 404)
        headers = err.response["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers.get("x-amz-delete-marker"), "true")
        self.assertEqual(headers.get("x-amz-version-id"), marker)
        # The marker named by id: 405 with the header; the older version still answers.
        r = self.server.request("GET", f"/{name}/gone",
                                query={"attributes": None, "versionId": marker},
                                headers={"x-amz-object-attributes": "ETag"})
        self.assertRawError(r, 405, "MethodNotAllowed")
        self.assertEqual(r.header("x-amz-delete-marker"), "true")
        self.assertEqual(r.header("x-amz-version-id"), marker)
        got = self.s3.get_object_attributes(Bucket=name, Key="gone", VersionId=v1,
                                            ObjectAttributes=["ObjectSize"])
        self.assertEqual(got["ObjectSize"], 1)
        self.assertNotIn("DeleteMarker", got)
        # A key that never existed has no marker to tell of.
        err = self.client_error(self.s3.get_object_attributes, Bucket=name, Key="never",
                                ObjectAttributes=["ETag"])
        self.assertS3Error(err, "NoSuchKey", 404)
        self.assertNotIn("x-amz-delete-marker", err.response["ResponseMetadata"]["HTTPHeaders"])

    def test_suspended_bucket_writes_null_versions(self):
        name = self.make_bucket("vsus")
        self.s3.put_object(Bucket=name, Key="k", Body=b"before")
        self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        real = self.s3.put_object(Bucket=name, Key="k", Body=b"real")["VersionId"]
        self.assertEqual(self.s3.get_object(Bucket=name, Key="k", VersionId="null")["Body"].read(),
                         b"before")
        self.s3.put_bucket_versioning(Bucket=name,
                                      VersioningConfiguration={"Status": "Suspended"})
        resp = self.s3.put_object(Bucket=name, Key="k", Body=b"null-1")
        self.assertEqual(resp.get("VersionId"), "null")
        self.s3.put_object(Bucket=name, Key="k", Body=b"null-2")
        versions = self.s3.list_object_versions(Bucket=name)["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["null", real])
        self.assertEqual(self.s3.get_object(Bucket=name, Key="k", VersionId="null")["Body"].read(),
                         b"null-2")

    def test_copy_and_upload_part_copy_from_a_version(self):
        name = self.versioned_bucket()
        old = self.s3.put_object(Bucket=name, Key="src", Body=b"old bytes")["VersionId"]
        self.s3.put_object(Bucket=name, Key="src", Body=b"new bytes")
        copied = self.s3.copy_object(Bucket=name, Key="dst",
                                     CopySource={"Bucket": name, "Key": "src", "VersionId": old})
        self.assertEqual(copied["CopySourceVersionId"], old)
        self.assertTrue(copied["VersionId"])
        self.assertEqual(self.s3.get_object(Bucket=name, Key="dst")["Body"].read(), b"old bytes")
        upload = self.s3.create_multipart_upload(Bucket=name, Key="mp")["UploadId"]
        part = self.s3.upload_part_copy(Bucket=name, Key="mp", UploadId=upload, PartNumber=1,
                                        CopySource={"Bucket": name, "Key": "src",
                                                    "VersionId": old})
        self.assertEqual(part["CopySourceVersionId"], old)
        done = self.s3.complete_multipart_upload(
            Bucket=name, Key="mp", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1,
                                        "ETag": part["CopyPartResult"]["ETag"]}]})
        self.assertTrue(done["VersionId"])
        self.assertEqual(self.s3.get_object(Bucket=name, Key="mp")["Body"].read(), b"old bytes")
        attrs = self.s3.get_object_attributes(Bucket=name, Key="src", VersionId=old,
                                              ObjectAttributes=["ObjectSize"])
        self.assertEqual(attrs["ObjectSize"], 9)
        self.assertEqual(attrs["VersionId"], old)

    def test_delete_objects_with_versions(self):
        name = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=name, Key="a", Body=b"1")["VersionId"]
        v2 = self.s3.put_object(Bucket=name, Key="a", Body=b"2")["VersionId"]
        resp = self.s3.delete_objects(Bucket=name, Delete={"Objects": [
            {"Key": "a", "VersionId": v1}, {"Key": "b"}]})
        deleted = {d["Key"]: d for d in resp["Deleted"]}
        self.assertEqual(deleted["a"]["VersionId"], v1)
        self.assertTrue(deleted["b"]["DeleteMarker"])
        self.assertTrue(deleted["b"]["DeleteMarkerVersionId"])
        listing = self.s3.list_object_versions(Bucket=name)
        self.assertEqual([v["VersionId"] for v in listing["Versions"]], [v2])
        self.assertEqual([m["Key"] for m in listing["DeleteMarkers"]], ["b"])
        # A bucket with only history is not empty.
        self.s3.delete_object(Bucket=name, Key="a", VersionId=v2)
        err = self.client_error(self.s3.delete_bucket, Bucket=name)
        self.assertS3Error(err, "BucketNotEmpty", 409)

    def test_list_object_versions_pages_over_markers(self):
        name = self.versioned_bucket()
        expected = []
        for key in ("a", "b", "c/x", "c/y"):
            ids = [self.s3.put_object(Bucket=name, Key=key, Body=key.encode())["VersionId"]
                   for _ in range(2)]
            expected += [(key, i) for i in reversed(ids)]
        marker = self.s3.delete_object(Bucket=name, Key="b")["VersionId"]
        expected.insert(2, ("b", marker))
        seen, kwargs, pages = [], {}, 0
        while True:
            page = self.s3.list_object_versions(Bucket=name, MaxKeys=3, **kwargs)
            pages += 1
            entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
            entries.sort(key=lambda e: (e["Key"], -e["LastModified"].timestamp()))
            seen += [(e["Key"], e["VersionId"]) for e in entries]
            if not page["IsTruncated"]:
                break
            kwargs = {"KeyMarker": page["NextKeyMarker"],
                      "VersionIdMarker": page["NextVersionIdMarker"]}
            self.assertLess(pages, 10)
        self.assertEqual(pages, 3)
        self.assertEqual(seen, expected)
        grouped = self.s3.list_object_versions(Bucket=name, Delimiter="/", Prefix="")
        self.assertEqual([p["Prefix"] for p in grouped["CommonPrefixes"]], ["c/"])
        encoded = self.s3.list_object_versions(Bucket=name, Prefix="c/", EncodingType="url")
        self.assertEqual(len(encoded["Versions"]), 4)
        err = self.client_error(self.s3.list_object_versions, Bucket=name, VersionIdMarker=marker)
        self.assertS3Error(err, "InvalidArgument", 400)

    def test_aws_cli_versions(self):
        name = self.versioned_bucket()
        self.s3.put_object(Bucket=name, Key="cli", Body=b"1")
        self.s3.put_object(Bucket=name, Key="cli", Body=b"2")
        rc, out, err = self.server.aws("s3api", "list-object-versions", "--bucket", name)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(json.loads(out)["Versions"]), 2)
        rc, out, err = self.server.aws("s3api", "get-bucket-versioning", "--bucket", name)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["Status"], "Enabled")
        rc, out, err = self.server.aws("s3api", "delete-object", "--bucket", name, "--key", "cli")
        self.assertEqual(rc, 0, err)
        self.assertTrue(json.loads(out)["DeleteMarker"])

    def test_aws_cli_pages_versions_and_tags(self):
        name = self.versioned_bucket()
        for i in range(7):
            self.s3.put_object(Bucket=name, Key="k%d" % (i % 3), Body=b"x")
        self.s3.delete_object(Bucket=name, Key="k0")
        # --page-size 3 makes the CLI follow NextKeyMarker/NextVersionIdMarker over 3 pages.
        rc, out, err = self.server.aws("s3api", "list-object-versions", "--bucket", name,
                                       "--page-size", "3", "--debug")
        self.assertEqual(rc, 0, err[-2000:])
        listed = json.loads(out)
        self.assertEqual(len(listed["Versions"]), 7)
        self.assertEqual(len(listed["DeleteMarkers"]), 1)
        pages = re.findall(r"Sending http request: <AWSPreparedRequest[^>]*url=(\S+)", err)
        self.assertEqual(len(pages), 3, pages)
        self.assertEqual(sum("version-id-marker=" in p for p in pages), 2, pages)
        ids = [(v["Key"], v["VersionId"]) for v in listed["Versions"]]
        self.assertEqual(len(set(ids)), 7)

        rc, out, err = self.server.aws("s3api", "put-object-tagging", "--bucket", name, "--key",
                                       "k1", "--tagging", "TagSet=[{Key=team,Value=red}]")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws("s3api", "get-object-tagging", "--bucket", name, "--key",
                                       "k1")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["TagSet"], [{"Key": "team", "Value": "red"}])
        rc, out, err = self.server.aws("s3api", "put-bucket-tagging", "--bucket", name,
                                       "--tagging", "TagSet=[{Key=env,Value=test}]")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws("s3api", "get-bucket-tagging", "--bucket", name)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["TagSet"], [{"Key": "env", "Value": "test"}])
        rc, out, err = self.server.aws("s3api", "delete-bucket-tagging", "--bucket", name)
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws("s3api", "get-bucket-tagging", "--bucket", name)
        self.assertNotEqual(rc, 0)
        self.assertIn("NoSuchTagSet", err)


class TaggingTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "tags-" + uuid.uuid4().hex[:8]
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_bucket_versioning(Bucket=cls.bucket,
                                     VersioningConfiguration={"Status": "Enabled"})

    def test_object_tags_by_version_and_on_put(self):
        b = self.bucket
        v1 = self.s3.put_object(Bucket=b, Key="t", Body=b"1", Tagging="a=1&b=two%20words")[
            "VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="t", Body=b"2")["VersionId"]
        tags = self.s3.get_object_tagging(Bucket=b, Key="t", VersionId=v1)
        self.assertEqual(tags["TagSet"], [{"Key": "a", "Value": "1"},
                                          {"Key": "b", "Value": "two words"}])
        self.assertEqual(tags["VersionId"], v1)
        self.assertEqual(self.s3.head_object(Bucket=b, Key="t", VersionId=v1)["TagCount"], 2)
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="t")["TagSet"], [])
        put = self.s3.put_object_tagging(Bucket=b, Key="t",
                                         Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
        self.assertEqual(put["VersionId"], v2)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="t")["TagCount"], 1)
        self.s3.delete_object_tagging(Bucket=b, Key="t", VersionId=v1)
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="t", VersionId=v1)["TagSet"], [])
        self.assertEqual(len(self.s3.get_object_tagging(Bucket=b, Key="t")["TagSet"]), 1)

    def test_copy_tagging_directive(self):
        b = self.bucket
        self.s3.put_object(Bucket=b, Key="src", Body=b"s", Tagging="k=v")
        self.s3.copy_object(Bucket=b, Key="copied", CopySource={"Bucket": b, "Key": "src"})
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="copied")["TagSet"],
                         [{"Key": "k", "Value": "v"}])
        self.s3.copy_object(Bucket=b, Key="replaced", CopySource={"Bucket": b, "Key": "src"},
                            TaggingDirective="REPLACE", Tagging="n=1")
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="replaced")["TagSet"],
                         [{"Key": "n", "Value": "1"}])

    def test_tags_on_multipart_upload(self):
        b = self.bucket
        up = self.s3.create_multipart_upload(Bucket=b, Key="mp", Tagging="team=x&k%20y=v%2Fz")
        part = self.s3.upload_part(Bucket=b, Key="mp", UploadId=up["UploadId"], PartNumber=1,
                                   Body=b"m" * 100)
        # The tags wait in the upload; the object takes them at completion, not before.
        self.client_error(self.s3.head_object, Bucket=b, Key="mp")
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="mp", UploadId=up["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        tags = self.s3.get_object_tagging(Bucket=b, Key="mp", VersionId=done["VersionId"])
        self.assertEqual(tags["TagSet"], [{"Key": "team", "Value": "x"},
                                          {"Key": "k y", "Value": "v/z"}])
        self.assertEqual(self.s3.head_object(Bucket=b, Key="mp")["TagCount"], 2)
        # An upload without tags makes an untagged object, even over a tagged one.
        up2 = self.s3.create_multipart_upload(Bucket=b, Key="mp")
        part = self.s3.upload_part(Bucket=b, Key="mp", UploadId=up2["UploadId"], PartNumber=1,
                                   Body=b"n")
        self.s3.complete_multipart_upload(
            Bucket=b, Key="mp", UploadId=up2["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="mp")["TagSet"], [])
        # Limits as for PutObject, refused at creation: no upload is left behind.
        for tagging, code in [("&".join(f"k{i}=v" for i in range(11)), "BadRequest"),
                              ("aws:x=1", "InvalidTag"), ("d=1&d=2", "InvalidTag"),
                              ("k=" + "v" * 257, "InvalidTag")]:
            with self.subTest(code=code, tagging=tagging[:20]):
                err = self.client_error(self.s3.create_multipart_upload, Bucket=b, Key="mpbad",
                                        Tagging=tagging)
                self.assertS3Error(err, code, 400)
        listed = self.s3.list_multipart_uploads(Bucket=b, Prefix="mpbad")
        self.assertEqual(listed.get("Uploads", []), [])

    def test_limits(self):
        b = self.bucket
        self.s3.put_object(Bucket=b, Key="lim", Body=b"x")
        cases = [
            ([{"Key": f"k{i}", "Value": "v"} for i in range(11)], "BadRequest"),
            ([{"Key": "k" * 129, "Value": "v"}], "InvalidTag"),
            ([{"Key": "k", "Value": "v" * 257}], "InvalidTag"),
            ([{"Key": "aws:x", "Value": "v"}], "InvalidTag"),
            ([{"Key": "d", "Value": "1"}, {"Key": "d", "Value": "2"}], "InvalidTag"),
        ]
        for tag_set, code in cases:
            with self.subTest(code=code, n=len(tag_set)):
                err = self.client_error(self.s3.put_object_tagging, Bucket=b, Key="lim",
                                        Tagging={"TagSet": tag_set})
                self.assertS3Error(err, code, 400)
        # 128 and 256 Unicode characters (not bytes) are within the limits.
        self.s3.put_object_tagging(Bucket=b, Key="lim", Tagging={"TagSet": [
            {"Key": "é" * 128, "Value": "ü" * 256}]})
        err = self.client_error(self.s3.put_object, Bucket=b, Key="lim2", Body=b"x",
                                Tagging="&".join(f"k{i}=v" for i in range(11)))
        self.assertS3Error(err, "BadRequest", 400)
        err = self.client_error(self.s3.get_object_tagging, Bucket=b, Key="nope")
        self.assertS3Error(err, "NoSuchKey", 404)

    def test_bucket_tags(self):
        name = self.make_bucket("btag")
        err = self.client_error(self.s3.get_bucket_tagging, Bucket=name)
        self.assertS3Error(err, "NoSuchTagSet", 404)
        self.s3.put_bucket_tagging(Bucket=name,
                                   Tagging={"TagSet": [{"Key": "team", "Value": "media"}]})
        self.assertEqual(self.s3.get_bucket_tagging(Bucket=name)["TagSet"],
                         [{"Key": "team", "Value": "media"}])
        self.s3.delete_bucket_tagging(Bucket=name)
        err = self.client_error(self.s3.get_bucket_tagging, Bucket=name)
        self.assertS3Error(err, "NoSuchTagSet", 404)
        err = self.client_error(self.s3.put_bucket_tagging, Bucket=name, Tagging={"TagSet": [
            {"Key": f"k{i}", "Value": "v"} for i in range(51)]})
        self.assertS3Error(err, "BadRequest", 400)


if __name__ == "__main__":
    unittest.main()
