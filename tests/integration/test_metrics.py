"""Prometheus metrics (/minio/v2/metrics/*): the exposition parsed by a strict parser of the text
format 0.0.4, request counters and bytes checked exactly after a known workload, bucket usage
after uploads, 4xx/5xx after deliberate errors, and the bearer JWT accepted or refused as MinIO
does (root, a user allowed admin:Prometheus, expired, wrong secret, user without the action,
missing token), the `cairn admin prometheus generate` token, and public mode."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

from admin_client import AdminClient
from harness import CairnServer, CairnTestCase, cairn_bin, unique_bucket

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_exposition(text: str) -> dict:
    """Strict parse: {family: {"type", "help", "samples": {(name, frozenset(labels)): value}}}.
    Raises ValueError on anything the 0.0.4 text format does not allow, on a sample before its
    family's TYPE, on a family declared twice, and on a repeated series."""
    families: dict = {}
    current = None
    if not text.endswith("\n"):
        raise ValueError("the exposition must end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line == "":
            raise ValueError(f"line {n}: empty line")
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) < 3 or parts[0] != "#" or parts[1] not in ("HELP", "TYPE"):
                raise ValueError(f"line {n}: bad comment {line!r}")
            name = parts[2]
            if not METRIC_NAME.fullmatch(name):
                raise ValueError(f"line {n}: bad metric name {name!r}")
            fam = families.setdefault(name, {"type": None, "help": None, "samples": {}})
            if parts[1] == "HELP":
                if fam["help"] is not None:
                    raise ValueError(f"line {n}: second HELP for {name}")
                fam["help"] = parts[3] if len(parts) > 3 else ""
            else:
                if fam["type"] is not None or fam["samples"]:
                    raise ValueError(f"line {n}: TYPE for {name} repeated or after samples")
                if len(parts) != 4 or parts[3] not in TYPES:
                    raise ValueError(f"line {n}: bad TYPE line {line!r}")
                fam["type"] = parts[3]
            current = name
            continue
        try:
            name, labels, rest = _sample_head(line, n)
        except IndexError:
            raise ValueError(f"line {n}: truncated sample {line!r}") from None
        if not rest.startswith(" "):
            raise ValueError(f"line {n}: no space before the value in {line!r}")
        fields = rest[1:].split(" ")
        if len(fields) not in (1, 2):
            raise ValueError(f"line {n}: bad value in {line!r}")
        value = float(fields[0])  # accepts +Inf, NaN as the format does
        if name not in families or families[name]["type"] is None or name != current:
            raise ValueError(f"line {n}: sample {name} outside its declared family")
        key = (name, frozenset(labels.items()))
        if key in families[name]["samples"]:
            raise ValueError(f"line {n}: series repeated: {line!r}")
        families[name]["samples"][key] = value
    return families


def _sample_head(line: str, n: int):
    """The name, the labels and what follows them, of a sample line (IndexError: truncated)."""
    m = METRIC_NAME.match(line)
    if not m:
        raise ValueError(f"line {n}: bad sample {line!r}")
    name, rest = m.group(0), line[m.end():]
    labels = {}
    if not rest.startswith("{"):
        return name, labels, rest
    i = 1
    while rest[i] != "}":
        lm = LABEL_NAME.match(rest, i)
        if not lm or rest[lm.end():lm.end() + 2] != '="':
            raise ValueError(f"line {n}: bad label in {line!r}")
        key = lm.group(0)
        i = lm.end() + 2
        text = []
        while rest[i] != '"':
            if rest[i] == "\\":
                esc = rest[i + 1]
                if esc not in ("\\", '"', "n"):
                    raise ValueError(f"line {n}: bad escape in {line!r}")
                text.append("\n" if esc == "n" else esc)
                i += 2
            else:
                text.append(rest[i])
                i += 1
        i += 1
        if key in labels:
            raise ValueError(f"line {n}: label {key} twice")
        labels[key] = "".join(text)
        if rest[i] == ",":
            i += 1
        elif rest[i] != "}":
            raise ValueError(f"line {n}: bad label list in {line!r}")
    return name, labels, rest[i + 1:]


