"""The `cairn` command-line client (issue 5), driven as a user would: the real binary as the
client (its config in a temporary CAIRN_CONFIG_DIR) against a real server; results checked with
boto3, curl and plain HTTP, never with cairn itself."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import botocore
from botocore import UNSIGNED
from botocore.config import Config

from harness import (REGION, CairnTestCase, base_env, cairn_bin, free_port, missing_prerequisite,
                     raw_request, unique_bucket)

SEED_USER = "minioadmin"
SEED_PASSWORD = "minioadmin123"

SEED_SCRIPT = """\
cairn alias set local http://localhost:9000 minioadmin minioadmin123
cairn mb local/ensure-study-documents
cairn mb local/ensure-study-recordings
cairn mb local/ensure-study-ocr
cairn mb local/ensure-study-mlflow
cairn anonymous set download local/ensure-study-documents/classrooms/*/thumbnails/
"""


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_random_file(path, size: int, seed: int = 1) -> str:
    """Deterministic pseudo-random bytes written in 1 MiB blocks; returns their sha256."""
    h = hashlib.sha256()
    block = hashlib.sha256(str(seed).encode()).digest() * (1 << 15)  # 1 MiB
    with open(path, "wb") as f:
        done, i = 0, 0
        while done < size:
            chunk = (i.to_bytes(8, "big") + block[8:])[: size - done]
            f.write(chunk)
            h.update(chunk)
            done += len(chunk)
            i += 1
    return h.hexdigest()


class CliTestCase(CairnTestCase):
    """One server (seed credentials) per class; `cairn()` runs the client with its own config."""

    SERVER_ENV = {"MINIO_ROOT_USER": SEED_USER, "MINIO_ROOT_PASSWORD": SEED_PASSWORD}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp(prefix="cairn-cli-"))
        cls.config_dir = cls.tmp / "config"
        # `cairn` on PATH, as the seed script calls it.
        cls.bin_dir = cls.tmp / "bin"
        cls.bin_dir.mkdir()
        os.symlink(cairn_bin(), cls.bin_dir / "cairn")
        cls.env = base_env()
        cls.env["CAIRN_CONFIG_DIR"] = str(cls.config_dir)
        cls.env["PATH"] = f"{cls.bin_dir}:{cls.env.get('PATH', '')}"
        cls.url = f"http://localhost:{cls.server.port}"
        subprocess.run(
            [cairn_bin(), "alias", "set", "local", cls.url, SEED_USER, SEED_PASSWORD],
            env=cls.env, check=True, capture_output=True, timeout=30,
        )

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(getattr(cls, "tmp", "/nonexistent"), ignore_errors=True)
        super().tearDownClass()

    def cairn(self, *args, input=None, check=True, env=None, timeout=300, cwd=None):
        run_env = dict(self.env)
        run_env.update(env or {})
        p = subprocess.run(
            [cairn_bin(), *args], env=run_env, input=input, capture_output=True,
            timeout=timeout, cwd=cwd,
        )
        if check and p.returncode != 0:
            self.fail(f"cairn {' '.join(args)} exited {p.returncode}\nstdout: {p.stdout[-2000:]!r}"
                      f"\nstderr: {p.stderr[-2000:]!r}")
        return p

    def json_lines(self, p) -> list[dict]:
        out = []
        for line in p.stdout.decode().splitlines():
            if line.strip():
                out.append(json.loads(line))
        return out

    def assertOneLineError(self, p, *fragments):
        self.assertNotEqual(p.returncode, 0, p)
        err = p.stderr.decode()
        lines = [l for l in err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, f"expected one error line, got {err!r}")
        self.assertTrue(lines[0].startswith("cairn: "), lines[0])
        self.assertNotIn("<", lines[0])  # no XML
        for f in fragments:
            self.assertIn(f, lines[0])
        return lines[0]

    def tmpdir(self) -> Path:
        d = Path(tempfile.mkdtemp(dir=self.tmp))
        return d

    def anonymous_s3(self):
        return boto3.session.Session().client(
            "s3", endpoint_url=self.server.endpoint, region_name=REGION,
            config=Config(signature_version=UNSIGNED, s3={"addressing_style": "path"},
                          retries={"max_attempts": 0}),
        )


class SeedScriptTest(CliTestCase):
    def test_seed_script_verbatim(self):
        # The script word for word; only the port differs, since this server runs on a free one.
        script = SEED_SCRIPT.replace("localhost:9000", f"localhost:{self.server.port}")
        self.assertEqual(script.replace(str(self.server.port), "9000"), SEED_SCRIPT)
        p = subprocess.run(["bash", "-e", "-c", script], env=self.env, capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p)

        names = {b["Name"] for b in self.s3.list_buckets()["Buckets"]}
        for b in ("ensure-study-documents", "ensure-study-recordings", "ensure-study-ocr",
                  "ensure-study-mlflow"):
            self.assertIn(b, names)
        policy = json.loads(self.s3.get_bucket_policy(Bucket="ensure-study-documents")["Policy"])
        resources = [r for st in policy["Statement"] for r in st["Resource"]]
        self.assertIn("arn:aws:s3:::ensure-study-documents/classrooms/*/thumbnails/*", resources)

        bucket = "ensure-study-documents"
        self.s3.put_object(Bucket=bucket, Key="classrooms/c1/thumbnails/x.png", Body=b"png bytes")
        self.s3.put_object(Bucket=bucket, Key="classrooms/c1/materials/x.pdf", Body=b"pdf bytes")
        base = f"{self.server.endpoint}/{bucket}/classrooms/c1"

        # curl
        ok = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", f"{base}/thumbnails/x.png"],
                            capture_output=True, timeout=30)
        body, _, code = ok.stdout.rpartition(b"\n")
        self.assertEqual(code, b"200")
        self.assertEqual(body, b"png bytes")
        denied = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", f"{base}/materials/x.pdf"],
                                capture_output=True, timeout=30)
        body, _, code = denied.stdout.rpartition(b"\n")
        self.assertEqual(code, b"403")
        self.assertIn(b"<Code>AccessDenied</Code>", body)

        # boto3, unsigned
        anon = self.anonymous_s3()
        got = anon.get_object(Bucket=bucket, Key="classrooms/c1/thumbnails/x.png")
        self.assertEqual(got["Body"].read(), b"png bytes")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            anon.get_object(Bucket=bucket, Key="classrooms/c1/materials/x.pdf")
        self.assertS3Error(ctx, "AccessDenied", 403)

        # cairn reads back what it wrote
        p = self.cairn("anonymous", "get", "local/ensure-study-documents/classrooms/*/thumbnails/")
        self.assertIn("`download`", p.stdout.decode())


