#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/.

Seeds are realistic inputs: requests captured from boto3 (each request is recorded by a
`before-send` hook just before it would go on the wire, so nothing is sent), the captured botocore
requests of tests/data/sigv4, the XML bodies of the S3 API reference's examples, IAM and bucket
policies as AWS and MinIO document them, aws-chunked bodies signed with the key of the AWS
streaming-upload example, and browser-form POSTs. Run it again after changing a target's input
format; seeds added by hand (crash reproducers: corpus/<target>/crash-*) are kept.

Usage: tests/fuzz/make_seeds.py   (needs boto3; the files it writes are committed)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
AK = "AKIAIOSFODNN7EXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def write(target: str, name: str, data: bytes | str) -> None:
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:60]
    (d / safe).write_bytes(data)


# --- requests: boto3 captures and tests/data/sigv4 ---------------------------------------------

class Request:
    def __init__(self, method: str, url: str, headers: dict, body: bytes):
        self.method = method
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path or "/"
        self.query = parts.query
        self.headers = [(k, v.decode() if isinstance(v, bytes) else str(v)) for k, v in headers.items()]
        if not any(k.lower() == "host" for k, _ in self.headers):
            self.headers.insert(0, ("Host", parts.netloc))
        self.body = body or b""

    def http(self) -> bytes:
        target = self.path + ("?" + self.query if self.query else "")
        head = f"{self.method} {target} HTTP/1.1\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in self.headers) + "\r\n"
        return head.encode() + self.body

    def lines(self, flags: str = "0") -> bytes:
        text = flags + f"{self.method}\n{self.path}\n{self.query}\n"
        text += "".join(f"{k}: {v}\n" for k, v in self.headers) + "\n"
        return text.encode() + self.body


