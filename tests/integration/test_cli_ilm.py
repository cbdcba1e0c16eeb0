"""The `cairn ilm rule add|ls|rm|export|import` commands (issue 13), mc's syntax and output, run
as the real binary against a real server. Every effect is checked with boto3's
GetBucketLifecycleConfiguration, never with cairn itself."""

from __future__ import annotations

import json
import unittest

from test_cli import CliTestCase


class CliIlmTest(CliTestCase):
    def rules(self, bucket):
        return self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]

    def test_add_list_remove(self):
        bucket = self.make_bucket("ilm")
        target = f"local/{bucket}"
        p = self.cairn("ilm", "rule", "add", "--id", "temp-30d", "--expire-days", "30",
                       "--prefix", "temp/", target)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Lifecycle configuration rule added with ID `temp-30d` to {target}.")
        (rule,) = self.rules(bucket)
        self.assertEqual(rule["ID"], "temp-30d")
        self.assertEqual(rule["Status"], "Enabled")
        self.assertEqual(rule["Filter"], {"Prefix": "temp/"})
        self.assertEqual(rule["Expiration"], {"Days": 30})

        p = self.cairn("--json", "ilm", "rule", "add", "--noncurrent-expire-days", "7",
                       "--noncurrent-expire-newer", "2", "--tags", "class=scratch&team=a",
                       "--size-gt", "100", target)
        (line,) = self.json_lines(p)
        generated = line["ilmID"]
        self.assertEqual(len(generated), 20)
        rules = {r["ID"]: r for r in self.rules(bucket)}
        self.assertEqual(set(rules), {"temp-30d", generated})
        second = rules[generated]
        self.assertEqual(second["NoncurrentVersionExpiration"],
                         {"NoncurrentDays": 7, "NewerNoncurrentVersions": 2})
        self.assertEqual(second["Filter"]["And"]["ObjectSizeGreaterThan"], 100)
        self.assertEqual(sorted(t["Key"] for t in second["Filter"]["And"]["Tags"]),
                         ["class", "team"])

        p = self.cairn("ilm", "rule", "ls", target)
        lines = p.stdout.decode().rstrip("\n").split("\n")
        self.assertEqual(lines[0].split(), ["ID", "STATUS", "PREFIX", "TAGS", "EXPIRY",
                                            "NONCURRENT", "ABORT-MPU"])
        self.assertEqual(lines[1].split(), ["temp-30d", "Enabled", "temp/", "-", "30d", "-", "-"])
        self.assertEqual(lines[2].split(), [generated, "Enabled", "-", "class=scratch&team=a",
                                            "-", "7d", "keep", "2", "-"])

        # The same ID twice is refused, and nothing changes.
        p = self.cairn("ilm", "rule", "add", "--id", "temp-30d", "--expire-days", "1", target,
                       check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("exists", p.stderr.decode())
        self.assertEqual(len(self.rules(bucket)), 2)

        p = self.cairn("ilm", "rule", "rm", "--id", "temp-30d", target)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Rule ID `temp-30d` from target {target} removed.")
        self.assertEqual([r["ID"] for r in self.rules(bucket)], [generated])
        p = self.cairn("ilm", "rule", "rm", "--id", "nope", target, check=False)
        self.assertNotEqual(p.returncode, 0)

        # Removing the last rule removes the configuration.
        p = self.cairn("ilm", "rule", "rm", "--all", target, check=False)
        self.assertNotEqual(p.returncode, 0, "--all without --force must be refused")
        self.cairn("ilm", "rule", "rm", "--all", "--force", target)
        err = self.client_error(self.s3.get_bucket_lifecycle_configuration, Bucket=bucket)
        self.assertS3Error(err, "NoSuchLifecycleConfiguration", 404)
        p = self.cairn("ilm", "rule", "ls", target, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("does not exist", p.stderr.decode())

    def test_export_import_round_trip(self):
        source = self.make_bucket("ilmsrc")
        self.s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
        self.cairn("ilm", "rule", "add", "--id", "dm", "--expire-delete-marker", f"local/{source}")
        self.cairn("ilm", "rule", "add", "--id", "d", "--expire-date", "2030-01-01",
                   "--prefix", "old/", f"local/{source}")
        p = self.cairn("ilm", "rule", "export", f"local/{source}")
        exported = json.loads(p.stdout)
        self.assertEqual([r["ID"] for r in exported["Rules"]], ["dm", "d"])

        target = self.make_bucket("ilmdst")
        p = self.cairn("ilm", "rule", "import", f"local/{target}", input=p.stdout)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Lifecycle configuration imported successfully to `local/{target}`.")
        self.assertEqual(self.rules(target), self.rules(source))
        dated = {r["ID"]: r for r in self.rules(target)}["d"]
        self.assertEqual(dated["Expiration"]["Date"].isoformat()[:10], "2030-01-01")

        p = self.cairn("ilm", "rule", "import", f"local/{target}", input=b"not json",
                       check=False)
        self.assertNotEqual(p.returncode, 0)
        # A transition rule is refused by the server (NotImplemented), not stored.
        bad = {"Rules": [{"ID": "t", "Status": "Enabled", "Filter": {"Prefix": ""},
                          "Transition": {"Days": 1, "StorageClass": "GLACIER"}}]}
        p = self.cairn("ilm", "rule", "import", f"local/{target}",
                       input=json.dumps(bad).encode(), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.rules(target), self.rules(source))

    def test_bad_flags(self):
        bucket = self.make_bucket("ilmbad")
        for args in (["--prefix", "x/"], ["--expire-days", "1", "--expire-date", "2030-01-01"],
                     ["--expire-delete-marker", "--expire-days", "3"],
                     ["--noncurrent-expire-newer", "2"]):
            p = self.cairn("ilm", "rule", "add", *args, f"local/{bucket}", check=False)
            self.assertNotEqual(p.returncode, 0, args)
        err = self.client_error(self.s3.get_bucket_lifecycle_configuration, Bucket=bucket)
        self.assertS3Error(err, "NoSuchLifecycleConfiguration", 404)


if __name__ == "__main__":
    unittest.main()
