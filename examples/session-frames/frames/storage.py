"""The application's storage client, as it runs against MinIO: boto3 with endpoint_url.

Kept as the application has it (the point of the example is that it works unchanged against
Cairn). Large captures go through `upload_frames_file` in app.py instead of save_frames, which
puts the whole file in one request.
"""

import boto3
from botocore.exceptions import ClientError


class FrameStorage:
    def __init__(self, endpoint, access_key, secret_key, bucket="sessions"):
        self.bucket = bucket
        self.s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name="us-east-1",
        )
        self._ensure_bucket()

    def _ensure_bucket(self):
        try:
            self.s3.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.s3.create_bucket(Bucket=self.bucket)

    def save_frames(self, session_id, parquet_bytes) -> str:
        key = f"{session_id}/frames.parquet"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=parquet_bytes)
        return key

    def get_frames(self, key) -> bytes:
        response = self.s3.get_object(Bucket=self.bucket, Key=key)
        return response["Body"].read()

    def get_frames_range(self, key, start, end) -> bytes:
        response = self.s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end}")
        return response["Body"].read()