def boto3_captures() -> list[tuple[str, Request]]:
    import boto3
    from botocore.awsrequest import AWSResponse
    from botocore.config import Config

    captured: list[tuple[str, Request]] = []
    current = {"name": ""}

    class Empty:
        def stream(self, *a, **k):
            return iter([b""])

        def read(self, *a, **k):
            return b""

    def hook(request, **_):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        captured.append((current["name"], Request(request.method, request.url,
                                                   dict(request.headers), body)))
        return AWSResponse(request.url, 200, {}, Empty())

    def client(endpoint: str, style: str = "path"):
        c = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=AK,
                         aws_secret_access_key=SK, region_name="us-east-1",
                         config=Config(s3={"addressing_style": style},
                                       retries={"max_attempts": 1}))
        c.meta.events.register("before-send", hook)
        return c

    path = client("http://127.0.0.1:9000")
    tls = client("https://127.0.0.1:9000")  # boto3 streams aws-chunked with a trailer over TLS
    vhost = client("http://s3.example.com:9000", "virtual")
    xml_parts = {"Parts": [{"PartNumber": 1, "ETag": '"a54357aff0632cce46d942af68356b38"'},
                           {"PartNumber": 2, "ETag": '"0c78aef83f66abc1fa1e8477f296d394"'}]}
    cors = {"CORSRules": [
        {"AllowedOrigins": ["http://www.example.com"], "AllowedMethods": ["PUT", "POST", "DELETE"],
         "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag", "x-amz-request-id"],
         "MaxAgeSeconds": 3000, "ID": "upload"},
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
         "Resource": ["arn:aws:s3:::bucket/*"]}]})
    calls = [
        ("put_object", path, lambda c: c.put_object(Bucket="bucket", Key="a b+c/100%.txt",
                                                   Body=b"hello world", ContentType="text/plain",
                                                   Metadata={"color": "blue"})),
        ("put_object_chunked", tls, lambda c: c.put_object(Bucket="bucket", Key="photos/x.jpg",
                                                          Body=io.BytesIO(b"x" * 300))),
        ("put_object_vhost", vhost, lambda c: c.put_object(Bucket="bucket", Key="k", Body=b"v")),
        ("get_object_range", path, lambda c: c.get_object(Bucket="bucket", Key="k",
                                                         Range="bytes=0-99",
                                                         IfMatch='"abc"')),
        ("get_object_conditional", vhost, lambda c: c.get_object(
            Bucket="bucket", Key="k", IfNoneMatch='"abc"',
            IfModifiedSince="Fri, 24 May 2013 00:00:00 GMT",
            ResponseContentType="text/plain", ChecksumMode="ENABLED")),
        ("head_object", path, lambda c: c.head_object(Bucket="bucket", Key="dir/../x")),
        ("list_objects_v2", path, lambda c: c.list_objects_v2(Bucket="bucket", Prefix="a/",
                                                             Delimiter="/", MaxKeys=10,
                                                             StartAfter="a/b")),
        ("list_objects_v1", vhost, lambda c: c.list_objects(Bucket="bucket", Marker="m",
                                                           EncodingType="url")),
        ("list_buckets", path, lambda c: c.list_buckets()),
        ("create_bucket", path, lambda c: c.create_bucket(
            Bucket="bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})),
        ("delete_objects", path, lambda c: c.delete_objects(Bucket="bucket", Delete={
            "Objects": [{"Key": "a"}, {"Key": "b c&d"}], "Quiet": True})),
        ("create_multipart", path, lambda c: c.create_multipart_upload(Bucket="bucket", Key="big")),
        ("upload_part", path, lambda c: c.upload_part(Bucket="bucket", Key="big", UploadId="u1",
                                                     PartNumber=2, Body=b"part")),
        ("upload_part_copy", path, lambda c: c.upload_part_copy(
            Bucket="bucket", Key="big", UploadId="u1", PartNumber=1,
            CopySource={"Bucket": "src", "Key": "a b"}, CopySourceRange="bytes=0-5")),
        ("complete_multipart", path, lambda c: c.complete_multipart_upload(
            Bucket="bucket", Key="big", UploadId="u1", MultipartUpload=xml_parts)),
        ("copy_object", path, lambda c: c.copy_object(
            Bucket="bucket", Key="dst", CopySource={"Bucket": "src", "Key": "k/é"},
            CopySourceIfMatch='"abc"', MetadataDirective="REPLACE", Metadata={"a": "b"})),
        ("put_bucket_cors", path, lambda c: c.put_bucket_cors(Bucket="bucket",
                                                             CORSConfiguration=cors)),
        ("put_bucket_policy", path, lambda c: c.put_bucket_policy(Bucket="bucket", Policy=policy)),
        ("delete_object", vhost, lambda c: c.delete_object(Bucket="bucket", Key="k")),
        ("get_bucket_location", path, lambda c: c.get_bucket_location(Bucket="bucket")),
    ]
    for name, c, call in calls:
        current["name"] = name
        try:
            call(c)
        except Exception:  # the empty 200 answer may not parse; the request is captured
            pass
    return captured


def sigv4_fixtures() -> list[tuple[str, Request]]:
    out = []
    for fixture in ("botocore_requests.txt", "botocore_v2_requests.txt"):
        text = (ROOT / "tests/data/sigv4" / fixture).read_text()
        for record in text.split("#end\n"):
            lines = record.strip("\n").split("\n")
            if not lines or not lines[0].startswith("# "):
                continue
            name = lines[0][2:]
            method, target, _ = lines[1].split(" ")
            headers, body_at = {}, len(lines)
            for i, line in enumerate(lines[2:], 2):
                if not line:
                    body_at = i + 1
                    break
                k, _, v = line.partition(":")
                headers[k] = v
            body = "\n".join(lines[body_at:]).encode()
            out.append((("v2 " if "v2" in fixture else "") + name,
                        Request(method, "http://h" + target, headers, body)))
    return out


# --- aws-chunked ---------------------------------------------------------------------------

def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


SIGNING_KEY = _hmac(_hmac(_hmac(_hmac(("AWS4" + SK).encode(), "20130524"), "us-east-1"), "s3"),
                    "aws4_request")
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
EMPTY = hashlib.sha256(b"").hexdigest()


def signed_chunks(chunks: list[bytes], trailer: list[tuple[str, str]] | None) -> bytes:
    prev, out = SEED, b""
    for data in chunks + [b""]:
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", "20130524T000000Z",
                         "20130524/us-east-1/s3/aws4_request", prev, EMPTY,
                         hashlib.sha256(data).hexdigest()])
        prev = hmac.new(SIGNING_KEY, sts.encode(), hashlib.sha256).hexdigest()
        out += f"{len(data):x};chunk-signature={prev}\r\n".encode() + data
        if data:
            out += b"\r\n"
    if trailer is None:
        return out + b"\r\n"
    canonical = "".join(f"{k}:{v}\n" for k, v in trailer)
    sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", "20130524T000000Z",
                     "20130524/us-east-1/s3/aws4_request", prev,
                     hashlib.sha256(canonical.encode()).hexdigest()])
    sig = hmac.new(SIGNING_KEY, sts.encode(), hashlib.sha256).hexdigest()
    out += "".join(f"{k}:{v}\r\n" for k, v in trailer).encode()
    return out + f"x-amz-trailer-signature:{sig}\r\n\r\n".encode()


