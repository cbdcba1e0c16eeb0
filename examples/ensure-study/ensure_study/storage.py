"""What the classroom platform does with object storage, through boto3 with endpoint_url.

Four buckets, created by setup.sh:
  ensure-study-documents   classrooms/{c}/materials/{doc}.{ext}, classrooms/{c}/thumbnails/
                           {doc}_thumb.png (public), classrooms/{c}/students/{s}/notes/{n}.md,
                           temp/{upload_id}/{filename} (browser uploads before they are filed)
  ensure-study-recordings  meetings/{m}/chunks/chunk_{n}.webm while a meeting records, then the
                           processed meetings/{m}/audio.mp3
  ensure-study-ocr         documents/{doc}/pages/page_{n}.png and documents/{doc}/ocr.json
  ensure-study-mlflow      {experiment}/{run}/artifacts/{path}, as MLflow's S3 artifact store

The application's user may do s3:* on objects of these buckets only: it never lists or creates
buckets, and it keeps its own index of keys (chunk counts, page counts) instead of listing.
"""

from __future__ import annotations

import io
import json
import urllib.parse
from typing import BinaryIO, Callable, Iterable

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

DOCUMENTS = "ensure-study-documents"
RECORDINGS = "ensure-study-recordings"
OCR = "ensure-study-ocr"
MLFLOW = "ensure-study-mlflow"
BUCKETS = (DOCUMENTS, RECORDINGS, OCR, MLFLOW)

# Model files and recordings can be large: parts of 8 MiB above 16 MiB.
TRANSFER = TransferConfig(multipart_threshold=16 << 20, multipart_chunksize=8 << 20, max_concurrency=4)