def value(families: dict, name: str, **labels) -> float:
    """The one sample of `name` whose labels include `labels`."""
    found = [v for (n, ls), v in families.get(name, {}).get("samples", {}).items()
             if n == name and all((k, val) in ls for k, val in labels.items())]
    if len(found) != 1:
        raise AssertionError(f"{name}{labels}: {len(found)} samples")
    return found[0]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(access_key: str, secret: str, exp: int, iss: str = "prometheus") -> str:
    """An HS512 JWT made here, independently of the server's code."""
    header = b64url(json.dumps({"alg": "HS512", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"exp": exp, "sub": access_key, "iss": iss}).encode())
    signing_input = f"{header}.{claims}".encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha512).digest()
    return f"{header}.{claims}.{b64url(signature)}"


def scrape(port: int, group: str, token: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    conn.request("GET", f"/minio/v2/metrics/{group}", headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, resp.getheader("Content-Type"), body


class MetricsTest(CairnTestCase):
    def root_token(self, exp_in: int = 3600) -> str:
        return make_token(self.server.access_key, self.server.secret_key, int(time.time()) + exp_in)

    def families(self, group: str) -> dict:
        status, ctype, body = scrape(self.server.port, group, self.root_token())
        self.assertEqual(status, 200, body)
        self.assertEqual(ctype, "text/plain; version=0.0.4; charset=utf-8")
        return parse_exposition(body.decode())

    def test_workload_counts_bytes_errors_and_usage(self):
        # This test owns the counters: run it on its own server so nothing else adds to them.
        srv = CairnServer()
        srv.start()
        self.addCleanup(srv.cleanup)
        token = make_token(srv.access_key, srv.secret_key, int(time.time()) + 600)
        bucket = unique_bucket("met")
        sent = 0
        received = 0
        responses = []

        def req(method, path, body=b"", **kw):
            nonlocal sent, received
            r = srv.request(method, path, body=body, **kw)
            responses.append(r)
            sent += 0 if method == "HEAD" else len(r.body)
            received += len(body)
            return r

        self.assertEqual(req("PUT", f"/{bucket}").status, 200)
        bodies = [b"a" * 10, b"b" * 1000, os.urandom(300 * 1024)]
        for i, data in enumerate(bodies):
            self.assertEqual(req("PUT", f"/{bucket}/k{i}", body=data).status, 200)
        req("PUT", f"/{bucket}/k0", body=b"overwritten")  # overwrite: still 3 objects
        for i in (1, 2):
            self.assertEqual(req("GET", f"/{bucket}/k{i}").body, bodies[i])
        self.assertEqual(req("HEAD", f"/{bucket}/k1").status, 200)
        self.assertEqual(req("GET", f"/{bucket}/missing").status, 404)      # 4xx
        self.assertEqual(req("GET", f"/nosuchbucket-{bucket}/x").status, 404)  # 4xx
        self.assertEqual(req("GET", f"/{bucket}/k1", sign=False).status, 403)  # 4xx, anonymous
        self.assertEqual(req("PUT", f"/{bucket}", query={"replication": ""},
                             body=b"<ReplicationConfiguration/>").status, 501)  # 5xx
        self.assertEqual(req("GET", f"/{bucket}", query={"list-type": "2"}).status, 200)

        status, _, body = scrape(srv.port, "node", token)
        self.assertEqual(status, 200, body)
        fam = parse_exposition(body.decode())
        self.assertEqual(value(fam, "minio_s3_requests_total", api="putbucket"), 1)
        self.assertEqual(value(fam, "minio_s3_requests_total", api="putobject"), 4)
        # 3 GETs found (2 ok + 1 anonymous refused) and 2 missing ones.
        self.assertEqual(value(fam, "minio_s3_requests_total", api="getobject"), 5)
        self.assertEqual(value(fam, "minio_s3_requests_total", api="headobject"), 1)
        self.assertEqual(value(fam, "minio_s3_requests_total", api="listobjectsv2"), 1)
        self.assertEqual(value(fam, "minio_s3_requests_4xx_errors_total", api="getobject"), 3)
        self.assertEqual(value(fam, "minio_s3_requests_5xx_errors_total", api="getobject"), 0)
        self.assertEqual(value(fam, "minio_s3_requests_errors_total", api="getobject"), 3)
        self.assertEqual(value(fam, "minio_s3_requests_4xx_errors_total", api="putobject"), 0)
        fivexx = sum(v for (n, _), v in fam["minio_s3_requests_5xx_errors_total"]["samples"].items())
        self.assertEqual(fivexx, 1)
        self.assertEqual(value(fam, "minio_s3_requests_inflight_total", api="getobject"), 0)
        total = sum(v for (n, _), v in fam["minio_s3_requests_total"]["samples"].items())
        self.assertEqual(total, len(responses))
        # Bytes the server read: the refused (501) request's body was never read.
        self.assertEqual(value(fam, "minio_s3_traffic_received_bytes"),
                         received - len(b"<ReplicationConfiguration/>"))
        self.assertEqual(value(fam, "minio_s3_traffic_sent_bytes"), sent)
        # TTFB: cumulative over MinIO's bounds, +Inf holding every request of the api.
        bounds = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
        counts = [value(fam, "minio_s3_requests_ttfb_seconds_distribution", api="putobject", le=b)
                  for b in bounds]
        self.assertEqual(counts, sorted(counts))
        self.assertEqual(counts[-1], 4)
        self.assertGreaterEqual(value(fam, "minio_node_process_resident_memory_bytes"), 1 << 20)
        self.assertGreaterEqual(value(fam, "minio_node_process_uptime_seconds"), 0)
        self.assertGreater(value(fam, "minio_node_drive_total_bytes"), 0)
        self.assertGreaterEqual(value(fam, "minio_node_drive_free_bytes"), 0)
        self.assertEqual(value(fam, "minio_node_drive_online_total"), 1)

        status, _, body = scrape(srv.port, "bucket", token)
        fam = parse_exposition(body.decode())
        self.assertEqual(value(fam, "minio_bucket_usage_object_total", bucket=bucket), 3)
        self.assertEqual(value(fam, "minio_bucket_usage_total_bytes", bucket=bucket),
                         len(b"overwritten") + 1000 + 300 * 1024)
        status, _, body = scrape(srv.port, "cluster", token)
        fam = parse_exposition(body.decode())
        for name in ("minio_s3_requests_total", "minio_bucket_usage_total_bytes",
                     "minio_cluster_capacity_raw_total_bytes",
                     "minio_cluster_capacity_usable_free_bytes",
                     "minio_cluster_drive_online_total", "minio_cluster_drive_offline_total",
                     "minio_node_process_uptime_seconds"):
            self.assertIn(name, fam)
            self.assertTrue(fam[name]["help"], name)
        self.assertEqual(value(fam, "minio_cluster_drive_online_total"), 1)
        self.assertEqual(value(fam, "minio_cluster_drive_offline_total"), 0)
        self.assertEqual(value(fam, "minio_cluster_usage_object_total"), 3)
        self.assertGreater(value(fam, "minio_cluster_capacity_raw_total_bytes"),
                           value(fam, "minio_cluster_capacity_usable_free_bytes") - 1)
        status, _, body = scrape(srv.port, "resource", token)
        self.assertEqual(status, 200)
        self.assertIn("minio_node_drive_total_bytes", parse_exposition(body.decode()))

    def test_every_group_parses(self):
        for group in ("cluster", "node", "bucket", "resource"):
            fam = self.families(group)
            for name, f in fam.items():
                self.assertIsNotNone(f["type"], name)
                self.assertIsNotNone(f["help"], name)
                self.assertTrue(name.startswith("minio_"), name)
        status, _, _ = scrape(self.server.port, "nonsense", self.root_token())
        self.assertEqual(status, 404)

    def assertRefused(self, token, why=None):
        status, ctype, body = scrape(self.server.port, "cluster", token)
        self.assertEqual(status, 403, body)
        self.assertEqual(ctype, "application/json")
        err = json.loads(body)
        self.assertEqual(err["Code"], "AccessDenied")
        if why:
            self.assertIn(why, err["Message"])

    def test_jwt_accepted_and_refused(self):
        admin = AdminClient(self.server)
        admin.put_policy("prom-only", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["admin:Prometheus"]}]})
        admin.add_user("promuser", "promsecret123", ["prom-only"])
        admin.add_user("plainuser", "plainsecret123", ["readonly"])
        now = int(time.time())
        self.assertEqual(scrape(self.server.port, "cluster", self.root_token())[0], 200)
        self.assertEqual(
            scrape(self.server.port, "node", make_token("promuser", "promsecret123", now + 60))[0],
            200)
        self.assertRefused(None, "JWT token missing")
        self.assertRefused(self.root_token(exp_in=-5), "expired")
        self.assertRefused(make_token(self.server.access_key, "not-the-secret", now + 60),
                           "signature")
        self.assertRefused(make_token("plainuser", "plainsecret123", now + 60), "admin:Prometheus")
        self.assertRefused(make_token(self.server.access_key, self.server.secret_key, now + 60,
                                      iss="someone"), "issuer")
        self.assertRefused("not.a.jwt")

    def test_cli_generate_prints_a_working_scrape_config(self):
        with tempfile.TemporaryDirectory() as cfg:
            env = dict(os.environ, CAIRN_CONFIG_DIR=cfg)
            subprocess.run([cairn_bin(), "alias", "set", "m", self.server.endpoint,
                            self.server.access_key, self.server.secret_key],
                           env=env, check=True, capture_output=True, timeout=30)
            for group, job in (("", "minio-job"), ("bucket", "minio-job-bucket")):
                args = [cairn_bin(), "admin", "prometheus", "generate", "m"] + (
                    [group] if group else [])
                p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)
                self.assertEqual(p.returncode, 0, p.stderr)
                lines = p.stdout.splitlines()
                self.assertEqual(lines[0], "scrape_configs:")
                self.assertEqual(lines[1], f"- job_name: {job}")
                self.assertTrue(lines[2].startswith("  bearer_token: "))
                self.assertEqual(lines[3], f"  metrics_path: /minio/v2/metrics/{group or 'cluster'}")
                self.assertEqual(lines[4], "  scheme: http")
                self.assertEqual(lines[5], "  static_configs:")
                self.assertEqual(lines[6], f"  - targets: ['127.0.0.1:{self.server.port}']")
                token = lines[2].split(": ", 1)[1]
                status, _, body = scrape(self.server.port, group or "cluster", token)
                self.assertEqual(status, 200, body)
            p = subprocess.run([cairn_bin(), "admin", "prometheus", "generate", "m", "nodes"],
                               env=env, capture_output=True, text=True, timeout=30)
            self.assertNotEqual(p.returncode, 0)


