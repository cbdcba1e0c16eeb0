"""MinIO admin API v3 calls that Debian's madmin-go 2.0.7 does not have, so tests/madmin cannot
drive them: `info-access-key` and `list-access-keys-bulk` (newer madmin-go's InfoAccessKey and
ListAccessKeysBulk), sent as madmin-go sends them (SigV4 with an empty region) and their encrypted
replies decrypted with madmin_payload (Argon2id, as the server encrypts). Shapes are madmin-go's
InfoAccessKeyResp and map[user]ListAccessKeysResp."""

from __future__ import annotations

import json
import unittest
import urllib.parse

import madmin_payload
from admin_client import AdminClient
from harness import CairnTestCase, RawResponse
from signing import send, sign_v4_headers

NARROW = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::akv3/*"]}]}


class AccessKeysV3Test(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = AdminClient(cls.server)
        cls.secrets = {"akv3-alice": "akv3-alice-secret", "akv3-bob": "akv3-bob-secret"}
        for user, secret in cls.secrets.items():
            admin.add_user(user, secret, ["readwrite"])
        admin.ok("PUT", "service-account", body={
            "parent": "akv3-alice", "accessKey": "akv3alicekey", "secretKey": "akv3-alice-key-1",
            "name": "ci", "description": "builds", "policy": NARROW})
        admin.ok("PUT", "service-account", body={
            "parent": "akv3-bob", "accessKey": "akv3bobkey", "secretKey": "akv3-bob-key-1"})
        admin.ok("PUT", "service-account", body={
            "accessKey": "akv3rootkey", "secretKey": "akv3-root-key-1"})
        cls.root = (cls.server.access_key, cls.server.secret_key)

    def call(self, who: tuple[str, str], name: str, query: list[tuple[str, str]]) -> RawResponse:
        target = "/minio/admin/v3/" + name + "?" + urllib.parse.urlencode(query)
        headers = sign_v4_headers(self.server.port, "GET", target, who[0], who[1], region="")
        return send(self.server.port, "GET", target, headers)

    def decrypted(self, who: tuple[str, str], name: str, query) -> dict:
        resp = self.call(who, name, query)
        self.assertEqual(resp.status, 200, resp.body[:300])
        self.assertEqual(resp.header("Content-Type"), "application/octet-stream")
        return json.loads(madmin_payload.decrypt(who[1], resp.body))

    def error(self, who, name, query) -> tuple[int, str]:
        resp = self.call(who, name, query)
        return resp.status, json.loads(resp.body).get("Code")

    def alice(self):
        return ("akv3-alice", self.secrets["akv3-alice"])

    # -- info-access-key --------------------------------------------------------------------

    def test_info_access_key_reports_the_service_account(self):
        info = self.decrypted(self.root, "info-access-key", [("accessKey", "akv3alicekey")])
        self.assertEqual(info["AccessKey"], "akv3alicekey")
        self.assertEqual(info["parentUser"], "akv3-alice")
        self.assertEqual(info["accountStatus"], "on")
        self.assertIs(info["impliedPolicy"], False)
        self.assertEqual(json.loads(info["policy"])["Statement"][0]["Action"], ["s3:GetObject"])
        self.assertEqual((info["name"], info["description"]), ("ci", "builds"))
        self.assertEqual((info["userType"], info["userProvider"]), ("Service Account", "builtin"))
        self.assertNotIn("expiration", info)
        for secret_field in ("secretKey", "SecretKey"):
            self.assertNotIn(secret_field, info)

    def test_info_access_key_of_a_root_key_names_the_root(self):
        info = self.decrypted(self.root, "info-access-key", [("accessKey", "akv3rootkey")])
        self.assertEqual(info["parentUser"], self.server.access_key)
        self.assertIs(info["impliedPolicy"], True)

    def test_a_user_reads_its_own_key_and_no_one_else_s(self):
        info = self.decrypted(self.alice(), "info-access-key", [("accessKey", "akv3alicekey")])
        self.assertEqual(info["parentUser"], "akv3-alice")
        self.assertEqual(self.error(self.alice(), "info-access-key", [("accessKey", "akv3bobkey")]),
                         (403, "AccessDenied"))
        # Unknown keys are not told apart from others' keys without the admin action.
        self.assertEqual(self.error(self.alice(), "info-access-key", [("accessKey", "NOKEY999")]),
                         (403, "AccessDenied"))
        # The key itself is not its own parent.
        self.assertEqual(self.error(("akv3alicekey", "akv3-alice-key-1"), "info-access-key",
                                    [("accessKey", "akv3alicekey")]), (403, "AccessDenied"))

    def test_info_access_key_of_an_unknown_key(self):
        self.assertEqual(self.error(self.root, "info-access-key", [("accessKey", "NOKEY999")]),
                         (404, "XMinioAdminServiceAccountNotFound"))
        self.assertEqual(self.error(self.root, "info-access-key", [])[0], 400)

    # -- list-access-keys-bulk --------------------------------------------------------------

    def test_all_users_service_accounts(self):
        listed = self.decrypted(self.root, "list-access-keys-bulk",
                                [("listType", "svcacc-only"), ("all", "true")])
        self.assertIn(self.server.access_key, listed)
        alice = listed["akv3-alice"]
        self.assertIsNone(alice["stsKeys"])
        self.assertEqual(len(alice["serviceAccounts"]), 1)
        key = alice["serviceAccounts"][0]
        self.assertEqual((key["accessKey"], key["parentUser"], key["accountStatus"]),
                         ("akv3alicekey", "akv3-alice", "on"))
        self.assertIs(key["impliedPolicy"], False)
        self.assertEqual((key["name"], key["description"]), ("ci", "builds"))
        self.assertNotIn("policy", key)
        self.assertEqual([k["accessKey"] for k in listed["akv3-bob"]["serviceAccounts"]],
                         ["akv3bobkey"])
        root_keys = [k["accessKey"] for k in listed[self.server.access_key]["serviceAccounts"]]
        self.assertIn("akv3rootkey", root_keys)

    def test_list_types(self):
        users_only = self.decrypted(self.root, "list-access-keys-bulk",
                                    [("listType", "users-only"), ("users", "akv3-alice")])
        self.assertEqual(users_only, {"akv3-alice": {"serviceAccounts": None, "stsKeys": None}})
        # Cairn has no STS credentials: sts-only lists no user, as MinIO for users without any.
        self.assertEqual(self.decrypted(self.root, "list-access-keys-bulk",
                                        [("listType", "sts-only"), ("all", "true")]), {})
        both = self.decrypted(self.root, "list-access-keys-bulk",
                              [("listType", "all"), ("users", "akv3-alice"),
                               ("users", "akv3-bob"), ("users", "no-such-user")])
        self.assertEqual(sorted(both), ["akv3-alice", "akv3-bob"])  # unknown users left out
        self.assertEqual(self.error(self.root, "list-access-keys-bulk", [("listType", "bogus")]),
                         (400, "InvalidRequest"))
        self.assertEqual(self.error(self.root, "list-access-keys-bulk",
                                    [("listType", "all"), ("all", "true"),
                                     ("users", "akv3-alice")]), (400, "InvalidRequest"))

    def test_a_user_lists_its_own_keys_only(self):
        own = self.decrypted(self.alice(), "list-access-keys-bulk", [("listType", "all")])
        self.assertEqual(list(own), ["akv3-alice"])
        self.assertEqual([k["accessKey"] for k in own["akv3-alice"]["serviceAccounts"]],
                         ["akv3alicekey"])
        named = self.decrypted(self.alice(), "list-access-keys-bulk",
                               [("listType", "all"), ("users", "akv3-alice")])
        self.assertEqual(list(named), ["akv3-alice"])
        for query in ([("listType", "all"), ("users", "akv3-bob")],
                      [("listType", "all"), ("all", "true")]):
            self.assertEqual(self.error(self.alice(), "list-access-keys-bulk", query),
                             (403, "AccessDenied"), query)


if __name__ == "__main__":
    unittest.main()
