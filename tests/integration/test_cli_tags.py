"""The `cairn tag set|list|remove` commands (issue 11), mc's syntax and output, run as the real
binary against a real server: objects, buckets, one version by --version-id, --json. Every
effect is checked with boto3, never with cairn itself."""

from __future__ import annotations

import unittest

from test_cli import CliTestCase


class CliTagsTest(CliTestCase):
    def object_tags(self, bucket, key, **kwargs):
        return self.s3.get_object_tagging(Bucket=bucket, Key=key, **kwargs)["TagSet"]

    def test_object_tags_set_list_remove(self):
        bucket = self.make_bucket("tcli")
        self.s3.put_object(Bucket=bucket, Key="dir/a.txt", Body=b"a")
        target = f"local/{bucket}/dir/a.txt"
        p = self.cairn("tag", "set", target, "team=media&class=two%20words&empty=")
        self.assertEqual(p.stdout.decode().strip(), f"Tags set for {target}.")
        self.assertEqual(self.object_tags(bucket, "dir/a.txt"), [
            {"Key": "team", "Value": "media"}, {"Key": "class", "Value": "two words"},
            {"Key": "empty", "Value": ""}])

        p = self.cairn("tag", "list", target)
        self.assertEqual(p.stdout.decode().rstrip("\n").split("\n"), [
            f"Name  : {target}", "class : two words", "empty : ", "team  : media"])
        p = self.cairn("--json", "tag", "list", target)
        (line,) = self.json_lines(p)
        self.assertEqual(line, {"status": "success", "name": target,
                                "tagset": {"team": "media", "class": "two words", "empty": ""}})

        # set replaces the whole set, as PutObjectTagging does.
        self.cairn("tag", "set", target, "only=1")
        self.assertEqual(self.object_tags(bucket, "dir/a.txt"), [{"Key": "only", "Value": "1"}])

        p = self.cairn("tag", "remove", target)
        self.assertEqual(p.stdout.decode().strip(), f"Tags removed for {target}.")
        self.assertEqual(self.object_tags(bucket, "dir/a.txt"), [])
        p = self.cairn("tag", "list", target)
        self.assertEqual(p.stdout.decode().strip(), f"Name : {target}")

    def test_bucket_tags(self):
        bucket = self.make_bucket("tclib")
        target = f"local/{bucket}"
        p = self.cairn("--json", "tag", "list", target)
        (line,) = self.json_lines(p)
        self.assertEqual(line["tagset"], {})
        p = self.cairn("--json", "tag", "set", target, "owner=ana&cost=7")
        (line,) = self.json_lines(p)
        self.assertEqual(line, {"status": "success", "name": target})
        self.assertEqual(self.s3.get_bucket_tagging(Bucket=bucket)["TagSet"], [
            {"Key": "owner", "Value": "ana"}, {"Key": "cost", "Value": "7"}])
        p = self.cairn("tag", "list", target)
        self.assertEqual(p.stdout.decode().rstrip("\n").split("\n"),
                         [f"Name  : {target}", "cost  : 7", "owner : ana"])
        self.cairn("tag", "remove", target)
        err = self.client_error(self.s3.get_bucket_tagging, Bucket=bucket)
        self.assertS3Error(err, "NoSuchTagSet", 404)

    def test_version_id(self):
        bucket = self.make_bucket("tclv")
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="gen=1")["VersionId"]
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"2", Tagging="gen=2")
        target = f"local/{bucket}/k"
        p = self.cairn("--json", "tag", "list", "--version-id", v1, target)
        (line,) = self.json_lines(p)
        self.assertEqual(line, {"status": "success", "name": target, "versionID": v1,
                                "tagset": {"gen": "1"}})
        self.cairn("tag", "set", "--vid", v1, target, "gen=old")
        self.assertEqual(self.object_tags(bucket, "k", VersionId=v1),
                         [{"Key": "gen", "Value": "old"}])
        self.assertEqual(self.object_tags(bucket, "k"), [{"Key": "gen", "Value": "2"}])
        self.cairn("tag", "remove", "--version-id", v1, target)
        self.assertEqual(self.object_tags(bucket, "k", VersionId=v1), [])
        self.assertEqual(self.object_tags(bucket, "k"), [{"Key": "gen", "Value": "2"}])
        # A version id that does not exist is the server's NoSuchVersion, reported on one line.
        p = self.cairn("tag", "list", "--version-id", "00000000-0000-0000-0000-000000000000",
                       target, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("version", p.stderr.decode().lower())

    def test_refusals(self):
        bucket = self.make_bucket("tclr")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        target = f"local/{bucket}/k"
        cases = [
            (("tag", "set", target, "a=1&a=2"), "twice"),
            (("tag", "set", target, "=v"), "key"),
            (("tag", "set", target, "aws:x=1"), "System tags"),  # the server's InvalidTag
            (("tag", "set", target, "&".join(f"k{i}=v" for i in range(11))), "10"),
            (("tag", "list", "--version-id", "x", f"local/{bucket}"), "bucket"),
            (("tag", "list", f"local/{bucket}/missing"), "exist"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                p = self.cairn(*args, check=False)
                self.assertEqual(p.returncode, 1, p.stdout)
                self.assertIn(needle, p.stderr.decode())
        self.assertEqual(self.object_tags(bucket, "k"), [])


if __name__ == "__main__":
    unittest.main()
