"""The denial matrix (issue 4, "Tests that must exist"): well over 100 requests that must fail,
each with the HTTP status and S3 error code AWS S3 gives.

Every stored object carries a distinctive secret marker (in its body and its metadata); no
refusal may carry it in its body or headers. Every refused write is followed by a look at the
whole store as root (buckets, keys and ETags, multipart uploads, bucket policies and CORS, IAM
users and policies): a denied request changes nothing. Requests are signed by hand and sent with
http.client, so paths like `/bucket/../other/key` reach the server exactly as written.

The run prints "denial matrix: N requests refused as expected"; a failing row names itself and
what came back.
"""

from __future__ import annotations

import base64
import html
import datetime
import hashlib
import json
import time
import unittest
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Callable

from admin_client import BASE as ADMIN_BASE
from admin_client import AdminClient
from harness import CairnTestCase, RawResponse, md5_b64, sha256_hex
from signing import (get_param, presign_v2, presign_v4, replace_param, send, sign_v2_headers,
                     sign_v4_headers, utcnow)
from test_post_cors import expiration, multipart, v2_fields

import madmin_payload

SECRET = "DENIAL-SECRET-" + uuid.uuid4().hex
DATA = b"confidential object body " + SECRET.encode() + b" end"


@dataclass
class Row:
    kind: str
    name: str
    request: Callable[[], RawResponse]
    status: int
    code: str | None  # None: a response without a body (HEAD)
    write: bool = False  # a denied write: the store must be unchanged afterwards
    message: str | None = None
    # A known server gap: the row asserts AWS's answer; while the server gives another (still
    # refusing, leaking nothing and writing nothing) the row is reported, not failed.
    known_gap: str | None = None


def code_of(resp: RawResponse) -> str | None:
    code = resp.error_code()
    if code is None and resp.body[:1] == b"{":
        try:
            code = json.loads(resp.body).get("Code")
        except ValueError:
            pass
    return code


