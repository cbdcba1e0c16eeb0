"""The boto3 / psycopg2 half of tests/packaging/run.sh: each sub-command checks one thing against a
server running in a container and exits non-zero (with the reason) when it does not hold.

  drive.py s3-write ENDPOINT USER PASSWORD BUCKET KEY TEXT   create the bucket, put, get, list
  drive.py s3-read  ENDPOINT USER PASSWORD BUCKET KEY TEXT   the object reads back as TEXT
  drive.py pg-write DSN TEXT                                 a table with one row
  drive.py pg-read  DSN TEXT                                 the row reads back
  drive.py ensure-study ENDPOINT                             the state setup.sh leaves
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def s3(endpoint: str, user: str, password: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=user, aws_secret_access_key=password,
                        config=Config(retries={"max_attempts": 2}, connect_timeout=10,
                                      read_timeout=30))


def check(cond: bool, what: str) -> None:
    if not cond:
        raise SystemExit(f"drive.py: {what}")


def s3_write(endpoint, user, password, bucket, key, text) -> None:
    c = s3(endpoint, user, password)
    c.create_bucket(Bucket=bucket)
    c.put_object(Bucket=bucket, Key=key, Body=text.encode())
    got = c.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    check(got == text, f"GET {bucket}/{key} returned {got!r}, expected {text!r}")
    keys = [o["Key"] for o in c.list_objects_v2(Bucket=bucket).get("Contents", [])]
    check(key in keys, f"ListObjectsV2 {bucket} gave {keys}, without {key}")
    check(bucket in [b["Name"] for b in c.list_buckets()["Buckets"]], "ListBuckets lacks it")


def s3_read(endpoint, user, password, bucket, key, text) -> None:
    got = s3(endpoint, user, password).get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    check(got == text, f"GET {bucket}/{key} returned {got!r}, expected {text!r}")


def pg(dsn: str):
    import psycopg2  # Debian's python3-psycopg2, for /usr/bin/python3

    return psycopg2.connect(dsn, connect_timeout=10)


def pg_write(dsn, text) -> None:
    with pg(dsn) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE packaging_check (note text NOT NULL)")
        cur.execute("INSERT INTO packaging_check VALUES (%s)", (text,))


def pg_read(dsn, text) -> None:
    with pg(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT note FROM packaging_check")
        rows = [r[0] for r in cur.fetchall()]
    check(rows == [text], f"packaging_check holds {rows}, expected [{text!r}]")


def ensure_study(endpoint) -> None:
    """The buckets, the application user limited to objects of ensure-study-* buckets, and the
    anonymous download of thumbnails: what setup.sh made inside its container."""
    root = s3(endpoint, "minioadmin", "minioadmin123")
    names = {b["Name"] for b in root.list_buckets()["Buckets"]}
    want = {f"ensure-study-{n}" for n in ("documents", "recordings", "ocr", "mlflow")}
    check(want <= names, f"buckets {sorted(names)} lack {sorted(want - names)}")
    app = s3(endpoint, "ensure-study", "ensure-study-secret")
    key = "classrooms/c1/thumbnails/d1_thumb.png"
    app.put_object(Bucket="ensure-study-documents", Key=key, Body=b"thumb")
    try:
        app.create_bucket(Bucket="not-ensure-study")
        raise SystemExit("drive.py: the application user created a bucket its policy denies")
    except ClientError as e:
        check(e.response["Error"]["Code"] == "AccessDenied", f"CreateBucket: {e}")
    with urllib.request.urlopen(f"{endpoint}/ensure-study-documents/{key}", timeout=10) as r:
        check(r.read() == b"thumb", "anonymous thumbnail download returned other bytes")
    try:
        urllib.request.urlopen(f"{endpoint}/ensure-study-documents/classrooms/c1/x", timeout=10)
        raise SystemExit("drive.py: an object outside thumbnails/ was readable anonymously")
    except urllib.error.HTTPError as e:
        check(e.code == 403, f"anonymous GET outside thumbnails/: HTTP {e.code}")


def main(argv: list[str]) -> None:
    commands = {"s3-write": s3_write, "s3-read": s3_read, "pg-write": pg_write,
                "pg-read": pg_read, "ensure-study": ensure_study}
    if len(argv) < 2 or argv[1] not in commands:
        raise SystemExit(__doc__)
    commands[argv[1]](*argv[2:])
    print(f"drive.py {argv[1]}: ok")


if __name__ == "__main__":
    main(sys.argv)
