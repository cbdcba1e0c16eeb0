"""Encryption at rest (issue 14) with boto3 and the AWS CLI: SSE-S3, SSE-KMS (the built-in KMS of
MINIO_KMS_SECRET_KEY) and SSE-C round trips at the package edges and through multipart, random
ranges, copies between every pair of modes, the bucket default, a policy denying unencrypted
uploads, the plaintext nowhere under the data folder, a flipped byte failing the read, and
restarts with the same key, another key and none."""

import base64
import hashlib
import json
import os
import random
import tempfile
import unittest
import uuid
from pathlib import Path

import botocore

from admin_client import AdminClient
from harness import CairnServer, CairnTestCase, md5_hex, raw_request
from test_post_cors import multipart

KEY_NAME = "my-key"
KMS_SECRET = KEY_NAME + ":" + base64.b64encode(b"K" * 32).decode()
OTHER_SECRET = KEY_NAME + ":" + base64.b64encode(b"Q" * 32).decode()
P = 64 << 10
EDGE_SIZES = [0, 1, P - 1, P, P + 1]
CUSTOMER_KEY = b"c" * 32


def ssec(key=CUSTOMER_KEY, copy_source=False):
    prefix = "CopySourceSSECustomer" if copy_source else "SSECustomer"
    return {prefix + "Algorithm": "AES256", prefix + "Key": key}


def ssec_headers(key=CUSTOMER_KEY, prefix="x-amz-server-side-encryption-customer-"):
    return {prefix + "algorithm": "AES256", prefix + "key": base64.b64encode(key).decode(),
            prefix + "key-MD5": base64.b64encode(hashlib.md5(key).digest()).decode()}


CONTEXT = base64.b64encode(json.dumps({"app": "notes"}).encode()).decode()
MODES = {
    "none": ({}, {}),
    "sse-s3": ({"ServerSideEncryption": "AES256"}, {}),
    "sse-kms": ({"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": KEY_NAME,
                 "SSEKMSEncryptionContext": CONTEXT}, {}),
    "sse-c": (ssec(), ssec()),
}


def body_of(size, seed):
    return random.Random(seed).randbytes(size)


