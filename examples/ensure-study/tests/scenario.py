"""What the platform does, as tests shared by every way of setting the server up.

A subclass's setUpClass starts `cls.server`, sets it up, and sets `cls.app_credentials` to the
ensure-study user's keys (it fails when that user cannot be made).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import urllib.error
import urllib.request
import uuid

from botocore.exceptions import ClientError

from ensure_study import BUCKETS, EnsureStudyStorage
from ensure_study.storage import DOCUMENTS, MLFLOW, OCR, RECORDINGS

from .platform_setup import APP_SECRET, APP_USER, root_client

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
PDF = b"%PDF-1.7\n" + os.urandom(300_000) + b"\n%%EOF\n"


def fake_transcode(chunks) -> bytes:
    """Stands in for ffmpeg: an ID3 header and the digest of the concatenated WebM chunks."""
    h, n = hashlib.sha256(), 0
    for c in chunks:
        h.update(c)
        n += len(c)
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + json.dumps({"bytes": n, "sha256": h.hexdigest()}).encode()


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


class PlatformScenario:
    server = None
    app_credentials: tuple[str, str] | None = None

    @classmethod
    def make_client(cls) -> EnsureStudyStorage:
        key, secret = cls.app_credentials or (cls.server.access_key, cls.server.secret_key)
        return EnsureStudyStorage(cls.server.endpoint, key, secret)

    def setUp(self):
        self.app = self.make_client()
        self.root = root_client(self.server)
        self.cid = f"c{uuid.uuid4().hex[:6]}"

    def test_buckets_exist(self):
        names = {b["Name"] for b in self.root.list_buckets()["Buckets"]}
        self.assertTrue(set(BUCKETS) <= names, names)

    def test_materials_are_private_and_thumbnails_public(self):
        self.app.upload_material(self.cid, "d1", PDF, title="Cours n°1 : algèbre")
        self.app.upload_thumbnail(self.cid, "d1", PNG)
        self.assertEqual(self.app.get_material(self.cid, "d1"), PDF)
        head = self.app.s3.head_object(Bucket=DOCUMENTS, Key=self.app.material_key(self.cid, "d1"))
        self.assertEqual(head["ContentType"], "application/pdf")

        # A page's <img src>: plain HTTP, no signature.
        status, body, headers = http("GET", self.app.thumbnail_url(self.cid, "d1"))
        self.assertEqual((status, body), (200, PNG))
        self.assertEqual(headers["Content-Type"], "image/png")
        # The material itself is not public...
        plain = self.app.thumbnail_url(self.cid, "d1").replace("thumbnails/d1_thumb.png", "materials/d1.pdf")
        status, body, _ = http("GET", plain)
        self.assertEqual(status, 403)
        self.assertIn(b"AccessDenied", body)
        self.assertNotIn(PDF[:64], body)
        # ...nor is the bucket listing, nor a write to the public prefix.
        status, _, _ = http("GET", f"{self.server.endpoint}/{DOCUMENTS}?list-type=2")
        self.assertEqual(status, 403)
        status, _, _ = http("PUT", self.app.thumbnail_url(self.cid, "evil"), data=b"x")
        self.assertEqual(status, 403)
        # Students download materials through a short-lived presigned link.
        status, body, _ = http("GET", self.app.material_download_url(self.cid, "d1"))
        self.assertEqual((status, body), (200, PDF))

        self.app.delete_document(self.cid, "d1")
        # Gone: anonymous callers may not list the bucket, so S3 (and MinIO) answer 403 rather
        # than say which keys exist; the app's own credentials see the 404.
        status, body, _ = http("GET", self.app.thumbnail_url(self.cid, "d1"))
        self.assertEqual(status, 403)
        self.assertNotIn(PNG, body)
        with self.assertRaises(ClientError) as gone:
            self.app.s3.head_object(Bucket=DOCUMENTS, Key=self.app.thumbnail_key(self.cid, "d1"))
        self.assertEqual(gone.exception.response["Error"]["Code"], "404")

    def test_student_notes(self):
        self.app.save_note(self.cid, "s42", "n1", "# Notes\n\nÉquations du second degré ✓\n")
        self.app.save_note(self.cid, "s42", "n1", "# Notes v2\n")
        self.assertEqual(self.app.get_note(self.cid, "s42", "n1"), "# Notes v2\n")
        head = self.app.s3.head_object(Bucket=DOCUMENTS, Key=self.app.note_key(self.cid, "s42", "n1"))
        self.assertEqual(head["ContentType"], "text/markdown; charset=utf-8")
        status, _, _ = http("GET", f"{self.server.endpoint}/{DOCUMENTS}/{self.app.note_key(self.cid, 's42', 'n1')}")
        self.assertEqual(status, 403)

    def test_meeting_recording_in_chunks_then_audio(self):
        meeting = uuid.uuid4().hex[:10]
        chunks = [os.urandom(200_000 + n * 1000) for n in range(6)]
        for n, data in enumerate(chunks):
            self.assertEqual(self.app.upload_chunk(meeting, n, data), f"meetings/{meeting}/chunks/chunk_{n}.webm")
        key = self.app.finish_recording(meeting, len(chunks), fake_transcode)
        self.assertEqual(key, f"meetings/{meeting}/audio.mp3")
        self.assertEqual(self.app.get_audio(meeting), fake_transcode(chunks))
        listed = self.root.list_objects_v2(Bucket=RECORDINGS, Prefix=f"meetings/{meeting}/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], [key])

    def test_ocr_pages_and_json(self):
        doc = uuid.uuid4().hex[:8]
        pages = [PNG + bytes([n]) for n in range(3)]
        result = {"document": doc, "pages": [{"n": n + 1, "text": f"Page {n + 1}: théorème"} for n in range(3)]}
        keys = self.app.save_ocr(doc, pages, result)
        self.assertEqual(keys[-1], f"documents/{doc}/ocr.json")
        self.assertEqual(self.app.get_ocr(doc), result)
        self.assertEqual(self.app.get_ocr_page(doc, 2), pages[1])

    def test_mlflow_run_artifacts(self):
        exp, run = "3", uuid.uuid4().hex
        model = os.urandom(20 << 20)  # above the multipart threshold: uploaded in parts
        files = {
            "model/MLmodel": b"artifact_path: model\nflavors:\n  python_function: {}\n",
            "model/requirements.txt": b"scikit-learn==1.4.2\n",
            "metrics/summary.json": json.dumps({"accuracy": 0.91}).encode(),
        }
        for path, data in files.items():
            self.app.log_artifact(exp, run, path, data)
        self.app.log_artifact(exp, run, "model/model.pkl", io.BytesIO(model))
        for path, data in files.items():
            self.assertEqual(self.app.load_artifact(exp, run, path), data)
        self.assertEqual(hashlib.sha256(self.app.load_artifact(exp, run, "model/model.pkl")).digest(),
                         hashlib.sha256(model).digest())
        head = self.root.head_object(Bucket=MLFLOW, Key=f"{exp}/{run}/artifacts/model/model.pkl")
        self.assertRegex(head["ETag"], r'-\d+"$')

    def test_browser_presigned_upload_to_temp(self):
        upload_id = uuid.uuid4().hex
        url = self.app.presigned_upload(upload_id, "cours.pdf", "application/pdf")
        # What fetch(url, {method: "PUT", body: file, headers: {"Content-Type": ...}}) sends.
        status, body, _ = http("PUT", url, data=PDF, headers={"Content-Type": "application/pdf"})
        self.assertEqual(status, 200, body)
        got = self.app.s3.get_object(Bucket=DOCUMENTS, Key=f"temp/{upload_id}/cours.pdf")
        self.assertEqual(got["Body"].read(), PDF)
        # The signature covers the key: the same URL cannot write elsewhere.
        status, _, _ = http("PUT", url.replace("cours.pdf", "other.pdf"), data=b"x",
                            headers={"Content-Type": "application/pdf"})
        self.assertEqual(status, 403)
        key = self.app.file_upload(upload_id, "cours.pdf", self.cid, "d9")
        self.assertEqual(self.app.get_material(self.cid, "d9"), PDF)
        self.assertEqual(key, f"classrooms/{self.cid}/materials/d9.pdf")
        left = self.root.list_objects_v2(Bucket=DOCUMENTS, Prefix=f"temp/{upload_id}/")
        self.assertEqual(left["KeyCount"], 0)

    def test_app_user_is_refused_where_its_policy_ends(self):
        self.assertEqual(self.app_credentials, (APP_USER, APP_SECRET))
        # Objects in each of the four buckets: allowed.
        for bucket in BUCKETS:
            self.app.s3.put_object(Bucket=bucket, Key="probe/x.txt", Body=b"ok")
            self.assertEqual(self.app.s3.get_object(Bucket=bucket, Key="probe/x.txt")["Body"].read(), b"ok")
            self.app.s3.delete_object(Bucket=bucket, Key="probe/x.txt")
        # Anything else: refused.
        other = f"other-app-{uuid.uuid4().hex[:6]}"
        self.root.create_bucket(Bucket=other)
        self.root.put_object(Bucket=other, Key="secret.txt", Body=b"secret")
        denied = [
            lambda: self.app.s3.get_object(Bucket=other, Key="secret.txt"),
            lambda: self.app.s3.put_object(Bucket=other, Key="x", Body=b"x"),
            lambda: self.app.s3.create_bucket(Bucket="ensure-study-extra"),
            lambda: self.app.s3.delete_bucket(Bucket=BUCKETS[0]),
            lambda: self.app.s3.list_buckets(),
            lambda: self.app.s3.list_objects_v2(Bucket=other),
            lambda: self.app.s3.put_bucket_policy(Bucket=BUCKETS[0], Policy="{}"),
        ]
        for call in denied:
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")
        self.root.delete_object(Bucket=other, Key="secret.txt")
        self.root.delete_bucket(Bucket=other)
