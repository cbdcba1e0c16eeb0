"""The `cairn` client's versioning commands (issue 11): version enable|suspend|info, ls --versions,
rm --version-id / --versions, cp --version-id and undo, run as the real binary against a real
server. Every effect is checked with boto3, never with cairn itself."""

from __future__ import annotations

import json
import re
import unittest

from test_cli import CliTestCase


class CliVersionsTest(CliTestCase):
    def versioned_bucket(self) -> str:
        bucket = self.make_bucket("vcli")
        self.s3.put_bucket_versioning(Bucket=bucket,
                                      VersioningConfiguration={"Status": "Enabled"})
        return bucket

    def versions(self, bucket: str, prefix: str = "") -> list[tuple[str, str, bool]]:
        """(key, version id, is delete marker) for everything under `prefix`, sorted by key."""
        out = []
        kwargs = {"Bucket": bucket, "Prefix": prefix}
        while True:
            page = self.s3.list_object_versions(**kwargs)
            # boto3 splits versions from markers, so only the set is meaningful per page.
            out += [(v["Key"], v["VersionId"], False) for v in page.get("Versions", [])]
            out += [(m["Key"], m["VersionId"], True) for m in page.get("DeleteMarkers", [])]
            if not page.get("IsTruncated"):
                break
            kwargs["KeyMarker"] = page["NextKeyMarker"]
            kwargs["VersionIdMarker"] = page.get("NextVersionIdMarker", "")
        return sorted(out, key=lambda e: e[0])

    def put(self, bucket: str, key: str, body: bytes) -> str:
        return self.s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"]

    # -- version enable | suspend | info ---------------------------------------------------

    def test_version_enable_suspend_info(self):
        bucket = self.make_bucket("vcli")
        target = f"local/{bucket}"
        p = self.cairn("version", "info", target)
        self.assertEqual(p.stdout.decode().strip(), f"{target} versioning is un-versioned")

        p = self.cairn("version", "enable", target)
        self.assertEqual(p.stdout.decode().strip(), f"{target} versioning is enabled")
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=bucket).get("Status"), "Enabled")
        p = self.cairn("version", "info", target)
        self.assertEqual(p.stdout.decode().strip(), f"{target} versioning is enabled")

        p = self.cairn("version", "suspend", target)
        self.assertEqual(p.stdout.decode().strip(), f"{target} versioning is suspended")
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=bucket).get("Status"), "Suspended")

        p = self.cairn("--json", "version", "info", target)
        (line,) = self.json_lines(p)
        self.assertEqual(line["status"], "success")
        self.assertEqual(line["url"], target)
        self.assertEqual(line["versioning"]["status"], "Suspended")

    def test_version_errors_are_one_line(self):
        p = self.cairn("version", "enable", "local/no-such-bucket-vcli", check=False)
        self.assertOneLineError(p, "NoSuchBucket")
        p = self.cairn("version", "info", f"local/{self.make_bucket('vcli')}/key", check=False)
        self.assertOneLineError(p, "name a bucket")
        p = self.cairn("version", "enable", "nosuchalias/b", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.cairn("--json", "version", "info", "local/no-such-bucket-vcli", check=False)
        self.assertEqual(p.returncode, 1)
        (line,) = self.json_lines(p)
        self.assertEqual(line["status"], "error")
        self.assertEqual(line["error"]["code"], "NoSuchBucket")

    # -- ls --versions --------------------------------------------------------------------

    def test_ls_versions_lines_and_json(self):
        bucket = self.versioned_bucket()
        v1 = self.put(bucket, "doc.txt", b"one")
        v2 = self.put(bucket, "doc.txt", b"second")
        marker = self.s3.delete_object(Bucket=bucket, Key="doc.txt")["VersionId"]
        d1 = self.put(bucket, "dir/inner.txt", b"x")

        p = self.cairn("ls", "--versions", f"local/{bucket}")
        lines = p.stdout.decode().splitlines()
        self.assertEqual(len(lines), 4, lines)
        pattern = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\] +(\S+) STANDARD (\S+) "
                             r"v(\d+) (PUT|DEL) (.+)$")
        rows = [pattern.match(l) for l in lines if not l.lstrip().startswith("PRE")]
        self.assertTrue(all(rows), lines)
        got = [(m.group(2), m.group(3), m.group(4), m.group(5)) for m in rows]
        self.assertEqual(got, [(marker, "3", "DEL", "doc.txt"), (v2, "2", "PUT", "doc.txt"),
                               (v1, "1", "PUT", "doc.txt")])
        self.assertTrue(any(l.split()[-2:] == ["PRE", "dir/"] for l in lines), lines)

        p = self.cairn("--json", "ls", "--versions", "-r", f"local/{bucket}")
        items = self.json_lines(p)
        self.assertEqual([(i["key"], i["versionId"], i["versionOrdinal"], i["isDeleteMarker"],
                           i["isLatest"]) for i in items],
                         [("dir/inner.txt", d1, 1, False, True),
                          ("doc.txt", marker, 3, True, True),
                          ("doc.txt", v2, 2, False, False),
                          ("doc.txt", v1, 1, False, False)])
        self.assertEqual(items[2]["size"], len(b"second"))

        # A prefix that is a folder lists inside it, as plain ls does.
        p = self.cairn("--json", "ls", "--versions", f"local/{bucket}/dir")
        self.assertEqual([(i["key"], i["versionId"]) for i in self.json_lines(p)],
                         [("inner.txt", d1)])

    def test_ls_versions_pages_through_many(self):
        bucket = self.versioned_bucket()
        # More than one 1000-entry page, with one key's versions split across the boundary.
        keys = [f"k{i:04d}" for i in range(999)]
        for k in keys:
            self.s3.put_object(Bucket=bucket, Key=k, Body=b"")
        for _ in range(3):
            self.s3.put_object(Bucket=bucket, Key="k0998", Body=b"again")
        p = self.cairn("--json", "ls", "--versions", "-r", f"local/{bucket}", timeout=600)
        items = self.json_lines(p)
        self.assertEqual(len(items), 1002)
        last = [i for i in items if i["key"] == "k0998"]
        self.assertEqual([i["versionOrdinal"] for i in last], [4, 3, 2, 1])
        self.assertEqual(sum(1 for i in items if i["isLatest"]), 999)

    def test_ls_versions_missing(self):
        bucket = self.versioned_bucket()
        p = self.cairn("ls", "--versions", f"local/{bucket}/nothing-here", check=False)
        self.assertOneLineError(p, "NoSuchKey")
        p = self.cairn("ls", "--versions", "local/no-such-bucket-vcli", check=False)
        self.assertOneLineError(p, "NoSuchBucket")

    # -- rm --version-id / --versions -----------------------------------------------------

    def test_rm_version_id(self):
        bucket = self.versioned_bucket()
        v1 = self.put(bucket, "a.txt", b"one")
        v2 = self.put(bucket, "a.txt", b"two")
        p = self.cairn("rm", "--version-id", v1, f"local/{bucket}/a.txt")
        self.assertIn(f"versionId={v1}", p.stdout.decode())
        self.assertEqual(self.versions(bucket), [("a.txt", v2, False)])

        # The latest version gone for good: the key disappears, no delete marker is left.
        self.cairn("rm", "--version-id", v2, f"local/{bucket}/a.txt")
        self.assertEqual(self.versions(bucket), [])

        p = self.cairn("rm", "--version-id", v2, f"local/{bucket}/a.txt", check=False)
        self.assertOneLineError(p, "NoSuchVersion")
        p = self.cairn("rm", "--version-id", v2, "--versions", f"local/{bucket}/a.txt",
                       check=False)
        self.assertOneLineError(p, "--version-id")

    def test_rm_version_id_of_a_delete_marker_restores(self):
        bucket = self.versioned_bucket()
        v1 = self.put(bucket, "a.txt", b"one")
        marker = self.s3.delete_object(Bucket=bucket, Key="a.txt")["VersionId"]
        p = self.cairn("--json", "rm", "--version-id", marker, f"local/{bucket}/a.txt")
        (line,) = self.json_lines(p)
        self.assertEqual(line["versionId"], marker)
        self.assertTrue(line["isDeleteMarker"])
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="a.txt")["Body"].read(), b"one")
        self.assertEqual(self.versions(bucket), [("a.txt", v1, False)])

    def test_rm_versions_of_one_key(self):
        bucket = self.versioned_bucket()
        for body in (b"1", b"2"):
            self.put(bucket, "a.txt", body)
        self.s3.delete_object(Bucket=bucket, Key="a.txt")
        keep = self.put(bucket, "a.txt.bak", b"keep")
        p = self.cairn("rm", "--versions", f"local/{bucket}/a.txt")
        self.assertEqual(len(p.stdout.decode().splitlines()), 3)
        self.assertEqual(self.versions(bucket), [("a.txt.bak", keep, False)])
        p = self.cairn("rm", "--versions", f"local/{bucket}/a.txt", check=False)
        self.assertOneLineError(p, "NoSuchKey")

    def test_rm_versions_recursive_batches(self):
        bucket = self.versioned_bucket()
        # 1,200 versions and markers under the prefix: more than one DeleteObjects batch.
        for i in range(400):
            key = f"old/{i:03d}"
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"a")
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"b")
            self.s3.delete_object(Bucket=bucket, Key=key)
        keep = self.put(bucket, "new/x", b"keep")
        p = self.cairn("rm", "--versions", "-r", f"local/{bucket}/old/", check=False)
        self.assertOneLineError(p, "--force")
        self.assertEqual(len(self.versions(bucket, "old/")), 1200)

        p = self.cairn("--json", "rm", "--versions", "-r", "--force", f"local/{bucket}/old/",
                       timeout=600)
        self.assertEqual(len(self.json_lines(p)), 1200)
        self.assertEqual(self.versions(bucket), [("new/x", keep, False)])

    # -- cp --version-id ------------------------------------------------------------------

    def test_cp_version_id_download_and_server_side(self):
        bucket = self.versioned_bucket()
        v1 = self.put(bucket, "a.txt", b"first body")
        self.put(bucket, "a.txt", b"second body")
        out = self.tmpdir() / "a-old.txt"
        self.cairn("cp", "--version-id", v1, f"local/{bucket}/a.txt", str(out))
        self.assertEqual(out.read_bytes(), b"first body")

        self.cairn("cp", "--version-id", v1, f"local/{bucket}/a.txt", f"local/{bucket}/restored")
        got = self.s3.get_object(Bucket=bucket, Key="restored")["Body"].read()
        self.assertEqual(got, b"first body")

        p = self.cairn("cp", "--version-id", "no-such-version", f"local/{bucket}/a.txt",
                       str(out), check=False)
        self.assertOneLineError(p)
        self.assertEqual(out.read_bytes(), b"first body")
        p = self.cairn("cp", "--version-id", v1, "-r", f"local/{bucket}/", str(self.tmpdir()),
                       check=False)
        self.assertOneLineError(p, "--version-id")

    # -- undo -----------------------------------------------------------------------------

    def test_undo_delete_then_put(self):
        bucket = self.versioned_bucket()
        v1 = self.put(bucket, "a.txt", b"one")
        v2 = self.put(bucket, "a.txt", b"two")
        marker = self.s3.delete_object(Bucket=bucket, Key="a.txt")["VersionId"]

        p = self.cairn("undo", f"local/{bucket}/a.txt")
        self.assertIn("Last delete", p.stdout.decode())
        self.assertIn(marker, p.stdout.decode())
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="a.txt")["Body"].read(), b"two")

        p = self.cairn("--json", "undo", f"local/{bucket}/a.txt")
        (line,) = self.json_lines(p)
        self.assertEqual((line["action"], line["versionId"]), ("PUT", v2))
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="a.txt")["Body"].read(), b"one")
        self.assertEqual(self.versions(bucket), [("a.txt", v1, False)])

    def test_undo_last_action_and_dry_run(self):
        bucket = self.versioned_bucket()
        v1 = self.put(bucket, "a.txt", b"one")
        self.put(bucket, "a.txt", b"two")
        self.put(bucket, "a.txt", b"three")

        p = self.cairn("undo", "--action", "DELETE", f"local/{bucket}/a.txt")
        self.assertIn("Nothing to undo", p.stdout.decode())
        self.assertEqual(len(self.versions(bucket)), 3)

        p = self.cairn("undo", "--last", "2", "--dry-run", f"local/{bucket}/a.txt")
        self.assertEqual(len(p.stdout.decode().splitlines()), 2)
        self.assertEqual(len(self.versions(bucket)), 3)

        self.cairn("undo", "--last", "2", f"local/{bucket}/a.txt")
        self.assertEqual(self.versions(bucket), [("a.txt", v1, False)])

    def test_undo_refuses_without_versioning(self):
        bucket = self.make_bucket("vcli")
        self.s3.put_object(Bucket=bucket, Key="a.txt", Body=b"only copy")
        p = self.cairn("undo", f"local/{bucket}/a.txt", check=False)
        self.assertOneLineError(p, "versioned bucket")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="a.txt")["Body"].read(),
                         b"only copy")
        bucket = self.versioned_bucket()
        p = self.cairn("undo", f"local/{bucket}/missing", check=False)
        self.assertOneLineError(p, "NoSuchKey")
        p = self.cairn("undo", "--action", "COPY", f"local/{bucket}/missing", check=False)
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main()
