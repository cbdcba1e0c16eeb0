"""Object lock (issue 13) with boto3 and the AWS CLI: buckets created with lock, lock enabled on a
versioned bucket, default retention (PUT and multipart), per-version retention and legal hold,
COMPLIANCE refusing root, GOVERNANCE bypass allowed and refused by policy, DeleteObjects with a
mix, and versions becoming deletable once their date passes (short dates, bounded waits)."""

import datetime
import json
import time
import uuid

from admin_client import AdminClient
from harness import CairnTestCase

LOCKED = "Access Denied because object protected by object lock."


def soon(seconds):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class ObjectLockTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = AdminClient(cls.server)

    def locked_bucket(self):
        name = "lock-" + uuid.uuid4().hex[:10]
        self.s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        return name

    def denied(self, fn, **kwargs):
        err = self.client_error(fn, **kwargs)
        self.assertS3Error(err, "AccessDenied", 403)
        return err

    def wait_deletable(self, bucket, key, version, deadline_s=15, **kwargs):
        """Retries a version delete until its retention passes; fails past the deadline."""
        end = time.monotonic() + deadline_s
        while True:
            try:
                self.s3.delete_object(Bucket=bucket, Key=key, VersionId=version, **kwargs)
                return
            except self.s3.exceptions.ClientError as e:
                if e.response["Error"]["Code"] != "AccessDenied" or time.monotonic() > end:
                    raise
                time.sleep(0.25)

    def test_bucket_with_lock_is_versioned_and_cannot_be_suspended(self):
        b = self.locked_bucket()
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")
        conf = self.s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]
        self.assertEqual(conf, {"ObjectLockEnabled": "Enabled"})
        err = self.client_error(self.s3.put_bucket_versioning, Bucket=b,
                                VersioningConfiguration={"Status": "Suspended"})
        self.assertS3Error(err, "InvalidBucketState", 409)
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")

    def test_lock_on_an_existing_bucket_needs_versioning_enabled(self):
        b = self.make_bucket("lockex")
        cfg = {"ObjectLockEnabled": "Enabled"}
        err = self.client_error(self.s3.put_object_lock_configuration, Bucket=b,
                                ObjectLockConfiguration=cfg)
        self.assertS3Error(err, "InvalidBucketState", 409)
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
        err = self.client_error(self.s3.put_object_lock_configuration, Bucket=b,
                                ObjectLockConfiguration=cfg)
        self.assertS3Error(err, "InvalidBucketState", 409)
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration=cfg)
        self.assertEqual(self.s3.get_object_lock_configuration(Bucket=b)[
            "ObjectLockConfiguration"]["ObjectLockEnabled"], "Enabled")

    def test_default_retention_configuration_errors(self):
        b = self.locked_bucket()
        rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}
        err = self.client_error(self.s3.put_object_lock_configuration, Bucket=b,
                                ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
                                                         "Rule": rule})
        self.assertS3Error(err, "MalformedXML", 400)
        rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}
        err = self.client_error(self.s3.put_object_lock_configuration, Bucket=b,
                                ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
                                                         "Rule": rule})
        self.assertS3Error(err, "InvalidArgument", 400)
        rule = {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 2}}
        self.s3.put_object_lock_configuration(
            Bucket=b, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule})
        conf = self.s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]
        self.assertEqual(conf["Rule"], rule)

    def test_compliance_refuses_root_until_its_date(self):
        b = self.locked_bucket()
        until = soon(3)
        v = self.s3.put_object(Bucket=b, Key="exam", Body=b"recording", ObjectLockMode="COMPLIANCE",
                               ObjectLockRetainUntilDate=until)["VersionId"]
        head = self.s3.head_object(Bucket=b, Key="exam", VersionId=v)
        self.assertEqual(head["ObjectLockMode"], "COMPLIANCE")
        self.assertEqual(head["ObjectLockRetainUntilDate"].replace(microsecond=0),
                         until.replace(microsecond=0))
        self.assertEqual(head["ObjectLockLegalHoldStatus"], "OFF")
        got = self.s3.get_object(Bucket=b, Key="exam")
        self.assertEqual(got["ObjectLockMode"], "COMPLIANCE")
        err = self.denied(self.s3.delete_object, Bucket=b, Key="exam", VersionId=v,
                          BypassGovernanceRetention=True)
        self.assertEqual(err.response["Error"]["Message"], LOCKED)
        # Shortening or weakening is refused; extending is allowed.
        self.denied(self.s3.put_object_retention, Bucket=b, Key="exam", VersionId=v,
                    Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until},
                    BypassGovernanceRetention=True)
        later = until + datetime.timedelta(seconds=2)
        self.s3.put_object_retention(Bucket=b, Key="exam", VersionId=v,
                                     Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later})
        self.denied(self.s3.put_object_retention, Bucket=b, Key="exam", VersionId=v,
                    Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until})
        got = self.s3.get_object_retention(Bucket=b, Key="exam", VersionId=v)["Retention"]
        self.assertEqual(got["Mode"], "COMPLIANCE")
        self.assertEqual(got["RetainUntilDate"].replace(microsecond=0), later.replace(microsecond=0))
        # DELETE without a version id still writes a delete marker.
        marker = self.s3.delete_object(Bucket=b, Key="exam")
        self.assertTrue(marker["DeleteMarker"])
        self.s3.delete_object(Bucket=b, Key="exam", VersionId=marker["VersionId"])
        # Once the date passes, the version goes.
        self.wait_deletable(b, "exam", v)
        self.assertGreaterEqual(datetime.datetime.now(datetime.timezone.utc),
                                later - datetime.timedelta(seconds=1))
        err = self.client_error(self.s3.head_object, Bucket=b, Key="exam", VersionId=v)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_governance_bypass_allowed_and_refused_by_policy(self):
        b = self.locked_bucket()
        name = "lockuser" + uuid.uuid4().hex[:6]
        self.admin.put_policy(name + "-p", {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
            "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
                       "s3:PutObjectRetention", "s3:GetObjectRetention"]}]})
        self.admin.add_user(name, name + "-secret", [name + "-p"])
        user = self.server.client(name, name + "-secret")
        far = soon(3600)
        v = user.put_object(Bucket=b, Key="doc", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=far)["VersionId"]
        # Without s3:BypassGovernanceRetention the header changes nothing.
        self.denied(user.delete_object, Bucket=b, Key="doc", VersionId=v,
                    BypassGovernanceRetention=True)
        self.denied(user.put_object_retention, Bucket=b, Key="doc", VersionId=v,
                    Retention={"Mode": "GOVERNANCE", "RetainUntilDate": soon(60)},
                    BypassGovernanceRetention=True)
        # Root is allowed everything, and still needs to ask.
        self.denied(self.s3.delete_object, Bucket=b, Key="doc", VersionId=v)
        self.s3.put_object_retention(Bucket=b, Key="doc", VersionId=v,
                                     Retention={"Mode": "GOVERNANCE", "RetainUntilDate": soon(60)},
                                     BypassGovernanceRetention=True)
        self.s3.delete_object(Bucket=b, Key="doc", VersionId=v, BypassGovernanceRetention=True)
        # A user granted the bypass may use it.
        self.admin.put_policy(name + "-b", {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Resource": [f"arn:aws:s3:::{b}/*"],
            "Action": ["s3:BypassGovernanceRetention"]}]})
        self.admin.attach([name + "-b"], user=name)
        v2 = user.put_object(Bucket=b, Key="doc2", Body=b"x", ObjectLockMode="GOVERNANCE",
                             ObjectLockRetainUntilDate=far)["VersionId"]
        self.denied(user.delete_object, Bucket=b, Key="doc2", VersionId=v2)
        user.delete_object(Bucket=b, Key="doc2", VersionId=v2, BypassGovernanceRetention=True)

    def test_lock_headers_only_for_callers_allowed_to_read_them(self):
        b = self.locked_bucket()
        self.s3.put_object(Bucket=b, Key="rec", Body=b"r", ObjectLockMode="GOVERNANCE",
                           ObjectLockRetainUntilDate=soon(3600), ObjectLockLegalHoldStatus="ON")
        lock_headers = ("x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
                        "x-amz-object-lock-legal-hold")

        def shown(client, method):
            call = client.head_object if method == "HEAD" else client.get_object
            headers = call(Bucket=b, Key="rec")["ResponseMetadata"]["HTTPHeaders"]
            return sorted(h for h in lock_headers if h in headers)

        users = {}
        for label, actions in {"plain": [], "ret": ["s3:GetObjectRetention"],
                               "hold": ["s3:GetObjectLegalHold"]}.items():
            name = "lockread" + label + uuid.uuid4().hex[:6]
            self.admin.put_policy(name + "-p", {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Resource": [f"arn:aws:s3:::{b}/*"],
                "Action": ["s3:GetObject", *actions]}]})
            self.admin.add_user(name, name + "-secret", [name + "-p"])
            users[label] = self.server.client(name, name + "-secret")
        for method in ("HEAD", "GET"):
            self.assertEqual(shown(self.s3, method), sorted(lock_headers))
            self.assertEqual(shown(users["plain"], method), [])
            self.assertEqual(shown(users["ret"], method),
                             ["x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date"])
            self.assertEqual(shown(users["hold"], method), ["x-amz-object-lock-legal-hold"])
        # An anonymous reader admitted by a bucket policy for s3:GetObject sees none either.
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{b}/*"]}]}))
        anon = self.server.anonymous("GET", f"/{b}/rec")
        self.assertEqual(anon.status, 200)
        self.assertEqual([h for h in lock_headers if h in anon.headers], [])
        self.s3.put_object_legal_hold(Bucket=b, Key="rec", LegalHold={"Status": "OFF"})

    def test_legal_hold(self):
        b = self.locked_bucket()
        v = self.s3.put_object(Bucket=b, Key="audit", Body=b"a",
                               ObjectLockLegalHoldStatus="ON")["VersionId"]
        self.assertEqual(self.s3.get_object_legal_hold(Bucket=b, Key="audit", VersionId=v)[
            "LegalHold"]["Status"], "ON")
        self.assertEqual(self.s3.head_object(Bucket=b, Key="audit")["ObjectLockLegalHoldStatus"],
                         "ON")
        self.denied(self.s3.delete_object, Bucket=b, Key="audit", VersionId=v,
                    BypassGovernanceRetention=True)
        err = self.client_error(self.s3.get_object_retention, Bucket=b, Key="audit", VersionId=v)
        self.assertS3Error(err, "NoSuchObjectLockConfiguration", 404)
        self.s3.put_object_legal_hold(Bucket=b, Key="audit", VersionId=v,
                                      LegalHold={"Status": "OFF"})
        self.s3.delete_object(Bucket=b, Key="audit", VersionId=v)
        # On a bucket without lock: InvalidRequest.
        plain = self.make_bucket("nolock")
        self.s3.put_object(Bucket=plain, Key="k", Body=b"k")
        err = self.client_error(self.s3.put_object_legal_hold, Bucket=plain, Key="k",
                                LegalHold={"Status": "ON"})
        self.assertS3Error(err, "InvalidRequest", 400)

    def test_multipart_under_default_retention(self):
        b = self.locked_bucket()
        self.s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
        up = self.s3.create_multipart_upload(Bucket=b, Key="big")["UploadId"]
        part = self.s3.upload_part(Bucket=b, Key="big", UploadId=up, PartNumber=1,
                                   Body=b"p" * (5 << 20))
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="big", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        head = self.s3.head_object(Bucket=b, Key="big", VersionId=done["VersionId"])
        self.assertEqual(head["ObjectLockMode"], "COMPLIANCE")
        left = head["ObjectLockRetainUntilDate"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertGreater(left, datetime.timedelta(hours=23))
        self.assertLessEqual(left, datetime.timedelta(days=1))
        self.denied(self.s3.delete_object, Bucket=b, Key="big", VersionId=done["VersionId"])
        # Explicit headers on the upload win over the default, and apply at completion.
        until = soon(3600)
        up = self.s3.create_multipart_upload(Bucket=b, Key="gov", ObjectLockMode="GOVERNANCE",
                                             ObjectLockRetainUntilDate=until)["UploadId"]
        part = self.s3.upload_part(Bucket=b, Key="gov", UploadId=up, PartNumber=1, Body=b"x")
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="gov", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        head = self.s3.head_object(Bucket=b, Key="gov", VersionId=done["VersionId"])
        self.assertEqual(head["ObjectLockMode"], "GOVERNANCE")
        self.s3.delete_object(Bucket=b, Key="gov", VersionId=done["VersionId"],
                              BypassGovernanceRetention=True)

    def test_delete_objects_reports_each_locked_version(self):
        b = self.locked_bucket()
        free = self.s3.put_object(Bucket=b, Key="free", Body=b"f")["VersionId"]
        held = self.s3.put_object(Bucket=b, Key="held", Body=b"h",
                                  ObjectLockLegalHoldStatus="ON")["VersionId"]
        kept = self.s3.put_object(Bucket=b, Key="kept", Body=b"k", ObjectLockMode="COMPLIANCE",
                                  ObjectLockRetainUntilDate=soon(3600))["VersionId"]
        resp = self.s3.delete_objects(Bucket=b, Delete={"Objects": [
            {"Key": "free", "VersionId": free}, {"Key": "held", "VersionId": held},
            {"Key": "kept", "VersionId": kept}, {"Key": "kept"}]})
        deleted = {(d["Key"], d.get("VersionId")) for d in resp["Deleted"]}
        self.assertIn(("free", free), deleted)
        self.assertIn("kept", [d["Key"] for d in resp["Deleted"] if d.get("DeleteMarker")])
        errors = {(e["Key"], e["VersionId"]): e for e in resp["Errors"]}
        self.assertEqual(set(errors), {("held", held), ("kept", kept)})
        for e in errors.values():
            self.assertEqual(e["Code"], "AccessDenied")
            self.assertEqual(e["Message"], LOCKED)
        self.s3.head_object(Bucket=b, Key="held", VersionId=held)
        self.s3.head_object(Bucket=b, Key="kept", VersionId=kept)

    def test_copy_takes_the_destination_lock_not_the_source(self):
        b = self.locked_bucket()
        self.s3.put_object(Bucket=b, Key="src", Body=b"s", ObjectLockLegalHoldStatus="ON")
        v = self.s3.copy_object(Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src"})[
            "VersionId"]
        head = self.s3.head_object(Bucket=b, Key="dst", VersionId=v)
        self.assertNotIn("ObjectLockMode", head)
        self.s3.delete_object(Bucket=b, Key="dst", VersionId=v)
        v = self.s3.copy_object(Bucket=b, Key="dst2", CopySource={"Bucket": b, "Key": "src"},
                                ObjectLockMode="GOVERNANCE",
                                ObjectLockRetainUntilDate=soon(600))["VersionId"]
        self.assertEqual(self.s3.head_object(Bucket=b, Key="dst2", VersionId=v)["ObjectLockMode"],
                         "GOVERNANCE")

    def test_aws_cli(self):
        name = "lockcli-" + uuid.uuid4().hex[:8]
        rc, out, err = self.server.aws("s3api", "create-bucket", "--bucket", name,
                                       "--object-lock-enabled-for-bucket")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws(
            "s3api", "put-object-lock-configuration", "--bucket", name,
            "--object-lock-configuration", json.dumps({
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}))
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws("s3api", "get-object-lock-configuration", "--bucket", name)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"],
                         {"Mode": "GOVERNANCE", "Days": 1})
        rc, out, err = self.server.aws("s3api", "put-object", "--bucket", name, "--key", "k",
                                       "--object-lock-mode", "COMPLIANCE",
                                       # long enough for the four CLI runs up to the delete
                                       "--object-lock-retain-until-date", iso(soon(60)))
        self.assertEqual(rc, 0, err)
        version = json.loads(out)["VersionId"]
        rc, out, err = self.server.aws("s3api", "get-object-retention", "--bucket", name,
                                       "--key", "k", "--version-id", version)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["Retention"]["Mode"], "COMPLIANCE")
        rc, out, err = self.server.aws("s3api", "delete-object", "--bucket", name, "--key", "k",
                                       "--version-id", version, "--bypass-governance-retention")
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", err)
        rc, out, err = self.server.aws("s3api", "put-object-legal-hold", "--bucket", name,
                                       "--key", "k", "--version-id", version,
                                       "--legal-hold", "Status=ON")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws("s3api", "get-object-legal-hold", "--bucket", name,
                                       "--key", "k", "--version-id", version)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["LegalHold"]["Status"], "ON")
