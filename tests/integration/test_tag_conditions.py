"""Object-tag policy conditions (issue 11) with boto3: s3:ExistingObjectTag/<key> judges reads
and tag changes by the stored version's tags, s3:RequestObjectTag/<key> and
s3:RequestObjectTagKeys judge writes by the tags they bring (x-amz-tagging on PutObject, uploads
and copies; PutObjectTagging's body; a POST form's tagging field). Bucket and IAM user policies."""

import json
import uuid

from admin_client import AdminClient
from harness import CairnTestCase, raw_request
from test_post_cors import multipart


def statement(effect, actions, resource, condition=None, principal=False):
    s = {"Effect": effect, "Action": actions, "Resource": [resource]}
    if principal:
        s["Principal"] = {"AWS": ["*"]}
    if condition:
        s["Condition"] = condition
    return s


class TagConditionsTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = AdminClient(cls.server)

    def user(self, policy):
        name = "tagu" + uuid.uuid4().hex[:8]
        self.admin.put_policy(name + "-p", {"Version": "2012-10-17", "Statement": policy})
        self.admin.add_user(name, name + "-secret", [name + "-p"])
        return self.server.client(name, name + "-secret")

    def denied(self, fn, **kwargs):
        self.assertS3Error(self.client_error(fn, **kwargs), "AccessDenied", 403)

    def tags(self, bucket, key, **kwargs):
        return self.s3.get_object_tagging(Bucket=bucket, Key=key, **kwargs)["TagSet"]

    def test_bucket_policy_get_only_with_existing_tag(self):
        b = self.make_bucket("tcpub")
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        v_public = self.s3.put_object(Bucket=b, Key="doc", Body=b"open",
                                      Tagging="class=public")["VersionId"]
        self.s3.put_object(Bucket=b, Key="doc2", Body=b"closed", Tagging="class=secret")
        self.s3.put_object(Bucket=b, Key="doc3", Body=b"untagged")
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [statement(
                "Allow", ["s3:GetObject", "s3:GetObjectVersion"], f"arn:aws:s3:::{b}/*",
                {"StringEquals": {"s3:ExistingObjectTag/class": "public"}}, principal=True)]}))
        self.assertEqual(self.server.anonymous("GET", f"/{b}/doc").status, 200)
        self.assertEqual(self.server.anonymous("HEAD", f"/{b}/doc").status, 200)
        self.assertRawError(self.server.anonymous("GET", f"/{b}/doc2"), 403, "AccessDenied")
        self.assertRawError(self.server.anonymous("GET", f"/{b}/doc3"), 403, "AccessDenied")
        # The tags judged are the named version's: the latest of "doc" turns secret, the old
        # public version stays readable by id.
        self.s3.put_object(Bucket=b, Key="doc", Body=b"closed now", Tagging="class=secret")
        self.assertRawError(self.server.anonymous("GET", f"/{b}/doc"), 403, "AccessDenied")
        r = self.server.anonymous("GET", f"/{b}/doc", query={"versionId": v_public})
        self.assertEqual((r.status, r.body), (200, b"open"))
        # Retagging changes the answer at once; the policy grants no tagging action itself.
        self.s3.put_object_tagging(Bucket=b, Key="doc2", Tagging={"TagSet": [
            {"Key": "class", "Value": "public"}]})
        self.assertEqual(self.server.anonymous("GET", f"/{b}/doc2").body, b"closed")
        self.assertRawError(self.server.anonymous("GET", f"/{b}/doc2", query={"tagging": None}),
                            403, "AccessDenied")

    def test_user_policy_existing_tag_on_reads_tagging_calls_and_copy_source(self):
        b = self.make_bucket("tcusr")
        self.s3.put_object(Bucket=b, Key="pub", Body=b"p", Tagging="class=public")
        self.s3.put_object(Bucket=b, Key="priv", Body=b"q", Tagging="class=private")
        resource = f"arn:aws:s3:::{b}/*"
        public = {"StringEquals": {"s3:ExistingObjectTag/class": "public"}}
        alice = self.user([
            statement("Allow", ["s3:GetObject", "s3:GetObjectTagging", "s3:PutObjectTagging",
                                "s3:DeleteObjectTagging", "s3:GetObjectAttributes"],
                      resource, public),
            statement("Allow", ["s3:PutObject"], resource),
        ])
        self.assertEqual(alice.get_object(Bucket=b, Key="pub")["Body"].read(), b"p")
        self.denied(alice.get_object, Bucket=b, Key="priv")
        err = self.client_error(alice.head_object, Bucket=b, Key="priv")  # HEAD: no body
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(alice.get_object_tagging(Bucket=b, Key="pub")["TagSet"],
                         [{"Key": "class", "Value": "public"}])
        self.denied(alice.get_object_tagging, Bucket=b, Key="priv")
        alice.get_object_attributes(Bucket=b, Key="pub", ObjectAttributes=["ETag"])
        self.denied(alice.get_object_attributes, Bucket=b, Key="priv", ObjectAttributes=["ETag"])
        # PutObjectTagging is judged by the tags before the change: alice may mark a public
        # object private, and then can no longer touch it.
        self.denied(alice.put_object_tagging, Bucket=b, Key="priv",
                    Tagging={"TagSet": [{"Key": "class", "Value": "public"}]})
        self.assertEqual(self.tags(b, "priv"), [{"Key": "class", "Value": "private"}])
        alice.put_object_tagging(Bucket=b, Key="pub", Tagging={"TagSet": [
            {"Key": "class", "Value": "public"}, {"Key": "seen", "Value": "1"}]})
        self.assertEqual(len(self.tags(b, "pub")), 2)
        self.denied(alice.delete_object_tagging, Bucket=b, Key="priv")
        self.assertEqual(len(self.tags(b, "priv")), 1)
        # The copy source is read with GetObject rights, judged by the source's tags.
        alice.copy_object(Bucket=b, Key="copy-of-pub", CopySource={"Bucket": b, "Key": "pub"})
        self.denied(alice.copy_object, Bucket=b, Key="copy-of-priv",
                    CopySource={"Bucket": b, "Key": "priv"})
        alice.delete_object_tagging(Bucket=b, Key="pub")
        self.assertEqual(self.tags(b, "pub"), [])
        self.denied(alice.get_object, Bucket=b, Key="pub")
        # PutObject is not judged by existing tags (AWS does not evaluate the key there).
        alice.put_object(Bucket=b, Key="priv", Body=b"overwritten")

    def test_deny_put_unless_request_tag(self):
        b = self.make_bucket("tcreq")
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [statement(
                "Deny", ["s3:PutObject", "s3:PutObjectTagging"], f"arn:aws:s3:::{b}/*",
                {"StringNotEquals": {"s3:RequestObjectTag/team": "x"}}, principal=True)]}))
        bob = self.user([statement("Allow", ["s3:*"], f"arn:aws:s3:::{b}*")])
        bob.put_object(Bucket=b, Key="ok", Body=b"1", Tagging="team=x&extra=1")
        self.denied(bob.put_object, Bucket=b, Key="no-tags", Body=b"1")
        self.denied(bob.put_object, Bucket=b, Key="wrong", Body=b"1", Tagging="team=y")
        # The root user is not judged by policies (as in MinIO).
        self.s3.put_object(Bucket=b, Key="root", Body=b"1")
        # Uploads and copies are judged by their x-amz-tagging.
        self.denied(bob.create_multipart_upload, Bucket=b, Key="mp")
        up = bob.create_multipart_upload(Bucket=b, Key="mp", Tagging="team=x")
        bob.abort_multipart_upload(Bucket=b, Key="mp", UploadId=up["UploadId"])
        self.denied(bob.copy_object, Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "ok"},
                    TaggingDirective="REPLACE", Tagging="team=z")
        bob.copy_object(Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "ok"},
                        TaggingDirective="REPLACE", Tagging="team=x")
        # PutObjectTagging by its body.
        self.denied(bob.put_object_tagging, Bucket=b, Key="ok",
                    Tagging={"TagSet": [{"Key": "team", "Value": "q"}]})
        bob.put_object_tagging(Bucket=b, Key="ok",
                               Tagging={"TagSet": [{"Key": "team", "Value": "x"}]})
        self.assertEqual(self.tags(b, "ok"), [{"Key": "team", "Value": "x"}])
        self.assertAbsent(b, ["no-tags", "wrong"])
        # A POST form by its tagging field.
        def post(tagging):
            key = "form-" + uuid.uuid4().hex[:6]
            fields = bob.generate_presigned_post(
                Bucket=b, Key=key, Fields={"tagging": tagging},
                Conditions=[{"tagging": tagging}])["fields"]
            body, ctype = multipart(list(fields.items()), b"form body")
            return key, raw_request(self.server.port, "POST", f"/{b}", sign=False, body=body,
                                    headers={"Content-Type": ctype})
        xml = "<Tagging><TagSet><Tag><Key>team</Key><Value>{}</Value></Tag></TagSet></Tagging>"
        key, r = post(xml.format("x"))
        self.assertEqual(r.status, 204, repr(r))
        self.assertEqual(self.tags(b, key), [{"Key": "team", "Value": "x"}])
        key, r = post(xml.format("nope"))
        self.assertRawError(r, 403, "AccessDenied")
        self.assertAbsent(b, [key])

    def test_for_all_values_on_request_tag_keys(self):
        b = self.make_bucket("tckeys")
        carol = self.user([statement(
            "Allow", ["s3:PutObject", "s3:PutObjectTagging"], f"arn:aws:s3:::{b}/*",
            {"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["team", "class"]}})])
        carol.put_object(Bucket=b, Key="a", Body=b"1", Tagging="team=x")
        carol.put_object(Bucket=b, Key="b", Body=b"1", Tagging="team=x&class=c")
        carol.put_object(Bucket=b, Key="c", Body=b"1")  # no keys: ForAllValues holds
        self.denied(carol.put_object, Bucket=b, Key="d", Body=b"1", Tagging="team=x&owner=me")
        self.denied(carol.put_object_tagging, Bucket=b, Key="a",
                    Tagging={"TagSet": [{"Key": "owner", "Value": "me"}]})
        carol.put_object_tagging(Bucket=b, Key="a",
                                 Tagging={"TagSet": [{"Key": "class", "Value": "z"}]})
        self.assertEqual(self.tags(b, "a"), [{"Key": "class", "Value": "z"}])
        self.assertAbsent(b, ["d"])
        # A caller denied PutObjectTagging learns nothing from a bad body: it is denied first;
        # an allowed one hears what is wrong with it.
        name = "tagd" + uuid.uuid4().hex[:8]
        self.admin.put_policy(name + "-p", {"Version": "2012-10-17", "Statement": [
            statement("Allow", ["s3:GetObject"], f"arn:aws:s3:::{b}/*")]})
        self.admin.add_user(name, name + "-secret", [name + "-p"])
        r = raw_request(self.server.port, "PUT", f"/{b}/a", query={"tagging": None},
                        body=b"<not xml", access_key=name, secret_key=name + "-secret")
        self.assertRawError(r, 403, "AccessDenied")
        err = self.client_error(carol.put_object_tagging, Bucket=b, Key="a",
                                Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})
        self.assertS3Error(err, "InvalidTag", 400)

    def assertAbsent(self, bucket, keys):
        for key in keys:
            err = self.client_error(self.s3.head_object, Bucket=bucket, Key=key)
            self.assertEqual(err.response["Error"]["Code"], "404", key)
