"""The AWS CLI (`aws s3` and `aws s3api`) against Cairn, unchanged."""

import filecmp
import json
import os
import shutil
import tempfile
import unittest

from harness import CairnTestCase, md5_hex, unique_bucket


class AwsCliTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = tempfile.mkdtemp(prefix="cairn-cli-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)
        super().tearDownClass()

    def aws(self, *args, timeout=60):
        rc, out, err = self.server.aws(*args, timeout=timeout)
        return rc, out, err

    def aws_ok(self, *args, timeout=60):
        rc, out, err = self.aws(*args, timeout=timeout)
        self.assertEqual(rc, 0, f"aws {' '.join(args)} failed rc={rc}\nstdout:{out}\nstderr:{err}")
        return out

    def write_file(self, name, data):
        path = os.path.join(self.work, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def cli_bucket(self):
        name = unique_bucket("cli")
        out = self.aws_ok("s3", "mb", f"s3://{name}")
        self.assertIn(f"make_bucket: {name}", out)
        return name

    def test_mb_ls_rb(self):
        name = self.cli_bucket()
        self.s3.head_bucket(Bucket=name)
        out = self.aws_ok("s3", "ls")
        self.assertIn(name, out)
        rc, out, err = self.aws("s3", "mb", f"s3://{name}")
        self.assertNotEqual(rc, 0)
        self.assertIn("BucketAlreadyOwnedByYou", out + err)

    def test_cp_round_trip(self):
        name = self.cli_bucket()
        for size in (0, 1, 100 * 1024, 3 * 1024 * 1024):
            with self.subTest(size=size):
                data = os.urandom(size)
                src = self.write_file(f"cp-{size}.bin", data)
                out = self.aws_ok("s3", "cp", src, f"s3://{name}/files/cp-{size}.bin")
                self.assertIn("upload:", out)
                got = self.s3.get_object(Bucket=name, Key=f"files/cp-{size}.bin")
                self.assertEqual(got["Body"].read(), data)
                self.assertEqual(got["ETag"], f'"{md5_hex(data)}"')
                dst = os.path.join(self.work, f"down-{size}.bin")
                out = self.aws_ok("s3", "cp", f"s3://{name}/files/cp-{size}.bin", dst)
                self.assertIn("download:", out)
                with open(dst, "rb") as f:
                    self.assertEqual(f.read(), data)

    def test_cp_with_content_type_and_metadata(self):
        name = self.cli_bucket()
        src = self.write_file("page.html", b"<html></html>")
        self.aws_ok(
            "s3", "cp", src, f"s3://{name}/page.html",
            "--content-type", "text/html", "--metadata", "author=cairn,team=storage",
        )
        head = self.s3.head_object(Bucket=name, Key="page.html")
        self.assertEqual(head["ContentType"], "text/html")
        self.assertEqual(head["Metadata"], {"author": "cairn", "team": "storage"})

    def test_ls_and_rm(self):
        name = self.cli_bucket()
        self.s3.put_object(Bucket=name, Key="dir/a.txt", Body=b"aaaa")
        self.s3.put_object(Bucket=name, Key="dir/sub/b.txt", Body=b"bb")
        self.s3.put_object(Bucket=name, Key="top.txt", Body=b"t")
        out = self.aws_ok("s3", "ls", f"s3://{name}/")
        self.assertIn("PRE dir/", out)
        self.assertIn("top.txt", out)
        self.assertNotIn("a.txt", out)
        out = self.aws_ok("s3", "ls", f"s3://{name}/", "--recursive")
        lines = [l.split() for l in out.splitlines() if l.strip()]
        listed = {parts[-1]: int(parts[-2]) for parts in lines}
        self.assertEqual(listed, {"dir/a.txt": 4, "dir/sub/b.txt": 2, "top.txt": 1})
        out = self.aws_ok("s3", "rm", f"s3://{name}/top.txt")
        self.assertIn("delete: s3://", out)
        out = self.aws_ok("s3", "rm", f"s3://{name}/dir/", "--recursive")
        resp = self.s3.list_objects_v2(Bucket=name)
        self.assertEqual(resp["KeyCount"], 0)

    def test_sync_folder_both_ways(self):
        name = self.cli_bucket()
        local = os.path.join(self.work, "sync-src")
        files = {
            "a.txt": b"alpha",
            "nested/b.bin": os.urandom(50000),
            "nested/deeper/c.txt": b"gamma",
            "with space.txt": b"space",
            "ünï.txt": b"unicode",
        }
        for rel, data in files.items():
            p = os.path.join(local, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
        self.aws_ok("s3", "sync", local, f"s3://{name}/backup/")
        resp = self.s3.list_objects_v2(Bucket=name, Prefix="backup/")
        self.assertEqual(
            sorted(o["Key"] for o in resp["Contents"]), sorted("backup/" + k for k in files)
        )
        # second sync uploads nothing
        out = self.aws_ok("s3", "sync", local, f"s3://{name}/backup/")
        self.assertNotIn("upload:", out)
        back = os.path.join(self.work, "sync-back")
        self.aws_ok("s3", "sync", f"s3://{name}/backup/", back)
        cmp = filecmp.dircmp(local, back)
        self.assertEqual(cmp.left_only + cmp.right_only + cmp.diff_files, [])
        for rel, data in files.items():
            with open(os.path.join(back, rel), "rb") as f:
                self.assertEqual(f.read(), data)
        # --delete removes remote files missing locally
        os.remove(os.path.join(local, "a.txt"))
        out = self.aws_ok("s3", "sync", local, f"s3://{name}/backup/", "--delete")
        self.assertIn("delete:", out)
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=name, Prefix="backup/")["Contents"]]
        self.assertNotIn("backup/a.txt", keys)

    def test_s3api_object_commands(self):
        name = self.cli_bucket()
        data = b"s3api body " * 100
        src = self.write_file("s3api.bin", data)
        out = json.loads(
            self.aws_ok(
                "s3api", "put-object", "--bucket", name, "--key", "api/one", "--body", src,
                "--content-type", "application/x-api", "--metadata", "k=v", "--output", "json",
            )
        )
        self.assertEqual(out["ETag"], f'"{md5_hex(data)}"')
        head = json.loads(
            self.aws_ok("s3api", "head-object", "--bucket", name, "--key", "api/one",
                        "--output", "json")
        )
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ContentType"], "application/x-api")
        self.assertEqual(head["Metadata"], {"k": "v"})
        dst = os.path.join(self.work, "s3api-out.bin")
        out = json.loads(
            self.aws_ok("s3api", "get-object", "--bucket", name, "--key", "api/one", dst,
                        "--output", "json")
        )
        self.assertEqual(out["ContentLength"], len(data))
        with open(dst, "rb") as f:
            self.assertEqual(f.read(), data)
        out = json.loads(
            self.aws_ok(
                "s3api", "copy-object", "--bucket", name, "--key", "api/two",
                "--copy-source", f"{name}/api/one", "--output", "json",
            )
        )
        self.assertEqual(out["CopyObjectResult"]["ETag"], f'"{md5_hex(data)}"')
        listing = json.loads(
            # --no-paginate: the CLI's auto-pagination drops KeyCount from its merged output
            self.aws_ok("s3api", "list-objects-v2", "--bucket", name, "--prefix", "api/",
                        "--no-paginate", "--output", "json")
        )
        self.assertEqual([o["Key"] for o in listing["Contents"]], ["api/one", "api/two"])
        self.assertEqual(listing["KeyCount"], 2)
        out = json.loads(
            self.aws_ok(
                "s3api", "delete-objects", "--bucket", name, "--delete",
                json.dumps({"Objects": [{"Key": "api/one"}, {"Key": "api/two"},
                                        {"Key": "api/missing"}]}),
                "--output", "json",
            )
        )
        self.assertEqual(
            sorted(d["Key"] for d in out["Deleted"]), ["api/missing", "api/one", "api/two"]
        )
        rc, out, err = self.aws("s3api", "head-object", "--bucket", name, "--key", "api/one")
        self.assertNotEqual(rc, 0)
        self.assertIn("404", out + err)

    def test_s3api_get_missing_key_error(self):
        name = self.cli_bucket()
        rc, out, err = self.aws(
            "s3api", "get-object", "--bucket", name, "--key", "nope",
            os.path.join(self.work, "nope"),
        )
        self.assertNotEqual(rc, 0)
        self.assertIn("NoSuchKey", err)

    def test_rb_force(self):
        name = self.cli_bucket()
        for i in range(5):
            self.s3.put_object(Bucket=name, Key=f"x/{i}", Body=b"x")
        rc, out, err = self.aws("s3", "rb", f"s3://{name}")
        self.assertNotEqual(rc, 0)
        self.assertIn("BucketNotEmpty", out + err)
        out = self.aws_ok("s3", "rb", f"s3://{name}", "--force")
        self.assertIn(f"remove_bucket: {name}", out)
        err = self.client_error(self.s3.head_bucket, Bucket=name)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)


class AwsCliMultipartTest(CairnTestCase):
    """Files over the CLI's 8 MiB threshold go through multipart upload."""

    def test_multipart_cp_20mib(self):
        name = unique_bucket("climp")
        self.s3.create_bucket(Bucket=name)
        work = tempfile.mkdtemp(prefix="cairn-cli-mp-")
        try:
            data = os.urandom(20 * 1024 * 1024)
            src = os.path.join(work, "big.bin")
            with open(src, "wb") as f:
                f.write(data)
            rc, out, err = self.server.aws("s3", "cp", src, f"s3://{name}/big.bin", timeout=120)
            self.assertEqual(rc, 0, f"stdout:{out}\nstderr:{err}")
            head = self.s3.head_object(Bucket=name, Key="big.bin")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])  # 8+8+4 MiB parts
            dst = os.path.join(work, "big.out")
            rc, out, err = self.server.aws("s3", "cp", f"s3://{name}/big.bin", dst, timeout=120)
            self.assertEqual(rc, 0, f"stdout:{out}\nstderr:{err}")
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), data)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
