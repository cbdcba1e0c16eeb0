"""Bucket lifecycle with boto3 and the AWS CLI against a server whose lifecycle day lasts
DAY seconds (CAIRN_LIFECYCLE_DAY_SECONDS): configuration and its errors, the x-amz-expiration
header, and the scanner expiring objects, versions, markers and uploads, also across kill -9."""

import concurrent.futures
import json
import os
import signal
import tempfile
import time
import unittest

from admin_client import AdminClient
from harness import CairnTestCase

DAY = 2  # seconds in a lifecycle day; the scanner passes at least every DAY / 2 seconds
DEADLINE = 30  # seconds any wait for the scanner may take


def rule(rule_id, prefix="", **actions):
    r = {"ID": rule_id, "Status": "Enabled", "Filter": {"Prefix": prefix}}
    r.update(actions)
    return r


class LifecycleTest(CairnTestCase):
    SERVER_ENV = {"CAIRN_LIFECYCLE_DAY_SECONDS": str(DAY)}

    def put_rules(self, bucket, *rules):
        self.s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)})

    def keys(self, bucket, prefix=""):
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                      Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return sorted(out)

    def versions(self, bucket, key):
        r = self.s3.list_object_versions(Bucket=bucket, Prefix=key)
        vs = [v for v in r.get("Versions", []) if v["Key"] == key]
        ms = [m for m in r.get("DeleteMarkers", []) if m["Key"] == key]
        return vs, ms

    def wait_for(self, what, predicate):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail(f"timed out after {DEADLINE}s waiting for {what}")

    # -- configuration --------------------------------------------------------------------

    def test_put_get_delete_configuration(self):
        b = self.make_bucket("lccfg")
        err = self.client_error(self.s3.get_bucket_lifecycle_configuration, Bucket=b)
        self.assertS3Error(err, "NoSuchLifecycleConfiguration", 404)
        self.put_rules(
            b,
            rule("temp", "temp/", Expiration={"Days": 30}),
            {"ID": "and", "Status": "Disabled",
             "Filter": {"And": {"Prefix": "p/", "Tags": [{"Key": "a", "Value": "1"}],
                                "ObjectSizeGreaterThan": 10}},
             "NoncurrentVersionExpiration": {"NoncurrentDays": 3, "NewerNoncurrentVersions": 2}},
            rule("markers", Expiration={"ExpiredObjectDeleteMarker": True},
                 AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7}),
        )
        got = self.s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        self.assertEqual([r["ID"] for r in got], ["temp", "and", "markers"])
        self.assertEqual(got[0]["Filter"], {"Prefix": "temp/"})
        self.assertEqual(got[0]["Expiration"], {"Days": 30})
        self.assertEqual(got[1]["Status"], "Disabled")
        self.assertEqual(got[1]["Filter"]["And"]["Tags"], [{"Key": "a", "Value": "1"}])
        self.assertEqual(got[1]["Filter"]["And"]["ObjectSizeGreaterThan"], 10)
        self.assertEqual(got[1]["NoncurrentVersionExpiration"],
                         {"NoncurrentDays": 3, "NewerNoncurrentVersions": 2})
        self.assertEqual(got[2]["Expiration"], {"ExpiredObjectDeleteMarker": True})
        self.assertEqual(got[2]["AbortIncompleteMultipartUpload"], {"DaysAfterInitiation": 7})
        self.s3.delete_bucket_lifecycle(Bucket=b)
        err = self.client_error(self.s3.get_bucket_lifecycle_configuration, Bucket=b)
        self.assertS3Error(err, "NoSuchLifecycleConfiguration", 404)
        err = self.client_error(self.s3.get_bucket_lifecycle_configuration, Bucket=b + "-none")
        self.assertS3Error(err, "NoSuchBucket", 404)

    def test_invalid_configurations_are_refused(self):
        b = self.make_bucket("lcbad")
        cases = [
            ([rule("x", Expiration={"Days": 0})], "InvalidArgument", 400),
            ([rule("x" * 256, Expiration={"Days": 1})], "InvalidArgument", 400),
            ([rule("same", Expiration={"Days": 1}), rule("same", Expiration={"Days": 2})],
             "InvalidArgument", 400),
            ([rule("x", Expiration={"Days": 1, "ExpiredObjectDeleteMarker": True})],
             "MalformedXML", 400),
            ([rule("x")], "InvalidRequest", 400),
            ([{"ID": "x", "Status": "Enabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}},
               "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}],
             "InvalidRequest", 400),
            ([rule("x", Transitions=[{"Days": 30, "StorageClass": "GLACIER"}])],
             "NotImplemented", 501),
            ([rule("x", NoncurrentVersionTransitions=[{"NoncurrentDays": 30,
                                                       "StorageClass": "GLACIER"}])],
             "NotImplemented", 501),
        ]
        for rules, code, status in cases:
            with self.subTest(code=code, rules=rules):
                err = self.client_error(self.s3.put_bucket_lifecycle_configuration, Bucket=b,
                                        LifecycleConfiguration={"Rules": rules})
                self.assertS3Error(err, code, status)
        r = self.server.request("PUT", f"/{b}", query={"lifecycle": None}, body=b"<nope")
        self.assertRawError(r, 400, "MalformedXML")
        # A date not at midnight UTC.
        body = (b"<LifecycleConfiguration><Rule><ID>d</ID><Filter><Prefix></Prefix></Filter>"
                b"<Status>Enabled</Status><Expiration><Date>2030-01-01T10:00:00Z</Date>"
                b"</Expiration></Rule></LifecycleConfiguration>")
        r = self.server.request("PUT", f"/{b}", query={"lifecycle": None}, body=body)
        self.assertRawError(r, 400, "InvalidArgument")
        # Nothing was stored by any refused request.
        err = self.client_error(self.s3.get_bucket_lifecycle_configuration, Bucket=b)
        self.assertS3Error(err, "NoSuchLifecycleConfiguration", 404)

    def test_aws_cli_put_and_get(self):
        b = self.make_bucket("lccli")
        config = {"Rules": [rule("cli", "logs/", Expiration={"Days": 90})]}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(config, f)
        try:
            rc, out, err = self.server.aws("s3api", "put-bucket-lifecycle-configuration",
                                           "--bucket", b, "--lifecycle-configuration",
                                           f"file://{f.name}")
            self.assertEqual(rc, 0, err)
        finally:
            os.unlink(f.name)
        rc, out, err = self.server.aws("s3api", "get-bucket-lifecycle-configuration",
                                       "--bucket", b)
        self.assertEqual(rc, 0, err)
        rules = json.loads(out)["Rules"]
        self.assertEqual(rules[0]["ID"], "cli")
        self.assertEqual(rules[0]["Expiration"], {"Days": 90})
        rc, out, err = self.server.aws("s3api", "delete-bucket-lifecycle", "--bucket", b)
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws("s3api", "get-bucket-lifecycle-configuration",
                                       "--bucket", b)
        self.assertNotEqual(rc, 0)
        self.assertIn("NoSuchLifecycleConfiguration", err)

    # -- x-amz-expiration -------------------------------------------------------------------

    def test_expiration_header_on_put_get_head_and_complete(self):
        b = self.make_bucket("lchdr")
        # A far-away date keeps the objects alive while the header is checked.
        self.put_rules(b, {"ID": "dated", "Status": "Enabled", "Filter": {"Prefix": "dated/"},
                           "Expiration": {"Date": "2099-12-23T00:00:00Z"}})
        want = 'expiry-date="Wed, 23 Dec 2099 00:00:00 GMT", rule-id="dated"'
        put = self.s3.put_object(Bucket=b, Key="dated/a", Body=b"x")
        self.assertEqual(put["ResponseMetadata"]["HTTPHeaders"].get("x-amz-expiration"), want)
        head = self.s3.head_object(Bucket=b, Key="dated/a")
        self.assertEqual(head["Expiration"], want)
        get = self.s3.get_object(Bucket=b, Key="dated/a")
        self.assertEqual(get["Expiration"], want)
        up = self.s3.create_multipart_upload(Bucket=b, Key="dated/mp")["UploadId"]
        part = self.s3.upload_part(Bucket=b, Key="dated/mp", UploadId=up, PartNumber=1,
                                   Body=b"p")
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="dated/mp", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertEqual(done.get("Expiration"), want)
        # Objects no rule expires answer no header.
        other = self.s3.put_object(Bucket=b, Key="other", Body=b"x")
        self.assertNotIn("x-amz-expiration", other["ResponseMetadata"]["HTTPHeaders"])
        self.assertNotIn("Expiration", self.s3.head_object(Bucket=b, Key="other"))
        # Days: the object's creation + Days (test days are not rounded to midnight).
        self.put_rules(b, rule("days", "", Expiration={"Days": 1000}))
        head = self.s3.head_object(Bucket=b, Key="other")
        self.assertIn('rule-id="days"', head["Expiration"])
        self.assertIn("expiry-date=", head["Expiration"])

    # -- the scanner ------------------------------------------------------------------------

    def test_prefix_tag_and_size_filters_expire_only_their_objects(self):
        b = self.make_bucket("lcexp")
        for k in ["temp/1", "temp/2", "temp/sub/3", "keep/1", "tempo"]:
            self.s3.put_object(Bucket=b, Key=k, Body=b"x")
        self.s3.put_object(Bucket=b, Key="tagged", Body=b"x", Tagging="class=scratch")
        self.s3.put_object(Bucket=b, Key="untagged", Body=b"x", Tagging="class=keep")
        self.s3.put_object(Bucket=b, Key="big", Body=b"b" * 2000)
        self.s3.put_object(Bucket=b, Key="small", Body=b"s")
        self.put_rules(
            b,
            rule("temp", "temp/", Expiration={"Days": 1}),
            {"ID": "tag", "Status": "Enabled",
             "Filter": {"Tag": {"Key": "class", "Value": "scratch"}}, "Expiration": {"Days": 1}},
            {"ID": "size", "Status": "Enabled", "Filter": {"ObjectSizeGreaterThan": 1000},
             "Expiration": {"Days": 1}},
        )
        survivors = ["keep/1", "small", "tempo", "untagged"]
        self.wait_for("the matching objects to expire", lambda: self.keys(b) == survivors)
        # And they stay: nothing else goes on later passes.
        time.sleep(DAY)
        self.assertEqual(self.keys(b), survivors)

    def test_noncurrent_versions_keep_the_newer_ones_and_markers_are_cleaned(self):
        b = self.make_bucket("lcver")
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        ids = [self.s3.put_object(Bucket=b, Key="doc", Body=str(i).encode())["VersionId"]
               for i in range(5)]
        only = self.s3.put_object(Bucket=b, Key="gone", Body=b"x")["VersionId"]
        self.s3.delete_object(Bucket=b, Key="gone", VersionId=only)
        marker = self.s3.delete_object(Bucket=b, Key="gone")["VersionId"]  # alone
        self.s3.put_object(Bucket=b, Key="hidden", Body=b"x")
        self.s3.delete_object(Bucket=b, Key="hidden")  # a marker over a version: stays
        self.put_rules(
            b,
            rule("nc", NoncurrentVersionExpiration={"NoncurrentDays": 1,
                                                    "NewerNoncurrentVersions": 2}),
            rule("markers", Expiration={"ExpiredObjectDeleteMarker": True}),
        )

        def done():
            vs, _ = self.versions(b, "doc")
            _, gone_markers = self.versions(b, "gone")
            return len(vs) == 3 and not gone_markers
        self.wait_for("noncurrent versions and the lone marker to go", done)
        vs, ms = self.versions(b, "doc")
        self.assertEqual([v["VersionId"] for v in vs], [ids[4], ids[3], ids[2]])
        self.assertEqual(ms, [])
        # The hidden version is noncurrent with no two newer noncurrent ones: it stays, and so
        # does the marker over it (it is not alone). Later passes change nothing.
        time.sleep(DAY)
        vs, ms = self.versions(b, "hidden")
        self.assertEqual((len(vs), len(ms)), (1, 1))
        self.assertEqual(self.versions(b, "gone"), ([], []))
        self.assertNotEqual(marker, "")

    def test_stale_uploads_are_aborted(self):
        b = self.make_bucket("lcmpu")
        stale = self.s3.create_multipart_upload(Bucket=b, Key="tmp/upload")["UploadId"]
        self.s3.upload_part(Bucket=b, Key="tmp/upload", UploadId=stale, PartNumber=1, Body=b"p")
        kept = self.s3.create_multipart_upload(Bucket=b, Key="keep/upload")["UploadId"]
        self.put_rules(b, rule("abort", "tmp/",
                               AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1}))

        def uploads():
            return [u["UploadId"] for u in
                    self.s3.list_multipart_uploads(Bucket=b).get("Uploads", [])]
        self.wait_for("the stale upload to be aborted", lambda: uploads() == [kept])
        err = self.client_error(self.s3.list_parts, Bucket=b, Key="tmp/upload", UploadId=stale)
        self.assertS3Error(err, "NoSuchUpload", 404)

    def test_admin_scanner_status(self):
        b = self.make_bucket("lcstat")
        self.s3.put_object(Bucket=b, Key="s/1", Body=b"x")
        self.put_rules(b, rule("s", "s/", Expiration={"Days": 1}))
        admin = AdminClient(self.server)
        self.wait_for("the object to expire", lambda: self.keys(b) == [])

        def acted():
            active = admin.ok("GET", "scanner/status")["lastActivePass"]
            return active is not None and active["expired"] >= 1
        # Idle passes follow every interval and replace lastPass; lastActivePass keeps the pass
        # that expired the object.
        self.wait_for("a pass reporting the expiry", acted)
        status = admin.ok("GET", "scanner/status")
        self.assertEqual(status["daySeconds"], DAY)
        self.assertLessEqual(status["intervalSeconds"], DAY / 2)
        self.assertGreaterEqual(status["passes"], 1)
        for last in (status["lastPass"], status["lastActivePass"]):
            for field in ["started", "finished", "scanned", "actions", "errors", "expired",
                          "noncurrentRemoved", "deleteMarkersRemoved", "uploadsAborted"]:
                self.assertIn(field, last)
            self.assertEqual(last["errors"], 0)
        self.assertGreaterEqual(status["lastActivePass"]["actions"], 1)
        self.assertLessEqual(status["lastActivePass"]["finished"], status["lastPass"]["finished"])


class LifecycleKillTest(CairnTestCase):
    """A scanner killed with -9 mid-pass resumes: every matching object expires, no other does,
    and none is expired twice (a versioned bucket would show a second delete marker)."""

    SERVER_ENV = {"CAIRN_LIFECYCLE_DAY_SECONDS": str(DAY)}
    COUNT = 1500

    def test_kill_9_mid_pass_resumes(self):
        b = self.make_bucket("lckill")
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        keys = [f"exp/{i:05d}" for i in range(self.COUNT)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: self.s3.put_object(Bucket=b, Key=k, Body=b"x"), keys))
            list(pool.map(lambda k: self.s3.put_object(Bucket=b, Key=k, Body=b"x"),
                          [f"keep/{i}" for i in range(50)]))
        self.s3.put_bucket_lifecycle_configuration(
            Bucket=b, LifecycleConfiguration={"Rules": [
                {"ID": "exp", "Status": "Enabled", "Filter": {"Prefix": "exp/"},
                 "Expiration": {"Days": 1}}]})
        admin = AdminClient(self.server)
        deadline = time.monotonic() + DEADLINE
        while True:
            self.assertLess(time.monotonic(), deadline, "the scanner never started expiring")
            current = admin.ok("GET", "scanner/status")["currentPass"]
            if current and current["expired"] > 0:
                break
            time.sleep(0.005)
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait(timeout=10)
        self.server.stop()
        self.server.proc = None
        # Killed mid-pass (the status showed a pass in progress that had expired some): those
        # stay expired. The rest are expired after the restart, by a pass resumed from the
        # checkpoint or, killed before the first one, by a fresh pass. Keys still there right
        # after the restart are not counted on: the restarted scanner may finish them before the
        # first listing (about 0.3 s for these keys).
        self.server.start()
        self.s3 = self.server.client()
        remaining = len([k for k in self.list_live(b) if k.startswith("exp/")])
        self.assertLess(remaining, self.COUNT)
        admin = AdminClient(self.server)
        self.wait_until(lambda: [k for k in self.list_live(b) if k.startswith("exp/")] == [])
        self.assertEqual(sorted(self.list_live(b)), sorted(f"keep/{i}" for i in range(50)))
        # No double work: each expired key has its one version and exactly one marker.
        markers, versions = {}, {}
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=b,
                                                                           Prefix="exp/"):
            for m in page.get("DeleteMarkers", []):
                markers[m["Key"]] = markers.get(m["Key"], 0) + 1
            for v in page.get("Versions", []):
                versions[v["Key"]] = versions.get(v["Key"], 0) + 1
        self.assertEqual(set(markers), set(keys))
        self.assertEqual(set(markers.values()), {1})
        self.assertEqual(set(versions.values()), {1})
        status = admin.ok("GET", "scanner/status")
        self.assertGreaterEqual(status["passes"], 1)

    def list_live(self, b):
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=b):
            out += [o["Key"] for o in page.get("Contents", [])]
        return out

    def wait_until(self, predicate):
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail("timed out waiting for the resumed scanner")


if __name__ == "__main__":
    unittest.main()
