"""The JSON admin API (docs/admin-api.md, issue 4 "Admin API"): every endpoint, its errors,
who may call it, that secrets never come back except on service-account creation, and that
records survive a restart."""

import json
import urllib.error
import urllib.request

import botocore
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from admin_client import BASE, AdminClient
from harness import REGION, CairnServer, CairnTestCase

READ_ONE_BUCKET = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::admin-it/*"]}
    ],
}


class AdminApiTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = AdminClient(cls.server)
        cls.s3.create_bucket(Bucket="admin-it")
        cls.s3.put_object(Bucket="admin-it", Key="hello.txt", Body=b"hello admin")

    # -- server info --------------------------------------------------------------------------

    def test_info_reports_version_drives_store_and_iam(self):
        self.admin.add_user("info-user", "info-user-secret")
        info = self.admin.ok("GET", "info")
        for field in ("version", "uptimeSeconds", "region", "drives", "buckets", "objects",
                      "objectBytes", "users", "groups", "policies"):
            self.assertIn(field, info)
        self.assertRegex(info["version"], r"^\d+\.\d+\.\d+")
        self.assertEqual(info["region"], REGION)
        self.assertGreaterEqual(info["uptimeSeconds"], 0)
        self.assertEqual(len(info["drives"]), 1)
        drive = info["drives"][0]
        self.assertEqual(drive["path"], str(self.server.data_dir))
        self.assertGreater(drive["totalBytes"], 0)
        self.assertEqual(drive["usedBytes"] + drive["freeBytes"], drive["totalBytes"])
        self.assertGreaterEqual(info["buckets"], 1)
        self.assertGreaterEqual(info["objects"], 1)
        self.assertGreaterEqual(info["objectBytes"], len(b"hello admin"))
        self.assertGreaterEqual(info["users"], 1)
        self.assertGreaterEqual(info["policies"], 5)  # the canned ones

    def test_info_counts_follow_the_store(self):
        before = self.admin.ok("GET", "info")
        self.s3.put_object(Bucket="admin-it", Key="counted.bin", Body=b"x" * 1000)
        after = self.admin.ok("GET", "info")
        self.assertEqual(after["objects"], before["objects"] + 1)
        self.assertEqual(after["objectBytes"], before["objectBytes"] + 1000)
        self.s3.delete_object(Bucket="admin-it", Key="counted.bin")

    # -- users --------------------------------------------------------------------------------

    def test_user_lifecycle(self):
        user = self.admin.ok("PUT", "user", {"accessKey": "alice"}, {"secretKey": "alice-secret-1"})
        self.assertEqual(user, {"accessKey": "alice", "status": "enabled", "policies": [],
                                "groups": []})
        self.assertIn("alice", [u["accessKey"] for u in self.admin.ok("GET", "users")["users"]])
        self.assertEqual(self.admin.ok("GET", "user", {"accessKey": "alice"})["status"], "enabled")

        alice = self.server.client("alice", "alice-secret-1")
        err = self.client_error(alice.get_object, Bucket="admin-it", Key="hello.txt")
        self.assertS3Error(err, "AccessDenied", 403)  # no policy yet
        self.admin.attach(["readonly"], user="alice")
        self.assertEqual(alice.get_object(Bucket="admin-it", Key="hello.txt")["Body"].read(),
                         b"hello admin")

        disabled = self.admin.set_user_status("alice", "disabled")
        self.assertEqual(disabled["status"], "disabled")
        err = self.client_error(alice.get_object, Bucket="admin-it", Key="hello.txt")
        self.assertS3Error(err, "InvalidAccessKeyId", 403)
        self.admin.set_user_status("alice", "enabled")
        alice.get_object(Bucket="admin-it", Key="hello.txt")

        # PUT again resets the secret; the old one stops working at once.
        self.admin.ok("PUT", "user", {"accessKey": "alice"}, {"secretKey": "alice-secret-2"})
        err = self.client_error(alice.get_object, Bucket="admin-it", Key="hello.txt")
        self.assertS3Error(err, "SignatureDoesNotMatch", 403)
        self.server.client("alice", "alice-secret-2").get_object(Bucket="admin-it",
                                                                 Key="hello.txt")

        r = self.admin.call("DELETE", "user", {"accessKey": "alice"})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.raw.body, b"")
        r = self.admin.call("GET", "user", {"accessKey": "alice"})
        self.assertEqual((r.status, r.code), (404, "NoSuchUser"), r)
        err = self.client_error(self.server.client("alice", "alice-secret-2").list_buckets)
        self.assertS3Error(err, "InvalidAccessKeyId", 403)

    def test_user_created_disabled_and_bad_requests(self):
        user = self.admin.ok("PUT", "user", {"accessKey": "sleeper"},
                             {"secretKey": "sleeper-secret", "status": "disabled"})
        self.assertEqual(user["status"], "disabled")
        for query, body in (
            ({}, {"secretKey": "whatever-secret"}),
            ({"accessKey": "bad-one"}, {}),
            ({"accessKey": "bad-one"}, {"secretKey": "short"}),
            ({"accessKey": "bad-one"}, {"secretKey": "long-enough", "status": "maybe"}),
            ({"accessKey": self.server.access_key}, {"secretKey": "take-over-root"}),
        ):
            with self.subTest(query=query, body=body):
                r = self.admin.call("PUT", "user", query, body)
                self.assertEqual((r.status, r.code), (400, "InvalidArgument"), r)
        r = self.admin.call("PUT", "user", {"accessKey": "bad-one"}, raw_body=b"{not json")
        self.assertEqual((r.status, r.code), (400, "InvalidArgument"), r)
        self.assertEqual(self.admin.call("GET", "user", {"accessKey": "bad-one"}).code,
                         "NoSuchUser")
        r = self.admin.call("PUT", "user-status", {"accessKey": "ghost", "status": "enabled"})
        self.assertEqual((r.status, r.code), (404, "NoSuchUser"), r)

    # -- groups -------------------------------------------------------------------------------

    def test_group_lifecycle(self):
        self.admin.add_user("g-ann", "g-ann-secret")
        self.admin.add_user("g-ben", "g-ben-secret")
        group = self.admin.ok("PUT", "group-members", {"group": "staff"},
                              {"members": ["g-ann", "g-ben"]})
        self.assertEqual(group, {"name": "staff", "status": "enabled",
                                 "members": ["g-ann", "g-ben"], "policies": []})
        self.assertIn("staff", [g["name"] for g in self.admin.ok("GET", "groups")["groups"]])
        self.assertEqual(self.admin.ok("GET", "user", {"accessKey": "g-ann"})["groups"], ["staff"])
        self.admin.attach(["readonly"], group="staff")
        self.assertEqual(self.admin.ok("GET", "group", {"group": "staff"})["policies"],
                         ["readonly"])

        r = self.admin.call("DELETE", "group", {"group": "staff"})
        self.assertEqual((r.status, r.code), (409, "GroupNotEmpty"), r)
        r = self.admin.call("PUT", "group-members", {"group": "staff"}, {"members": ["ghost"]})
        self.assertEqual((r.status, r.code), (404, "NoSuchUser"), r)

        status = self.admin.ok("PUT", "group-status", {"group": "staff", "status": "disabled"})
        self.assertEqual(status["status"], "disabled")
        self.admin.ok("PUT", "group-status", {"group": "staff", "status": "enabled"})

        left = self.admin.ok("DELETE", "group-members", {"group": "staff"},
                             {"members": ["g-ann", "g-ben"]})
        self.assertEqual(left["members"], [])
        self.admin.ok("POST", "policy-detach", body={"policies": ["readonly"], "group": "staff"})
        # An emptied group stays until removed, as in MinIO.
        self.assertEqual(self.admin.ok("GET", "group", {"group": "staff"})["members"], [])
        r = self.admin.call("DELETE", "group", {"group": "staff"})
        self.assertEqual(r.status, 204, r)
        r = self.admin.call("DELETE", "group", {"group": "staff"})
        self.assertEqual((r.status, r.code), (404, "NoSuchGroup"), r)

        self.admin.ok("PUT", "group-members", {"group": "empty-me"}, {"members": ["g-ann"]})
        self.admin.ok("DELETE", "group-members", {"group": "empty-me"}, {"members": ["g-ann"]})
        self.assertEqual(self.admin.ok("GET", "group", {"group": "empty-me"})["members"], [])

    # -- policies -----------------------------------------------------------------------------

    def test_policy_lifecycle(self):
        listed = self.admin.ok("GET", "policies")["policies"]
        self.assertEqual({p["name"] for p in listed if p["canned"]},
                         {"readonly", "readwrite", "writeonly", "diagnostics", "consoleAdmin"})
        self.assertTrue(all(p["canned"] for p in listed[:5]), listed)

        created = self.admin.put_policy("read-admin-it", READ_ONE_BUCKET)
        self.assertEqual(created, {"name": "read-admin-it", "canned": False,
                                   "policy": READ_ONE_BUCKET})
        self.assertEqual(self.admin.ok("GET", "policy", {"name": "read-admin-it"})["policy"],
                         READ_ONE_BUCKET)
        listed = self.admin.ok("GET", "policies")["policies"]
        self.assertIn({"name": "read-admin-it", "canned": False}, listed)
        canned = self.admin.ok("GET", "policy", {"name": "consoleAdmin"})
        self.assertTrue(canned["canned"])
        self.assertIn("admin:*", json.dumps(canned["policy"]))

        self.admin.add_user("p-user", "p-user-secret", ["read-admin-it"])
        self.assertEqual(self.admin.ok("GET", "user", {"accessKey": "p-user"})["policies"],
                         ["read-admin-it"])
        r = self.admin.call("DELETE", "policy", {"name": "read-admin-it"})
        self.assertEqual((r.status, r.code), (409, "PolicyInUse"), r)
        detached = self.admin.ok("POST", "policy-detach",
                                 body={"policies": ["read-admin-it"], "user": "p-user"})
        self.assertEqual(detached["policies"], [])
        r = self.admin.call("DELETE", "policy", {"name": "read-admin-it"})
        self.assertEqual(r.status, 204, r)
        r = self.admin.call("GET", "policy", {"name": "read-admin-it"})
        self.assertEqual((r.status, r.code), (404, "NoSuchPolicy"), r)

    def test_policy_errors(self):
        r = self.admin.call("PUT", "policy", {"name": "broken"},
                            raw_body=b'{"Version": "2012-10-17",\n  "Statement": [}')
        self.assertEqual((r.status, r.code), (400, "MalformedPolicy"), r)
        self.assertIn("line 2", r.json["Message"])
        r = self.admin.call("PUT", "policy", {"name": "broken"}, {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Perhaps", "Action": "s3:*", "Resource": "*"}]})
        self.assertEqual((r.status, r.code), (400, "MalformedPolicy"), r)
        self.assertIn("Statement[0].Effect", r.json["Message"])
        self.assertEqual(self.admin.call("GET", "policy", {"name": "broken"}).code, "NoSuchPolicy")
        r = self.admin.call("PUT", "policy", {"name": "readwrite"}, READ_ONE_BUCKET)
        self.assertEqual((r.status, r.code), (400, "InvalidArgument"), r)
        r = self.admin.call("DELETE", "policy", {"name": "consoleAdmin"})
        self.assertEqual((r.status, r.code), (400, "InvalidArgument"), r)
        self.admin.add_user("pe-user", "pe-user-secret")
        r = self.admin.call("POST", "policy-attach", body={"policies": ["ghost"], "user": "pe-user"})
        self.assertEqual((r.status, r.code), (404, "NoSuchPolicy"), r)
        r = self.admin.call("POST", "policy-attach", body={"policies": ["readonly"], "user": "nope"})
        self.assertEqual((r.status, r.code), (404, "NoSuchUser"), r)
        r = self.admin.call("POST", "policy-attach",
                            body={"policies": ["readonly"], "group": "no-such-group"})
        self.assertEqual((r.status, r.code), (404, "NoSuchGroup"), r)
        r = self.admin.call("POST", "policy-attach", body={"policies": ["readonly"]})
        self.assertEqual((r.status, r.code), (400, "InvalidArgument"), r)

    # -- service accounts ---------------------------------------------------------------------

    def test_service_accounts_and_secrets(self):
        self.admin.add_user("sa-owner", "sa-owner-secret", ["readwrite"])
        owner = AdminClient(self.server, "sa-owner", "sa-owner-secret")
        # A user creates its own without any admin action.
        created = owner.ok("PUT", "service-account",
                           body={"name": "backup", "description": "nightly",
                                 "policy": READ_ONE_BUCKET})
        key, secret = created["accessKey"], created["secretKey"]
        self.assertEqual(created["parent"], "sa-owner")
        self.assertEqual(created["name"], "backup")
        self.assertEqual(created["description"], "nightly")
        self.assertEqual(created["status"], "enabled")
        self.assertEqual(created["policy"], READ_ONE_BUCKET)
        self.assertGreaterEqual(len(secret), 8)

        listed = owner.ok("GET", "service-accounts")["serviceAccounts"]
        self.assertEqual([a["accessKey"] for a in listed], [key])
        by_root = self.admin.ok("GET", "service-accounts", {"user": "sa-owner"})
        self.assertEqual([a["accessKey"] for a in by_root["serviceAccounts"]], [key])
        one = self.admin.ok("GET", "service-account", {"accessKey": key})
        self.assertEqual(one["parent"], "sa-owner")
        self.assertNotIn("secretKey", one)

        # The key works for S3 within its own policy.
        sa = self.server.client(key, secret)
        self.assertEqual(sa.get_object(Bucket="admin-it", Key="hello.txt")["Body"].read(),
                         b"hello admin")

        # Root chooses the keys for another user.
        chosen = self.admin.ok("PUT", "service-account",
                               body={"parent": "sa-owner", "accessKey": "sa-owner-ci",
                                     "secretKey": "sa-owner-ci-secret"})
        self.assertEqual((chosen["accessKey"], chosen["secretKey"]),
                         ("sa-owner-ci", "sa-owner-ci-secret"))
        self.assertIsNone(chosen["policy"])

        # No reply but creation's carries a secret.
        for name, query in (("users", None), ("user", {"accessKey": "sa-owner"}),
                            ("service-accounts", {"user": "sa-owner"}),
                            ("service-account", {"accessKey": key}),
                            ("service-account", {"accessKey": "sa-owner-ci"}), ("info", None)):
            r = self.admin.call("GET", name, query)
            self.assertEqual(r.status, 200, r)
            for leaked in (secret, "sa-owner-ci-secret", "sa-owner-secret", "secretKey"):
                self.assertNotIn(leaked, r.text, f"{name} {query}")

        r = owner.call("DELETE", "service-account", {"accessKey": key})
        self.assertEqual(r.status, 204, r)
        err = self.client_error(sa.list_buckets)
        self.assertS3Error(err, "InvalidAccessKeyId", 403)
        r = self.admin.call("GET", "service-account", {"accessKey": key})
        self.assertEqual((r.status, r.code), (404, "NoSuchServiceAccount"), r)
        r = self.admin.call("DELETE", "service-account", {"accessKey": key})
        self.assertEqual((r.status, r.code), (404, "NoSuchServiceAccount"), r)

        # Deleting the user takes its service accounts along.
        self.admin.ok("DELETE", "user", {"accessKey": "sa-owner"})
        err = self.client_error(self.server.client("sa-owner-ci", "sa-owner-ci-secret").list_buckets)
        self.assertS3Error(err, "InvalidAccessKeyId", 403)

    def test_other_users_service_accounts_need_admin_actions(self):
        self.admin.add_user("sa-a", "sa-a-secret", ["readwrite"])
        self.admin.add_user("sa-b", "sa-b-secret", ["readwrite"])
        a = AdminClient(self.server, "sa-a", "sa-a-secret")
        b = AdminClient(self.server, "sa-b", "sa-b-secret")
        key = a.ok("PUT", "service-account", body={})["accessKey"]
        for method, name, query, body in (
            ("GET", "service-accounts", {"user": "sa-a"}, None),
            ("GET", "service-account", {"accessKey": key}, None),
            ("DELETE", "service-account", {"accessKey": key}, None),
            ("PUT", "service-account", None, {"parent": "sa-a"}),
            ("GET", "service-account", {"accessKey": "NOSUCHKEY0001"}, None),
        ):
            with self.subTest(method=method, name=name, query=query):
                r = b.call(method, name, query, body)
                self.assertEqual((r.status, r.code), (403, "AccessDenied"), r)
        self.assertEqual(len(a.ok("GET", "service-accounts")["serviceAccounts"]), 1)

    # -- who may call -------------------------------------------------------------------------

    def test_anonymous_is_denied(self):
        for method, name in (("GET", "info"), ("GET", "users"), ("PUT", "user"),
                             ("GET", "policies")):
            with self.subTest(name=name):
                r = self.server.anonymous(method, BASE + name, query={"accessKey": "anon-made"},
                                          body=b'{"secretKey":"anon-made-secret"}'
                                          if method == "PUT" else b"")
                self.assertEqual(r.status, 403, r)
                self.assertEqual(json.loads(r.body)["Code"], "AccessDenied")
                self.assertTrue(r.header("x-amz-request-id"))
        self.assertEqual(self.admin.call("GET", "user", {"accessKey": "anon-made"}).code,
                         "NoSuchUser")

    def test_bad_signatures_are_refused(self):
        r = AdminClient(self.server, self.server.access_key, "wrong-root-secret").call(
            "GET", "users")
        self.assertEqual((r.status, r.code), (403, "SignatureDoesNotMatch"), r)
        r = AdminClient(self.server, "NOSUCHADMINKEY", "whatever-secret").call("GET", "users")
        self.assertEqual((r.status, r.code), (403, "InvalidAccessKeyId"), r)
        # A body other than the one signed.
        r = self.admin.call("PUT", "user", {"accessKey": "swapped"},
                            {"secretKey": "swapped-secret1"},
                            send_body=b'{"secretKey":"swapped-secret2"}')
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.code, "XAmzContentSHA256Mismatch", r)
        self.assertEqual(self.admin.call("GET", "user", {"accessKey": "swapped"}).code,
                         "NoSuchUser")

    def test_readwrite_user_is_denied_everywhere(self):
        self.admin.add_user("rw-user", "rw-user-secret", ["readwrite"])
        rw = AdminClient(self.server, "rw-user", "rw-user-secret")
        calls = (
            ("GET", "info", None, None),
            ("GET", "users", None, None),
            ("GET", "user", {"accessKey": "rw-user"}, None),
            ("PUT", "user", {"accessKey": "rw-made"}, {"secretKey": "rw-made-secret"}),
            ("DELETE", "user", {"accessKey": "rw-user"}, None),
            ("PUT", "user-status", {"accessKey": "rw-user", "status": "disabled"}, None),
            ("GET", "groups", None, None),
            ("GET", "group", {"group": "g"}, None),
            ("PUT", "group-members", {"group": "rw-g"}, {"members": ["rw-user"]}),
            ("DELETE", "group-members", {"group": "rw-g"}, {"members": ["rw-user"]}),
            ("DELETE", "group", {"group": "rw-g"}, None),
            ("PUT", "group-status", {"group": "rw-g", "status": "enabled"}, None),
            ("GET", "policies", None, None),
            ("GET", "policy", {"name": "readwrite"}, None),
            ("PUT", "policy", {"name": "rw-policy"}, READ_ONE_BUCKET),
            ("DELETE", "policy", {"name": "rw-policy"}, None),
            ("POST", "policy-attach", None, {"policies": ["consoleAdmin"], "user": "rw-user"}),
            ("POST", "policy-detach", None, {"policies": ["readwrite"], "user": "rw-user"}),
            ("GET", "service-accounts", {"user": self.server.access_key}, None),
        )
        for method, name, query, body in calls:
            with self.subTest(method=method, name=name):
                r = rw.call(method, name, query, body)
                self.assertEqual((r.status, r.code), (403, "AccessDenied"), r)
        user = self.admin.ok("GET", "user", {"accessKey": "rw-user"})
        self.assertEqual((user["status"], user["policies"]), ("enabled", ["readwrite"]))
        self.assertEqual(self.admin.call("GET", "user", {"accessKey": "rw-made"}).code,
                         "NoSuchUser")

    def test_console_admin_user_may_administer(self):
        self.admin.add_user("ops", "ops-secret-123", ["consoleAdmin"])
        ops = AdminClient(self.server, "ops", "ops-secret-123")
        self.assertEqual(ops.call("GET", "info").status, 200)
        made = ops.ok("PUT", "user", {"accessKey": "ops-made"}, {"secretKey": "ops-made-secret"})
        self.assertEqual(made["accessKey"], "ops-made")
        ops.attach(["readonly"], user="ops-made")
        self.assertEqual(ops.call("DELETE", "user", {"accessKey": "ops-made"}).status, 204)
        # admin:* does not reach the root's own keys, which no policy could narrow.
        r = ops.call("PUT", "service-account",
                     body={"parent": self.server.access_key, "accessKey": "ops-rootish"})
        self.assertEqual((r.status, r.code), (403, "AccessDenied"), r)
        self.assertEqual(self.admin.call("GET", "service-account",
                                         {"accessKey": "ops-rootish"}).code,
                         "NoSuchServiceAccount")

    def test_presigned_admin_request(self):
        request = AWSRequest(method="GET", url=f"{self.server.endpoint}{BASE}users")
        S3SigV4QueryAuth(Credentials(self.server.access_key, self.server.secret_key), "s3",
                         REGION, expires=60).add_auth(request)
        with urllib.request.urlopen(request.prepare().url, timeout=10) as reply:
            self.assertEqual(reply.status, 200)
            self.assertIn("users", json.loads(reply.read()))

    # -- protocol -----------------------------------------------------------------------------

    def test_unknown_path_and_wrong_method(self):
        r = self.admin.call("GET", "no-such-endpoint")
        self.assertEqual((r.status, r.code), (404, "NotFound"), r)
        r = self.admin.call("POST", "users")
        self.assertEqual((r.status, r.code), (405, "MethodNotAllowed"), r)
        self.assertTrue(r.raw.header("x-amz-request-id"))
        self.assertEqual(r.json["RequestId"], r.raw.header("x-amz-request-id"))
        self.assertEqual(r.raw.header("content-type"), "application/json")

    def test_body_over_one_mebibyte_is_refused(self):
        body = json.dumps({"secretKey": "big-body-secret", "pad": "x" * (1 << 20)}).encode()
        r = self.admin.call("PUT", "user", {"accessKey": "big-body"}, raw_body=body)
        self.assertEqual((r.status, r.code), (400, "EntityTooLarge"), r)
        self.assertEqual(self.admin.call("GET", "user", {"accessKey": "big-body"}).code,
                         "NoSuchUser")

    def test_empty_region_scope_is_accepted_on_admin_and_s3(self):
        # madmin-go and mc sign as AKID/date//s3/aws4_request; MinIO accepts that scope on the
        # admin API and on S3. A region that is named must still be the server's.
        from signing import send, sign_v4_headers
        port = self.server.port
        ak, sk = self.server.access_key, self.server.secret_key
        targets = [BASE + "users", "/minio/admin/v3/list-canned-policies", "/admin-it/hello.txt"]
        for target in targets:
            with self.subTest(target=target):
                headers = sign_v4_headers(port, "GET", target, ak, sk, region="")
                self.assertIn("//s3/aws4_request", headers["Authorization"])
                r = send(port, "GET", target, headers)
                self.assertEqual(r.status, 200, r.body[:300])
                headers = sign_v4_headers(port, "GET", target, ak, sk, region="eu-west-1")
                r = send(port, "GET", target, headers)
                self.assertEqual(r.status, 400, r.body[:300])
                self.assertIn(b"AuthorizationHeaderMalformed", r.body)
        # The empty region is still signed over: a signature made for us-east-1 does not pass.
        headers = sign_v4_headers(port, "GET", targets[-1], ak, sk)
        headers["Authorization"] = headers["Authorization"].replace(f"/{REGION}/", "//")
        self.assertEqual(send(port, "GET", targets[-1], headers).status, 403)

    def test_s3_still_answers_beside_the_admin_api(self):
        self.assertEqual(self.s3.get_object(Bucket="admin-it", Key="hello.txt")["Body"].read(),
                         b"hello admin")
        err = self.client_error(self.s3.get_object, Bucket="cairn", Key="nothing")
        self.assertS3Error(err, "NoSuchBucket", 404)


class AdminRestartTest(CairnTestCase):
    """IAM records written through the admin API survive a restart."""

    def test_records_survive_restart(self):
        admin = AdminClient(self.server)
        self.s3.create_bucket(Bucket="restart-it")
        self.s3.put_object(Bucket="restart-it", Key="k", Body=b"kept")
        admin.put_policy("restart-read", {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                           "Resource": ["arn:aws:s3:::restart-it/*"]}]})
        admin.add_user("keeper", "keeper-secret-1")
        admin.add_user("sleeper", "sleeper-secret", ["readwrite"])
        admin.set_user_status("sleeper", "disabled")
        admin.ok("PUT", "group-members", {"group": "readers"}, {"members": ["keeper"]})
        admin.attach(["restart-read"], group="readers")
        sa = admin.ok("PUT", "service-account",
                      body={"parent": "keeper", "name": "kept-key", "policy": {
                          "Version": "2012-10-17",
                          "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                                         "Resource": ["arn:aws:s3:::restart-it/k"]}]}})
        before = {name: admin.ok("GET", name) for name in ("users", "groups", "policies")}
        before_sa = admin.ok("GET", "service-account", {"accessKey": sa["accessKey"]})

        self.server.restart()

        for name, value in before.items():
            self.assertEqual(admin.ok("GET", name), value, name)
        self.assertEqual(admin.ok("GET", "service-account", {"accessKey": sa["accessKey"]}),
                         before_sa)
        keeper = self.server.client("keeper", "keeper-secret-1")
        self.assertEqual(keeper.get_object(Bucket="restart-it", Key="k")["Body"].read(), b"kept")
        sa_client = self.server.client(sa["accessKey"], sa["secretKey"])
        self.assertEqual(sa_client.get_object(Bucket="restart-it", Key="k")["Body"].read(), b"kept")
        err = self.client_error(self.server.client("sleeper", "sleeper-secret").list_buckets)
        self.assertS3Error(err, "InvalidAccessKeyId", 403)
        info = admin.ok("GET", "info")
        self.assertEqual((info["users"], info["groups"]), (2, 1))
        self.assertEqual(info["objects"], 1)


if __name__ == "__main__":
    import unittest

    unittest.main()
