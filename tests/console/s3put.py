#!/usr/bin/env python3
"""Uploads a file with boto3 the way SDK users do, for the console tests.

usage: s3put.py ENDPOINT ACCESS SECRET BUCKET KEY FILE [CONTENT_TYPE]
Creates the bucket when missing, puts the object with ChecksumAlgorithm=CRC32 and prints the
JSON of the answer's ChecksumCRC32 and ETag.
"""
import json
import sys

import boto3
from botocore.config import Config


def main() -> None:
    endpoint, access, secret, bucket, key, path = sys.argv[1:7]
    content_type = sys.argv[7] if len(sys.argv) > 7 else "application/octet-stream"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30),
    )
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=bucket)
    with open(path, "rb") as f:
        answer = s3.put_object(Bucket=bucket, Key=key, Body=f.read(), ContentType=content_type, ChecksumAlgorithm="CRC32")
    print(json.dumps({"crc32": answer.get("ChecksumCRC32"), "etag": answer.get("ETag")}))


if __name__ == "__main__":
    main()