class EncryptionTest(CairnTestCase):
    SERVER_ENV = {"MINIO_KMS_SECRET_KEY": KMS_SECRET}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "enc-" + uuid.uuid4().hex[:10]
        cls.s3.create_bucket(Bucket=cls.bucket)

    def assertMode(self, resp, mode):
        sse = resp.get("ServerSideEncryption")
        if mode == "sse-s3":
            self.assertEqual(sse, "AES256")
        elif mode == "sse-kms":
            self.assertEqual(sse, "aws:kms")
            self.assertEqual(resp.get("SSEKMSKeyId"), "arn:aws:kms:" + KEY_NAME)
        elif mode == "sse-c":
            self.assertEqual(resp.get("SSECustomerAlgorithm"), "AES256")
            self.assertEqual(resp.get("SSECustomerKeyMD5"),
                             base64.b64encode(hashlib.md5(CUSTOMER_KEY).digest()).decode())
        else:
            self.assertIsNone(sse)

    def test_every_mode_round_trips_at_package_edges(self):
        for mode in ("sse-s3", "sse-kms", "sse-c"):
            put_args, read_args = MODES[mode]
            for size in EDGE_SIZES:
                with self.subTest(mode=mode, size=size):
                    key = f"edge/{mode}/{size}"
                    data = body_of(size, size + len(mode))
                    put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, **put_args)
                    self.assertMode(put, mode)
                    etag = put["ETag"].strip('"')
                    if mode == "sse-s3":
                        self.assertEqual(etag, md5_hex(data))
                    else:
                        self.assertNotEqual(etag, md5_hex(data), "AWS: not an MD5 of the data")
                    got = self.s3.get_object(Bucket=self.bucket, Key=key, **read_args)
                    self.assertEqual(got["Body"].read(), data)
                    self.assertMode(got, mode)
                    self.assertEqual(got["ContentLength"], size)
                    self.assertEqual(got["ETag"], put["ETag"])
                    head = self.s3.head_object(Bucket=self.bucket, Key=key, **read_args)
                    self.assertEqual(head["ContentLength"], size)
                    self.assertMode(head, mode)
                    listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=key)["Contents"]
                    self.assertEqual(listed[0]["Size"], size, "sizes are plaintext sizes")

    def test_checksums_are_of_the_plaintext(self):
        data = body_of(100000, 5)
        put = self.s3.put_object(Bucket=self.bucket, Key="sum", Body=data,
                                 ChecksumAlgorithm="SHA256", ServerSideEncryption="AES256")
        want = base64.b64encode(hashlib.sha256(data).digest()).decode()
        self.assertEqual(put["ChecksumSHA256"], want)
        head = self.s3.head_object(Bucket=self.bucket, Key="sum", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumSHA256"], want)

    def test_multipart_8mib_every_mode_with_ranges(self):
        rng = random.Random(8)
        pieces = [body_of(5 << 20, 1), body_of(3 << 20, 2)]
        whole = b"".join(pieces)
        for mode in ("sse-s3", "sse-kms", "sse-c"):
            put_args, read_args = MODES[mode]
            with self.subTest(mode=mode):
                key = f"mp/{mode}"
                up = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, **put_args)
                self.assertMode(up, mode)
                parts = []
                for n, piece in enumerate(pieces, 1):
                    part = self.s3.upload_part(Bucket=self.bucket, Key=key, PartNumber=n,
                                               UploadId=up["UploadId"], Body=piece, **read_args)
                    parts.append({"PartNumber": n, "ETag": part["ETag"]})
                if mode == "sse-c":
                    err = self.client_error(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                            PartNumber=3, UploadId=up["UploadId"], Body=b"x")
                    self.assertS3Error(err, "InvalidRequest", 400)
                done = self.s3.complete_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=up["UploadId"],
                    MultipartUpload={"Parts": parts})
                self.assertTrue(done["ETag"].strip('"').endswith("-2"))
                got = self.s3.get_object(Bucket=self.bucket, Key=key, **read_args)
                self.assertEqual(hashlib.sha256(got["Body"].read()).digest(),
                                 hashlib.sha256(whole).digest())
                self.assertMode(got, mode)
                for _ in range(12):
                    a = rng.randrange(len(whole))
                    b = min(len(whole) - 1, a + rng.randrange(300000))
                    r = self.s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={a}-{b}",
                                           **read_args)
                    self.assertEqual(r["Body"].read(), whole[a:b + 1], (a, b))
                # Across the part boundary, and a suffix range.
                a = (5 << 20) - 10
                r = self.s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={a}-{a + 20}",
                                       **read_args)
                self.assertEqual(r["Body"].read(), whole[a:a + 21])
                r = self.s3.get_object(Bucket=self.bucket, Key=key, Range="bytes=-100",
                                       **read_args)
                self.assertEqual(r["Body"].read(), whole[-100:])
                r = self.s3.get_object(Bucket=self.bucket, Key=key, PartNumber=2, **read_args)
                self.assertEqual(r["Body"].read(), pieces[1])

    def test_random_ranges_on_one_mib(self):
        data = body_of(1 << 20, 9)
        self.s3.put_object(Bucket=self.bucket, Key="ranges", Body=data,
                           ServerSideEncryption="aws:kms")
        rng = random.Random(3)
        for _ in range(40):
            a = rng.randrange(len(data))
            b = rng.randrange(a, len(data))
            r = self.s3.get_object(Bucket=self.bucket, Key="ranges", Range=f"bytes={a}-{b}")
            self.assertEqual(r["Body"].read(), data[a:b + 1], (a, b))
            self.assertEqual(r["ContentRange"], f"bytes {a}-{b}/{len(data)}")

    def test_customer_key_missing_wrong_or_malformed(self):
        self.s3.put_object(Bucket=self.bucket, Key="c", Body=b"secret notes", **ssec())
        self.s3.put_object(Bucket=self.bucket, Key="plain", Body=b"plain")
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key="c")
        self.assertS3Error(err, "InvalidRequest", 400)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="c")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key="c",
                                **ssec(b"w" * 32))
        self.assertS3Error(err, "AccessDenied", 403)
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key="plain", **ssec())
        self.assertS3Error(err, "InvalidRequest", 400)
        bad = ssec_headers()
        bad["x-amz-server-side-encryption-customer-key-MD5"] = base64.b64encode(
            hashlib.md5(b"x").digest()).decode()
        r = self.server.request("GET", f"/{self.bucket}/c", headers=bad)
        self.assertRawError(r, 400, "InvalidArgument")
        short = ssec_headers(b"s" * 16)
        r = self.server.request("GET", f"/{self.bucket}/c", headers=short)
        self.assertRawError(r, 400, "InvalidArgument")
        self.assertNotIn(b"secret notes", r.body)

    def test_object_attributes_of_sse_c_need_the_key(self):
        # boto3 does not encode SSE-C keys for this operation: signed raw requests.
        body = b"attributes of a secret"
        self.s3.put_object(Bucket=self.bucket, Key="ca", Body=body, **ssec())
        self.s3.put_object(Bucket=self.bucket, Key="sa", Body=body, ServerSideEncryption="AES256")

        def attributes(key, extra):
            return self.server.request("GET", f"/{self.bucket}/{key}?attributes", headers={
                "x-amz-object-attributes": "ObjectSize,ETag", **extra})

        self.assertRawError(attributes("ca", {}), 400, "InvalidRequest")
        self.assertRawError(attributes("ca", ssec_headers(b"w" * 32)), 403, "AccessDenied")
        r = attributes("ca", ssec_headers())
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(f"<ObjectSize>{len(body)}</ObjectSize>".encode(), r.body)
        # An SSE-S3 version answers without a key, and refuses one sent for it.
        r = attributes("sa", {})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(f"<ObjectSize>{len(body)}</ObjectSize>".encode(), r.body)
        self.assertRawError(attributes("sa", ssec_headers()), 400, "InvalidRequest")

    def test_conflicting_headers_are_invalid_argument(self):
        cases = [
            {**ssec_headers(), "x-amz-server-side-encryption": "AES256"},
            {"x-amz-server-side-encryption": "AES256",
             "x-amz-server-side-encryption-aws-kms-key-id": KEY_NAME},
            {"x-amz-server-side-encryption": "rot13"},
            {"x-amz-server-side-encryption": "aws:kms",
             "x-amz-server-side-encryption-context": "bm90IGpzb24="},
        ]
        for headers in cases:
            with self.subTest(headers=sorted(headers)):
                key = "conflict/" + uuid.uuid4().hex
                r = self.server.request("PUT", f"/{self.bucket}/{key}", headers=headers,
                                        body=b"x")
                self.assertRawError(r, 400, "InvalidArgument")
                err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=key)
                self.assertEqual(err.response["Error"]["Code"], "404")
        err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key="k", Body=b"x",
                                ServerSideEncryption="aws:kms", SSEKMSKeyId="no-such-key")
        self.assertS3Error(err, "KMS.NotFoundException", 400)

    def test_copy_between_every_pair_of_modes(self):
        data = body_of(200000, 77)
        for src_mode, (src_put, src_read) in MODES.items():
            src = f"copy-src/{src_mode}"
            self.s3.put_object(Bucket=self.bucket, Key=src, Body=data, **src_put)
            for dst_mode, (dst_put, dst_read) in MODES.items():
                with self.subTest(source=src_mode, target=dst_mode):
                    dst = f"copy-dst/{src_mode}-{dst_mode}"
                    copy_args = dict(dst_put)
                    if src_mode == "sse-c":
                        copy_args.update(ssec(copy_source=True))
                    resp = self.s3.copy_object(Bucket=self.bucket, Key=dst,
                                               CopySource={"Bucket": self.bucket, "Key": src},
                                               **copy_args)
                    self.assertMode(resp, dst_mode)
                    got = self.s3.get_object(Bucket=self.bucket, Key=dst, **dst_read)
                    self.assertEqual(got["Body"].read(), data)
                    self.assertMode(got, dst_mode)
        # An SSE-C source without its key is refused; nothing is written.
        err = self.client_error(self.s3.copy_object, Bucket=self.bucket, Key="copy-dst/nokey",
                                CopySource={"Bucket": self.bucket, "Key": "copy-src/sse-c"})
        self.assertS3Error(err, "InvalidRequest", 400)
        # Encrypting an object in place is a copy to itself that changes its encryption.
        self.s3.copy_object(Bucket=self.bucket, Key="copy-src/none",
                            CopySource={"Bucket": self.bucket, "Key": "copy-src/none"},
                            ServerSideEncryption="AES256")
        head = self.s3.head_object(Bucket=self.bucket, Key="copy-src/none")
        self.assertEqual(head["ServerSideEncryption"], "AES256")

    def test_upload_part_copy_from_an_encrypted_source(self):
        data = body_of(6 << 20, 12)
        self.s3.put_object(Bucket=self.bucket, Key="upc-src", Body=data, **ssec())
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="upc",
                                             ServerSideEncryption="aws:kms")
        part = self.s3.upload_part_copy(Bucket=self.bucket, Key="upc", UploadId=up["UploadId"],
                                        PartNumber=1,
                                        CopySource={"Bucket": self.bucket, "Key": "upc-src"},
                                        **ssec(copy_source=True))
        self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key="upc", UploadId=up["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1,
                                        "ETag": part["CopyPartResult"]["ETag"]}]})
        got = self.s3.get_object(Bucket=self.bucket, Key="upc")
        self.assertEqual(got["ServerSideEncryption"], "aws:kms")
        self.assertEqual(got["Body"].read(), data)

    def test_bucket_default_encryption(self):
        b = self.make_bucket("encdef")
        err = self.client_error(self.s3.get_bucket_encryption, Bucket=b)
        self.assertS3Error(err, "ServerSideEncryptionConfigurationNotFoundError", 404)
        self.s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        self.s3.put_object(Bucket=b, Key="d", Body=b"by default")
        self.assertEqual(self.s3.head_object(Bucket=b, Key="d")["ServerSideEncryption"], "AES256")
        self.s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                    "KMSMasterKeyID": KEY_NAME},
             "BucketKeyEnabled": True}]})
        conf = self.s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]
        rule = conf["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms")
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"],
                         "arn:aws:kms:" + KEY_NAME)
        self.assertTrue(rule["BucketKeyEnabled"])
        put = self.s3.put_object(Bucket=b, Key="k", Body=b"kms by default")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        self.assertTrue(put.get("BucketKeyEnabled"))
        up = self.s3.create_multipart_upload(Bucket=b, Key="mp")
        self.assertEqual(up["ServerSideEncryption"], "aws:kms")
        self.s3.abort_multipart_upload(Bucket=b, Key="mp", UploadId=up["UploadId"])
        # A request's own encryption wins over the default.
        self.s3.put_object(Bucket=b, Key="c", Body=b"mine", **ssec())
        self.assertEqual(self.s3.head_object(Bucket=b, Key="c", **ssec())["SSECustomerAlgorithm"],
                         "AES256")
        err = self.client_error(self.s3.put_bucket_encryption, Bucket=b,
                                ServerSideEncryptionConfiguration={"Rules": [
                                    {"ApplyServerSideEncryptionByDefault": {
                                        "SSEAlgorithm": "aws:kms",
                                        "KMSMasterKeyID": "unknown"}}]})
        self.assertS3Error(err, "KMS.NotFoundException", 400)
        self.s3.delete_bucket_encryption(Bucket=b)
        err = self.client_error(self.s3.get_bucket_encryption, Bucket=b)
        self.assertS3Error(err, "ServerSideEncryptionConfigurationNotFoundError", 404)
        self.s3.put_object(Bucket=b, Key="p", Body=b"plain again")
        self.assertNotIn("ServerSideEncryption", self.s3.head_object(Bucket=b, Key="p"))

    def test_policy_denies_unencrypted_puts(self):
        b = self.make_bucket("encpol")
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": {"AWS": ["*"]},
                           "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{b}/*",
                           "Condition": {"StringNotEquals": {
                               "s3:x-amz-server-side-encryption": "AES256"}}}]}))
        admin = AdminClient(self.server)
        name = "encu" + uuid.uuid4().hex[:8]
        admin.put_policy(name + "-p", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": [f"arn:aws:s3:::{b}*"]}]})
        admin.add_user(name, name + "-secret", [name + "-p"])
        user = self.server.client(name, name + "-secret")
        err = self.client_error(user.put_object, Bucket=b, Key="plain", Body=b"x")
        self.assertS3Error(err, "AccessDenied", 403)
        err = self.client_error(user.put_object, Bucket=b, Key="kms", Body=b"x",
                                ServerSideEncryption="aws:kms")
        self.assertS3Error(err, "AccessDenied", 403)
        user.put_object(Bucket=b, Key="enc", Body=b"x", ServerSideEncryption="AES256")
        self.assertEqual(self.s3.head_object(Bucket=b, Key="enc")["ServerSideEncryption"],
                         "AES256")

    def test_post_form_upload_is_encrypted(self):
        b = self.make_bucket("encpost")
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                           "Resource": f"arn:aws:s3:::{b}/*"}]}))
        body, ctype = multipart([("key", "form"), ("x-amz-server-side-encryption", "AES256")],
                                b"form data")
        r = raw_request(self.server.port, "POST", f"/{b}", sign=False, body=body,
                        headers={"Content-Type": ctype})
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.header("x-amz-server-side-encryption"), "AES256")
        head = self.s3.head_object(Bucket=b, Key="form")
        self.assertEqual(head["ServerSideEncryption"], "AES256")
        self.assertEqual(self.s3.get_object(Bucket=b, Key="form")["Body"].read(), b"form data")

    def test_aws_cli_each_mode(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            keyfile = tmp / "sse-c.key"
            keyfile.write_bytes(CUSTOMER_KEY)
            modes = {
                "sse-s3": ["--sse", "AES256"],
                "sse-kms": ["--sse", "aws:kms", "--sse-kms-key-id", KEY_NAME],
                "sse-c": ["--sse-c", "AES256", "--sse-c-key", f"fileb://{keyfile}"],
            }
            for mode, flags in modes.items():
                # 8 MiB + 1: past the CLI's multipart threshold, so the upload is multipart.
                for size in (1, P + 1, (8 << 20) + 1):
                    with self.subTest(mode=mode, size=size):
                        src = tmp / f"in-{mode}-{size}"
                        src.write_bytes(body_of(size, size))
                        url = f"s3://{self.bucket}/cli/{mode}/{size}"
                        rc, out, err = self.server.aws("s3", "cp", str(src), url, *flags,
                                                       timeout=120)
                        self.assertEqual(rc, 0, err)
                        dst = tmp / f"out-{mode}-{size}"
                        read_flags = flags if mode == "sse-c" else []
                        rc, out, err = self.server.aws("s3", "cp", url, str(dst), *read_flags,
                                                       timeout=120)
                        self.assertEqual(rc, 0, err)
                        self.assertEqual(dst.read_bytes(), src.read_bytes())
                        rc, out, err = self.server.aws(
                            "s3api", "head-object", "--bucket", self.bucket, "--key",
                            f"cli/{mode}/{size}",
                            *(["--sse-customer-algorithm", "AES256", "--sse-customer-key",
                               f"fileb://{keyfile}"] if mode == "sse-c" else []))
                        self.assertEqual(rc, 0, err)
                        meta = json.loads(out)
                        if mode == "sse-c":
                            self.assertEqual(meta["SSECustomerAlgorithm"], "AES256")
                        else:
                            self.assertEqual(meta["ServerSideEncryption"],
                                             "AES256" if mode == "sse-s3" else "aws:kms")
                        self.assertEqual(meta["ContentLength"], size)
            # Without the key, the CLI cannot read the SSE-C object.
            rc, out, err = self.server.aws("s3", "cp", f"s3://{self.bucket}/cli/sse-c/1",
                                           str(tmp / "nokey"))
            self.assertNotEqual(rc, 0)


class NoKmsTest(CairnTestCase):
    """Without MINIO_KMS_SECRET_KEY, SSE-S3 and SSE-KMS are refused as MinIO refuses them; SSE-C
    needs no KMS."""

    def test_refused_without_kms_and_sse_c_works(self):
        b = self.make_bucket("nokms")
        for args in ({"ServerSideEncryption": "AES256"}, {"ServerSideEncryption": "aws:kms"}):
            err = self.client_error(self.s3.put_object, Bucket=b, Key="x", Body=b"x", **args)
            self.assertS3Error(err, "NotImplemented", 501)
            self.assertIn("KMS is not configured", err.response["Error"]["Message"])
        err = self.client_error(self.s3.head_object, Bucket=b, Key="x")
        self.assertEqual(err.response["Error"]["Code"], "404")
        err = self.client_error(self.s3.put_bucket_encryption, Bucket=b,
                                ServerSideEncryptionConfiguration={"Rules": [
                                    {"ApplyServerSideEncryptionByDefault": {
                                        "SSEAlgorithm": "AES256"}}]})
        self.assertS3Error(err, "NotImplemented", 501)
        self.s3.put_object(Bucket=b, Key="c", Body=b"customer", **ssec())
        self.assertEqual(self.s3.get_object(Bucket=b, Key="c", **ssec())["Body"].read(),
                         b"customer")


def files_under(root: Path):
    for path in root.rglob("*"):
        if path.is_file():
            yield path


class AtRestTest(unittest.TestCase):
    """The bytes on disk, with the server stopped: no plaintext anywhere; a flipped byte fails
    the read; restarts with the same key, another one, and none."""

    def server(self, secret):
        env = {"MINIO_KMS_SECRET_KEY": secret} if secret else {}
        return CairnServer(env=env)

    def test_at_rest(self):
        srv = self.server(KMS_SECRET)
        try:
            srv.start()
            s3 = srv.client()
            s3.create_bucket(Bucket="notes")
            big = os.urandom(1 << 20)
            small = os.urandom(3000)  # inline in the metadata record
            customer = os.urandom(5000)
            plain = os.urandom(3000)  # the control: found where it is stored
            s3.put_object(Bucket="notes", Key="recording", Body=big, ServerSideEncryption="AES256")
            s3.put_object(Bucket="notes", Key="note", Body=small, ServerSideEncryption="aws:kms")
            s3.put_object(Bucket="notes", Key="private", Body=customer, **ssec())
            s3.put_object(Bucket="notes", Key="plain", Body=plain)
            srv.stop()

            disk = b"".join(p.read_bytes() for p in files_under(srv.data_dir))
            self.assertGreater(len(disk), len(big))
            for secret_body in (big, small, customer):
                for at in (0, len(secret_body) // 2, len(secret_body) - 48):
                    self.assertNotIn(secret_body[at:at + 48], disk)
            self.assertIn(plain[100:148], disk, "the scan sees what is stored in the clear")

            # Restart with the same key: everything reads.
            srv.start()
            s3 = srv.client()
            self.assertEqual(s3.get_object(Bucket="notes", Key="recording")["Body"].read(), big)
            self.assertEqual(s3.get_object(Bucket="notes", Key="note")["Body"].read(), small)
            self.assertEqual(s3.get_object(Bucket="notes", Key="private", **ssec())["Body"].read(),
                             customer)
            srv.stop()

            # Another key of the same name: a clean error, never wrong bytes.
            srv.env_overrides["MINIO_KMS_SECRET_KEY"] = OTHER_SECRET
            srv.start()
            s3 = srv.client()
            for key in ("recording", "note"):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    s3.get_object(Bucket="notes", Key=key)
                self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                                 500)
            srv.stop()

            # No KMS: NotImplemented, and SSE-C still reads.
            del srv.env_overrides["MINIO_KMS_SECRET_KEY"]
            srv.start()
            s3 = srv.client()
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                s3.get_object(Bucket="notes", Key="recording")
            self.assertEqual(ctx.exception.response["Error"]["Code"], "NotImplemented")
            self.assertEqual(s3.get_object(Bucket="notes", Key="private", **ssec())["Body"].read(),
                             customer)
            srv.stop()

            # A flipped byte in the encrypted data file fails the GET.
            sealed_size = len(big) + 16 * 16
            data_files = [p for p in files_under(srv.data_dir / ".cairn" / "data")
                          if p.stat().st_size == sealed_size]
            self.assertEqual(len(data_files), 1, [p.stat().st_size for p in
                                                  files_under(srv.data_dir / ".cairn" / "data")])
            raw = bytearray(data_files[0].read_bytes())
            raw[100] ^= 0x01  # in the first package: the error comes before any byte is sent
            raw[5 * (P + 16) + 7] ^= 0x80  # and one in the middle
            data_files[0].write_bytes(bytes(raw))
            srv.env_overrides["MINIO_KMS_SECRET_KEY"] = KMS_SECRET
            srv.start()
            s3 = srv.client()
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                s3.get_object(Bucket="notes", Key="recording")
            self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
            # A range past the first package starts clean and is cut at the flipped package:
            # the client never gets wrong bytes as if they were right.
            try:
                got = s3.get_object(Bucket="notes", Key="recording",
                                    Range=f"bytes={P}-{len(big) - 1}")["Body"].read()
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError,
                    ConnectionError) as e:  # the connection cut mid-body
                got = None
                self.assertTrue(str(e))
            self.assertNotEqual(got, big[P:])
            # A range within an intact package still reads.
            r = s3.get_object(Bucket="notes", Key="recording", Range=f"bytes={2 * P}-{3 * P}")
            self.assertEqual(r["Body"].read(), big[2 * P:3 * P + 1])
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
