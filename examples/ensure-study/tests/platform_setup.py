"""Two ways to put a fresh server in the state setup.sh leaves it in.

- `setup_with_boto3`: the buckets and the anonymous-download bucket policy through S3 (what
  `cairn mb` and `cairn anonymous set download` send), the user through the admin API
  (docs/admin-api.md) when the server has it.
- `run_setup_sh`: examples/ensure-study/setup.sh itself, with the `cairn` command-line client.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ensure_study import BUCKETS
from testsupport.cairn import clean_env, cairn_bin

EXAMPLE = Path(__file__).resolve().parents[1]
APP_USER = "ensure-study"
APP_SECRET = "ensure-study-secret-123"
POLICY_NAME = "ensure-study-policy"
THUMBNAILS = "classrooms/*/thumbnails/"


def root_client(server):
    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key)


def anonymous_download_policy(bucket: str, prefix: str) -> dict:
    """The bucket policy `mc anonymous set download ALIAS/BUCKET/PREFIX` writes."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetBucketLocation"],
             "Resource": [f"arn:aws:s3:::{bucket}"]},
            {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{bucket}"],
             "Condition": {"StringEquals": {"s3:prefix": [prefix]}}},
            {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
             "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*"]},
        ],
    }


def admin_request(server, method: str, path: str, query: str = "", body: dict | None = None):
    """One SigV4-signed call to /cairn/admin/v1/PATH. Returns (status, parsed JSON or None)."""
    url = f"{server.endpoint}/cairn/admin/v1/{path}" + (f"?{query}" if query else "")
    data = json.dumps(body).encode() if body is not None else b""
    req = AWSRequest(method=method, url=url, data=data,
                     headers={"Content-Type": "application/json"} if body is not None else {})
    S3SigV4Auth(Credentials(server.access_key, server.secret_key), "s3", "us-east-1").add_auth(req)
    http_req = urllib.request.Request(url, data=data if method in ("PUT", "POST") else None,
                                      method=method, headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(http_req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw[:200]


def setup_with_boto3(server) -> str | None:
    """Returns None when the app user exists, else why it could not be created."""
    s3 = root_client(server)
    for bucket in BUCKETS:
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=BUCKETS[0],
                         Policy=json.dumps(anonymous_download_policy(BUCKETS[0], THUMBNAILS)))
    policy = json.loads((EXAMPLE / "ensure-study-policy.json").read_text())
    status, out = admin_request(server, "PUT", "policy", f"name={POLICY_NAME}", policy)
    if status != 200:
        return f"the server has no admin API yet (PUT policy: {status} {out})"
    status, out = admin_request(server, "PUT", "user", f"accessKey={APP_USER}",
                                {"secretKey": APP_SECRET, "status": "enabled"})
    if status != 200:
        return f"could not create the user ({status} {out})"
    status, out = admin_request(server, "POST", "policy-attach", "",
                                {"policies": [POLICY_NAME], "user": APP_USER})
    if status != 200:
        return f"could not attach the policy ({status} {out})"
    return None


def cairn_cli_available() -> tuple[bool, str]:
    """The `cairn` CLI (issue 5) is the same binary as the server; is it there yet?"""
    try:
        p = subprocess.run([cairn_bin(), "alias", "--help"], capture_output=True, timeout=20,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    out = (p.stdout + p.stderr).decode(errors="replace")
    # CLI11 answers `--help` after an unknown word with the top-level help and exit 0, so the
    # alias command's own help must also be what came back.
    if p.returncode != 0:
        return False, f"exit {p.returncode}: {out.strip().splitlines()[:1]}"
    if not re.search(r"\balias\b", out):
        return False, "exit 0 but the help shown has no `alias` command"
    return True, ""


def run_setup_sh(server) -> subprocess.CompletedProcess:
    """Runs setup.sh with its alias config in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="cairn-config-") as config_dir:
        env = clean_env()
        env.update(
            PATH=f"{os.path.dirname(cairn_bin())}:{env.get('PATH', '/usr/bin:/bin')}",
            CAIRN_ENDPOINT=server.endpoint,
            MINIO_ROOT_USER=server.access_key,
            MINIO_ROOT_PASSWORD=server.secret_key,
            ENSURE_STUDY_SECRET=APP_SECRET,
            CAIRN_CONFIG_DIR=config_dir,
        )
        return subprocess.run(["bash", str(EXAMPLE / "setup.sh")], env=env, capture_output=True,
                              timeout=120, stdin=subprocess.DEVNULL)