class CommandsTest(CliTestCase):
    def test_alias_set_list_remove_and_file_mode(self):
        self.cairn("alias", "set", "other", "http://127.0.0.1:1/", "ak", "sk")
        cfg = self.config_dir / "config.json"
        self.assertEqual(os.stat(cfg).st_mode & 0o777, 0o600)
        data = json.loads(cfg.read_text())
        self.assertEqual(data["aliases"]["other"]["url"], "http://127.0.0.1:1")
        listed = self.json_lines(self.cairn("--json", "alias", "list"))
        self.assertIn("other", {x["alias"] for x in listed})
        self.assertNotIn("secretKey", listed[0])
        self.cairn("alias", "remove", "other")
        self.assertNotIn("other", json.loads(cfg.read_text())["aliases"])
        p = self.cairn("alias", "remove", "other", check=False)
        self.assertOneLineError(p, "other")
        p = self.cairn("alias", "set", "x", "not-a-url", check=False)
        self.assertOneLineError(p, "http://")

    def test_host_environment_variable(self):
        bucket = self.make_bucket("cli-env")
        env = {"MC_HOST_envsrv": f"http://{SEED_USER}:{SEED_PASSWORD}@127.0.0.1:{self.server.port}"}
        p = self.cairn("ls", "envsrv", env=env)
        self.assertIn(bucket + "/", p.stdout.decode())
        env = {"CAIRN_HOST_envsrv": f"http://{SEED_USER}:{SEED_PASSWORD}@127.0.0.1:{self.server.port}"}
        self.cairn("ls", f"envsrv/{bucket}", env=env)

    def test_mb_rb(self):
        bucket = unique_bucket("cli-mb")
        self.cairn("mb", f"local/{bucket}")
        self.s3.head_bucket(Bucket=bucket)
        p = self.cairn("mb", f"local/{bucket}", check=False)
        self.assertOneLineError(p, "BucketAlreadyOwnedByYou")
        self.cairn("mb", "-p", f"local/{bucket}")
        self.s3.put_object(Bucket=bucket, Key="a/b", Body=b"x")
        p = self.cairn("rb", f"local/{bucket}", check=False)
        self.assertOneLineError(p, "BucketNotEmpty")
        self.cairn("rb", "--force", f"local/{bucket}")
        with self.assertRaises(botocore.exceptions.ClientError):
            self.s3.head_bucket(Bucket=bucket)

    def test_ls(self):
        bucket = self.make_bucket("cli-ls")
        for key in ("a.txt", "dir/b.txt", "dir/sub/c.txt"):
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"12345")
        out = self.cairn("ls", f"local/{bucket}").stdout.decode().splitlines()
        self.assertEqual(len(out), 2, out)
        self.assertTrue(out[0].endswith(" a.txt") and "5B" in out[0], out)
        self.assertRegex(out[0], r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\]")
        self.assertEqual(out[1].split(), ["PRE", "dir/"])
        out = self.cairn("ls", "-r", f"local/{bucket}").stdout.decode()
        for key in ("a.txt", "dir/b.txt", "dir/sub/c.txt"):
            self.assertIn(key, out)
        rows = self.json_lines(self.cairn("--json", "ls", f"local/{bucket}/dir/"))
        self.assertEqual([(r["type"], r["key"]) for r in rows], [("file", "b.txt"), ("folder", "sub/")])
        self.assertEqual(rows[0]["size"], 5)
        self.assertTrue(all(r["status"] == "success" for r in rows))
        buckets = self.cairn("ls", "local").stdout.decode()
        self.assertIn(bucket + "/", buckets)

    def test_cp_file_object_roundtrip_attr_and_server_side_copy(self):
        bucket = self.make_bucket("cli-cp")
        d = self.tmpdir()
        (d / "hello.txt").write_bytes(b"hello world\n")
        self.cairn("cp", "--attr", "Cache-Control=max-age=60;owner=ana", str(d / "hello.txt"),
                   f"local/{bucket}/docs/")
        head = self.s3.head_object(Bucket=bucket, Key="docs/hello.txt")
        self.assertEqual(head["Metadata"], {"owner": "ana"})
        self.assertEqual(head["CacheControl"], "max-age=60")
        self.assertEqual(head["ContentType"], "text/plain")
        # object -> object, server side
        self.cairn("cp", f"local/{bucket}/docs/hello.txt", f"local/{bucket}/copy/hello2.txt")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="copy/hello2.txt")["Body"].read(),
                         b"hello world\n")
        # object -> file, into a folder and to a name
        out = self.tmpdir()
        self.cairn("cp", f"local/{bucket}/copy/hello2.txt", str(out) + "/")
        self.assertEqual((out / "hello2.txt").read_bytes(), b"hello world\n")
        self.cairn("cp", f"local/{bucket}/copy/hello2.txt", str(out / "named.txt"))
        self.assertEqual((out / "named.txt").read_bytes(), b"hello world\n")
        self.assertEqual(sorted(os.listdir(out)), ["hello2.txt", "named.txt"])  # no temp files left
        rows = self.json_lines(self.cairn("--json", "cp", str(d / "hello.txt"), f"local/{bucket}/j.txt"))
        self.assertEqual(rows[0]["status"], "success")
        self.assertEqual(rows[0]["target"], f"local/{bucket}/j.txt")
        self.assertEqual(rows[0]["size"], 12)

    def test_cp_acl(self):
        bucket = self.make_bucket("cli-acl")
        d = self.tmpdir()
        (d / "logo.png").write_bytes(b"png bytes")
        (d / "big.bin").write_bytes(os.urandom(6 * 1024 * 1024))

        def anon(key):
            return raw_request(self.server.port, "GET", f"/{bucket}/{key}", sign=False)

        self.cairn("cp", "--acl", "public-read", str(d / "logo.png"), f"local/{bucket}/www/")
        self.assertEqual(anon("www/logo.png").status, 200)
        self.assertEqual(anon("www/logo.png").body, b"png bytes")
        self.cairn("cp", str(d / "logo.png"), f"local/{bucket}/private/")
        self.assertEqual(anon("private/logo.png").status, 403)
        # Server-side copies get the flag's ACL (without it, private), metadata untouched.
        self.cairn("cp", f"local/{bucket}/www/logo.png", f"local/{bucket}/copy/plain.png")
        self.assertEqual(anon("copy/plain.png").status, 403)
        self.cairn("cp", "--acl", "public-read", f"local/{bucket}/private/logo.png",
                   f"local/{bucket}/copy/public.png")
        self.assertEqual(anon("copy/public.png").status, 200)
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="copy/public.png")["ContentType"],
                         "image/png")
        # A multipart server-side copy (parts of 5 MiB) carries the ACL to its completion too.
        self.cairn("cp", str(d / "big.bin"), f"local/{bucket}/big.bin")
        self.cairn("cp", "--acl", "public-read", f"local/{bucket}/big.bin",
                   f"local/{bucket}/big-copy.bin",
                   env={"CAIRN_CLI_COPY_THRESHOLD": "5MiB", "CAIRN_CLI_COPY_PART_SIZE": "5MiB"})
        self.assertTrue(self.s3.head_object(Bucket=bucket, Key="big-copy.bin")["ETag"]
                        .endswith('-2"'))
        self.assertEqual(anon("big.bin").status, 403)
        self.assertEqual(anon("big-copy.bin").status, 200)
        p = self.cairn("cp", "--acl", "world", str(d / "logo.png"), f"local/{bucket}/x", check=False)
        self.assertOneLineError(p, "--acl")
        self.assertEqual(raw_request(self.server.port, "HEAD", f"/{bucket}/x",
                                     access_key=SEED_USER, secret_key=SEED_PASSWORD).status, 404)

    def test_cp_recursive_both_ways(self):
        bucket = self.make_bucket("cli-cpr")
        src = self.tmpdir() / "site"
        (src / "css").mkdir(parents=True)
        (src / "index.html").write_text("<h1>hi</h1>")
        (src / "css" / "a.css").write_text("body{}")
        p = self.cairn("cp", str(src), f"local/{bucket}/", check=False)
        self.assertOneLineError(p, "-r")
        self.cairn("cp", "-r", str(src), f"local/{bucket}/")
        keys = sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket)["Contents"])
        self.assertEqual(keys, ["site/css/a.css", "site/index.html"])
        self.cairn("cp", "-r", str(src) + "/", f"local/{bucket}/flat/")
        keys = sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket, Prefix="flat/")["Contents"])
        self.assertEqual(keys, ["flat/css/a.css", "flat/index.html"])
        back = self.tmpdir()
        self.cairn("cp", "-r", f"local/{bucket}/site", str(back))
        self.assertEqual((back / "site" / "css" / "a.css").read_text(), "body{}")
        self.assertEqual((back / "site" / "index.html").read_text(), "<h1>hi</h1>")

    def test_stdin_pipe_cat_head(self):
        bucket = self.make_bucket("cli-pipe")
        text = b"".join(b"line %d\n" % i for i in range(100))
        self.cairn("pipe", f"local/{bucket}/lines.txt", input=text)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="lines.txt")["Body"].read(), text)
        self.cairn("cp", "-", f"local/{bucket}/from-stdin.txt", input=b"via cp\n")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="from-stdin.txt")["Body"].read(), b"via cp\n")
        self.assertEqual(self.cairn("cat", f"local/{bucket}/lines.txt").stdout, text)
        self.assertEqual(self.cairn("head", "-n", "3", f"local/{bucket}/lines.txt").stdout,
                         b"line 0\nline 1\nline 2\n")
        self.assertEqual(self.cairn("head", f"local/{bucket}/lines.txt").stdout.count(b"\n"), 10)
        # a stream larger than one part goes multipart
        big = os.urandom(1 << 20) * 20
        self.cairn("pipe", f"local/{bucket}/big.bin", input=big)
        head = self.s3.head_object(Bucket=bucket, Key="big.bin")
        self.assertEqual(head["ContentLength"], len(big))
        self.assertTrue(head["ETag"].strip('"').endswith("-2"), head["ETag"])
        self.assertEqual(hashlib.sha256(self.cairn("cat", f"local/{bucket}/big.bin").stdout).hexdigest(),
                         hashlib.sha256(big).hexdigest())

    def test_rm(self):
        bucket = self.make_bucket("cli-rm")
        self.s3.put_object(Bucket=bucket, Key="one", Body=b"1")
        self.cairn("rm", f"local/{bucket}/one")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket=bucket))
        p = self.cairn("rm", f"local/{bucket}/one", check=False)
        self.assertOneLineError(p, "NoSuchKey")
        # more than one DeleteObjects batch
        keys = [f"many/{i:05d}" for i in range(1003)] + ["keep/x"]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: self.s3.put_object(Bucket=bucket, Key=k, Body=b"x"), keys))
        p = self.cairn("rm", "-r", f"local/{bucket}/many/", check=False)
        self.assertOneLineError(p, "--force")
        p = self.cairn("--json", "rm", "-r", "--force", f"local/{bucket}/many/")
        self.assertEqual(len(self.json_lines(p)), 1003)
        left = [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        self.assertEqual(left, ["keep/x"])

    def test_stat_du_find(self):
        bucket = self.make_bucket("cli-find")
        self.s3.put_object(Bucket=bucket, Key="p/a.jpg", Body=b"x" * 2000, Metadata={"k": "v"})
        self.s3.put_object(Bucket=bucket, Key="p/b.png", Body=b"x" * 10)
        self.s3.put_object(Bucket=bucket, Key="q/c.jpg", Body=b"x" * 5)
        st = self.json_lines(self.cairn("--json", "stat", f"local/{bucket}/p/a.jpg"))[0]
        self.assertEqual(st["size"], 2000)
        self.assertEqual(st["metadata"], {"k": "v"})
        self.assertEqual(st["etag"], hashlib.md5(b"x" * 2000).hexdigest())
        human = self.cairn("stat", f"local/{bucket}/p/a.jpg").stdout.decode()
        self.assertIn("Size      : 2.0KiB", human)
        du = self.json_lines(self.cairn("--json", "du", f"local/{bucket}"))[0]
        self.assertEqual((du["size"], du["objects"]), (2015, 3))
        du = self.json_lines(self.cairn("--json", "du", f"local/{bucket}/p/"))[0]
        self.assertEqual((du["size"], du["objects"]), (2010, 2))
        found = self.cairn("find", f"local/{bucket}", "--name", "*.jpg").stdout.decode().split()
        self.assertEqual(found, [f"local/{bucket}/p/a.jpg", f"local/{bucket}/q/c.jpg"])
        found = self.cairn("find", f"local/{bucket}", "--larger", "1KiB").stdout.decode().split()
        self.assertEqual(found, [f"local/{bucket}/p/a.jpg"])
        self.assertEqual(self.cairn("find", f"local/{bucket}", "--older-than", "1d").stdout, b"")
        self.assertEqual(len(self.cairn("find", f"local/{bucket}", "--newer-than", "1h").stdout.split()), 3)
        p = self.cairn("find", f"local/{bucket}", "--older-than", "soon", check=False)
        self.assertOneLineError(p, "invalid duration")

    def test_mirror_both_ways(self):
        bucket = self.make_bucket("cli-mirror")
        src = self.tmpdir()
        (src / "sub").mkdir()
        (src / "a.txt").write_text("A")
        (src / "sub" / "b.txt").write_text("B")
        self.cairn("mirror", str(src), f"local/{bucket}/m")
        objs = {o["Key"]: o["Size"] for o in self.s3.list_objects_v2(Bucket=bucket)["Contents"]}
        self.assertEqual(objs, {"m/a.txt": 1, "m/sub/b.txt": 1})
        # change one file, add a stray object
        (src / "a.txt").write_text("AAAA")
        self.s3.put_object(Bucket=bucket, Key="m/stray.txt", Body=b"s")
        p = self.cairn("--json", "mirror", "--dry-run", "--overwrite", "--remove", str(src), f"local/{bucket}/m")
        rows = self.json_lines(p)
        self.assertTrue(all(r.get("dryRun") for r in rows), rows)
        self.assertEqual(len(rows), 2, rows)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="m/a.txt")["Body"].read(), b"A")
        out = self.cairn("mirror", str(src), f"local/{bucket}/m").stdout.decode()
        self.assertIn("--overwrite", out)  # skipped, with the reason
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="m/a.txt")["Body"].read(), b"A")
        self.cairn("mirror", "--overwrite", "--remove", str(src), f"local/{bucket}/m")
        objs = {o["Key"]: o["Size"] for o in self.s3.list_objects_v2(Bucket=bucket)["Contents"]}
        self.assertEqual(objs, {"m/a.txt": 4, "m/sub/b.txt": 1})
        # and back down
        dst = self.tmpdir() / "down"
        self.cairn("mirror", f"local/{bucket}/m", str(dst))
        self.assertEqual((dst / "a.txt").read_text(), "AAAA")
        self.assertEqual((dst / "sub" / "b.txt").read_text(), "B")
        (dst / "extra").write_text("x")
        self.cairn("mirror", "--remove", f"local/{bucket}/m", str(dst))
        self.assertFalse((dst / "extra").exists())

    def test_share(self):
        bucket = self.make_bucket("cli-share")
        self.s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"shared")
        row = self.json_lines(self.cairn("--json", "share", "download", "--expire", "1h",
                                         f"local/{bucket}/doc.txt"))[0]
        self.assertEqual(row["expireSeconds"], 3600)
        self.assertIn("X-Amz-Expires=3600", row["url"])
        with urllib.request.urlopen(row["url"], timeout=10) as r:
            self.assertEqual(r.read(), b"shared")
        row = self.json_lines(self.cairn("--json", "share", "upload", "--put",
                                         f"local/{bucket}/up.txt"))[0]
        self.assertEqual(row["expireSeconds"], 7 * 86400)
        self.assertTrue(row["share"].startswith("curl -X PUT --upload-file <FILE> '"), row["share"])
        req = urllib.request.Request(row["url"], data=b"uploaded",
                                     method="PUT")
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(r.status, 200)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="up.txt")["Body"].read(), b"uploaded")
        p = self.cairn("share", "download", "--expire", "30d", f"local/{bucket}/doc.txt", check=False)
        self.assertOneLineError(p, "7d")

    def run_share_curl(self, line: str, path) -> tuple[int, str]:
        """Runs a printed `share upload` curl line with <FILE> replaced; (HTTP status, body)."""
        self.assertTrue(line.startswith("curl "), line)
        self.assertTrue(line.endswith(" -F file=@<FILE>"), line)
        cmd = line.replace("@<FILE>", "@" + shlex.quote(str(path)))
        p = subprocess.run(["bash", "-c", cmd + " -sS -w '\\n%{http_code}'"], capture_output=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        body, _, code = p.stdout.decode().rpartition("\n")
        return int(code), body

    def share_line(self, p) -> str:
        lines = [l for l in p.stdout.decode().splitlines() if l.startswith("Share: ")]
        self.assertEqual(len(lines), 1, p.stdout)
        return lines[0][len("Share: "):]

    def test_share_upload_post_form(self):
        bucket = self.make_bucket("cli-shareup")
        d = self.tmpdir()
        (d / "note.txt").write_bytes(b"posted through a form\n")
        # A prefix: the printed curl line, run as it is, uploads under it with the file's name.
        line = self.share_line(self.cairn("share", "upload", "--expire", "1h",
                                          f"local/{bucket}/inbox/"))
        self.assertIn(f" -F bucket={bucket} ", line)
        self.assertIn(" -F 'key=inbox/${filename}' ", line)
        for field in ("policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
                      "x-amz-signature"):
            self.assertIn(f" -F {field}=", line)
        code, body = self.run_share_curl(line, d / "note.txt")
        self.assertEqual(code, 204, body)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="inbox/note.txt")["Body"].read(),
                         b"posted through a form\n")
        # A key outside the prefix is refused, and nothing is stored.
        outside = line.replace("'key=inbox/${filename}'", "key=outside/note.txt")
        self.assertNotEqual(outside, line)
        code, body = self.run_share_curl(outside, d / "note.txt")
        self.assertEqual(code, 403, body)
        self.assertIn("AccessDenied", body)
        with self.assertRaises(botocore.exceptions.ClientError):
            self.s3.head_object(Bucket=bucket, Key="outside/note.txt")

        # One key, a content type, and the --json form posted field by field.
        row = self.json_lines(self.cairn("--json", "share", "upload", "--content-type",
                                         "text/plain", f"local/{bucket}/exact/report.txt"))[0]
        self.assertEqual(row["status"], "success")
        self.assertEqual(row["url"], f"{self.url}/{bucket}")
        form = row["formData"]
        self.assertEqual(form["key"], "exact/report.txt")
        self.assertEqual(form["bucket"], bucket)
        self.assertEqual(form["Content-Type"], "text/plain")
        self.assertEqual(form["x-amz-algorithm"], "AWS4-HMAC-SHA256")
        policy = json.loads(base64.b64decode(form["policy"]))
        self.assertIn(["eq", "$key", "exact/report.txt"], policy["conditions"])
        self.assertIn(["starts-with", "$Content-Type", "text/plain"], policy["conditions"])
        argv = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", row["url"]]
        for name, value in form.items():
            argv += ["--form-string", f"{name}={value}"]
        argv += ["-F", f"file=@{d / 'note.txt'}"]
        p = subprocess.run(argv, capture_output=True, timeout=60)
        self.assertEqual(p.stdout, b"204", p)
        head = self.s3.head_object(Bucket=bucket, Key="exact/report.txt")
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(head["ContentLength"], len(b"posted through a form\n"))
        # The same form for another key: refused.
        argv = [a.replace("key=exact/report.txt", "key=exact/other.txt") for a in argv]
        p = subprocess.run(argv, capture_output=True, timeout=60)
        self.assertEqual(p.stdout, b"403", p)

        # An expired policy is refused.
        line = self.share_line(self.cairn("share", "upload", "--expire", "1s",
                                          f"local/{bucket}/late.txt"))
        time.sleep(2.5)
        code, body = self.run_share_curl(line, d / "note.txt")
        self.assertEqual(code, 403, body)
        self.assertIn("expired", body)
        with self.assertRaises(botocore.exceptions.ClientError):
            self.s3.head_object(Bucket=bucket, Key="late.txt")

        p = self.cairn("share", "upload", "--put", f"local/{bucket}/inbox/", check=False)
        self.assertOneLineError(p, "--put")

    def test_ready(self):
        self.assertIn("ready", self.cairn("ready", "local").stdout.decode())
        env = {"MC_HOST_dead": f"http://a:b@127.0.0.1:{free_port()}"}
        p = self.cairn("ready", "dead", env=env, check=False)
        self.assertOneLineError(p, "unreachable")
        start = time.monotonic()
        p = self.cairn("ready", "--timeout", "2s", "dead", env=env, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertGreaterEqual(time.monotonic() - start, 1.9)

    def test_anonymous_set_get_list(self):
        bucket = self.make_bucket("cli-anon")
        self.s3.put_object(Bucket=bucket, Key="pub/x", Body=b"x")
        self.cairn("anonymous", "set", "public", f"local/{bucket}")
        self.assertIn("`public`", self.cairn("anonymous", "get", f"local/{bucket}").stdout.decode())
        anon = self.anonymous_s3()
        anon.put_object(Bucket=bucket, Key="pub/y", Body=b"y")
        self.assertEqual(anon.get_object(Bucket=bucket, Key="pub/x")["Body"].read(), b"x")
        self.cairn("anonymous", "set", "download", f"local/{bucket}/pub/")
        rows = self.json_lines(self.cairn("--json", "anonymous", "list", f"local/{bucket}"))
        self.assertEqual({(r["resource"], r["permission"]) for r in rows},
                         {(f"{bucket}/*", "readwrite"), (f"{bucket}/pub/*", "readonly")})
        self.cairn("anonymous", "set", "none", f"local/{bucket}")
        self.cairn("anonymous", "set", "none", f"local/{bucket}/pub/")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_bucket_policy(Bucket=bucket)
        self.assertS3Error(ctx, "NoSuchBucketPolicy")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            anon.get_object(Bucket=bucket, Key="pub/x")
        self.assertS3Error(ctx, "AccessDenied", 403)
        self.assertIn("`private`", self.cairn("anonymous", "get", f"local/{bucket}").stdout.decode())
        p = self.cairn("anonymous", "set", "everything", f"local/{bucket}", check=False)
        self.assertOneLineError(p, "unknown access")

    def test_error_messages_and_exit_codes(self):
        bad = self.cairn("ls", "nosuchalias/bucket", check=False)
        self.assertOneLineError(bad, "no alias named `nosuchalias`")
        bad = self.cairn("cp", "/etc/hostname", "nosuchalias/bucket/key", check=False)
        self.assertOneLineError(bad, "nosuchalias")
        env = {"MC_HOST_dead": f"http://a:b@127.0.0.1:{free_port()}"}
        dead = self.cairn("ls", "dead/bucket", env=env, check=False)
        self.assertOneLineError(dead, "cannot reach http://127.0.0.1:")
        nb = self.cairn("ls", f"local/{unique_bucket('missing')}", check=False)
        self.assertOneLineError(nb, "NoSuchBucket")
        nb = self.cairn("cat", f"local/{unique_bucket('missing')}/key", check=False)
        self.assertOneLineError(nb, "NoSuchBucket")
        # No credentials: every request is anonymous and refused.
        self.cairn("alias", "set", "anon", self.url)
        denied = self.cairn("ls", "anon", check=False)
        self.assertOneLineError(denied, "AccessDenied")
        wrong = self.cairn("ls", "wrong", env={"MC_HOST_wrong": f"http://{SEED_USER}:nope@127.0.0.1:{self.server.port}"},
                           check=False)
        self.assertOneLineError(wrong, "SignatureDoesNotMatch")
        # --json: the error is a JSON object on stdout
        p = self.cairn("--json", "ls", f"local/{unique_bucket('missing')}", check=False)
        self.assertEqual(p.returncode, 1)
        row = self.json_lines(p)[0]
        self.assertEqual(row["status"], "error")
        self.assertEqual(row["error"]["code"], "NoSuchBucket")

    def test_help_and_completion(self):
        top = self.cairn("--help").stdout.decode()
        for word in ("alias", "mirror", "anonymous", "admin", "Client examples"):
            self.assertIn(word, top)
        for cmd in ("cp", "mirror", "anonymous set", "admin user add", "share download", "ready"):
            p = self.cairn(*cmd.split(), "--help")
            self.assertIn("Examples:", p.stdout.decode(), cmd)
        script = self.cairn("completion", "bash").stdout.decode()
        self.assertIn("complete -o default -o nospace -F _cairn cairn", script)
        check = subprocess.run(["bash", "-n"], input=script.encode(), capture_output=True)
        self.assertEqual(check.returncode, 0, check.stderr)
        # the script completes subcommands
        probe = script + '\nCOMP_WORDS=(cairn anonymous s); COMP_CWORD=2; _cairn; echo "${COMPREPLY[@]}"\n'
        out = subprocess.run(["bash", "-c", probe], capture_output=True, env=self.env).stdout.decode()
        self.assertEqual(out.split(), ["set"])

    def test_progress_only_on_a_terminal(self):
        bucket = self.make_bucket("cli-progress")
        d = self.tmpdir()
        write_random_file(d / "f.bin", 24 << 20)
        p = self.cairn("cp", str(d / "f.bin"), f"local/{bucket}/f.bin")
        self.assertNotIn(b"ETA", p.stderr)
        self.assertEqual(p.stderr, b"")
        if shutil.which("script") is None:
            raise missing_prerequisite("script(1) is not installed")
        cmd = f"{cairn_bin()} cp {d / 'f.bin'} local/{bucket}/g.bin"
        t = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, env=self.env,
                           timeout=120)
        self.assertEqual(t.returncode, 0, t)
        self.assertRegex(t.stdout.decode(), r"24\.0MiB / 24\.0MiB \[=+\] .*/s ETA")
        q = subprocess.run(["script", "-qec", cmd + " --quiet", "/dev/null"], capture_output=True,
                           env=self.env, timeout=120)
        self.assertEqual(q.returncode, 0, q)
        self.assertNotIn(b"ETA", q.stdout)