def unsigned_chunks(chunks: list[bytes], trailer: list[tuple[str, str]]) -> bytes:
    out = b"".join(f"{len(d):x}\r\n".encode() + d + b"\r\n" for d in chunks) + b"0\r\n"
    return out + "".join(f"{k}:{v}\r\n" for k, v in trailer).encode() + b"\r\n"


def chunked_seeds(captures) -> None:
    def seed(name, mode, body, decoded=None, sizes=b""):
        flags = mode | (4 if decoded is not None else 0)
        data = bytes([flags, len(sizes)]) + sizes
        if decoded is not None:
            data += str(decoded).encode() + b"\n"
        write("aws_chunked", name, data + body)

    chunks = [b"a" * 1024, b"b" * 17]
    crc = [("x-amz-checksum-crc32", "sOO8/Q==")]
    seed("signed", 0, signed_chunks(chunks, None), 1041)
    seed("signed_small_reads", 0, signed_chunks(chunks, None), 1041, bytes([0, 3, 1, 200, 7]))
    seed("signed_no_length", 0, signed_chunks([b"hello"], None))
    seed("signed_trailer", 1, signed_chunks(chunks, crc), 1041, bytes([15, 2]))
    seed("unsigned_trailer", 2, unsigned_chunks([b"hello world"], crc), 11)
    seed("unsigned_trailer_reads", 2, unsigned_chunks([b"x" * 300, b"yz"], crc), 302,
         bytes([0, 1, 2, 3]))
    seed("unsigned_two_trailers", 2,
         unsigned_chunks([b"abc"], crc + [("x-amz-checksum-sha256", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")]))
    seed("unsigned_no_final_crlf", 2, b"3\r\nabc\r\n0\r\n", 3)
    seed("sha256_empty", 3, b"")
    for name, req in captures:  # boto3's own STREAMING-UNSIGNED-PAYLOAD-TRAILER body
        if name == "put_object_chunked":
            seed("boto3_" + name, 2, req.body, 300, bytes([9, 0]))


# --- multipart/form-data (POST Object) -------------------------------------------------------

def form(boundary: str, fields: list[tuple[str, str]], file: tuple[str, str, bytes] | None,
         after: list[tuple[str, str]] = ()) -> bytes:
    out = b""
    for k, v in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").encode()
    if file:
        fname, ctype, data = file
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{fname}\"\r\nContent-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n"
    for k, v in after:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").encode()
    return out + f"--{boundary}--\r\n".encode()


def post_policy_json() -> str:
    return json.dumps({"expiration": "2013-05-25T00:00:00Z", "conditions": [
        {"bucket": "examplebucket"}, ["starts-with", "$key", "user/user1/"], {"acl": "public-read"},
        {"success_action_redirect": "http://examplebucket.s3.amazonaws.com/successful_upload.html"},
        ["starts-with", "$Content-Type", "image/"], {"x-amz-meta-uuid": "14365123651274"},
        {"x-amz-server-side-encryption": "AES256"}, ["starts-with", "$x-amz-meta-tag", ""],
        {"x-amz-credential": AK + "/20130524/us-east-1/s3/aws4_request"},
        {"x-amz-algorithm": "AWS4-HMAC-SHA256"}, {"x-amz-date": "20130524T000000Z"},
        ["content-length-range", 0, 10485760]]})


def form_seeds() -> None:
    def seed(name, content_type, body, sizes=b""):
        write("multipart_form", name, bytes([len(sizes)]) + sizes + content_type.encode() + b"\n" + body)

    # The AWS "Example: Browser-based upload using HTTP POST (AWS Signature Version 4)" form.
    policy = base64.b64encode(post_policy_json().encode()).decode()
    fields = [("key", "user/user1/${filename}"), ("acl", "public-read"),
              ("success_action_redirect", "http://examplebucket.s3.amazonaws.com/successful_upload.html"),
              ("Content-Type", "image/jpeg"), ("x-amz-meta-uuid", "14365123651274"),
              ("x-amz-server-side-encryption", "AES256"),
              ("X-Amz-Credential", AK + "/20130524/us-east-1/s3/aws4_request"),
              ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Date", "20130524T000000Z"),
              ("x-amz-meta-tag", ""), ("Policy", policy),
              ("X-Amz-Signature", "4b8d3dcd8d9e5b7e0ad0e5a6a9c3f8c8b6e9b5bb6a2d7ec4c4b1f5f0d8e6a2b1")]
    b = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    seed("aws_doc_form", f"multipart/form-data; boundary={b}",
         form(b, fields, ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + b"J" * 200)))
    seed("aws_doc_form_small_reads", f"multipart/form-data; boundary={b}",
         form(b, fields[:3], ("photo.jpg", "image/jpeg", b"abc\r\n--" + b[:10].encode() + b"def")),
         bytes([0, 1, 2, 5, 70]))
    c = "------------------------d74496d66958873e"  # curl -F
    seed("curl", f"multipart/form-data; boundary={c}",
         form(c, [("key", "a.txt")], ("a.txt", "text/plain", b"hello\n"), [("ignored", "x")]))
    seed("quoted_boundary", 'multipart/form-data; boundary="simple boundary"; charset=utf-8',
         b"preamble\r\n" + form("simple boundary", [("key", "k")], ("f", "application/octet-stream", b"")) + b"epilogue")
    seed("fields_only", "multipart/form-data; boundary=X", form("X", [("key", "k"), ("acl", "private")], None))
    seed("truncated", "multipart/form-data; boundary=X",
         form("X", [("key", "k")], ("f", "text/plain", b"data"))[:-8])


# --- XML bodies (S3 API reference examples) ---------------------------------------------------

def xml_seeds(captures) -> None:
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    docs = {
        "0complete_doc": f"""<CompleteMultipartUpload {ns}>
  <Part>
    <PartNumber>1</PartNumber>
    <ETag>"a54357aff0632cce46d942af68356b38"</ETag>
  </Part>
  <Part>
    <PartNumber>2</PartNumber>
    <ETag>"0c78aef83f66abc1fa1e8477f296d394"</ETag>
  </Part>
  <Part>
    <PartNumber>3</PartNumber>
    <ETag>"acbd18db4cc2f85cedef654fccc4a4d8"</ETag>
  </Part>
</CompleteMultipartUpload>""",
        "0complete_checksums": f"""<CompleteMultipartUpload {ns}><Part><ChecksumCRC32>AAAAAA==</ChecksumCRC32><ChecksumSHA256>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ChecksumSHA256><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag><PartNumber>10000</PartNumber></Part></CompleteMultipartUpload>""",
        "1delete_doc": """<?xml version="1.0" encoding="UTF-8"?>
<Delete>
    <Object>
         <Key>sample1.txt</Key>
    </Object>
    <Object>
         <Key>sample2.txt</Key>
         <VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId>
    </Object>
</Delete>""",
        "1delete_quiet": f"""<Delete {ns}><Quiet>true</Quiet><Object><Key>a &amp; b</Key></Object><Object><Key>&#x1F600;</Key></Object></Delete>""",
        "2create_bucket_doc": f"""<CreateBucketConfiguration {ns}>
  <LocationConstraint>Europe</LocationConstraint>
</CreateBucketConfiguration >""",
        "3cors_doc": """<CORSConfiguration>
 <CORSRule>
   <AllowedOrigin>http://www.example.com</AllowedOrigin>

   <AllowedMethod>PUT</AllowedMethod>
   <AllowedMethod>POST</AllowedMethod>
   <AllowedMethod>DELETE</AllowedMethod>

   <AllowedHeader>*</AllowedHeader>
 </CORSRule>
 <CORSRule>
   <AllowedOrigin>*</AllowedOrigin>
   <AllowedMethod>GET</AllowedMethod>
 </CORSRule>
</CORSConfiguration>""",
        "3cors_doc_expose": """<CORSConfiguration>
 <CORSRule>
   <ID>Rule 1</ID>
   <AllowedOrigin>http://*.example.com</AllowedOrigin>
   <AllowedMethod>PUT</AllowedMethod>
   <AllowedMethod>HEAD</AllowedMethod>
   <AllowedHeader>x-amz-*</AllowedHeader>
   <MaxAgeSeconds>3000</MaxAgeSeconds>
   <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
   <ExposeHeader>x-amz-request-id</ExposeHeader>
   <ExposeHeader>x-amz-id-2</ExposeHeader>
 </CORSRule>
</CORSConfiguration>""",
    }
    for name, text in docs.items():
        write("xml_bodies", name, text)
    which = {"complete_multipart": "0", "delete_objects": "1", "create_bucket": "2",
             "put_bucket_cors": "3"}
    for name, req in captures:
        if name in which and req.body:
            write("xml_bodies", which[name] + "boto3_" + name, which[name].encode() + req.body)


# --- policies -------------------------------------------------------------------------------

def policy_seeds(captures) -> None:
    identity = {
        "readwrite_minio": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}]},
        "home_dir": {"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowListingOfUserFolder", "Action": ["s3:ListBucket"], "Effect": "Allow",
             "Resource": ["arn:aws:s3:::examplebucket"],
             "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", ""]}}},
            {"Sid": "AllowAllS3ActionsInUserFolder", "Effect": "Allow", "Action": ["s3:*"],
             "Resource": ["arn:aws:s3:::examplebucket/home/${aws:username}/*"]}]},
        "conditions": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "NotAction": "s3:Get*", "NotResource": "arn:aws:s3:::pub/*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]},
                           "Bool": {"aws:SecureTransport": "false"},
                           "DateGreaterThan": {"aws:CurrentTime": "2013-05-24T00:00:00Z"},
                           "NumericLessThanEquals": {"s3:max-keys": "10"},
                           "ForAnyValue:StringEqualsIgnoreCase": {"s3:x-amz-acl": ["public-read"]},
                           "StringNotLikeIfExists": {"aws:Referer": "*.example.com/*"},
                           "Null": {"s3:delimiter": "true"},
                           "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}}]},
        "diagnostics_minio": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["admin:ServerInfo", "admin:Profiling", "admin:TopLocksInfo"],
             "Resource": ["arn:aws:s3:::*"]}]},
        "old_version": {"Version": "2008-10-17", "Id": "x", "Statement": {
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}"}},
    }
    bucket = {
        "public_read": {"Version": "2012-10-17", "Statement": [
            {"Sid": "PublicReadGetObject", "Effect": "Allow", "Principal": "*",
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::examplebucket/*"}]},
        "mc_anonymous_download": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["*"]},
             "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::examplebucket"]},
            {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
             "Resource": ["arn:aws:s3:::examplebucket/*"]}]},
        "referer_deny": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/alice", "bob"]},
             "Action": "s3:*", "Resource": ["arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*"],
             "Condition": {"StringNotLike": {"aws:Referer": ["http://www.example.com/*"]},
                           "IpAddress": {"aws:SourceIp": "54.240.143.0/24"}}}]},
    }
    for name, doc in identity.items():
        write("policy", "0" + name, "0" + json.dumps(doc, indent=2))
    for name, doc in bucket.items():
        write("policy", "1" + name, "1" + json.dumps(doc))
    for name, req in captures:
        if name == "put_bucket_policy":
            write("policy", "1boto3_put_bucket_policy", b"1" + req.body)
    # POST policies: the AWS SigV4 example's fields and policy, and boto3's generate_presigned_post.
    fields = ["key=user/user1/${filename}", "acl=public-read",
              "success_action_redirect=http://examplebucket.s3.amazonaws.com/successful_upload.html",
              "Content-Type=image/jpeg", "x-amz-meta-uuid=14365123651274",
              "x-amz-server-side-encryption=AES256", "x-amz-meta-tag="]
    write("policy", "2aws_doc_post", "2" + "\n".join(fields) + "\n\n" + post_policy_json())
    write("policy", "2minimal_post", "2key=a.txt\n\n" + json.dumps({
        "expiration": "2013-05-24T01:00:00.000Z", "conditions": [
            ["eq", "$bucket", "examplebucket"], ["starts-with", "$key", ""],
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            ["starts-with", "$x-amz-credential", ""], ["starts-with", "$x-amz-date", ""],
            ["content-length-range", "1", "1024"]]}))
    presigned = json.loads((ROOT / "tests/data/sigv4/botocore_v2_presigned.json").read_text())
    for i, post in enumerate(presigned.get("presigned_posts", [])):
        f = dict(post.get("fields", {}))
        pol = f.pop("policy", "")
        for k in ("signature", "x-amz-signature", "AWSAccessKeyId", "x-amz-algorithm",
                  "x-amz-credential", "x-amz-date"):
            f.pop(k, None)
        try:
            pol_json = base64.b64decode(pol).decode()
        except Exception:
            continue
        write("policy", f"2botocore_post_{i}", "2" + "".join(f"{k}={v}\n" for k, v in f.items())
              + "\n" + pol_json)


# --- conditions -----------------------------------------------------------------------------

def condition_seeds() -> None:
    seeds = {
        "range_first_100": ("bytes=0-99", 1000, '"abc"', "Fri, 24 May 2013 00:00:00 GMT",
                            ['If-Match: "abc"', "If-Unmodified-Since: Sat, 25 May 2013 00:00:00 GMT"]),
        "range_suffix": ("bytes=-500", 300, "d41d8cd98f00b204e9800998ecf8427e",
                         "Sunday, 06-Nov-94 08:49:37 GMT",
                         ['If-None-Match: W/"x", "d41d8cd98f00b204e9800998ecf8427e"']),
        "range_open": ("bytes=9500-", 10000, "e", "Sun Nov  6 08:49:37 1994",
                       ["If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"]),
        "range_unsatisfiable": ("bytes=1000-2000", 1000, "e", "Fri, 24 May 2013 00:00:00 GMT",
                                ["If-None-Match: *"]),
        "range_multi": ("bytes=0-1,5-9", 10, "e", "", ["x-amz-copy-source-if-match: e",
                        "x-amz-copy-source-if-unmodified-since: Fri, 24 May 2013 00:00:00 GMT",
                        "x-amz-copy-source-if-none-match: f",
                        "x-amz-copy-source-if-modified-since: 2013-05-24T00:00:00.000Z"]),
        "range_empty_object": ("bytes=0-", 0, "", "20130524T000000Z", []),
        "range_huge": ("bytes=18446744073709551615-", 18446744073709551615, "e", "", []),
    }
    for name, (rng, size, etag, modified, headers) in seeds.items():
        write("conditions", name, "\n".join([rng, str(size), etag, modified] + headers) + "\n")


def main() -> None:
    captures = boto3_captures()
    fixtures = sigv4_fixtures()
    for name, req in captures + fixtures:
        write("request_head", name, req.http())
        flags = "1" if req.headers[0][1].startswith("bucket.") else "0"
        write("auth_headers", name, req.lines(flags))
    # Path-style requests as the AWS CLI and mc send them, without signatures.
    write("request_head", "anon_options_preflight",
          "OPTIONS /bucket/k HTTP/1.1\r\nHost: localhost:9000\r\nOrigin: http://localhost:3000\r\n"
          "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
    write("request_head", "chunked_te",
          "PUT /bucket/k?partNumber=3&uploadId=abc HTTP/1.1\r\nHost: bucket.localhost\r\n"
          "Transfer-Encoding: chunked\r\nContent-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==\r\n"
          "If-None-Match: *\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    chunked_seeds(captures)
    form_seeds()
    xml_seeds(captures)
    policy_seeds(captures)
    condition_seeds()


if __name__ == "__main__":
    main()
