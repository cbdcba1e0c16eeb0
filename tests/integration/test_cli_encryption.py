"""Encryption from the `cairn` client (issue 14, client part), mc's syntax: `cp`/`mirror`/`pipe`
with --enc-s3, --enc-kms and --enc-c, `cat`/`head`/`stat` with --enc-c, server-side copies out of
and into SSE-C, `stat` showing an object's encryption, and `encrypt set|info|clear`. The server
runs with the built-in KMS (MINIO_KMS_SECRET_KEY) as test_encryption.py starts it; every effect
is checked with boto3 (the algorithm, key id and customer key MD5 the server reports, the bytes),
never with cairn itself."""

from __future__ import annotations

import base64
import hashlib
import json
import unittest

from test_cli import CliTestCase, sha256_file, write_random_file

KEY_NAME = "my-key"
KMS_SECRET = KEY_NAME + ":" + base64.b64encode(b"K" * 32).decode()
CUSTOMER_KEY = bytes(range(32))
OTHER_KEY = b"o" * 32


def raw_b64(key: bytes) -> str:
    """The key as mc takes it: base64 without padding (43 characters)."""
    return base64.b64encode(key).decode().rstrip("=")


def key_md5(key: bytes) -> str:
    return base64.b64encode(hashlib.md5(key).digest()).decode()


def ssec(key: bytes = CUSTOMER_KEY) -> dict:
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