class EnsureStudyStorage:
    def __init__(self, endpoint: str, access_key: str, secret_key: str, region: str = "us-east-1"):
        self.endpoint = endpoint.rstrip("/")
        self.s3 = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    # ---- classroom materials and thumbnails --------------------------------------------------
    @staticmethod
    def material_key(classroom_id: str, document_id: str, ext: str = "pdf") -> str:
        return f"classrooms/{classroom_id}/materials/{document_id}.{ext}"

    @staticmethod
    def thumbnail_key(classroom_id: str, document_id: str) -> str:
        return f"classrooms/{classroom_id}/thumbnails/{document_id}_thumb.png"

    def upload_material(self, classroom_id: str, document_id: str, data: bytes | BinaryIO,
                        ext: str = "pdf", content_type: str = "application/pdf",
                        title: str | None = None) -> str:
        key = self.material_key(classroom_id, document_id, ext)
        extra = {"ContentType": content_type}
        if title:
            extra["Metadata"] = {"title": urllib.parse.quote(title)}
        self._upload(DOCUMENTS, key, data, extra)
        return key

    def upload_thumbnail(self, classroom_id: str, document_id: str, png: bytes) -> str:
        key = self.thumbnail_key(classroom_id, document_id)
        self.s3.put_object(Bucket=DOCUMENTS, Key=key, Body=png, ContentType="image/png",
                           CacheControl="public, max-age=3600")
        return key

    def thumbnail_url(self, classroom_id: str, document_id: str) -> str:
        """The plain, unsigned URL a page puts in <img src>: thumbnails are public."""
        key = urllib.parse.quote(self.thumbnail_key(classroom_id, document_id))
        return f"{self.endpoint}/{DOCUMENTS}/{key}"

    def material_download_url(self, classroom_id: str, document_id: str, ext: str = "pdf",
                              expires: int = 600) -> str:
        """Materials are private: students get a short-lived presigned link."""
        return self.s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": DOCUMENTS, "Key": self.material_key(classroom_id, document_id, ext)},
            ExpiresIn=expires,
        )

    def get_material(self, classroom_id: str, document_id: str, ext: str = "pdf") -> bytes:
        return self._get(DOCUMENTS, self.material_key(classroom_id, document_id, ext))

    def delete_document(self, classroom_id: str, document_id: str, ext: str = "pdf") -> None:
        self.s3.delete_object(Bucket=DOCUMENTS, Key=self.material_key(classroom_id, document_id, ext))
        self.s3.delete_object(Bucket=DOCUMENTS, Key=self.thumbnail_key(classroom_id, document_id))

    # ---- student notes ---------------------------------------------------------------------
    @staticmethod
    def note_key(classroom_id: str, student_id: str, note_id: str) -> str:
        return f"classrooms/{classroom_id}/students/{student_id}/notes/{note_id}.md"

    def save_note(self, classroom_id: str, student_id: str, note_id: str, markdown: str) -> str:
        key = self.note_key(classroom_id, student_id, note_id)
        self.s3.put_object(Bucket=DOCUMENTS, Key=key, Body=markdown.encode("utf-8"),
                           ContentType="text/markdown; charset=utf-8")
        return key

    def get_note(self, classroom_id: str, student_id: str, note_id: str) -> str:
        return self._get(DOCUMENTS, self.note_key(classroom_id, student_id, note_id)).decode("utf-8")

    # ---- meeting recordings ----------------------------------------------------------------
    @staticmethod
    def chunk_key(meeting_id: str, n: int) -> str:
        return f"meetings/{meeting_id}/chunks/chunk_{n}.webm"

    @staticmethod
    def audio_key(meeting_id: str) -> str:
        return f"meetings/{meeting_id}/audio.mp3"

    def upload_chunk(self, meeting_id: str, n: int, data: bytes) -> str:
        """The browser's MediaRecorder hands over a chunk every few seconds; each is stored as
        it comes, so a dropped connection loses at most one chunk."""
        key = self.chunk_key(meeting_id, n)
        self.s3.put_object(Bucket=RECORDINGS, Key=key, Body=data, ContentType="video/webm")
        return key

    def finish_recording(self, meeting_id: str, chunk_count: int,
                         transcode: Callable[[Iterable[bytes]], bytes]) -> str:
        """Reads the chunks in order, stores the processed audio, then removes the chunks."""
        chunks = (self._get(RECORDINGS, self.chunk_key(meeting_id, n)) for n in range(chunk_count))
        audio = transcode(chunks)
        key = self.audio_key(meeting_id)
        self._upload(RECORDINGS, key, audio, {"ContentType": "audio/mpeg"})
        for n in range(chunk_count):
            self.s3.delete_object(Bucket=RECORDINGS, Key=self.chunk_key(meeting_id, n))
        return key

    def get_audio(self, meeting_id: str) -> bytes:
        return self._get(RECORDINGS, self.audio_key(meeting_id))

    # ---- OCR -------------------------------------------------------------------------------
    def save_ocr(self, document_id: str, pages: list[bytes], result: dict) -> list[str]:
        keys = []
        for n, png in enumerate(pages, start=1):
            key = f"documents/{document_id}/pages/page_{n}.png"
            self.s3.put_object(Bucket=OCR, Key=key, Body=png, ContentType="image/png")
            keys.append(key)
        key = f"documents/{document_id}/ocr.json"
        self.s3.put_object(Bucket=OCR, Key=key, Body=json.dumps(result).encode(),
                           ContentType="application/json")
        return keys + [key]

    def get_ocr(self, document_id: str) -> dict:
        return json.loads(self._get(OCR, f"documents/{document_id}/ocr.json"))

    def get_ocr_page(self, document_id: str, n: int) -> bytes:
        return self._get(OCR, f"documents/{document_id}/pages/page_{n}.png")

    # ---- MLflow-style run artifacts ---------------------------------------------------------
    @staticmethod
    def artifact_key(experiment_id: str, run_id: str, path: str) -> str:
        return f"{experiment_id}/{run_id}/artifacts/{path}"

    def log_artifact(self, experiment_id: str, run_id: str, path: str, data: bytes | BinaryIO) -> str:
        key = self.artifact_key(experiment_id, run_id, path)
        self._upload(MLFLOW, key, data, {})
        return key

    def load_artifact(self, experiment_id: str, run_id: str, path: str) -> bytes:
        return self._get(MLFLOW, self.artifact_key(experiment_id, run_id, path))

    # ---- browser uploads -------------------------------------------------------------------
    @staticmethod
    def temp_key(upload_id: str, filename: str) -> str:
        return f"temp/{upload_id}/{filename}"

    def presigned_upload(self, upload_id: str, filename: str, content_type: str,
                         expires: int = 900) -> str:
        """A URL the browser PUTs the file to directly (the bytes never pass through the app)."""
        return self.s3.generate_presigned_url(
            "put_object",
            Params={"Bucket": DOCUMENTS, "Key": self.temp_key(upload_id, filename),
                    "ContentType": content_type},
            ExpiresIn=expires,
        )

    def file_upload(self, upload_id: str, filename: str, classroom_id: str, document_id: str,
                    ext: str = "pdf") -> str:
        """Moves a finished browser upload from temp/ to the classroom's materials."""
        src = self.temp_key(upload_id, filename)
        dst = self.material_key(classroom_id, document_id, ext)
        self.s3.copy_object(Bucket=DOCUMENTS, Key=dst, CopySource={"Bucket": DOCUMENTS, "Key": src})
        self.s3.delete_object(Bucket=DOCUMENTS, Key=src)
        return dst

    # ---- helpers ---------------------------------------------------------------------------
    def _upload(self, bucket: str, key: str, data: bytes | BinaryIO, extra: dict) -> None:
        body = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
        self.s3.upload_fileobj(body, bucket, key, ExtraArgs=extra or None, Config=TRANSFER)

    def _get(self, bucket: str, key: str) -> bytes:
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