class LargeCopyTest(CliTestCase):
    def test_200mib_multipart_both_ways(self):
        bucket = self.make_bucket("cli-large")
        d = self.tmpdir()
        src, dst = d / "big.bin", d / "big.out"
        try:
            digest = write_random_file(src, 200 << 20, seed=7)
            self.cairn("cp", str(src), f"local/{bucket}/big.bin", timeout=600)
            head = self.s3.head_object(Bucket=bucket, Key="big.bin")
            self.assertEqual(head["ContentLength"], 200 << 20)
            self.assertTrue(head["ETag"].strip('"').endswith("-13"), head["ETag"])  # 16 MiB parts
            self.cairn("cp", f"local/{bucket}/big.bin", str(dst), timeout=600)
            self.assertEqual(sha256_file(dst), digest)
            # the server's copy matches too (checked with boto3, not cairn)
            h = hashlib.sha256()
            body = self.s3.get_object(Bucket=bucket, Key="big.bin")["Body"]
            for chunk in iter(lambda: body.read(1 << 20), b""):
                h.update(chunk)
            self.assertEqual(h.hexdigest(), digest)
        finally:
            for f in (src, dst):
                f.unlink(missing_ok=True)
            self.s3.delete_object(Bucket=bucket, Key="big.bin")


class MultipartObjectCopyTest(CliTestCase):
    """Object->object cp through UploadPartCopy ranges, as sources over 5 GiB need; the
    test-only variables make a 40 MiB source take that path in 5 MiB parts."""

    SMALL_PARTS = {"CAIRN_CLI_COPY_THRESHOLD": "10MiB", "CAIRN_CLI_COPY_PART_SIZE": "5MiB"}

    def sha256_object(self, bucket, key) -> str:
        h = hashlib.sha256()
        body = self.s3.get_object(Bucket=bucket, Key=key)["Body"]
        for chunk in iter(lambda: body.read(1 << 20), b""):
            h.update(chunk)
        return h.hexdigest()

    def test_multipart_copy_keeps_bytes_and_metadata(self):
        bucket = self.make_bucket("cli-mpcopy")
        d = self.tmpdir()
        digest = write_random_file(d / "src.bin", 40 << 20, seed=11)
        with open(d / "src.bin", "rb") as f:
            self.s3.put_object(Bucket=bucket, Key="src.bin", Body=f, ContentType="application/x-test",
                               CacheControl="max-age=90", Metadata={"owner": "ana", "kind": "raw"})
        (d / "src.bin").unlink()
        src_etag = self.s3.head_object(Bucket=bucket, Key="src.bin")["ETag"]
        self.assertNotIn("-", src_etag)  # a single PUT: the copy's ETag form is the copy's doing

        self.cairn("cp", f"local/{bucket}/src.bin", f"local/{bucket}/copy/dst.bin",
                   env=self.SMALL_PARTS)
        head = self.s3.head_object(Bucket=bucket, Key="copy/dst.bin")
        self.assertEqual(head["ContentLength"], 40 << 20)
        self.assertTrue(head["ETag"].strip('"').endswith("-8"), head["ETag"])  # 8 parts of 5 MiB
        self.assertEqual(head["Metadata"], {"owner": "ana", "kind": "raw"})
        self.assertEqual(head["ContentType"], "application/x-test")
        self.assertEqual(head["CacheControl"], "max-age=90")
        self.assertEqual(self.sha256_object(bucket, "copy/dst.bin"), digest)
        self.assertEqual(self.s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []), [])

        # --attr replaces the metadata, as on a single CopyObject.
        rows = self.json_lines(self.cairn(
            "--json", "cp", "--attr", "owner=bob;Content-Type=text/plain",
            f"local/{bucket}/src.bin", f"local/{bucket}/copy/attr.bin", env=self.SMALL_PARTS))
        self.assertEqual(rows[0]["status"], "success")
        self.assertEqual(rows[0]["size"], 40 << 20)
        head = self.s3.head_object(Bucket=bucket, Key="copy/attr.bin")
        self.assertTrue(head["ETag"].strip('"').endswith("-8"), head["ETag"])
        self.assertEqual(head["Metadata"], {"owner": "bob"})
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(self.sha256_object(bucket, "copy/attr.bin"), digest)

        # An uneven size: the last part is short.
        self.cairn("cp", f"local/{bucket}/copy/dst.bin", f"local/{bucket}/copy/again.bin",
                   env={"CAIRN_CLI_COPY_THRESHOLD": "1MiB", "CAIRN_CLI_COPY_PART_SIZE": "6MiB"})
        head = self.s3.head_object(Bucket=bucket, Key="copy/again.bin")
        self.assertTrue(head["ETag"].strip('"').endswith("-7"), head["ETag"])  # 6 x 6 MiB + 4 MiB
        self.assertEqual(self.sha256_object(bucket, "copy/again.bin"), digest)

        # Below the (default 1 GiB) threshold the same copy is one CopyObject.
        self.cairn("cp", f"local/{bucket}/src.bin", f"local/{bucket}/copy/single.bin")
        head = self.s3.head_object(Bucket=bucket, Key="copy/single.bin")
        self.assertNotIn("-", head["ETag"])
        self.assertEqual(head["Metadata"], {"owner": "ana", "kind": "raw"})

        p = self.cairn("cp", f"local/{bucket}/src.bin", f"local/{bucket}/x.bin", check=False,
                       env={"CAIRN_CLI_COPY_PART_SIZE": "lots"})
        self.assertOneLineError(p, "CAIRN_CLI_COPY_PART_SIZE")