class DenialMatrixTest(CairnTestCase):
    SERVER_ENV = {"MINIO_DOMAIN": "cairn.test"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hexid = uuid.uuid4().hex[:8]
        cls.A, cls.B, cls.P = f"den-a-{hexid}", f"den-b-{hexid}", f"den-pub-{hexid}"
        s3 = cls.s3
        for bucket in (cls.A, cls.B, cls.P):
            s3.create_bucket(Bucket=bucket)
            for key in ("secret.txt", "dir/secret.txt", "public/p.txt"):
                s3.put_object(Bucket=bucket, Key=key, Body=DATA, Metadata={"marker": SECRET})
        # The public bucket lets anyone read its objects (and nothing else).
        s3.put_bucket_policy(Bucket=cls.P, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{cls.P}/*"}]}))
        # ACL buckets (docs/acl.md): X has a public-read object, an authenticated-read one and a
        # private one; Y blocks public access (all four flags) over a public policy and a
        # public-read object; Z has ACLs disabled over an object made public-read before.
        cls.X, cls.Y, cls.Z = f"den-acl-{hexid}", f"den-pab-{hexid}", f"den-enf-{hexid}"
        for bucket in (cls.X, cls.Y, cls.Z):
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="secret.txt", Body=DATA, Metadata={"marker": SECRET})
            s3.put_object(Bucket=bucket, Key="pub.txt", Body=DATA, ACL="public-read",
                          Metadata={"marker": SECRET})
        s3.put_object(Bucket=cls.X, Key="open.txt", Body=b"open to all", ACL="public-read")
        s3.put_object(Bucket=cls.X, Key="auth.txt", Body=DATA, ACL="authenticated-read",
                      Metadata={"marker": SECRET})
        s3.put_bucket_policy(Bucket=cls.Y, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{cls.Y}/*"}]}))
        s3.put_public_access_block(Bucket=cls.Y, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        s3.put_bucket_ownership_controls(Bucket=cls.Z, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        # A multipart upload in progress in each private bucket, with one part.
        cls.uploads = {}
        for bucket in (cls.A, cls.B):
            up = s3.create_multipart_upload(Bucket=bucket, Key="mp.bin")["UploadId"]
            etag = s3.upload_part(Bucket=bucket, Key="mp.bin", UploadId=up, PartNumber=1,
                                  Body=DATA)["ETag"]
            cls.uploads[bucket] = (up, etag)

        admin = cls.admin = AdminClient(cls.server)
        admin.put_policy("den-alice", {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:*"],
                           "Resource": [f"arn:aws:s3:::{cls.A}", f"arn:aws:s3:::{cls.A}/*"]}]})
        cls.users = {
            "alice": "alice-secret-key-1",
            "reader": "reader-secret-key-1",
            "dis": "disabled-secret-key-1",
            "gone": "deleted-secret-key-1",
        }
        admin.add_user("alice", cls.users["alice"], ["den-alice"])
        admin.add_user("reader", cls.users["reader"], ["readonly"])
        admin.add_user("dis", cls.users["dis"], ["readwrite"])
        admin.set_user_status("dis", "disabled")
        admin.add_user("gone", cls.users["gone"], ["readwrite"])
        admin.ok("DELETE", "user", {"accessKey": "gone"})
        sa = admin.ok("PUT", "service-account", body={
            "parent": "alice", "accessKey": "alice-narrow", "secretKey": "alice-narrow-secret-1",
            "policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{cls.A}/public/*"]}]}})
        cls.users[sa["accessKey"]] = sa["secretKey"]
        reader_sa = admin.ok("PUT", "service-account", body={"parent": "reader"})
        cls.reader_sa = reader_sa["accessKey"]
        # A POST policy that is used once, then replayed past its expiry by the matrix.
        cls.replay_key = "forms/replayed.txt"
        cls.replay_fields = list(s3.generate_presigned_post(
            Bucket=cls.A, Key=cls.replay_key, ExpiresIn=2)["fields"].items())
        body, ctype = multipart(cls.replay_fields, b"first use")
        first = send(cls.server.port, "POST", f"/{cls.A}", {"Content-Type": ctype}, body)
        assert first.status == 204, first
        cls.replay_expires_at = time.time() + 2

    # -- request helpers ----------------------------------------------------------------------

    def as_user(self, user, method, target, headers=None, body=b"", secret=None, **kw):
        """A SigV4 header-signed request as `user` (the root user for None)."""
        access = user or self.server.access_key
        secret = secret or (self.users.get(user) if user else self.server.secret_key)
        hdrs = sign_v4_headers(self.server.port, method, target, access, secret, body=body,
                               headers=headers, **kw)
        return send(self.server.port, method, target, hdrs, body)

    def anon(self, method, target, headers=None, body=b""):
        return send(self.server.port, method, target, headers, body)

    def snapshot(self):
        s3 = self.s3
        state = {}
        for b in s3.list_buckets()["Buckets"]:
            name = b["Name"]
            objects = {}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                for o in page.get("Contents", []):
                    objects[o["Key"]] = o["ETag"]
            uploads = sorted((u["Key"], u["UploadId"])
                             for u in s3.list_multipart_uploads(Bucket=name).get("Uploads", []))
            parts = {}
            for key, up in uploads:
                parts[up] = [(p["PartNumber"], p["ETag"]) for p in
                             s3.list_parts(Bucket=name, Key=key, UploadId=up).get("Parts", [])]
            policy = self.as_user(None, "GET", f"/{name}?policy=")
            cors = self.as_user(None, "GET", f"/{name}?cors=")
            # Who may reach it: the bucket's and each object's ACL, ownership, access block.
            def seen(r):  # an error's body names its request: keep only its code
                return (r.status, r.body if r.status == 200 else code_of(r))
            access = tuple(seen(self.as_user(None, "GET", f"/{name}?{sub}="))
                           for sub in ("acl", "ownershipControls", "publicAccessBlock"))
            acls = {key: seen(self.as_user(None, "GET",
                                           f"/{name}/{urllib.parse.quote(key)}?acl="))
                    for key in objects}
            state[name] = (objects, uploads, parts, policy.status, policy.body if
                           policy.status == 200 else None, cors.status, access, acls)
        users = self.admin.ok("GET", "users")
        policies = self.admin.ok("GET", "policies")
        sas = {u: self.admin.ok("GET", "service-accounts", {"user": u})
               for u in ("alice", "reader")}
        return state, users, policies, sas

    # -- the rows -----------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        A, B, P = self.A, self.B, self.P
        port = self.server.port
        root_key, root_secret = self.server.access_key, self.server.secret_key
        rows: list[Row] = []

        def row(kind, name, request, status, code, write=False, message=None, known_gap=None):
            rows.append(Row(kind, name, request, status, code, write, message, known_gap))

        xml_delete = (f"<Delete><Object><Key>secret.txt</Key></Object>"
                      f"<Object><Key>dir/secret.txt</Key></Object></Delete>").encode()
        md5 = {"Content-MD5": md5_b64(xml_delete)}

        def complete_xml(bucket):
            return (f"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
                    f"<ETag>{self.uploads[bucket][1]}</ETag></Part>"
                    f"</CompleteMultipartUpload>").encode()

        cors_xml = (b"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                    b"<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")

        ownership_xml = (b"<OwnershipControls><Rule><ObjectOwnership>ObjectWriter"
                         b"</ObjectOwnership></Rule></OwnershipControls>")
        pab_xml = (b"<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>"
                   b"</PublicAccessBlockConfiguration>")

        def policy_json(bucket):
            return json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*"}]}).encode()

        def operations(bucket, victim_copy_dest):
            """(name, method, target, headers, body, is_write, head) of every operation kind on
            `bucket` (a private bucket the caller may not use)."""
            up, _ = self.uploads.get(bucket, (None, None))
            ops = [
                ("list objects v2", "GET", f"/{bucket}?list-type=2", {}, b"", False),
                ("list objects v1", "GET", f"/{bucket}", {}, b"", False),
                ("list object versions", "GET", f"/{bucket}?versions=", {}, b"", False),
                ("get object", "GET", f"/{bucket}/secret.txt", {}, b"", False),
                ("get object range", "GET", f"/{bucket}/secret.txt", {"Range": "bytes=0-99"}, b"",
                 False),
                ("head object", "HEAD", f"/{bucket}/secret.txt", {}, b"", False),
                ("head bucket", "HEAD", f"/{bucket}", {}, b"", False),
                ("put object", "PUT", f"/{bucket}/planted.txt", {}, b"planted", True),
                ("overwrite object", "PUT", f"/{bucket}/secret.txt", {}, b"overwritten", True),
                ("delete object", "DELETE", f"/{bucket}/secret.txt", {}, b"", True),
                ("delete objects", "POST", f"/{bucket}?delete=", md5, xml_delete, True),
                ("create multipart upload", "POST", f"/{bucket}/mp-new.bin?uploads=", {}, b"",
                 True),
                ("upload part", "PUT", f"/{bucket}/mp.bin?partNumber=2&uploadId={up}", {},
                 b"part two", True),
                ("complete multipart upload", "POST", f"/{bucket}/mp.bin?uploadId={up}", {},
                 complete_xml(bucket), True),
                ("abort multipart upload", "DELETE", f"/{bucket}/mp.bin?uploadId={up}", {}, b"",
                 True),
                ("list parts", "GET", f"/{bucket}/mp.bin?uploadId={up}", {}, b"", False),
                ("list multipart uploads", "GET", f"/{bucket}?uploads=", {}, b"", False),
                ("copy object within", "PUT", f"/{bucket}/copied.txt",
                 {"x-amz-copy-source": f"/{bucket}/secret.txt"}, b"", True),
                ("copy object out", "PUT", f"/{victim_copy_dest}/stolen.txt",
                 {"x-amz-copy-source": f"/{bucket}/secret.txt"}, b"", True),
                ("get bucket policy", "GET", f"/{bucket}?policy=", {}, b"", False),
                ("put bucket policy", "PUT", f"/{bucket}?policy=", {}, policy_json(bucket), True),
                ("delete bucket policy", "DELETE", f"/{bucket}?policy=", {}, b"", True),
                ("get bucket policy status", "GET", f"/{bucket}?policyStatus=", {}, b"", False),
                ("put bucket cors", "PUT", f"/{bucket}?cors=", {"Content-MD5": md5_b64(cors_xml)},
                 cors_xml, True),
                ("get bucket cors", "GET", f"/{bucket}?cors=", {}, b"", False),
                ("delete bucket cors", "DELETE", f"/{bucket}?cors=", {}, b"", True),
                ("get bucket location", "GET", f"/{bucket}?location=", {}, b"", False),
                ("get bucket acl", "GET", f"/{bucket}?acl=", {}, b"", False),
                ("put bucket acl", "PUT", f"/{bucket}?acl=", {"x-amz-acl": "public-read-write"},
                 b"", True),
                ("get object acl", "GET", f"/{bucket}/secret.txt?acl=", {}, b"", False),
                ("put object acl", "PUT", f"/{bucket}/secret.txt?acl=",
                 {"x-amz-acl": "public-read"}, b"", True),
                ("put public-read object", "PUT", f"/{bucket}/planted-public.txt",
                 {"x-amz-acl": "public-read"}, b"planted", True),
                ("get ownership controls", "GET", f"/{bucket}?ownershipControls=", {}, b"",
                 False),
                ("put ownership controls", "PUT", f"/{bucket}?ownershipControls=", {},
                 ownership_xml, True),
                ("delete ownership controls", "DELETE", f"/{bucket}?ownershipControls=", {}, b"",
                 True),
                ("get public access block", "GET", f"/{bucket}?publicAccessBlock=", {}, b"",
                 False),
                ("put public access block", "PUT", f"/{bucket}?publicAccessBlock=", {},
                 pab_xml, True),
                ("delete public access block", "DELETE", f"/{bucket}?publicAccessBlock=", {}, b"",
                 True),
                ("delete bucket", "DELETE", f"/{bucket}", {}, b"", True),
            ]
            return ops

        # ---- signatures: wrong secret, unknown key, region, service, clock ----
        obj = f"/{A}/secret.txt"
        for method, target, body in (("GET", obj, b""), ("PUT", f"/{A}/wrong-secret", b"x"),
                                     ("DELETE", obj, b""), ("GET", f"/{A}?list-type=2", b""),
                                     ("GET", "/", b"")):
            row("signature", f"wrong secret {method} {target}",
                lambda m=method, t=target, b=body: self.as_user(None, m, t, body=b,
                                                                secret="not-the-secret-123"),
                403, "SignatureDoesNotMatch", write=method != "GET")
        row("signature", "wrong secret HEAD", lambda: self.as_user(
            None, "HEAD", obj, secret="not-the-secret-123"), 403, None)
        row("signature", "wrong secret of another user (alice's key, root's secret)",
            lambda: self.as_user("alice", "GET", obj, secret=root_secret), 403,
            "SignatureDoesNotMatch")
        for method, target, body in (("GET", obj, b""), ("PUT", f"/{A}/unknown-key", b"x"),
                                     ("GET", "/", b"")):
            row("signature", f"unknown access key {method} {target}",
                lambda m=method, t=target, b=body: self.as_user(
                    "NOSUCHACCESSKEY", m, t, body=b, secret="whatever-secret-1"),
                403, "InvalidAccessKeyId", write=method == "PUT")
        for region, method, target, body in (("eu-west-1", "GET", obj, b""),
                                             ("us-west-2", "PUT", f"/{A}/wrong-region", b"x"),
                                             ("us-east-2", "DELETE", obj, b""),
                                             ("eu-west-1", "GET", f"/{A}?list-type=2", b"")):
            row("signature", f"wrong region {region} {method}",
                lambda r=region, m=method, t=target, b=body: self.as_user(None, m, t, body=b,
                                                                          region=r),
                400, "AuthorizationHeaderMalformed", write=method != "GET",
                message=f"the region '{region}' is wrong; expecting 'us-east-1'")
        for service, method, target, body in (("iam", "GET", obj, b""),
                                              ("sts", "PUT", f"/{A}/wrong-service", b"x"),
                                              ("s3-object-lambda", "GET", obj, b"")):
            row("signature", f"wrong service {service} {method}",
                lambda s=service, m=method, t=target, b=body: self.as_user(None, m, t, body=b,
                                                                           service=s),
                400, "AuthorizationHeaderMalformed", write=method == "PUT")
        for delta, method, target, body in (
                (datetime.timedelta(minutes=20), "GET", obj, b""),
                (datetime.timedelta(minutes=-20), "GET", obj, b""),
                (datetime.timedelta(days=-1), "PUT", f"/{A}/skewed", b"x"),
                (datetime.timedelta(minutes=16), "DELETE", obj, b""),
                (datetime.timedelta(days=365), "GET", "/", b"")):
            row("signature", f"skewed date {delta} {method}",
                lambda d=delta, m=method, t=target, b=body: self.as_user(
                    None, m, t, body=b, when=utcnow() + d),
                403, "RequestTimeTooSkewed", write=method != "GET")

        # ---- malformed Authorization headers ----
        def with_auth(value, extra=None):
            def request():
                hdrs = sign_v4_headers(port, "GET", obj, root_key, root_secret)
                hdrs["Authorization"] = value(hdrs["Authorization"]) if callable(value) else value
                hdrs.update(extra or {})
                return send(port, "GET", obj, hdrs)
            return request

        ahm = "AuthorizationHeaderMalformed"
        row("malformed", "algorithm only", with_auth("AWS4-HMAC-SHA256"), 400, ahm)
        row("malformed", "no Signature", with_auth(lambda a: a.split(", Signature=")[0]), 400, ahm)
        row("malformed", "no SignedHeaders", with_auth(
            lambda a: a.replace(a[a.index("SignedHeaders="):a.index("Signature=")], "")), 400, ahm)
        row("malformed", "credential without scope", with_auth(
            lambda a: a.replace("/us-east-1/s3/aws4_request", "")), 400, ahm)
        row("malformed", "credential terminator", with_auth(
            lambda a: a.replace("aws4_request", "aws5_request")), 400, ahm)
        row("malformed", "host not signed", with_auth(
            lambda a: a.replace("SignedHeaders=host;", "SignedHeaders=")), 400, ahm)
        row("malformed", "credential date not the request date", with_auth(
            lambda a: a.replace("Credential=" + root_key + "/2", "Credential=" + root_key + "/1")),
            400, ahm)
        row("malformed", "signature not hex", with_auth(
            lambda a: a.split("Signature=")[0] + "Signature=" + "zz" * 32), 400, ahm)
        row("malformed", "signature truncated", with_auth(lambda a: a[:-10]), 400, ahm)
        row("malformed", "signed header not sent", with_auth(
            lambda a: a.replace("SignedHeaders=host;", "SignedHeaders=host;x-amz-meta-gone;")),
            403, "SignatureDoesNotMatch")
        row("malformed", "V2 without colon", with_auth(f"AWS {root_key}"), 400, ahm)
        row("malformed", "no date at all", lambda: send(port, "GET", obj, {
            k: v for k, v in sign_v4_headers(port, "GET", obj, root_key, root_secret).items()
            if k.lower() != "x-amz-date"}), 400, "MissingSecurityHeader")
        row("malformed", "x-amz-date garbage", with_auth(lambda a: a, {"X-Amz-Date": "yesterday"}),
            400, ahm)
        row("malformed", "header and presigned query together", lambda: send(
            port, "GET", presign_v4(port, "GET", obj, root_key, root_secret),
            {"Authorization": sign_v4_headers(port, "GET", obj, root_key,
                                              root_secret)["Authorization"]}),
            400, "InvalidArgument")

        # ---- SigV2 headers ----
        def v2(method, target, access=root_key, secret=root_secret, date=None, body=b""):
            return lambda: send(port, method, target,
                                sign_v2_headers(method, target.split("?")[0], access, secret,
                                                date=date), body)
        row("sigv2", "V2 wrong secret GET", v2("GET", obj, secret="not-the-secret-123"), 403,
            "SignatureDoesNotMatch")
        row("sigv2", "V2 wrong secret PUT", v2("PUT", f"/{A}/v2-put", secret="not-the-secret",
                                               body=b"x"), 403, "SignatureDoesNotMatch", True)
        row("sigv2", "V2 unknown key", v2("GET", obj, access="NOSUCHV2KEY"), 403,
            "InvalidAccessKeyId")
        row("sigv2", "V2 skewed date", v2("GET", obj, date=datetime.datetime.now(
            datetime.timezone.utc) - datetime.timedelta(hours=1)), 403, "RequestTimeTooSkewed")
        row("sigv2", "V2 alice on another user's bucket", v2(
            "GET", f"/{B}/secret.txt", access="alice", secret=self.users["alice"]), 403,
            "AccessDenied")

        # ---- x-amz-content-sha256 ----
        def sha_mismatch(target, signed, sent, payload_hash=None):
            def request():
                hdrs = sign_v4_headers(port, "PUT", target, root_key, root_secret, body=signed,
                                       payload_hash=payload_hash)
                return send(port, "PUT", target, hdrs, sent)
            return request
        xsha = "XAmzContentSHA256Mismatch"
        row("content-sha256", "different body, same length",
            sha_mismatch(f"/{A}/sha1", b"A" * 100, b"B" * 100), 400, xsha, True)
        row("content-sha256", "different body, longer",
            sha_mismatch(f"/{A}/sha2", b"signed", b"sent and longer"), 400, xsha, True)
        row("content-sha256", "empty-body hash with a body",
            sha_mismatch(f"/{A}/sha3", b"", b"smuggled"), 400, xsha, True)
        row("content-sha256", "overwrite keeps the old object",
            sha_mismatch(f"/{A}/secret.txt", b"new", b"NEW"), 400, xsha, True)
        row("content-sha256", "upload part",
            sha_mismatch(f"/{A}/mp.bin?partNumber=3&uploadId={self.uploads[A][0]}", b"p" * 64,
                         b"q" * 64), 400, xsha, True)
        row("content-sha256", "not a hash",
            sha_mismatch(f"/{A}/sha4", b"x", b"x", payload_hash="not-a-sha256"), 400,
            "InvalidArgument", True)
        row("content-sha256", "admin body", lambda: send(
            port, "PUT", ADMIN_BASE + "policy?name=sha-policy",
            sign_v4_headers(port, "PUT", ADMIN_BASE + "policy?name=sha-policy", root_key,
                            root_secret, body=b'{"Version":"2012-10-17","Statement":[]}'),
            b'{"Version":"2012-10-17","Statement":[{}]}'), 400, xsha, True)

        # ---- presigned SigV4 ----
        def pre(method, target, **kw):
            kw.setdefault("access_key", root_key)
            kw.setdefault("secret_key", root_secret)
            return presign_v4(port, method, target, **kw)

        good = pre("GET", obj)

        def bump_date(target):  # one second later
            d = get_param(target, "X-Amz-Date")
            return d[:-2] + str((int(d[-2]) + 1) % 10) + "Z"
        sig = get_param(good, "X-Amz-Signature")
        _, _, query = good.partition("?")
        old = utcnow() - datetime.timedelta(hours=2)
        for method, target, body in (("GET", obj, b""), ("PUT", f"/{A}/expired-put", b"x"),
                                     ("DELETE", obj, b""), ("GET", f"/{A}?list-type=2", b"")):
            row("presigned-v4", f"expired {method} {target}", lambda m=method, t=target, b=body: send(
                port, m, pre(m, t, expires=3600, when=old), body=b), 403, "AccessDenied",
                method != "GET", "Request has expired")
        row("presigned-v4", "expired a week ago", lambda: send(port, "GET", pre(
            "GET", obj, expires=604800, when=utcnow() - datetime.timedelta(days=8))), 403,
            "AccessDenied", message="Request has expired")
        row("presigned-v4", "X-Amz-Expires 604801", lambda: send(
            port, "GET", pre("GET", obj, expires=604801)), 400,
            "AuthorizationQueryParametersError")
        row("presigned-v4", "X-Amz-Expires 0", lambda: send(
            port, "GET", replace_param(good, "X-Amz-Expires", "0")), 400,
            "AuthorizationQueryParametersError")
        row("presigned-v4", "not yet valid", lambda: send(port, "GET", pre(
            "GET", obj, when=utcnow() + datetime.timedelta(hours=1))), 403,
            "RequestTimeTooSkewed")
        row("presigned-v4", "wrong region", lambda: send(
            port, "GET", pre("GET", obj, region="ap-south-1")), 400,
            "AuthorizationQueryParametersError")
        tampered = [
            ("key", f"/{A}/dir/secret.txt?{query}", "GET"),
            ("bucket", f"/{B}/secret.txt?{query}", "GET"),
            ("X-Amz-Expires", replace_param(good, "X-Amz-Expires", "3599"), "GET"),
            ("X-Amz-Date", replace_param(good, "X-Amz-Date", bump_date(good)), "GET"),
            ("X-Amz-Credential", replace_param(good, "X-Amz-Credential", get_param(
                good, "X-Amz-Credential").replace(root_key, "alice", 1)), "GET"),
            ("X-Amz-Signature", replace_param(good, "X-Amz-Signature",
                                              sig[:-1] + ("0" if sig[-1] != "0" else "1")),
             "GET"),
            ("added response-content-type", good + "&response-content-type=text%2Fhtml", "GET"),
            ("added partNumber", good + "&partNumber=1", "GET"),
            ("method", good, "DELETE"),
        ]
        for label, target, method in tampered:
            row("presigned-v4", f"tampered {label}", lambda t=target, m=method: send(port, m, t),
                403, "SignatureDoesNotMatch", method != "GET")
        put_url = pre("PUT", f"/{A}/presigned-put")
        row("presigned-v4", "tampered PUT key", lambda: send(
            port, "PUT", f"/{A}/presigned-evil?" + put_url.partition("?")[2], body=b"evil"), 403,
            "SignatureDoesNotMatch", True)
        row("presigned-v4", "signed by a deleted user", lambda: send(port, "GET", pre(
            "GET", obj, access_key="gone", secret_key=self.users["gone"])), 403,
            "InvalidAccessKeyId")
        row("presigned-v4", "signed by alice for bucket B", lambda: send(port, "GET", pre(
            "GET", f"/{B}/secret.txt", access_key="alice", secret_key=self.users["alice"])),
            403, "AccessDenied")

        # ---- presigned SigV2 ----
        now = int(time.time())
        v2good = presign_v2("GET", obj, root_key, root_secret, expires_at=now + 600)
        v2sig = get_param(v2good, "Signature")
        row("presigned-v2", "expired GET", lambda: send(port, "GET", presign_v2(
            "GET", obj, root_key, root_secret, expires_at=now - 10)), 403, "AccessDenied",
            message="Request has expired")
        row("presigned-v2", "expired PUT", lambda: send(port, "PUT", presign_v2(
            "PUT", f"/{A}/v2-expired", root_key, root_secret, expires_at=now - 10),
            body=b"x"), 403, "AccessDenied", True, "Request has expired")
        for label, target, method in (
                ("key", f"/{A}/dir/secret.txt?" + v2good.partition("?")[2], "GET"),
                ("bucket", f"/{B}/secret.txt?" + v2good.partition("?")[2], "GET"),
                ("Expires", replace_param(v2good, "Expires", str(now + 6000)), "GET"),
                ("Signature", replace_param(v2good, "Signature",
                                            ("A" if v2sig[0] != "A" else "B") + v2sig[1:]),
                 "GET"),
                ("AWSAccessKeyId", replace_param(v2good, "AWSAccessKeyId", "alice"), "GET"),
                ("method", v2good, "DELETE")):
            row("presigned-v2", f"tampered {label}", lambda t=target, m=method: send(port, m, t),
                403, "SignatureDoesNotMatch", method != "GET")

        # ---- POST policies ----
        def post(fields, data=b"posted data", bucket=A):
            body, ctype = multipart(list(fields), data)
            return send(port, "POST", f"/{bucket}", {"Content-Type": ctype}, body)

        def form(key, fields=None, conditions=None, expires=300, client=None, bucket=A):
            return list((client or self.s3).generate_presigned_post(
                Bucket=bucket, Key=key, Fields=fields or {}, Conditions=conditions or [],
                ExpiresIn=expires)["fields"].items())

        def set_field(fields, name, value):
            return [(n, value if n == name else v) for n, v in fields]

        row("post-policy", "replayed past its expiry", lambda: post(self.replay_fields), 403,
            "AccessDenied", True, "Policy expired")
        row("post-policy", "expired SigV4 policy", lambda: post(form("forms/x", expires=-5)),
            403, "AccessDenied", True, "Policy expired")
        row("post-policy", "expired SigV2 policy", lambda: post(
            [("key", "forms/v2")] + v2_fields(root_key, root_secret, {
                "expiration": expiration(-60), "conditions": [{"bucket": A},
                                                              ["starts-with", "$key", ""]]})),
            403, "AccessDenied", True, "Policy expired")
        row("post-policy", "eq Content-Type violated", lambda: post(set_field(form(
            "forms/eq", {"Content-Type": "image/png"}, [{"Content-Type": "image/png"}]),
            "Content-Type", "text/html")), 403, "AccessDenied", True, "Policy Condition failed")
        row("post-policy", "starts-with key violated", lambda: post(set_field(
            form("forms/${filename}"), "key", "elsewhere/x")), 403, "AccessDenied", True)
        row("post-policy", "content-length-range too large", lambda: post(form(
            "forms/big", conditions=[["content-length-range", 1, 10]]), b"x" * 11), 400,
            "EntityTooLarge", True)
        row("post-policy", "content-length-range too small", lambda: post(form(
            "forms/small", conditions=[["content-length-range", 5, 10]]), b"x"), 400,
            "EntityTooSmall", True)
        row("post-policy", "field the policy does not name", lambda: post(
            form("forms/extra") + [("x-amz-meta-extra", "1")]), 403, "AccessDenied", True)
        row("post-policy", "posted to another bucket", lambda: post(form("forms/b"), bucket=B),
            403, "AccessDenied", True)
        row("post-policy", "tampered policy", lambda: post(set_field(
            form("forms/t"), "policy", base64.b64encode(json.dumps({
                "expiration": expiration(300), "conditions": [["starts-with", "$key", ""]]
            }).encode()).decode())), 403, "SignatureDoesNotMatch", True)
        row("post-policy", "wrong signature", lambda: post(set_field(
            form("forms/s"), "x-amz-signature", "0" * 64)), 403, "SignatureDoesNotMatch", True)
        row("post-policy", "unknown access key", lambda: post(form(
            "forms/u", client=self.server.client("NOSUCHPOSTKEY", "whatever-secret"))), 403,
            "InvalidAccessKeyId", True)
        row("post-policy", "anonymous form on a private bucket", lambda: post(
            [("key", "forms/anon")]), 403, "AccessDenied", True)
        row("post-policy", "signed by the readonly user", lambda: post(form(
            "forms/reader", client=self.server.client("reader", self.users["reader"]))), 403,
            "AccessDenied", True)
        row("post-policy", "signed by alice for bucket B", lambda: post(form(
            "forms/alice", client=self.server.client("alice", self.users["alice"]), bucket=B),
            bucket=B), 403, "AccessDenied", True)

        # ---- every operation kind: anonymous, alice on B, readonly user, narrowed key ----
        def add_ops(kind, bucket, caller, copy_dest, skip=()):
            for name, method, target, headers, body, is_write in operations(bucket, copy_dest):
                if name in skip:
                    continue
                if caller is None:
                    fn = (lambda m=method, t=target, h=headers, b=body: self.anon(m, t, h, b))
                else:
                    fn = (lambda m=method, t=target, h=headers, b=body:
                          self.as_user(caller, m, t, h, b))
                row(kind, f"{name} {method} {target}", fn, 403,
                    None if method == "HEAD" else "AccessDenied", is_write)

        add_ops("anonymous", A, None, P)
        row("anonymous", "list buckets", lambda: self.anon("GET", "/"), 403, "AccessDenied")
        row("anonymous", "create bucket", lambda: self.anon("PUT", "/den-anon-new"), 403,
            "AccessDenied", True)
        row("anonymous", "copy from a private bucket into the public one", lambda: self.anon(
            "PUT", f"/{P}/stolen.txt", {"x-amz-copy-source": f"/{A}/secret.txt"}), 403,
            "AccessDenied", True)
        row("anonymous", "put into the public-read bucket", lambda: self.anon(
            "PUT", f"/{P}/planted.txt", body=b"x"), 403, "AccessDenied", True)
        row("anonymous", "list the public-read bucket", lambda: self.anon(
            "GET", f"/{P}?list-type=2"), 403, "AccessDenied")
        # ---- ACLs, ownership controls, public access block ----
        X, Y, Z = self.X, self.Y, self.Z
        row("acl", "anonymous private object beside a public-read one", lambda: self.anon(
            "GET", f"/{X}/secret.txt"), 403, "AccessDenied")
        row("acl", "anonymous missing key in a bucket with a public-read object", lambda: self.anon(
            "GET", f"/{X}/missing.txt"), 403, "AccessDenied")
        row("acl", "anonymous HEAD missing key", lambda: self.anon(
            "HEAD", f"/{X}/missing.txt"), 403, None)
        row("acl", "anonymous authenticated-read object", lambda: self.anon(
            "GET", f"/{X}/auth.txt"), 403, "AccessDenied")
        row("acl", "anonymous GET ?acl of a public-read object (READ is not READ_ACP)",
            lambda: self.anon("GET", f"/{X}/open.txt?acl="), 403, "AccessDenied")
        row("acl", "anonymous PUT ?acl of a public-read object", lambda: self.anon(
            "PUT", f"/{X}/open.txt?acl=", {"x-amz-acl": "public-read-write"}), 403,
            "AccessDenied", True)
        row("acl", "alice PUT ?acl of an authenticated-read object", lambda: self.as_user(
            "alice", "PUT", f"/{X}/auth.txt?acl=", {"x-amz-acl": "public-read"}), 403,
            "AccessDenied", True)
        row("acl", "anonymous DELETE of a public-read object", lambda: self.anon(
            "DELETE", f"/{X}/open.txt"), 403, "AccessDenied", True)
        row("acl", "anonymous PUT into a bucket with public-read objects", lambda: self.anon(
            "PUT", f"/{X}/planted.txt", body=b"x"), 403, "AccessDenied", True)
        row("acl", "anonymous list of a bucket with public-read objects", lambda: self.anon(
            "GET", f"/{X}?list-type=2"), 403, "AccessDenied")
        row("acl", "anonymous GET of a version that does not exist", lambda: self.anon(
            "GET", f"/{X}/open.txt?versionId=00000000-0000-0000-0000-000000000000"), 403,
            "AccessDenied")
        anon_form, anon_ctype = multipart([("key", "forms/anon.txt"), ("acl", "public-read")],
                                          b"x")
        row("acl", "anonymous POST form to a bucket that is not public-read-write",
            lambda: self.anon("POST", f"/{X}", {"Content-Type": anon_ctype}, anon_form), 403,
            "AccessDenied", True)
        row("acl", "canned ACL and grant headers together", lambda: self.as_user(
            None, "PUT", f"/{A}/both.txt", {"x-amz-acl": "public-read",
                                             "x-amz-grant-read": 'id="x"'}, b"x"), 400,
            "InvalidRequest", True)
        row("acl", "grant by e-mail address", lambda: self.as_user(
            None, "PUT", f"/{A}/email.txt", {"x-amz-grant-read": 'emailAddress="a@b.c"'}, b"x"),
            400, "UnresolvableGrantByEmailAddress", True)
        row("acl", "unknown canned ACL", lambda: self.as_user(
            None, "PUT", f"/{A}/canned.txt", {"x-amz-acl": "everyone"}, b"x"), 400,
            "InvalidArgument", True)
        row("acl", "malformed AccessControlPolicy", lambda: self.as_user(
            None, "PUT", f"/{A}/secret.txt?acl=", body=b"<AccessControlPolicy>"), 400,
            "MalformedACLError", True)
        row("public-access-block", "IgnorePublicAcls: anonymous public-read object",
            lambda: self.anon("GET", f"/{Y}/pub.txt"), 403, "AccessDenied")
        row("public-access-block", "RestrictPublicBuckets: anonymous under a public policy",
            lambda: self.anon("GET", f"/{Y}/secret.txt"), 403, "AccessDenied")
        row("public-access-block", "BlockPublicAcls: root PUT public-read", lambda: self.as_user(
            None, "PUT", f"/{Y}/new.txt", {"x-amz-acl": "public-read"}, b"x"), 403,
            "AccessDenied", True)
        row("public-access-block", "BlockPublicAcls: root PUT ?acl public-read on the bucket",
            lambda: self.as_user(None, "PUT", f"/{Y}?acl=", {"x-amz-acl": "public-read"}), 403,
            "AccessDenied", True)
        row("public-access-block", "BlockPublicAcls: authenticated-read on an object",
            lambda: self.as_user(None, "PUT", f"/{Y}/secret.txt?acl=",
                                 {"x-amz-acl": "authenticated-read"}), 403, "AccessDenied", True)
        row("public-access-block", "BlockPublicPolicy: root PUT a public policy",
            lambda: self.as_user(None, "PUT", f"/{Y}?policy=", body=policy_json(Y)), 403,
            "AccessDenied", True)
        row("ownership", "BucketOwnerEnforced: anonymous object made public before",
            lambda: self.anon("GET", f"/{Z}/pub.txt"), 403, "AccessDenied")
        row("ownership", "BucketOwnerEnforced: root PUT public-read", lambda: self.as_user(
            None, "PUT", f"/{Z}/new.txt", {"x-amz-acl": "public-read"}, b"x"), 400,
            "AccessControlListNotSupported", True)
        row("ownership", "BucketOwnerEnforced: root PUT ?acl on the bucket", lambda: self.as_user(
            None, "PUT", f"/{Z}?acl=", {"x-amz-acl": "public-read"}), 400,
            "AccessControlListNotSupported", True)
        row("ownership", "BucketOwnerEnforced: root PUT ?acl on an object", lambda: self.as_user(
            None, "PUT", f"/{Z}/pub.txt?acl=", {"x-amz-acl": "public-read"}), 400,
            "AccessControlListNotSupported", True)

        add_ops("other-user", B, "alice", A)
        row("other-user", "upload part copy from B into alice's upload in A", lambda: self.as_user(
            "alice", "PUT", f"/{A}/mp.bin?partNumber=5&uploadId={self.uploads[A][0]}",
            {"x-amz-copy-source": f"/{B}/secret.txt"}), 403, "AccessDenied", True)
        row("other-user", "alice creates a bucket", lambda: self.as_user(
            "alice", "PUT", "/den-alice-new"), 403, "AccessDenied", True)
        add_ops("readonly", A, "reader", A, skip=(
            "get object", "get object range", "head object", "get bucket location"))
        narrow = "alice-narrow"
        row("service-account", "get outside its prefix", lambda: self.as_user(
            narrow, "GET", obj), 403, "AccessDenied")
        row("service-account", "put inside its prefix", lambda: self.as_user(
            narrow, "PUT", f"/{A}/public/new.txt", body=b"x"), 403, "AccessDenied", True)
        row("service-account", "delete inside its prefix", lambda: self.as_user(
            narrow, "DELETE", f"/{A}/public/p.txt"), 403, "AccessDenied", True)
        row("service-account", "list", lambda: self.as_user(
            narrow, "GET", f"/{A}?list-type=2&prefix=public%2F"), 403, "AccessDenied")
        row("service-account", "bucket B", lambda: self.as_user(
            narrow, "GET", f"/{B}/public/p.txt"), 403, "AccessDenied")
        row("service-account", "put bucket policy", lambda: self.as_user(
            narrow, "PUT", f"/{A}?policy=", body=policy_json(A)), 403, "AccessDenied", True)
        row("service-account", "mint an unnarrowed sibling", lambda: self.as_user(
            narrow, "PUT", ADMIN_BASE + "service-account",
            {"Content-Type": "application/json"}, b'{"parent": "alice"}'), 403, "AccessDenied",
            True)
        # A narrowed key is not its own parent: it may not drop its policy, nor re-enable or
        # re-key itself, through MinIO's update-service-account.
        for change in ({"newPolicy": {}}, {"newSecretKey": "self-chosen-secret-1"}):
            row("service-account", f"update itself {sorted(change)[0]}",
                lambda c=change: self.as_user(
                    narrow, "POST", "/minio/admin/v3/update-service-account?accessKey=" + narrow,
                    body=madmin_payload.encrypt(self.users[narrow], json.dumps(c).encode()),
                    region=""), 403, "AccessDenied", True)

        # ---- disabled user, deleted key ----
        for user in ("dis", "gone"):
            for method, target, body in (("GET", obj, b""), ("PUT", f"/{A}/{user}-put", b"x"),
                                         ("GET", f"/{A}?list-type=2", b""), ("GET", "/", b""),
                                         ("GET", ADMIN_BASE + "users", b"")):
                row("disabled" if user == "dis" else "deleted",
                    f"{user} {method} {target}",
                    lambda u=user, m=method, t=target, b=body: self.as_user(u, m, t, body=b),
                    403, "InvalidAccessKeyId", method == "PUT")

        # ---- admin calls by non-admins ----
        endpoints = [
            ("GET", "info", None, None), ("GET", "users", None, None),
            ("GET", "user?accessKey=reader", None, None),
            ("PUT", "user?accessKey=mallory", {"secretKey": "mallory-secret-1"}, True),
            ("PUT", "user?accessKey=reader", {"secretKey": "reset-secret-12"}, True),
            ("DELETE", "user?accessKey=reader", None, True),
            ("PUT", "user-status?accessKey=dis&status=enabled", None, True),
            ("PUT", "user-status?accessKey=reader&status=disabled", None, True),
            ("GET", "groups", None, None), ("GET", "group?group=staff", None, None),
            ("PUT", "group-members?group=staff", {"members": ["alice"]}, True),
            ("DELETE", "group-members?group=staff", {"members": ["alice"]}, True),
            ("DELETE", "group?group=staff", None, True),
            ("PUT", "group-status?group=staff&status=disabled", None, True),
            ("GET", "policies", None, None), ("GET", "policy?name=den-alice", None, None),
            ("PUT", "policy?name=den-alice", {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}]}, True),
            ("DELETE", "policy?name=den-alice", None, True),
            ("POST", "policy-attach", {"policies": ["consoleAdmin"], "user": "alice"}, True),
            ("POST", "policy-detach", {"policies": ["readonly"], "user": "reader"}, True),
            ("GET", "service-accounts?user=reader", None, None),
            ("PUT", "service-account", {"parent": "reader"}, True),
            ("GET", f"service-account?accessKey={self.reader_sa}", None, None),
            ("DELETE", f"service-account?accessKey={self.reader_sa}", None, True),
        ]
        for user in ("alice", "reader"):
            for method, name, body, is_write in endpoints:
                if user == "reader":  # its own service accounts are its to manage: use alice's
                    name = name.replace("user=reader", "user=alice").replace(
                        self.reader_sa, "alice-narrow")
                    if body == {"parent": "reader"}:
                        body = {"parent": "alice"}
                data = json.dumps(body).encode() if body is not None else b""
                hdrs = {"Content-Type": "application/json"} if data else {}
                row("admin", f"{user} {method} {name}",
                    lambda u=user, m=method, n=name, d=data, h=hdrs: self.as_user(
                        u, m, ADMIN_BASE + n, h, d), 403, "AccessDenied", bool(is_write))
        # ---- MinIO's admin API v3 by non-admins (bodies encrypted as madmin-go does, under the
        # caller's own secret, so a refusal is the authorization's and not the decryption's) ----
        grab = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::*"]}]}
        v3 = [
            ("GET", "list-users", None, False, None),
            ("GET", "user-info?accessKey=dis", None, False, None),
            ("PUT", "add-user?accessKey=mallory", {"secretKey": "mallory-secret-1",
                                                   "status": "enabled"}, True, True),
            ("PUT", "add-user?accessKey=reader", {"secretKey": "reset-secret-12",
                                                  "status": "enabled"}, True, True),
            ("DELETE", "remove-user?accessKey=reader", None, True, None),
            ("PUT", "set-user-status?accessKey=dis&status=enabled", None, True, None),
            ("PUT", "set-user-status?accessKey=reader&status=disabled", None, True, None),
            ("GET", "list-canned-policies", None, False, None),
            ("GET", "info-canned-policy?name=den-alice", None, False, None),
            ("GET", "info-canned-policy?name=den-alice&v=2", None, False, None),
            ("PUT", "add-canned-policy?name=den-alice", grab, True, False),
            ("DELETE", "remove-canned-policy?name=den-alice", None, True, None),
            ("PUT", "set-user-or-group-policy?policyName=consoleAdmin&userOrGroup=alice"
                    "&isGroup=false", None, True, None),
            ("PUT", "set-user-or-group-policy?policyName=&userOrGroup=reader&isGroup=false",
             None, True, None),
            ("POST", "idp/builtin/policy/attach", {"policies": ["consoleAdmin"], "user": "alice"},
             True, True),
            ("POST", "idp/builtin/policy/detach", {"policies": ["readonly"], "user": "reader"},
             True, True),
            ("PUT", "update-group-members", {"group": "staff", "members": ["alice"],
                                             "isRemove": False}, True, False),
            ("PUT", "update-group-members", {"group": "staff", "members": [],
                                             "isRemove": True}, True, False),
            ("GET", "group?group=staff", None, False, None),
            ("GET", "groups", None, False, None),
            ("PUT", "set-group-status?group=staff&status=disabled", None, True, None),
            ("PUT", "add-service-account", {"targetUser": "reader"}, True, True),
            ("POST", f"update-service-account?accessKey={self.reader_sa}",
             {"newStatus": "off"}, True, True),
            ("POST", f"update-service-account?accessKey={self.reader_sa}",
             {"newPolicy": grab, "newSecretKey": "taken-over-secret-1"}, True, True),
            ("GET", "list-service-accounts?user=reader", None, False, None),
            ("GET", f"info-access-key?accessKey={self.reader_sa}", None, False, None),
            ("GET", "list-access-keys-bulk?listType=all&all=true", None, False, None),
            ("GET", "list-access-keys-bulk?listType=all&users=dis", None, False, None),
            ("GET", f"info-service-account?accessKey={self.reader_sa}", None, False, None),
            ("DELETE", f"delete-service-account?accessKey={self.reader_sa}", None, True, None),
            ("GET", "info", None, False, None),
            ("GET", "storageinfo", None, False, None),
            ("GET", "datausageinfo", None, False, None),
            ("GET", "idp/builtin/policy-entities", None, False, None),
            ("GET", "idp/builtin/policy-entities?policy=den-alice", None, False, None),
            ("GET", "get-config-kv?key=region", None, False, None),
            ("PUT", "set-config-kv", b"region name=eu-west-1", True, True),
            ("DELETE", "del-config-kv", b"site", True, True),
            ("GET", "help-config-kv?subSys=region&key=", None, False, None),
            ("POST", "service?action=restart", None, False, None),
            ("POST", "service?action=stop", None, False, None),
            # Refused before the one drive's XMinioHealNotImplemented: authorization first.
            ("POST", "heal/", {"recursive": True, "scanMode": 2}, True, False),
            ("POST", "heal/den-bucket?clientToken=0123456789abcdef", None, False, None),
            ("GET", "trace?all=true", None, False, None),
        ]
        for user in ("alice", "reader"):
            for method, name, body, is_write, encrypted in v3:
                if user == "reader":  # its own service accounts are its to manage: use alice's
                    name = name.replace("user=reader", "user=alice").replace(
                        self.reader_sa, "alice-narrow")
                    if body == {"targetUser": "reader"}:
                        body = {"targetUser": "alice"}

                def v3_request(u=user, m=method, n=name, b=body, enc=encrypted):
                    data = b if isinstance(b, bytes) else (
                        b"" if b is None else json.dumps(b).encode())
                    if enc:
                        data = madmin_payload.encrypt(self.users[u], data)
                    # madmin-go signs with an empty region in the credential scope.
                    return self.as_user(u, m, "/minio/admin/v3/" + n, body=data, region="")
                row("admin v3", f"{user} {method} {name}", v3_request, 403, "AccessDenied",
                    bool(is_write))
        row("admin v3", "anonymous GET list-users",
            lambda: self.anon("GET", "/minio/admin/v3/list-users"), 403, "AccessDenied")
        row("admin v3", "root with SigV2", lambda: send(
            port, "GET", "/minio/admin/v3/list-users",
            sign_v2_headers("GET", "/minio/admin/v3/list-users", root_key, root_secret)),
            403, "AccessDenied")

        row("admin", "anonymous GET users", lambda: self.anon("GET", ADMIN_BASE + "users"), 403,
            "AccessDenied")
        row("admin", "anonymous PUT user", lambda: self.anon(
            "PUT", ADMIN_BASE + "user?accessKey=mallory", {"Content-Type": "application/json"},
            b'{"secretKey": "mallory-secret-1"}'), 403, "AccessDenied", True)
        row("admin", "root with SigV2", lambda: send(port, "GET", ADMIN_BASE + "users",
                                                     sign_v2_headers("GET", ADMIN_BASE + "users",
                                                                     root_key, root_secret)),
            403, "AccessDenied")
        row("admin", "presigned by alice", lambda: send(port, "GET", pre(
            "GET", ADMIN_BASE + "users", access_key="alice", secret_key=self.users["alice"])),
            403, "AccessDenied")

        # ---- path tricks ----
        def alice(method, target, body=b""):
            return lambda: self.as_user("alice", method, target, body=body)
        row("path", "alice /B/../A/secret.txt is a key of B", alice(
            "GET", f"/{B}/../{A}/secret.txt"), 403, "AccessDenied")
        def alice_sent(signed_target, sent_target):
            # Signed as the decoded path (the canonical URI), sent percent-encoded.
            def request():
                hdrs = sign_v4_headers(port, "GET", signed_target, "alice", self.users["alice"])
                return send(port, "GET", sent_target, hdrs)
            return request
        row("path", "alice /B/%2e%2e/A/secret.txt", alice_sent(
            f"/{B}/../{A}/secret.txt", f"/{B}/%2e%2e/{A}/secret.txt"), 403, "AccessDenied")
        row("path", "alice /A/../B/secret.txt is a missing key of A", alice(
            "GET", f"/{A}/../{B}/secret.txt"), 404, "NoSuchKey")
        row("path", "alice /A/%2e%2e/B/secret.txt", alice_sent(
            f"/{A}/../{B}/secret.txt", f"/{A}/%2e%2e/{B}/secret.txt"), 404, "NoSuchKey")
        row("path", "alice /A/%2E%2E%2FB%2Fsecret.txt", alice_sent(
            f"/{A}/..%2F{B}%2Fsecret.txt", f"/{A}/%2E%2E%2F{B}%2Fsecret.txt"), 404, "NoSuchKey")
        row("path", "alice /A/./../B/secret.txt", alice(
            "GET", f"/{A}/./../{B}/secret.txt"), 404, "NoSuchKey")
        row("path", "alice PUT /B/../A/planted", alice(
            "PUT", f"/{B}/../{A}/planted", b"x"), 403, "AccessDenied", )
        row("path", "alice DELETE /B/../A/secret.txt", alice(
            "DELETE", f"/{B}/../{A}/secret.txt"), 403, "AccessDenied")
        # The path is decoded before it is split, so %2F is a slash: A%2F..%2FB/k is key ../B/k
        # of bucket A, and B%2Fsecret.txt is B's secret.txt (authorized as such).
        row("path", "alice %2F in the bucket name", alice(
            "GET", f"/{A}%2F..%2F{B}/secret.txt"), 404, "NoSuchKey")
        row("path", "alice bucket B%2Fsecret.txt", alice("GET", f"/{B}%2Fsecret.txt"), 403,
            "AccessDenied")
        row("path", "alice //B/secret.txt", alice("GET", f"//{B}/secret.txt"), 403,
            "AccessDenied")
        row("path", "alice /B//secret.txt", alice("GET", f"/{B}//secret.txt"), 403,
            "AccessDenied")
        row("path", "anonymous /P/../A/secret.txt", lambda: self.anon(
            "GET", f"/{P}/../{A}/secret.txt"), 403, "AccessDenied")
        row("path", "anonymous /P/%2e%2e/A/secret.txt", lambda: self.anon(
            "GET", f"/{P}/%2e%2e/{A}/secret.txt"), 403, "AccessDenied")
        row("path", "anonymous /P/%2e%2e%2fA%2fsecret.txt", lambda: self.anon(
            "GET", f"/{P}/%2e%2e%2f{A}%2fsecret.txt"), 403, "AccessDenied")
        row("path", "anonymous /A/../P/public/p.txt", lambda: self.anon(
            "GET", f"/{A}/../{P}/public/p.txt"), 403, "AccessDenied")
        row("path", "anonymous /P%2F..%2FA/secret.txt", lambda: self.anon(
            "GET", f"/{P}%2F..%2F{A}/secret.txt"), 403, "AccessDenied")
        row("path", "anonymous //A/secret.txt", lambda: self.anon(
            "GET", f"//{A}/secret.txt"), 403, "AccessDenied")
        row("path", "anonymous /A//secret.txt", lambda: self.anon(
            "GET", f"/{A}//secret.txt"), 403, "AccessDenied")
        row("path", "anonymous PUT /P/../A/planted", lambda: self.anon(
            "PUT", f"/{P}/../{A}/planted", body=b"x"), 403, "AccessDenied", True)
        row("path", "virtual host B with path /../A", lambda: send(
            port, "GET", f"/../{A}/secret.txt", {"Host": f"{B}.cairn.test:{port}"}), 403,
            "AccessDenied")
        long_key = "k" * 1025
        row("path", "overlong key PUT (root)", lambda: self.as_user(
            None, "PUT", f"/{A}/{long_key}", body=b"x"), 400, "KeyTooLongError", True)
        row("path", "overlong key GET (root)", lambda: self.as_user(
            None, "GET", f"/{A}/{long_key}"), 400, "KeyTooLongError")
        row("path", "overlong key multipart (root)", lambda: self.as_user(
            None, "POST", f"/{A}/{long_key}?uploads="), 400, "KeyTooLongError", True)
        row("path", "overlong key copy (root)", lambda: self.as_user(
            None, "PUT", f"/{A}/{long_key}", {"x-amz-copy-source": f"/{A}/secret.txt"}), 400,
            "KeyTooLongError", True)
        row("path", "overlong key PUT (alice)", alice("PUT", f"/{A}/" + urllib.parse.quote("é" * 513), b"x"), 400,
            "KeyTooLongError", True)
        for name in ("UPPER-case", "ab", "a" * 64, "-leading", "trailing-", "dou..ble",
                     "192.168.10.1", "under_score", "dot.-dash", ".leading"):
            row("bucket-name", f"create {name!r}", lambda n=name: self.as_user(None, "PUT", f"/{n}"),
                400, "InvalidBucketName", True)
        return rows

    # -- the test -----------------------------------------------------------------------------

    def test_denial_matrix(self):
        # The replayed form must be past its expiry.
        time.sleep(max(0.0, self.replay_expires_at - time.time() + 1.1))
        rows = self.rows()
        before = self.snapshot()
        failures, gaps, refused, by_kind = [], [], 0, {}

        def leaked(resp):
            return SECRET.encode() in resp.body or SECRET in str(resp.headers)

        for i, r in enumerate(rows, 1):
            label = f"row {i} [{r.kind}] {r.name}"
            try:
                resp = r.request()
            except Exception as e:  # noqa: BLE001 - a crash or reset is a failure of the row
                failures.append(f"{label}: request raised {e!r}")
                continue
            problems = []
            code = code_of(resp)
            if (resp.status, code) != (r.status, r.code):
                problems.append(f"expected {r.status} {r.code}, got {resp.status} {code}")
            if leaked(resp):
                problems.append("the response carries the secret marker")
            if r.message and r.message not in html.unescape(resp.body.decode("utf-8", "replace")):
                problems.append(f"message lacks {r.message!r}")
            if r.write:
                after = self.snapshot()
                if after != before:
                    problems.append(f"the store changed:\n  before {before}\n  after  {after}")
                    before = after
            if (problems and r.known_gap and not leaked(resp) and resp.status >= 400
                    and not any(p.startswith("the store changed") for p in problems)):
                gaps.append(f"{label}: {r.known_gap} (got {resp.status} {code})")
                continue
            if r.known_gap and not problems:
                problems.append(f"marked as a known gap ({r.known_gap}) but now passes: "
                                "remove the mark")
            if problems:
                failures.append(f"{label}: " + "; ".join(problems) + f"\n    got {resp!r}")
            else:
                refused += 1
                by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
        self.assertEqual(self.snapshot(), before)
        print(f"\ndenial matrix: {refused} requests refused as expected "
              f"({', '.join(f'{k} {n}' for k, n in by_kind.items())})")
        if gaps:
            print(f"known server gaps ({len(gaps)} rows, refused but not as AWS words it):\n  " +
                  "\n  ".join(gaps))
        self.assertFalse(failures, f"{len(failures)} of {len(rows)} rows failed:\n" +
                         "\n".join(failures))
        self.assertGreaterEqual(refused, 100)
        # The data is all still there.
        for bucket in (self.A, self.B, self.P):
            self.assertEqual(self.s3.get_object(Bucket=bucket, Key="secret.txt")["Body"].read(),
                             DATA)


if __name__ == "__main__":
    unittest.main()
