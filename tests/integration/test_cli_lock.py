"""The object lock commands (issue 13), mc's syntax, run as the real binary against a real
server: `mb --with-lock`, `retention set|info|clear` (a bucket's default and one version),
`legalhold set|info|clear`, and `rm --bypass`. Every effect is checked with boto3."""

from __future__ import annotations

import datetime
import uuid

from test_cli import CliTestCase


class CliLockTest(CliTestCase):
    def locked(self):
        bucket = "clilock-" + uuid.uuid4().hex[:8]
        p = self.cairn("mb", "--with-lock", f"local/{bucket}")
        self.assertEqual(p.stdout.decode().strip(), f"Bucket created successfully `local/{bucket}`.")
        return bucket

    def test_mb_with_lock_and_default_retention(self):
        bucket = self.locked()
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=bucket)["Status"], "Enabled")
        conf = self.s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        self.assertEqual(conf, {"ObjectLockEnabled": "Enabled"})
        target = f"local/{bucket}"
        p = self.cairn("retention", "set", "--default", "governance", "30d", target)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Object lock configuration set successfully for `{target}`.")
        conf = self.s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        self.assertEqual(conf["Rule"], {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}})
        (line,) = self.json_lines(self.cairn("--json", "retention", "info", "--default", target))
        self.assertEqual((line["mode"], line["validity"]), ("GOVERNANCE", "30DAYS"))
        self.cairn("retention", "set", "--default", "COMPLIANCE", "2y", target)
        conf = self.s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        self.assertEqual(conf["Rule"], {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 2}})
        self.cairn("retention", "clear", "--default", target)
        conf = self.s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        self.assertNotIn("Rule", conf)
        p = self.cairn("retention", "set", "--default", "worm", "1d", target, check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.cairn("retention", "set", "--default", "governance", "0d", target, check=False)
        self.assertNotEqual(p.returncode, 0)
        # A bucket without lock says so.
        plain = self.make_bucket("clinolock")
        (line,) = self.json_lines(self.cairn("--json", "retention", "info", f"local/{plain}"))
        self.assertEqual(line["enabled"], "")

    def test_object_retention_and_rm_bypass(self):
        bucket = self.locked()
        v = self.s3.put_object(Bucket=bucket, Key="doc", Body=b"d")["VersionId"]
        target = f"local/{bucket}/doc"
        p = self.cairn("retention", "set", "governance", "1d", target)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Object retention successfully set for `{target}`.")
        r = self.s3.get_object_retention(Bucket=bucket, Key="doc", VersionId=v)["Retention"]
        self.assertEqual(r["Mode"], "GOVERNANCE")
        left = r["RetainUntilDate"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertGreater(left, datetime.timedelta(hours=23))
        (line,) = self.json_lines(self.cairn("--json", "retention", "info", target))
        self.assertEqual(line["mode"], "GOVERNANCE")
        # The version cannot go without --bypass; with it, it does.
        p = self.cairn("rm", "--version-id", v, target, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.s3.head_object(Bucket=bucket, Key="doc", VersionId=v)
        self.cairn("rm", "--bypass", "--version-id", v, target)
        err = self.client_error(self.s3.head_object, Bucket=bucket, Key="doc", VersionId=v)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        # clear needs --bypass on GOVERNANCE; COMPLIANCE cannot be cleared.
        v = self.s3.put_object(Bucket=bucket, Key="doc2", Body=b"d")["VersionId"]
        target = f"local/{bucket}/doc2"
        self.cairn("retention", "set", "--version-id", v, "governance", "1d", target)
        p = self.cairn("retention", "clear", target, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.cairn("retention", "clear", "--bypass", target)
        err = self.client_error(self.s3.get_object_retention, Bucket=bucket, Key="doc2")
        self.assertEqual(err.response["Error"]["Code"], "NoSuchObjectLockConfiguration")
        self.cairn("retention", "set", "compliance", "1d", target)
        p = self.cairn("retention", "clear", "--bypass", target, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.s3.get_object_retention(Bucket=bucket, Key="doc2")["Retention"]
                         ["Mode"], "COMPLIANCE")

    def test_legalhold(self):
        bucket = self.locked()
        v = self.s3.put_object(Bucket=bucket, Key="a", Body=b"a")["VersionId"]
        target = f"local/{bucket}/a"
        p = self.cairn("legalhold", "set", target)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Object legal hold successfully set for `{target}`.")
        self.assertEqual(self.s3.get_object_legal_hold(Bucket=bucket, Key="a")["LegalHold"]
                         ["Status"], "ON")
        (line,) = self.json_lines(self.cairn("--json", "legalhold", "info", target))
        self.assertEqual(line["legalhold"], "ON")
        p = self.cairn("rm", "--bypass", "--version-id", v, target, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.cairn("legalhold", "clear", "--version-id", v, target)
        self.assertEqual(self.s3.get_object_legal_hold(Bucket=bucket, Key="a", VersionId=v)[
            "LegalHold"]["Status"], "OFF")
        self.cairn("rm", "--version-id", v, target)
        p = self.cairn("legalhold", "set", f"local/{bucket}", check=False)
        self.assertNotEqual(p.returncode, 0)