class PublicMetricsTest(CairnTestCase):
    SERVER_ENV = {"MINIO_PROMETHEUS_AUTH_TYPE": "public"}

    def test_served_without_a_token(self):
        status, _, body = scrape(self.server.port, "cluster")
        self.assertEqual(status, 200, body)
        self.assertIn("minio_cluster_drive_online_total", parse_exposition(body.decode()))


class ParserSelfTest(unittest.TestCase):
    """The parser refuses what the format does not allow (so a pass above means something)."""

    def test_rejects_malformed(self):
        good = "# HELP a_b x\n# TYPE a_b counter\na_b{l=\"v\"} 1\n"
        parse_exposition(good)
        for bad in ("a_b 1\n",                                          # no TYPE
                    "# TYPE a_b counter\na_b{l=\"v} 1\n",               # unterminated
                    "# TYPE a_b counter\na_b{l=\"v\"}1\n",              # no space
                    "# TYPE a_b counter\na_b 1\na_b 2\n",               # repeated series
                    "# TYPE a_b bogus\na_b 1\n",                        # bad type
                    "# TYPE a_b counter\na_b one\n",                    # bad value
                    "# TYPE a_b counter\na_b 1",                        # no final newline
                    "# TYPE a_b counter\n# TYPE a_b counter\na_b 1\n"):  # TYPE twice
            with self.assertRaises(ValueError, msg=bad):
                parse_exposition(bad)


if __name__ == "__main__":
    unittest.main()
