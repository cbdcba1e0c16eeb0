"""ACLs, object ownership controls and the public access block (issue 12; docs/acl.md), driven
the way applications use them: `aws s3 cp --acl public-read`, `s3cmd setacl --acl-public`,
boto3 `upload_file(..., ExtraArgs={"ACL": "public-read"})`, a public-read-write bucket taking an
anonymous browser form, each followed by what an anonymous reader (no signature) gets."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

from boto3.s3.transfer import TransferConfig

from admin_client import AdminClient
from harness import CairnTestCase, missing_prerequisite, unique_bucket
from test_post_cors import multipart

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def public_policy(bucket):
    """What `mc anonymous set download` stores: anyone may GET the objects."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/*"]}]})


class AclTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = tempfile.mkdtemp(prefix="cairn-acl-")
        admin = AdminClient(cls.server)
        # A user with no policy at all: only ACL grants can let it in.
        admin.add_user("acl-nobody", "acl-nobody-secret-1")
        cls.nobody = cls.server.client("acl-nobody", "acl-nobody-secret-1")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)
        super().tearDownClass()

    # -- helpers --------------------------------------------------------------------------------

    def anon_get(self, bucket, key, **query):
        return self.server.anonymous("GET", f"/{bucket}/{key}", query=query or None)

    def assertAnonReads(self, bucket, key, body, **query):
        r = self.anon_get(bucket, key, **query)
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.body, body)

    def assertAnonDenied(self, bucket, key, **query):
        r = self.anon_get(bucket, key, **query)
        self.assertRawError(r, 403, "AccessDenied")

    def grants(self, acl):
        out = set()
        for g in acl["Grants"]:
            grantee = g["Grantee"]
            out.add((grantee.get("URI") or grantee.get("ID"), g["Permission"]))
        return out

    def owner_id(self):
        return self.s3.list_buckets()["Owner"]["ID"]

    def write_file(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def s3cmd(self, *args):
        exe = shutil.which("s3cmd")
        if exe is None:
            raise missing_prerequisite("s3cmd (Debian's s3cmd; scripts/install-deps.sh --test)")
        cfg = os.path.join(self.work, "s3cmd.cfg")
        with open(cfg, "w") as f:
            f.write("[default]\n"
                    f"access_key = {self.server.access_key}\n"
                    f"secret_key = {self.server.secret_key}\n"
                    f"host_base = 127.0.0.1:{self.server.port}\n"
                    f"host_bucket = 127.0.0.1:{self.server.port}\n"
                    "use_https = False\nsignature_v2 = False\nbucket_location = us-east-1\n")
        p = subprocess.run([exe, "-c", cfg, *args], capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, f"s3cmd {' '.join(args)} failed:\n{out}")
        return out

    # -- the apps' patterns -----------------------------------------------------------------

    def test_aws_cli_cp_acl_public_read(self):
        bucket = self.make_bucket("acl-cli")
        src = self.write_file("cli.txt", b"published by the AWS CLI")
        rc, out, err = self.server.aws("s3", "cp", src, f"s3://{bucket}/pub/cli.txt",
                                       "--acl", "public-read")
        self.assertEqual(rc, 0, out + err)
        rc, out, err = self.server.aws("s3", "cp", src, f"s3://{bucket}/private/cli.txt")
        self.assertEqual(rc, 0, out + err)
        self.assertAnonReads(bucket, "pub/cli.txt", b"published by the AWS CLI")
        self.assertAnonDenied(bucket, "private/cli.txt")
        # The bucket itself stays private: no anonymous listing, no probing for keys.
        self.assertRawError(self.server.anonymous("GET", f"/{bucket}"), 403, "AccessDenied")
        self.assertAnonDenied(bucket, "pub/missing.txt")
        rc, out, err = self.server.aws("s3api", "get-object-acl", "--bucket", bucket, "--key",
                                       "pub/cli.txt")
        self.assertEqual(rc, 0, out + err)
        acl = json.loads(out)
        self.assertIn((ALL_USERS, "READ"), self.grants(acl))
        self.assertIn((self.owner_id(), "FULL_CONTROL"), self.grants(acl))

    def test_s3cmd_setacl_acl_public(self):
        bucket = self.make_bucket("acl-s3cmd")
        self.s3.put_object(Bucket=bucket, Key="photo.jpg", Body=b"jpeg bytes")
        self.assertAnonDenied(bucket, "photo.jpg")
        self.s3cmd("setacl", "--acl-public", f"s3://{bucket}/photo.jpg")
        self.assertAnonReads(bucket, "photo.jpg", b"jpeg bytes")
        out = self.s3cmd("info", f"s3://{bucket}/photo.jpg")
        self.assertIn("*anon*: READ", out)
        self.s3cmd("setacl", "--acl-private", f"s3://{bucket}/photo.jpg")
        self.assertAnonDenied(bucket, "photo.jpg")
        # s3cmd put -P: public at upload.
        src = self.write_file("s3cmd.txt", b"put -P")
        self.s3cmd("put", "-P", src, f"s3://{bucket}/put-p.txt")
        self.assertAnonReads(bucket, "put-p.txt", b"put -P")

    def test_boto3_upload_file_public_read(self):
        bucket = self.make_bucket("acl-boto")
        small = self.write_file("small.bin", b"small upload")
        self.s3.upload_file(small, bucket, "media/small.bin", ExtraArgs={"ACL": "public-read"})
        self.assertAnonReads(bucket, "media/small.bin", b"small upload")
        # Large enough for a multipart upload: the ACL given at creation lands on completion.
        big_data = os.urandom(6 * 1024 * 1024)
        big = self.write_file("big.bin", big_data)
        self.s3.upload_file(big, bucket, "media/big.bin", ExtraArgs={"ACL": "public-read"},
                            Config=TransferConfig(multipart_threshold=5 * 1024 * 1024,
                                                  multipart_chunksize=5 * 1024 * 1024))
        self.assertTrue(self.s3.head_object(Bucket=bucket, Key="media/big.bin")["ETag"]
                        .endswith('-2"'))
        self.assertAnonReads(bucket, "media/big.bin", big_data)
        self.assertIn((ALL_USERS, "READ"),
                      self.grants(self.s3.get_object_acl(Bucket=bucket, Key="media/big.bin")))

    def test_public_read_write_bucket_takes_anonymous_post_form(self):
        bucket = unique_bucket("acl-prw")
        self.s3.create_bucket(Bucket=bucket, ACL="public-read-write")
        self.assertEqual(self.grants(self.s3.get_bucket_acl(Bucket=bucket)),
                         {(self.owner_id(), "FULL_CONTROL"), (ALL_USERS, "READ"),
                          (ALL_USERS, "WRITE")})
        body, ctype = multipart([("key", "forms/${filename}"), ("acl", "public-read")],
                                b"form upload", filename="hello.txt", file_type="text/plain")
        r = self.server.anonymous("POST", f"/{bucket}", body=body,
                                  headers={"Content-Type": ctype})
        self.assertEqual(r.status, 204, repr(r))
        self.assertAnonReads(bucket, "forms/hello.txt", b"form upload")
        # WRITE admits anonymous PUT and DELETE; READ admits listing.
        r = self.server.anonymous("PUT", f"/{bucket}/anon.txt", body=b"anonymous put")
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="anon.txt")["Body"].read(),
                         b"anonymous put")
        # Written with no ACL: private, so not readable anonymously even in this bucket.
        self.assertAnonDenied(bucket, "anon.txt")
        r = self.server.anonymous("GET", f"/{bucket}", query={"list-type": "2"})
        self.assertEqual(r.status, 200, repr(r))
        self.assertIn(b"anon.txt", r.body)
        r = self.server.anonymous("DELETE", f"/{bucket}/anon.txt")
        self.assertEqual(r.status, 204, repr(r))
        # WRITE is not WRITE_ACP: anonymous callers cannot change the bucket's ACL.
        r = self.server.anonymous("PUT", f"/{bucket}", query={"acl": None},
                                  headers={"x-amz-acl": "private"})
        self.assertRawError(r, 403, "AccessDenied")

    # -- canned ACLs, grants, XML ---------------------------------------------------------

    def test_canned_acls_and_grant_headers(self):
        bucket = self.make_bucket("acl-canned")
        me = self.owner_id()
        self.s3.put_object(Bucket=bucket, Key="auth.txt", Body=b"members", ACL="authenticated-read")
        self.assertAnonDenied(bucket, "auth.txt")
        # AuthenticatedUsers: any valid key of this server, even one without any policy.
        self.assertEqual(self.nobody.get_object(Bucket=bucket, Key="auth.txt")["Body"].read(),
                         b"members")
        err = self.client_error(self.nobody.get_object, Bucket=bucket, Key="missing.txt")
        self.assertS3Error(err, "AccessDenied", 403)
        r = self.server.request("PUT", f"/{bucket}/granted.txt", body=b"granted",
                                headers={"x-amz-grant-read": f'uri="{ALL_USERS}"',
                                         "x-amz-grant-full-control": f'id="{me}"'})
        self.assertEqual(r.status, 200, repr(r))
        self.assertAnonReads(bucket, "granted.txt", b"granted")
        self.assertEqual(self.grants(self.s3.get_object_acl(Bucket=bucket, Key="granted.txt")),
                         {(ALL_USERS, "READ"), (me, "FULL_CONTROL")})
        for name, headers, code in (
                ("canned and grant", {"x-amz-acl": "public-read",
                                      "x-amz-grant-read": f'uri="{ALL_USERS}"'},
                 "InvalidRequest"),
                ("unknown canned ACL", {"x-amz-acl": "world-writable"}, "InvalidArgument"),
                ("unknown group", {"x-amz-grant-read": 'uri="http://example.com/group"'},
                 "InvalidArgument"),
                ("e-mail grantee", {"x-amz-grant-read": 'emailAddress="a@example.com"'},
                 "UnresolvableGrantByEmailAddress"),
                ("garbage grant", {"x-amz-grant-write": "nonsense"}, "InvalidArgument")):
            with self.subTest(name):
                r = self.server.request("PUT", f"/{bucket}/refused.txt", body=b"x",
                                        headers=headers)
                self.assertRawError(r, 400, code)
        err = self.client_error(self.s3.head_object, Bucket=bucket, Key="refused.txt")
        self.assertEqual(err.response["Error"]["Code"], "404")
        # Without an ACL a new object is private: the owner alone, FULL_CONTROL.
        self.s3.put_object(Bucket=bucket, Key="plain.txt", Body=b"plain")
        acl = self.s3.get_object_acl(Bucket=bucket, Key="plain.txt")
        self.assertEqual(acl["Owner"]["ID"], me)
        self.assertEqual(self.grants(acl), {(me, "FULL_CONTROL")})

    def test_put_acl_xml_round_trip_and_validation(self):
        bucket = self.make_bucket("acl-xml")
        me = self.owner_id()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"xml")
        policy = {"Owner": {"ID": me}, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            {"Grantee": {"Type": "Group", "URI": AUTH_USERS}, "Permission": "READ_ACP"}]}
        self.s3.put_object_acl(Bucket=bucket, Key="k", AccessControlPolicy=policy)
        self.assertEqual(self.grants(self.s3.get_object_acl(Bucket=bucket, Key="k")),
                         {(me, "FULL_CONTROL"), (ALL_USERS, "READ"), (AUTH_USERS, "READ_ACP")})
        self.assertAnonReads(bucket, "k", b"xml")
        # READ_ACP to AuthenticatedUsers: a key without policies may read the ACL, not change it.
        self.nobody.get_object_acl(Bucket=bucket, Key="k")
        err = self.client_error(self.nobody.put_object_acl, Bucket=bucket, Key="k", ACL="private")
        self.assertS3Error(err, "AccessDenied", 403)
        self.s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
        self.assertIn((ALL_USERS, "READ"), self.grants(self.s3.get_bucket_acl(Bucket=bucket)))
        r = self.server.anonymous("GET", f"/{bucket}", query={"list-type": "2"})
        self.assertEqual(r.status, 200, repr(r))
        self.s3.put_bucket_acl(Bucket=bucket, ACL="private")
        self.assertRawError(self.server.anonymous("GET", f"/{bucket}"), 403, "AccessDenied")
        bad = {
            "not xml": b"<AccessControlPolicy>",
            "unknown permission": (
                f'<AccessControlPolicy><Owner><ID>{me}</ID></Owner><AccessControlList><Grant>'
                f'<Grantee xmlns:xsi="{XSI}" xsi:type="Group"><URI>{ALL_USERS}</URI></Grantee>'
                f'<Permission>EVERYTHING</Permission></Grant></AccessControlList>'
                f'</AccessControlPolicy>').encode(),
            "grant without grantee": (
                f'<AccessControlPolicy><Owner><ID>{me}</ID></Owner><AccessControlList><Grant>'
                f'<Permission>READ</Permission></Grant></AccessControlList>'
                f'</AccessControlPolicy>').encode(),
        }
        for name, body in bad.items():
            with self.subTest(name):
                r = self.server.request("PUT", f"/{bucket}/k", query={"acl": None}, body=body)
                self.assertRawError(r, 400, "MalformedACLError")
        r = self.server.request("PUT", f"/{bucket}/k", query={"acl": None}, body=(
            f'<AccessControlPolicy><Owner><ID>{me}</ID></Owner><AccessControlList><Grant>'
            f'<Grantee xmlns:xsi="{XSI}" xsi:type="AmazonCustomerByEmail"><EmailAddress>'
            f'a@example.com</EmailAddress></Grantee><Permission>READ</Permission></Grant>'
            f'</AccessControlList></AccessControlPolicy>').encode())
        self.assertRawError(r, 400, "UnresolvableGrantByEmailAddress")
        # The refused bodies changed nothing.
        self.assertAnonReads(bucket, "k", b"xml")

    def test_copy_takes_the_request_acl_not_the_source(self):
        bucket = self.make_bucket("acl-copy")
        self.s3.put_object(Bucket=bucket, Key="src", Body=b"copied", ACL="public-read")
        self.s3.copy_object(Bucket=bucket, Key="plain-copy", CopySource=f"{bucket}/src")
        self.assertAnonDenied(bucket, "plain-copy")
        self.s3.copy_object(Bucket=bucket, Key="public-copy", CopySource=f"{bucket}/src",
                            ACL="public-read")
        self.assertAnonReads(bucket, "public-copy", b"copied")
        # A key with no policy may copy a public-read source into a bucket it may write to?
        # No: it has no right to write anywhere; the read grant alone admits only the read.
        err = self.client_error(self.nobody.copy_object, Bucket=bucket, Key="stolen",
                                CopySource=f"{bucket}/src")
        self.assertS3Error(err, "AccessDenied", 403)

    def test_versioned_acl_is_per_version(self):
        bucket = self.make_bucket("acl-ver")
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"one", ACL="public-read")["VersionId"]
        v2 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
        self.assertAnonDenied(bucket, "k")
        self.assertAnonReads(bucket, "k", b"one", versionId=v1)
        self.assertAnonDenied(bucket, "k", versionId=v2)
        acl = self.s3.get_object_acl(Bucket=bucket, Key="k", VersionId=v1)
        self.assertIn((ALL_USERS, "READ"), self.grants(acl))
        self.s3.put_object_acl(Bucket=bucket, Key="k", VersionId=v2, ACL="public-read")
        self.assertAnonReads(bucket, "k", b"two")
        self.s3.put_object_acl(Bucket=bucket, Key="k", VersionId=v1, ACL="private")
        self.assertAnonDenied(bucket, "k", versionId=v1)
        err = self.client_error(self.s3.get_object_acl, Bucket=bucket, Key="k",
                                VersionId="00000000-0000-0000-0000-000000000000")
        self.assertEqual(err.response["Error"]["Code"], "NoSuchVersion")

    def test_explicit_deny_beats_an_acl_grant(self):
        bucket = self.make_bucket("acl-deny")
        self.s3.put_object(Bucket=bucket, Key="open.txt", Body=b"open", ACL="public-read")
        self.s3.put_object(Bucket=bucket, Key="closed.txt", Body=b"closed", ACL="public-read")
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/closed.txt"}]}))
        self.assertAnonReads(bucket, "open.txt", b"open")
        self.assertAnonDenied(bucket, "closed.txt")

    def test_acls_survive_a_restart(self):
        bucket = self.make_bucket("acl-restart")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"durable", ACL="public-read")
        self.s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
        self.s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicPolicy": True})
        self.server.restart()
        self.assertAnonReads(bucket, "k", b"durable")
        self.assertIn((ALL_USERS, "READ"), self.grants(self.s3.get_bucket_acl(Bucket=bucket)))
        got = self.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        self.assertTrue(got["BlockPublicPolicy"])
        self.assertFalse(got["BlockPublicAcls"])

    # -- ownership controls ---------------------------------------------------------------

    def test_bucket_owner_enforced_refuses_acls(self):
        bucket = unique_bucket("acl-enf")
        self.s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
        got = self.s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
        self.assertEqual(got["Rules"], [{"ObjectOwnership": "BucketOwnerEnforced"}])
        err = self.client_error(self.s3.put_object, Bucket=bucket, Key="k", Body=b"x",
                                ACL="public-read")
        self.assertS3Error(err, "AccessControlListNotSupported", 400)
        rc, out, err_text = self.server.aws("s3", "cp", self.write_file("enf.txt", b"x"),
                                            f"s3://{bucket}/cli.txt", "--acl", "public-read")
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessControlListNotSupported", out + err_text)
        # bucket-owner-full-control (and no ACL) still work, as AWS lets them.
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
        self.s3.put_object(Bucket=bucket, Key="k2", Body=b"x")
        err = self.client_error(self.s3.put_object_acl, Bucket=bucket, Key="k", ACL="public-read")
        self.assertS3Error(err, "AccessControlListNotSupported", 400)
        err = self.client_error(self.s3.put_bucket_acl, Bucket=bucket, ACL="public-read")
        self.assertS3Error(err, "AccessControlListNotSupported", 400)
        # Reads of ACLs still work and show the bucket owner's full control.
        me = self.owner_id()
        self.assertEqual(self.grants(self.s3.get_object_acl(Bucket=bucket, Key="k")),
                         {(me, "FULL_CONTROL")})
        self.assertAnonDenied(bucket, "k")

        # A bucket with public ACLs: enforcing silences the stored object ACLs, and a public
        # bucket ACL keeps enforcement from being set at all.
        other = self.make_bucket("acl-enf2")
        self.s3.put_object(Bucket=other, Key="pub", Body=b"was public", ACL="public-read")
        self.assertAnonReads(other, "pub", b"was public")
        err = self.client_error(self.s3.get_bucket_ownership_controls, Bucket=other)
        self.assertS3Error(err, "OwnershipControlsNotFoundError", 404)
        self.s3.put_bucket_ownership_controls(Bucket=other, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        self.assertAnonDenied(other, "pub")
        self.s3.put_bucket_ownership_controls(Bucket=other, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        self.assertAnonReads(other, "pub", b"was public")
        self.s3.put_bucket_acl(Bucket=other, ACL="public-read")
        err = self.client_error(self.s3.put_bucket_ownership_controls, Bucket=other,
                                OwnershipControls={"Rules": [
                                    {"ObjectOwnership": "BucketOwnerEnforced"}]})
        self.assertS3Error(err, "InvalidBucketAclWithObjectOwnership", 400)
        self.s3.delete_bucket_ownership_controls(Bucket=other)
        err = self.client_error(self.s3.get_bucket_ownership_controls, Bucket=other)
        self.assertS3Error(err, "OwnershipControlsNotFoundError", 404)
        err = self.client_error(self.s3.create_bucket, Bucket=unique_bucket("acl-enf3"),
                                ObjectOwnership="BucketOwnerEnforced", ACL="public-read")
        self.assertS3Error(err, "InvalidBucketAclWithObjectOwnership", 400)

    # -- public access block --------------------------------------------------------------

    def put_block(self, bucket, **flags):
        self.s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=flags)

    def test_block_public_acls(self):
        bucket = self.make_bucket("pab-bpa")
        self.s3.put_object(Bucket=bucket, Key="before", Body=b"before", ACL="public-read")
        self.put_block(bucket, BlockPublicAcls=True)
        for fn, kw in ((self.s3.put_object, dict(Key="new", Body=b"x", ACL="public-read")),
                       (self.s3.put_object, dict(Key="new", Body=b"x", ACL="authenticated-read")),
                       (self.s3.put_object_acl, dict(Key="before", ACL="public-read-write")),
                       (self.s3.put_bucket_acl, dict(ACL="public-read")),
                       (self.s3.create_multipart_upload, dict(Key="mp", ACL="public-read"))):
            with self.subTest(fn=fn.__name__, kw=kw):
                err = self.client_error(fn, Bucket=bucket, **kw)
                self.assertS3Error(err, "AccessDenied", 403)
        # Non-public ACLs pass; ACLs stored before keep working (BlockPublicAcls is about PUTs).
        self.s3.put_object(Bucket=bucket, Key="new", Body=b"x", ACL="private")
        self.assertAnonReads(bucket, "before", b"before")
        got = self.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        self.assertEqual(got, {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                               "BlockPublicPolicy": False, "RestrictPublicBuckets": False})

    def test_ignore_public_acls(self):
        bucket = self.make_bucket("pab-ipa")
        self.s3.put_object(Bucket=bucket, Key="pub", Body=b"public", ACL="public-read")
        self.s3.put_object(Bucket=bucket, Key="auth", Body=b"auth", ACL="authenticated-read")
        self.put_block(bucket, IgnorePublicAcls=True)
        self.assertAnonDenied(bucket, "pub")
        err = self.client_error(self.nobody.get_object, Bucket=bucket, Key="auth")
        self.assertS3Error(err, "AccessDenied", 403)
        # Setting a public ACL is still allowed (that is BlockPublicAcls), it just does nothing.
        self.s3.put_object_acl(Bucket=bucket, Key="pub", ACL="public-read")
        self.assertAnonDenied(bucket, "pub")
        self.s3.delete_public_access_block(Bucket=bucket)
        self.assertAnonReads(bucket, "pub", b"public")
        err = self.client_error(self.s3.get_public_access_block, Bucket=bucket)
        self.assertS3Error(err, "NoSuchPublicAccessBlockConfiguration", 404)

    def test_block_public_policy(self):
        bucket = self.make_bucket("pab-bpp")
        self.put_block(bucket, BlockPublicPolicy=True)
        err = self.client_error(self.s3.put_bucket_policy, Bucket=bucket,
                                Policy=public_policy(bucket))
        self.assertS3Error(err, "AccessDenied", 403)
        err = self.client_error(self.s3.get_bucket_policy, Bucket=bucket)
        self.assertS3Error(err, "NoSuchBucketPolicy", 404)
        # A policy pinned to a network is not public: it is accepted.
        restricted = json.loads(public_policy(bucket))
        restricted["Statement"][0]["Condition"] = {"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(restricted))
        self.assertFalse(self.s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]
                         ["IsPublic"])
        # mc anonymous set download is a public policy: refused the same way.
        rc, out, err_text = self.server.aws("s3api", "put-bucket-policy", "--bucket", bucket,
                                            "--policy", public_policy(bucket))
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", out + err_text)

    def test_restrict_public_buckets(self):
        bucket = self.make_bucket("pab-rpb")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"downloadable")
        self.s3.put_bucket_policy(Bucket=bucket, Policy=public_policy(bucket))
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]
                        ["IsPublic"])
        self.assertAnonReads(bucket, "k", b"downloadable")
        self.put_block(bucket, RestrictPublicBuckets=True)
        self.assertAnonDenied(bucket, "k")
        # Users of the owner's account keep what the policy gives them.
        self.assertEqual(self.nobody.get_object(Bucket=bucket, Key="k")["Body"].read(),
                         b"downloadable")
        # Public ACLs are IgnorePublicAcls' business, not this flag's.
        self.s3.put_object(Bucket=bucket, Key="acl", Body=b"acl", ACL="public-read")
        self.assertAnonReads(bucket, "acl", b"acl")
        self.s3.delete_public_access_block(Bucket=bucket)
        self.assertAnonReads(bucket, "k", b"downloadable")

    def test_policy_status_follows_aws_meaning_of_public(self):
        bucket = self.make_bucket("pab-status")
        referer = json.loads(public_policy(bucket))
        referer["Statement"][0]["Condition"] = {"StringLike": {"aws:Referer": "https://me/*"}}
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(referer))
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]
                        ["IsPublic"])
        anywhere = json.loads(public_policy(bucket))
        anywhere["Statement"][0]["Condition"] = {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(anywhere))
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]
                        ["IsPublic"])


if __name__ == "__main__":
    unittest.main()
