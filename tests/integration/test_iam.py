"""IAM end to end (issue 4, "Tests that must exist"): users, groups, policies and service
accounts made through the admin API, then exercised with boto3 against S3: the ensure-study seed
policy, a prefix-limited user, disabled users and deleted keys, narrowed service accounts, group
membership changes taking effect at once, and MinIO's canned policies."""

from botocore.exceptions import ClientError

from admin_client import AdminClient
from harness import CairnTestCase

ENSURE_STUDY_BUCKETS = (
    "ensure-study-documents",
    "ensure-study-recordings",
    "ensure-study-ocr",
    "ensure-study-mlflow",
)

ENSURE_STUDY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::ensure-study-*/*"]}
    ],
}

ALICE_HOME_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": ["arn:aws:s3:::iam-shared"],
            "Condition": {"StringLike": {"s3:prefix": ["home/alice/*"]}},
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": ["arn:aws:s3:::iam-shared/home/alice/*"],
        },
    ],
}


def object_policy(actions, resource):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": [resource]}],
    }


class IamTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = AdminClient(cls.server)
        for bucket in ENSURE_STUDY_BUCKETS + ("iam-other", "ensure-studies", "iam-shared",
                                              "iam-data"):
            cls.s3.create_bucket(Bucket=bucket)
        for bucket in ENSURE_STUDY_BUCKETS + ("iam-other", "ensure-studies"):
            cls.s3.put_object(Bucket=bucket, Key="seed.txt", Body=b"seed of " + bucket.encode())
        for key in ("home/alice/a.txt", "home/bob/b.txt", "top.txt"):
            cls.s3.put_object(Bucket="iam-shared", Key=key, Body=b"shared " + key.encode())
        for key in ("public/a.txt", "private/b.txt"):
            cls.s3.put_object(Bucket="iam-data", Key=key, Body=b"data " + key.encode())

    def user(self, name, policies=(), secret=None):
        secret = secret or f"{name}-secret-key"
        self.admin.add_user(name, secret, policies)
        return self.server.client(name, secret)

    def assertDenied(self, fn, *args, code="AccessDenied", **kwargs):
        err = self.client_error(fn, *args, **kwargs)
        self.assertS3Error(err, code, 403)

    def read(self, client, bucket, key):
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()

    # -- the seed user --------------------------------------------------------------------------

    def test_ensure_study_user_reads_and_writes_its_four_buckets_only(self):
        self.admin.put_policy("ensure-study", ENSURE_STUDY_POLICY)
        study = self.user("ensure-study", ["ensure-study"])
        for bucket in ENSURE_STUDY_BUCKETS:
            with self.subTest(bucket=bucket):
                self.assertEqual(self.read(study, bucket, "seed.txt"), b"seed of " + bucket.encode())
                study.put_object(Bucket=bucket, Key="app/written.bin", Body=b"by ensure-study")
                self.assertEqual(self.read(self.s3, bucket, "app/written.bin"), b"by ensure-study")
                self.assertEqual(study.head_object(Bucket=bucket, Key="app/written.bin")
                                 ["ContentLength"], len(b"by ensure-study"))
                study.delete_object(Bucket=bucket, Key="app/written.bin")
                self.assertDenied(study.list_objects_v2, Bucket=bucket)  # bucket ARN not granted
                # A missing key is still 404 to this signed user, as MinIO answers (apps check
                # existence with HEAD); only anonymous callers get AccessDenied instead.
                with self.assertRaises(ClientError) as missing:
                    study.head_object(Bucket=bucket, Key="app/written.bin")
                self.assertEqual(missing.exception.response["Error"]["Code"], "404")
        for bucket in ("iam-other", "ensure-studies"):
            with self.subTest(bucket=bucket):
                self.assertDenied(study.get_object, Bucket=bucket, Key="seed.txt")
                self.assertDenied(study.put_object, Bucket=bucket, Key="x", Body=b"no")
                self.assertDenied(study.delete_object, Bucket=bucket, Key="seed.txt")
                self.assertEqual(self.read(self.s3, bucket, "seed.txt"),
                                 b"seed of " + bucket.encode())
        self.assertDenied(study.list_buckets)
        self.assertDenied(study.create_bucket, Bucket="ensure-study-extra")
        r = AdminClient(self.server, "ensure-study", "ensure-study-secret-key").call("GET", "users")
        self.assertEqual((r.status, r.code), (403, "AccessDenied"), r)

    # -- a prefix-limited user ------------------------------------------------------------------

    def test_prefix_limited_user_lists_and_writes_only_there(self):
        self.admin.put_policy("alice-home", ALICE_HOME_POLICY)
        alice = self.user("alice-home", ["alice-home"])
        listed = alice.list_objects_v2(Bucket="iam-shared", Prefix="home/alice/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["home/alice/a.txt"])
        listed = alice.list_objects(Bucket="iam-shared", Prefix="home/alice/", Delimiter="/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["home/alice/a.txt"])
        for prefix in ("home/bob/", "home/", "", "home/alice"):
            with self.subTest(prefix=prefix):
                kwargs = {"Prefix": prefix} if prefix else {}
                self.assertDenied(alice.list_objects_v2, Bucket="iam-shared", **kwargs)
        alice.put_object(Bucket="iam-shared", Key="home/alice/new.txt", Body=b"mine")
        self.assertEqual(self.read(alice, "iam-shared", "home/alice/new.txt"), b"mine")
        self.assertDenied(alice.put_object, Bucket="iam-shared", Key="home/bob/new.txt", Body=b"x")
        self.assertDenied(alice.put_object, Bucket="iam-shared", Key="top-new.txt", Body=b"x")
        self.assertDenied(alice.get_object, Bucket="iam-shared", Key="home/bob/b.txt")
        self.assertDenied(alice.get_object, Bucket="iam-shared", Key="top.txt")
        self.assertDenied(alice.delete_object, Bucket="iam-shared", Key="home/alice/new.txt")
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket="iam-shared")["Contents"]]
        self.assertNotIn("home/bob/new.txt", keys)
        self.assertNotIn("top-new.txt", keys)

    # -- disabled users and deleted keys ----------------------------------------------------------

    def test_disabled_user_and_deleted_keys_are_refused(self):
        carol = self.user("carol", ["readwrite"])
        self.assertEqual(self.read(carol, "iam-other", "seed.txt"), b"seed of iam-other")
        sa = self.admin.ok("PUT", "service-account", body={"parent": "carol"})
        carol_key = self.server.client(sa["accessKey"], sa["secretKey"])
        self.assertEqual(self.read(carol_key, "iam-other", "seed.txt"), b"seed of iam-other")

        self.admin.set_user_status("carol", "disabled")
        self.assertDenied(carol.get_object, Bucket="iam-other", Key="seed.txt",
                          code="InvalidAccessKeyId")
        self.assertDenied(carol.put_object, Bucket="iam-other", Key="by-carol", Body=b"x",
                          code="InvalidAccessKeyId")
        # A disabled user's service accounts go with it.
        self.assertDenied(carol_key.get_object, Bucket="iam-other", Key="seed.txt",
                          code="InvalidAccessKeyId")
        self.admin.set_user_status("carol", "enabled")
        self.assertEqual(self.read(carol, "iam-other", "seed.txt"), b"seed of iam-other")

        self.admin.ok("DELETE", "service-account", {"accessKey": sa["accessKey"]})
        self.assertDenied(carol_key.get_object, Bucket="iam-other", Key="seed.txt",
                          code="InvalidAccessKeyId")
        self.assertEqual(self.read(carol, "iam-other", "seed.txt"), b"seed of iam-other")

        self.admin.ok("DELETE", "user", {"accessKey": "carol"})
        self.assertDenied(carol.get_object, Bucket="iam-other", Key="seed.txt",
                          code="InvalidAccessKeyId")
        self.assertDenied(carol.list_buckets, code="InvalidAccessKeyId")

    # -- service accounts narrowed by their own policy -------------------------------------------

    def test_service_account_narrowed_by_its_policy(self):
        self.user("dave", ["readwrite"])
        dave_admin = AdminClient(self.server, "dave", "dave-secret-key")
        narrow = dave_admin.ok("PUT", "service-account", body={
            "policy": object_policy(["s3:GetObject"], "arn:aws:s3:::iam-data/public/*")})
        sa = self.server.client(narrow["accessKey"], narrow["secretKey"])
        self.assertEqual(self.read(sa, "iam-data", "public/a.txt"), b"data public/a.txt")
        self.assertDenied(sa.get_object, Bucket="iam-data", Key="private/b.txt")
        self.assertDenied(sa.put_object, Bucket="iam-data", Key="public/new.txt", Body=b"x")
        self.assertDenied(sa.list_objects_v2, Bucket="iam-data")
        self.assertDenied(sa.get_object, Bucket="iam-other", Key="seed.txt")
        # The parent keeps its full rights.
        dave = self.server.client("dave", "dave-secret-key")
        self.assertEqual(self.read(dave, "iam-data", "private/b.txt"), b"data private/b.txt")

        # Without a policy a service account has exactly its parent's rights.
        plain = dave_admin.ok("PUT", "service-account", body={})
        plain_client = self.server.client(plain["accessKey"], plain["secretKey"])
        plain_client.put_object(Bucket="iam-data", Key="public/by-sa.txt", Body=b"sa")
        self.assertEqual(self.read(self.s3, "iam-data", "public/by-sa.txt"), b"sa")

        # A service account's policy cannot widen its parent's rights.
        self.user("erin", ["readonly"])
        wide = self.admin.ok("PUT", "service-account", body={
            "parent": "erin", "policy": object_policy(["s3:*"], "arn:aws:s3:::*")})
        wide_client = self.server.client(wide["accessKey"], wide["secretKey"])
        self.assertEqual(self.read(wide_client, "iam-data", "public/a.txt"), b"data public/a.txt")
        self.assertDenied(wide_client.put_object, Bucket="iam-data", Key="public/w.txt", Body=b"x")

        # Taking the parent's policy away takes it from the service account on the next request.
        self.admin.ok("POST", "policy-detach", body={"policies": ["readwrite"], "user": "dave"})
        self.assertDenied(sa.get_object, Bucket="iam-data", Key="public/a.txt")
        self.assertDenied(plain_client.get_object, Bucket="iam-data", Key="public/a.txt")

    # -- groups ---------------------------------------------------------------------------------

    def test_group_membership_changes_take_effect_at_once(self):
        self.admin.put_policy("read-iam-data", object_policy(["s3:GetObject"],
                                                             "arn:aws:s3:::iam-data/*"))
        self.user("anchor")
        self.admin.ok("PUT", "group-members", {"group": "data-readers"}, {"members": ["anchor"]})
        self.admin.attach(["read-iam-data"], group="data-readers")
        frank = self.user("frank")
        self.assertDenied(frank.get_object, Bucket="iam-data", Key="public/a.txt")

        self.admin.ok("PUT", "group-members", {"group": "data-readers"}, {"members": ["frank"]})
        self.assertEqual(self.read(frank, "iam-data", "public/a.txt"), b"data public/a.txt")
        self.assertDenied(frank.put_object, Bucket="iam-data", Key="public/f.txt", Body=b"x")

        self.admin.ok("PUT", "group-status", {"group": "data-readers", "status": "disabled"})
        self.assertDenied(frank.get_object, Bucket="iam-data", Key="public/a.txt")
        self.admin.ok("PUT", "group-status", {"group": "data-readers", "status": "enabled"})
        self.assertEqual(self.read(frank, "iam-data", "public/a.txt"), b"data public/a.txt")

        self.admin.ok("DELETE", "group-members", {"group": "data-readers"}, {"members": ["frank"]})
        self.assertDenied(frank.get_object, Bucket="iam-data", Key="public/a.txt")
        anchor = self.server.client("anchor", "anchor-secret-key")
        self.assertEqual(self.read(anchor, "iam-data", "public/a.txt"), b"data public/a.txt")

    def test_explicit_deny_in_a_group_beats_a_user_allow(self):
        self.admin.put_policy("deny-private", {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": ["s3:GetObject"],
                           "Resource": ["arn:aws:s3:::iam-data/private/*"]}]})
        gina = self.user("gina", ["readwrite"])
        self.assertEqual(self.read(gina, "iam-data", "private/b.txt"), b"data private/b.txt")
        self.admin.ok("PUT", "group-members", {"group": "no-private"}, {"members": ["gina"]})
        self.admin.attach(["deny-private"], group="no-private")
        self.assertDenied(gina.get_object, Bucket="iam-data", Key="private/b.txt")
        self.assertEqual(self.read(gina, "iam-data", "public/a.txt"), b"data public/a.txt")

    # -- canned policies ------------------------------------------------------------------------

    def test_readonly_canned_policy(self):
        ro = self.user("canned-ro", ["readonly"])
        self.assertEqual(self.read(ro, "iam-data", "public/a.txt"), b"data public/a.txt")
        self.assertEqual(ro.head_object(Bucket="iam-data", Key="public/a.txt")["ContentLength"],
                         len(b"data public/a.txt"))
        self.assertEqual(ro.get_bucket_location(Bucket="iam-data")["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)
        self.assertDenied(ro.put_object, Bucket="iam-data", Key="public/ro.txt", Body=b"x")
        self.assertDenied(ro.delete_object, Bucket="iam-data", Key="public/a.txt")
        self.assertDenied(ro.list_objects_v2, Bucket="iam-data")  # MinIO's readonly: no listing
        self.assertDenied(ro.create_bucket, Bucket="ro-made-bucket")
        self.assertEqual(AdminClient(self.server, "canned-ro", "canned-ro-secret-key")
                         .call("PUT", "user", {"accessKey": "ro-made"},
                               {"secretKey": "ro-made-secret"}).code, "AccessDenied")

    def test_writeonly_canned_policy(self):
        wo = self.user("canned-wo", ["writeonly"])
        wo.put_object(Bucket="iam-data", Key="public/wo.txt", Body=b"written blind")
        self.assertEqual(self.read(self.s3, "iam-data", "public/wo.txt"), b"written blind")
        self.assertDenied(wo.get_object, Bucket="iam-data", Key="public/wo.txt")
        self.assertDenied(wo.list_objects_v2, Bucket="iam-data")
        self.assertDenied(wo.delete_object, Bucket="iam-data", Key="public/wo.txt")

    def test_readwrite_canned_policy(self):
        rw = self.user("canned-rw", ["readwrite"])
        rw.create_bucket(Bucket="rw-made-bucket")
        rw.put_object(Bucket="rw-made-bucket", Key="k", Body=b"rw")
        self.assertEqual(self.read(rw, "rw-made-bucket", "k"), b"rw")
        self.assertEqual([o["Key"] for o in rw.list_objects_v2(Bucket="rw-made-bucket")["Contents"]],
                         ["k"])
        self.assertIn("rw-made-bucket", [b["Name"] for b in rw.list_buckets()["Buckets"]])
        rw.delete_object(Bucket="rw-made-bucket", Key="k")
        rw.delete_bucket(Bucket="rw-made-bucket")
        r = AdminClient(self.server, "canned-rw", "canned-rw-secret-key").call("GET", "info")
        self.assertEqual((r.status, r.code), (403, "AccessDenied"), r)

    def test_diagnostics_and_console_admin_canned_policies(self):
        diag = self.user("canned-diag", ["diagnostics"])
        diag_admin = AdminClient(self.server, "canned-diag", "canned-diag-secret-key")
        self.assertEqual(diag_admin.call("GET", "info").status, 200)
        self.assertEqual(diag_admin.call("GET", "users").code, "AccessDenied")
        self.assertDenied(diag.get_object, Bucket="iam-data", Key="public/a.txt")
        boss = self.user("canned-boss", ["consoleAdmin"])
        self.assertEqual(self.read(boss, "iam-data", "private/b.txt"), b"data private/b.txt")
        boss_admin = AdminClient(self.server, "canned-boss", "canned-boss-secret-key")
        self.assertEqual(boss_admin.call("GET", "users").status, 200)


if __name__ == "__main__":
    import unittest

    unittest.main()