class CliEncryptionTest(CliTestCase):
    SERVER_ENV = {**CliTestCase.SERVER_ENV, "MINIO_KMS_SECRET_KEY": KMS_SECRET}

    def setUp(self):
        self.bucket = self.make_bucket("ecli")
        self.base = f"local/{self.bucket}"

    def assertMode(self, resp, mode, key: bytes = CUSTOMER_KEY):
        if mode == "sse-s3":
            self.assertEqual(resp.get("ServerSideEncryption"), "AES256", resp)
            self.assertNotIn("SSECustomerAlgorithm", resp)
        elif mode == "sse-kms":
            self.assertEqual(resp.get("ServerSideEncryption"), "aws:kms", resp)
            self.assertEqual(resp.get("SSEKMSKeyId"), "arn:aws:kms:" + KEY_NAME, resp)
        elif mode == "sse-c":
            self.assertEqual(resp.get("SSECustomerAlgorithm"), "AES256", resp)
            self.assertEqual(resp.get("SSECustomerKeyMD5"), key_md5(key), resp)
            self.assertNotIn("ServerSideEncryption", resp)
        else:
            self.assertNotIn("ServerSideEncryption", resp)
            self.assertNotIn("SSECustomerAlgorithm", resp)

    def head(self, key, mode=None, customer_key=CUSTOMER_KEY):
        extra = ssec(customer_key) if mode == "sse-c" else {}
        return self.s3.head_object(Bucket=self.bucket, Key=key, **extra)

    def body(self, key, customer_key=None) -> bytes:
        extra = ssec(customer_key) if customer_key else {}
        return self.s3.get_object(Bucket=self.bucket, Key=key, **extra)["Body"].read()

    def flag(self, mode, prefix, key: bytes = CUSTOMER_KEY) -> list[str]:
        path = f"{self.base}/{prefix}"
        if mode == "sse-s3":
            return ["--enc-s3", path]
        if mode == "sse-kms":
            return ["--enc-kms", f"{path}={KEY_NAME}"]
        return ["--enc-c", f"{path}={raw_b64(key)}"]

    # -- cp up and back down ----------------------------------------------------------------

    def test_cp_each_mode_up_and_back_down(self):
        d = self.tmpdir()
        # 1 byte, a few packages, and 20 MiB (multipart at the client's 16 MiB part size).
        for size in (1, 200_000, 20 << 20):
            src = d / f"in-{size}.bin"
            digest = write_random_file(src, size, seed=size)
            for mode in ("sse-s3", "sse-kms", "sse-c"):
                with self.subTest(mode=mode, size=size):
                    key = f"{mode}/in-{size}.bin"
                    flag = self.flag(mode, f"{mode}/")
                    self.cairn("cp", *flag, str(src), f"{self.base}/{mode}/")
                    head = self.head(key, mode)
                    self.assertMode(head, mode)
                    self.assertEqual(head["ContentLength"], size)
                    if size > (16 << 20):
                        self.assertTrue(head["ETag"].strip('"').endswith("-2"), head["ETag"])
                    got = self.body(key, CUSTOMER_KEY if mode == "sse-c" else None)
                    self.assertEqual(hashlib.sha256(got).hexdigest(), digest)
                    out = d / f"out-{mode}-{size}.bin"
                    self.cairn("cp", *flag, f"{self.base}/{key}", str(out))
                    self.assertEqual(sha256_file(out), digest)

    def test_ssec_key_forms_mc_accepts(self):
        self.s3.put_object(Bucket=self.bucket, Key="c/a.txt", Body=b"secret notes",
                           **ssec())
        target = f"{self.base}/c/a.txt"
        forms = {
            "raw base64": raw_b64(CUSTOMER_KEY),
            "padded base64": base64.b64encode(CUSTOMER_KEY).decode(),
            "hex": CUSTOMER_KEY.hex(),
        }
        for name, text in forms.items():
            with self.subTest(form=name):
                p = self.cairn("cat", "--enc-c", f"{self.base}/c/={text}", target)
                self.assertEqual(p.stdout, b"secret notes")

    def test_ssec_read_without_or_with_another_key(self):
        d = self.tmpdir()
        (d / "a.txt").write_bytes(b"meeting recording notes")
        self.cairn("cp", *self.flag("sse-c", "c/"), str(d / "a.txt"), f"{self.base}/c/a.txt")
        self.assertMode(self.head("c/a.txt", "sse-c"), "sse-c")
        # boto3 without the key is refused: the object really is SSE-C.
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="c/a.txt")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)

        target = f"{self.base}/c/a.txt"
        for args in (["cat", target], ["cp", target, str(d / "out.txt")], ["stat", target],
                     ["head", target]):
            with self.subTest(cmd=args[0]):
                p = self.cairn(*args, check=False)
                self.assertOneLineError(p, f"Object `{self.bucket}/c/a.txt` is encrypted "
                                        "with SSE-C", "--enc-c")
        self.assertFalse((d / "out.txt").exists())

        wrong = ["--enc-c", f"{self.base}/c/={raw_b64(OTHER_KEY)}"]
        for args in (["cat", *wrong, target], ["stat", *wrong, target]):
            with self.subTest(cmd=args[0], key="wrong"):
                p = self.cairn(*args, check=False)
                self.assertOneLineError(p, "does not match", "AccessDenied")

        p = self.cairn("cat", *self.flag("sse-c", "c/"), target)
        self.assertEqual(p.stdout, b"meeting recording notes")
        p = self.cairn("head", "-n", "1", *self.flag("sse-c", "c/"), target)
        self.assertEqual(p.stdout, b"meeting recording notes")

    # -- server-side copies -----------------------------------------------------------------

    def test_server_side_copy_between_ssec_and_sse_s3(self):
        data = b"student notes " * 1000
        self.s3.put_object(Bucket=self.bucket, Key="c/src.txt", Body=data, **ssec())
        # SSE-C source -> SSE-S3 target: the copy-source customer key, and AES256 for the target.
        self.cairn("cp", *self.flag("sse-c", "c/"), *self.flag("sse-s3", "s3/"),
                   f"{self.base}/c/src.txt", f"{self.base}/s3/copy.txt")
        self.assertMode(self.head("s3/copy.txt"), "sse-s3")
        self.assertEqual(self.body("s3/copy.txt"), data)
        # SSE-S3 source -> SSE-C target under another key.
        self.cairn("cp", *self.flag("sse-s3", "s3/"), *self.flag("sse-c", "c2/", OTHER_KEY),
                   f"{self.base}/s3/copy.txt", f"{self.base}/c2/back.txt")
        self.assertMode(self.head("c2/back.txt", "sse-c", OTHER_KEY), "sse-c", OTHER_KEY)
        self.assertEqual(self.body("c2/back.txt", OTHER_KEY), data)
        # Without the source's key the copy is refused and writes nothing.
        p = self.cairn("cp", *self.flag("sse-s3", "s3/"), f"{self.base}/c/src.txt",
                       f"{self.base}/s3/nokey.txt", check=False)
        self.assertOneLineError(p, "--enc-c")
        self.assertS3Error(self.client_error(self.s3.head_object, Bucket=self.bucket,
                                             Key="s3/nokey.txt"), "404", 404)

    def test_copy_between_two_aliases_through_the_client(self):
        # A second alias of the same server: the copy goes through a local file, read with the
        # source's key and written with the target's rule.
        self.cairn("alias", "set", "second", self.url, "minioadmin", "minioadmin123")
        data = b"lecture recording " * 5000
        self.s3.put_object(Bucket=self.bucket, Key="c/rec.bin", Body=data, **ssec())
        self.cairn("cp", "--enc-c", f"{self.base}/c/={raw_b64(CUSTOMER_KEY)}",
                   "--enc-kms", f"second/{self.bucket}/k/={KEY_NAME}",
                   f"{self.base}/c/rec.bin", f"second/{self.bucket}/k/rec.bin")
        self.assertMode(self.head("k/rec.bin"), "sse-kms")
        self.assertEqual(self.body("k/rec.bin"), data)
        # The rule names an alias: the same bucket under the other alias is not covered.
        self.cairn("cp", "--enc-s3", f"{self.base}/k/", f"second/{self.bucket}/k/rec.bin",
                   f"{self.base}/k/rec2.bin")
        self.assertMode(self.head("k/rec2.bin"), "sse-s3")
        p = self.cairn("cp", "--enc-s3", f"second/{self.bucket}/x/", f"{self.base}/k/rec.bin",
                       f"{self.base}/x/rec3.bin", check=False)
        self.assertOneLineError(p, "SSE prefixes do not match any object paths.")

    def test_rm_of_an_ssec_object_needs_no_key(self):
        self.s3.put_object(Bucket=self.bucket, Key="c/gone.txt", Body=b"x", **ssec())
        self.cairn("rm", f"{self.base}/c/gone.txt")
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="c/gone.txt",
                                **ssec())
        self.assertS3Error(err, "404", 404)
        p = self.cairn("rm", f"{self.base}/c/gone.txt", check=False)
        self.assertOneLineError(p, "NoSuchKey")

    def test_multipart_server_side_copy_from_ssec(self):
        d = self.tmpdir()
        digest = write_random_file(d / "big.bin", 12 << 20, seed=3)
        self.cairn("cp", *self.flag("sse-c", "c/"), str(d / "big.bin"), f"{self.base}/c/big.bin")
        # Force UploadPartCopy: every part carries both customer keys.
        env = {"CAIRN_CLI_COPY_THRESHOLD": "5MiB", "CAIRN_CLI_COPY_PART_SIZE": "5MiB"}
        for mode, prefix, key in (("sse-c", "c2/", OTHER_KEY), ("sse-kms", "k/", None)):
            with self.subTest(mode=mode):
                self.cairn("cp", *self.flag("sse-c", "c/"), *self.flag(mode, prefix, OTHER_KEY),
                           f"{self.base}/c/big.bin", f"{self.base}/{prefix}big.bin", env=env)
                head = self.head(f"{prefix}big.bin", mode, OTHER_KEY)
                self.assertMode(head, mode, OTHER_KEY)
                self.assertTrue(head["ETag"].strip('"').endswith("-3"), head["ETag"])
                got = self.body(f"{prefix}big.bin", key)
                self.assertEqual(hashlib.sha256(got).hexdigest(), digest)

    # -- prefixes, other commands -------------------------------------------------------------

    def test_longest_prefix_decides_in_a_recursive_copy(self):
        d = self.tmpdir()
        (d / "site" / "secret" / "kms").mkdir(parents=True)
        (d / "site" / "index.html").write_bytes(b"index")
        (d / "site" / "secret" / "a.txt").write_bytes(b"secret a")
        (d / "site" / "secret" / "kms" / "b.txt").write_bytes(b"kms b")
        self.cairn("cp", "-r", "--enc-s3", f"{self.base}/site/",
                   "--enc-c", f"{self.base}/site/secret/={raw_b64(CUSTOMER_KEY)},"
                   f"{self.base}/site/secret/kms/x={raw_b64(OTHER_KEY)}",
                   "--enc-kms", f"{self.base}/site/secret/kms/={KEY_NAME}",
                   str(d / "site"), f"{self.base}/")
        self.assertMode(self.head("site/index.html"), "sse-s3")
        self.assertMode(self.head("site/secret/a.txt", "sse-c"), "sse-c")
        self.assertMode(self.head("site/secret/kms/b.txt"), "sse-kms")
        self.assertEqual(self.body("site/secret/a.txt", CUSTOMER_KEY), b"secret a")

    def test_mirror_pipe_with_encryption(self):
        d = self.tmpdir()
        (d / "docs").mkdir()
        (d / "docs" / "one.txt").write_bytes(b"one")
        (d / "docs" / "two.txt").write_bytes(b"two")
        self.cairn("mirror", *self.flag("sse-kms", "m/"), str(d / "docs"), f"{self.base}/m")
        for name in ("one.txt", "two.txt"):
            self.assertMode(self.head(f"m/{name}"), "sse-kms")
        self.cairn("mirror", *self.flag("sse-c", "mc/"), str(d / "docs"), f"{self.base}/mc")
        self.assertEqual(self.body("mc/two.txt", CUSTOMER_KEY), b"two")
        # And back down: the SSE-C objects need the key.
        out = d / "back"
        self.cairn("mirror", *self.flag("sse-c", "mc/"), f"{self.base}/mc", str(out))
        self.assertEqual((out / "one.txt").read_bytes(), b"one")

        self.cairn("pipe", *self.flag("sse-s3", "p/"), f"{self.base}/p/s.txt", input=b"piped s3")
        self.assertMode(self.head("p/s.txt"), "sse-s3")
        self.cairn("pipe", *self.flag("sse-c", "p/c/"), f"{self.base}/p/c/x.txt",
                   input=b"piped c")
        self.assertMode(self.head("p/c/x.txt", "sse-c"), "sse-c")
        self.assertEqual(self.body("p/c/x.txt", CUSTOMER_KEY), b"piped c")

    # -- stat -----------------------------------------------------------------------------------

    def test_stat_shows_encryption(self):
        self.s3.put_object(Bucket=self.bucket, Key="plain", Body=b"x")
        self.s3.put_object(Bucket=self.bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256")
        self.s3.put_object(Bucket=self.bucket, Key="kms", Body=b"x",
                           ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY_NAME)
        self.s3.put_object(Bucket=self.bucket, Key="c/obj", Body=b"x", **ssec())
        cflag = ["--enc-c", f"{self.base}/c/={raw_b64(CUSTOMER_KEY)}"]
        cases = [
            ("plain", [], None, None),
            ("s3", [], "Encryption: SSE-S3", {"algorithm": "SSE-S3"}),
            ("kms", [], f"Encryption: SSE-KMS (arn:aws:kms:{KEY_NAME})",
             {"algorithm": "SSE-KMS", "keyId": f"arn:aws:kms:{KEY_NAME}"}),
            ("c/obj", cflag, "Encryption: SSE-C",
             {"algorithm": "SSE-C", "customerKeyMD5": key_md5(CUSTOMER_KEY)}),
        ]
        for key, flags, line, js in cases:
            with self.subTest(key=key):
                text = self.cairn("stat", *flags, f"{self.base}/{key}").stdout.decode()
                lines = text.splitlines()
                self.assertIn(f"Name      : {key}", lines)
                if line is None:
                    self.assertNotIn("Encryption", text)
                else:
                    self.assertIn(line, lines)
                (obj,) = self.json_lines(self.cairn("--json", "stat", *flags,
                                                    f"{self.base}/{key}"))
                self.assertEqual(obj["name"], key)
                self.assertEqual(obj.get("encryption"), js)

    # -- encrypt set|info|clear -----------------------------------------------------------------

    def bucket_default(self):
        conf = self.s3.get_bucket_encryption(Bucket=self.bucket)
        rule = conf["ServerSideEncryptionConfiguration"]["Rules"][0]
        return rule["ApplyServerSideEncryptionByDefault"]

    def test_encrypt_set_info_clear(self):
        p = self.cairn("encrypt", "info", self.base)
        self.assertEqual(p.stdout.decode().strip(), f"Auto encryption is not enabled for {self.base}")
        (obj,) = self.json_lines(self.cairn("--json", "encrypt", "info", self.base))
        self.assertEqual(obj, {"op": "info", "status": "success", "url": self.base,
                               "encryption": {}})

        p = self.cairn("encrypt", "set", "sse-s3", self.base)
        self.assertEqual(p.stdout.decode().strip(),
                         f"Auto encryption configuration has been set successfully for {self.base}")
        self.assertEqual(self.bucket_default()["SSEAlgorithm"], "AES256")
        self.assertNotIn("KMSMasterKeyID", self.bucket_default())
        p = self.cairn("encrypt", "info", self.base)
        self.assertEqual(p.stdout.decode().rstrip("\n").split("\n"),
                         ["Auto encryption configuration:", "\tAlgorithm: AES256"])
        # The default applies to a plain cp.
        self.cairn("pipe", f"{self.base}/default.txt", input=b"d")
        self.assertMode(self.head("default.txt"), "sse-s3")

        (obj,) = self.json_lines(self.cairn("--json", "encrypt", "set", "SSE-KMS", KEY_NAME,
                                            self.base))
        self.assertEqual(obj, {"op": "set", "status": "success", "url": self.base,
                               "encryption": {"algorithm": "sse-kms", "keyId": KEY_NAME}})
        got = self.bucket_default()
        self.assertEqual(got["SSEAlgorithm"], "aws:kms")
        self.assertIn(KEY_NAME, got["KMSMasterKeyID"])
        p = self.cairn("encrypt", "info", self.base)
        self.assertEqual(p.stdout.decode().rstrip("\n").split("\n"),
                         ["Auto encryption configuration:", "\tAlgorithm: AWS:KMS",
                          f"\tKey ID   : {got['KMSMasterKeyID']}"])
        (obj,) = self.json_lines(self.cairn("--json", "encrypt", "info", self.base))
        self.assertEqual(obj["encryption"], {"algorithm": "aws:kms",
                                             "keyId": got["KMSMasterKeyID"]})
        # A bucket's stat shows its default, as mc's does.
        lines = self.cairn("stat", self.base).stdout.decode().splitlines()
        self.assertIn(f"Encryption: aws:kms ({got['KMSMasterKeyID']})", lines)
        (obj,) = self.json_lines(self.cairn("--json", "stat", self.base))
        self.assertEqual(obj["encryption"], {"algorithm": "aws:kms",
                                             "keyId": got["KMSMasterKeyID"]})

        # sse-kms without a key id: the KMS's default key, as mc allows.
        self.cairn("encrypt", "set", "sse-kms", self.base)
        self.assertEqual(self.bucket_default()["SSEAlgorithm"], "aws:kms")

        p = self.cairn("encrypt", "clear", self.base)
        self.assertEqual(
            p.stdout.decode().strip(),
            f"Auto encryption configuration has been cleared successfully for {self.base}")
        err = self.client_error(self.s3.get_bucket_encryption, Bucket=self.bucket)
        self.assertS3Error(err, "ServerSideEncryptionConfigurationNotFoundError", 404)
        (obj,) = self.json_lines(self.cairn("--json", "encrypt", "clear", self.base))
        self.assertEqual(obj, {"op": "clear", "status": "success", "url": self.base})
        p = self.cairn("encrypt", "info", self.base)
        self.assertIn("not enabled", p.stdout.decode())
        self.assertNotIn("Encryption", self.cairn("stat", self.base).stdout.decode())

    def test_encrypt_errors(self):
        for args, fragment in (
            (["set", "sse-x", self.base], "unknown argument `sse-x`"),
            (["set", "sse-s3", "k", self.base], "sse-s3 takes no key id"),
            (["set", "sse-s3"], "usage"),
            (["info", "local"], "name a bucket"),
            (["set", "sse-kms", "other-key", self.base], "Unable to enable auto encryption"),
        ):
            with self.subTest(args=args):
                p = self.cairn("encrypt", *args, check=False)
                self.assertOneLineError(p, fragment)
        err = self.client_error(self.s3.get_bucket_encryption, Bucket=self.bucket)
        self.assertS3Error(err, "ServerSideEncryptionConfigurationNotFoundError", 404)
        p = self.cairn("encrypt", "info", "local/no-such-bucket-ecli", check=False)
        self.assertOneLineError(p, "NoSuchBucket")
        p = self.cairn("encrypt", "--help")
        for word in ("set", "info", "clear"):
            self.assertIn(word, p.stdout.decode())
        self.assertIn("encrypt", self.cairn("--help").stdout.decode())

    # -- malformed flags ---------------------------------------------------------------------

    def test_malformed_flags_are_refused_before_any_request(self):
        d = self.tmpdir()
        (d / "a.txt").write_bytes(b"a")
        dst = f"{self.base}/x/a.txt"
        b = self.base
        cases = [
            (["--enc-c", f"{b}/x/=c2hvcnQ"], "should be 32 bytes"),
            (["--enc-c", f"{b}/x/=" + "z" * 64], "neither base64 raw encoded nor hex encoded"),
            (["--enc-c", f"{b}/x/"], "SSE key is missing"),
            (["--enc-kms", f"{b}/x/"], "SSE key is missing"),
            (["--enc-kms", f"{b}/x/=arn:aws:kms:{KEY_NAME}"], "badly formatted"),
            (["--enc-s3", f"{b}/x/", "--enc-kms", f"{b}/x/={KEY_NAME}"], "overlaps with"),
            # mc's checks of the path: a prefix outside every argument, an unknown alias.
            (["--enc-s3", f"{b}/elsewhere/"], "SSE prefixes do not match any object paths."),
            (["--enc-s3", "nosuchalias/bucket/"], "SSE prefixes do not match any object paths."),
        ]
        for flags, fragment in cases:
            with self.subTest(flags=flags):
                p = self.cairn("cp", *flags, str(d / "a.txt"), dst, check=False)
                self.assertOneLineError(p, fragment)
        p = self.cairn("cp", "--enc-s3", "nosuchalias/bucket/", str(d / "a.txt"),
                       "nosuchalias/bucket/a.txt", check=False)
        self.assertOneLineError(p, "SSE prefix nosuchalias/bucket/ has an invalid alias.")
        # Nothing was written by any of them.
        self.assertEqual(self.s3.list_objects_v2(Bucket=self.bucket).get("KeyCount"), 0)
        # The flag is checked before the bucket is: a missing bucket is not what is reported.
        p = self.cairn("cat", "--enc-c", "local/no-such-ecli/=c2hvcnQ", "local/no-such-ecli/a",
                       check=False)
        self.assertOneLineError(p, "should be 32 bytes")
        # With --json the refusal is a JSON error line.
        p = self.cairn("--json", "cp", "--enc-c", f"{b}/x/=c2hvcnQ", str(d / "a.txt"), dst,
                       check=False)
        self.assertNotEqual(p.returncode, 0)
        (obj,) = self.json_lines(p)
        self.assertEqual(obj["status"], "error")
        self.assertIn("should be 32 bytes", obj["error"]["message"])
        # Reads take only --enc-c, as mc's cat/head/stat do.
        p = self.cairn("cat", "--enc-s3", f"{b}/x/", f"{b}/x/a.txt", check=False)
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main()