class AdminTest(CliTestCase):
    def test_info(self):
        info = self.json_lines(self.cairn("--json", "admin", "info", "local"))[0]
        self.assertIn("version", info)
        self.assertIn("drives", info)
        self.assertIn("Version:", self.cairn("admin", "info", "local").stdout.decode())

    def test_users(self):
        self.cairn("admin", "user", "add", "local", "cli-ana", "ana-secret-123")
        users = {u["accessKey"]: u for u in self.json_lines(self.cairn("--json", "admin", "user", "list", "local"))}
        self.assertEqual(users["cli-ana"]["status"], "enabled")
        self.cairn("admin", "user", "disable", "local", "cli-ana")
        info = self.json_lines(self.cairn("--json", "admin", "user", "info", "local", "cli-ana"))[0]
        self.assertEqual(info["status"], "disabled")
        self.cairn("admin", "user", "enable", "local", "cli-ana")
        # the new user can sign in through cairn, and is refused what it was not granted
        env = {"MC_HOST_ana": f"http://cli-ana:ana-secret-123@127.0.0.1:{self.server.port}"}
        p = self.cairn("ls", "ana", env=env, check=False)
        self.assertOneLineError(p, "AccessDenied")
        self.cairn("admin", "policy", "attach", "local", "readwrite", "--user", "cli-ana")
        self.cairn("ls", "ana", env=env)
        self.cairn("admin", "policy", "detach", "local", "readwrite", "--user", "cli-ana")
        self.cairn("admin", "user", "remove", "local", "cli-ana")
        p = self.cairn("admin", "user", "info", "local", "cli-ana", check=False)
        self.assertOneLineError(p, "NoSuchUser")

    def test_groups(self):
        self.cairn("admin", "user", "add", "local", "cli-bob", "bob-secret-123")
        self.cairn("admin", "group", "add", "local", "cli-teachers", "cli-bob")
        g = self.json_lines(self.cairn("--json", "admin", "group", "info", "local", "cli-teachers"))[0]
        self.assertEqual(g["members"], ["cli-bob"])
        names = [x["name"] for x in self.json_lines(self.cairn("--json", "admin", "group", "list", "local"))]
        self.assertIn("cli-teachers", names)
        self.cairn("admin", "policy", "attach", "local", "readonly", "--group", "cli-teachers")
        self.cairn("admin", "policy", "detach", "local", "readonly", "--group", "cli-teachers")
        self.cairn("admin", "group", "disable", "local", "cli-teachers")
        self.cairn("admin", "group", "enable", "local", "cli-teachers")
        p = self.cairn("admin", "group", "remove", "local", "cli-teachers", check=False)
        self.assertOneLineError(p, "GroupNotEmpty")
        self.cairn("admin", "group", "remove", "local", "cli-teachers", "cli-bob")
        self.cairn("admin", "group", "remove", "local", "cli-teachers")
        self.cairn("admin", "user", "remove", "local", "cli-bob")

    def test_policies(self):
        d = self.tmpdir()
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::docs/*"]}]}
        (d / "p.json").write_text(json.dumps(doc))
        self.cairn("admin", "policy", "create", "local", "cli-docs-read", str(d / "p.json"))
        names = [x["name"] for x in self.json_lines(self.cairn("--json", "admin", "policy", "list", "local"))]
        self.assertIn("cli-docs-read", names)
        self.assertIn("readonly", names)
        info = self.json_lines(self.cairn("--json", "admin", "policy", "info", "local", "cli-docs-read"))[0]
        self.assertEqual(info["policy"]["Statement"][0]["Action"], ["s3:GetObject"])
        (d / "bad.json").write_text('{"Version": "2012-10-17", "Statement": "nope"}')
        p = self.cairn("admin", "policy", "create", "local", "cli-bad", str(d / "bad.json"), check=False)
        self.assertOneLineError(p, "MalformedPolicy")
        self.cairn("admin", "policy", "remove", "local", "cli-docs-read")
        p = self.cairn("admin", "policy", "info", "local", "cli-docs-read", check=False)
        self.assertOneLineError(p, "NoSuchPolicy")

    def test_access_keys(self):
        self.cairn("admin", "user", "add", "local", "cli-cara", "cara-secret-123")
        self.cairn("admin", "policy", "attach", "local", "readwrite", "--user", "cli-cara")
        row = self.json_lines(self.cairn("--json", "admin", "accesskey", "create", "local", "cli-cara",
                                         "--name", "ci"))[0]
        key, secret = row["accessKey"], row["secretKey"]
        keys = [k["accessKey"] for k in self.json_lines(
            self.cairn("--json", "admin", "accesskey", "list", "local", "cli-cara"))]
        self.assertIn(key, keys)
        info = self.json_lines(self.cairn("--json", "admin", "accesskey", "info", "local", key))[0]
        self.assertEqual(info["parent"], "cli-cara")
        env = {"MC_HOST_sa": f"http://{key}:{secret}@127.0.0.1:{self.server.port}"}
        self.cairn("ls", "sa", env=env)
        self.cairn("admin", "accesskey", "remove", "local", key)
        p = self.cairn("ls", "sa", env=env, check=False)
        self.assertOneLineError(p, "InvalidAccessKeyId")
        self.cairn("admin", "user", "remove", "local", "cli-cara")


if __name__ == "__main__":
    unittest.main()
