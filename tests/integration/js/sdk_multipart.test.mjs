// Multipart uploads from the AWS SDK for JavaScript v3: @aws-sdk/lib-storage Upload (parts in
// parallel, CRC32 checksums by default), partNumber reads, GetObjectAttributes, the low-level
// ListParts / ListMultipartUploads / AbortMultipartUpload, and UploadPartCopy with ranges.

import assert from "node:assert/strict";
import { Readable } from "node:stream";

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

import { checksumB64, compositeChecksumB64, md5Hex, multipartEtag } from "./checksums.mjs";
import {
  MiB,
  expectS3Error,
  itest,
  readAll,
  recordRequests,
  serverSuite,
  testBytes,
  uniqueBucket,
  withTimeout,
} from "./harness.mjs";

const bucket = uniqueBucket("jsmp");
let s3;

const unquote = (etag) => (etag ?? "").replace(/^"|"$/g, "");
const split = (buf, size) => {
  const parts = [];
  for (let off = 0; off < buf.length; off += size) parts.push(buf.subarray(off, off + size));
  return parts;
};

async function setup(server) {
  s3 = server.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

serverSuite("@aws-sdk/lib-storage and multipart commands", (srv) => {
  const KEY = "lib-storage/forty";
  const SIZE = 40 * MiB;
  const PART = 5 * MiB;
  const data = testBytes(SIZE, 11);
  const parts = split(data, PART);
  let uploaded = false;

  itest(
    srv,
    "Upload of a 40 MiB stream, 5 MiB parts, queueSize 4: bytes, multipart ETag, CRC32",
    async () => {
      const rec = recordRequests(s3);
      let off = 0;
      const body = new Readable({
        read() {
          if (off >= data.length) return this.push(null);
          this.push(data.subarray(off, off + MiB));
          off += MiB;
        },
      });
      const upload = new Upload({
        client: s3,
        params: { Bucket: bucket, Key: KEY, Body: body, ContentType: "application/x-parquet" },
        partSize: PART,
        queueSize: 4,
        leavePartsOnError: false,
      });
      const res = await withTimeout(upload.done(), 120_000, "lib-storage Upload.done()");

      // It really was a multipart upload with checksummed parts.
      const partPuts = rec.filter((r) => r.method === "PUT" && r.query.partNumber);
      assert.equal(partPuts.length, 8, "8 UploadPart requests");
      for (const p of partPuts) {
        const n = Number(p.query.partNumber);
        assert.equal(
          p.headers["x-amz-checksum-crc32"],
          checksumB64("CRC32", parts[n - 1]),
          `part ${n}: SDK's CRC32`,
        );
      }

      const expectedEtag = multipartEtag(parts);
      assert.ok(expectedEtag.endsWith("-8"));
      assert.equal(unquote(res.ETag), expectedEtag, "CompleteMultipartUpload ETag");
      assert.equal(
        res.ChecksumCRC32,
        compositeChecksumB64("CRC32", parts),
        "CompleteMultipartUpload ChecksumCRC32 (composite of the part CRC32s)",
      );
      uploaded = true;

      const get = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: KEY, ChecksumMode: "ENABLED" }),
      );
      const got = await readAll(get.Body);
      assert.equal(got.length, SIZE);
      assert.ok(got.equals(data), "GET bytes differ from the uploaded stream");
      assert.equal(unquote(get.ETag), expectedEtag);
      assert.equal(get.ContentType, "application/x-parquet");
      assert.equal(get.ChecksumCRC32, compositeChecksumB64("CRC32", parts), "GET ChecksumCRC32");
      assert.equal(get.ChecksumType, "COMPOSITE", "GET x-amz-checksum-type");
    },
    { timeout: 180_000 },
  );

  itest(srv, "HEAD and GET with partNumber=2 return that part", async () => {
    assert.ok(uploaded, "needs the lib-storage upload");
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY, PartNumber: 2 }));
    assert.equal(head.ContentLength, PART, "HEAD partNumber=2 Content-Length");
    assert.equal(head.PartsCount, 8, "x-amz-mp-parts-count");
    assert.equal(unquote(head.ETag), multipartEtag(parts), "ETag is the whole object's");

    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY, PartNumber: 2 }));
    const got = await readAll(get.Body);
    assert.equal(get.$metadata.httpStatusCode, 206);
    assert.equal(get.PartsCount, 8);
    assert.equal(get.ContentRange, `bytes ${PART}-${2 * PART - 1}/${SIZE}`);
    assert.ok(got.equals(parts[1]), "GET partNumber=2 bytes");

    const last = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY, PartNumber: 8 }));
    assert.equal(last.ContentLength, PART);
    // A part number past the last part: 416 (HEAD has no body, so only the status is seen).
    await assert.rejects(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY, PartNumber: 9 })),
      (err) => err.$metadata?.httpStatusCode === 416,
      "HEAD partNumber=9 of an 8-part object must be 416",
    );
    const err = await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY, PartNumber: 9 })),
      "InvalidPartNumber",
      "GET partNumber=9 of an 8-part object",
    );
    assert.equal(err.$metadata.httpStatusCode, 416);
  });

  itest(srv, "GetObjectAttributes reports ETag, Checksum, ObjectParts, StorageClass, ObjectSize", async () => {
    assert.ok(uploaded, "needs the lib-storage upload");
    const attrs = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: KEY,
        ObjectAttributes: ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"],
      }),
    );
    assert.equal(unquote(attrs.ETag), multipartEtag(parts).replace(/-8$/, "") + "-8");
    assert.equal(attrs.ObjectSize, SIZE);
    assert.equal(attrs.StorageClass, "STANDARD");
    // The composite checksum; S3 may or may not append the part count here.
    const composite = compositeChecksumB64("CRC32", parts);
    assert.ok(attrs.Checksum, "Checksum missing");
    assert.ok(
      [composite, composite.replace(/-8$/, "")].includes(attrs.Checksum.ChecksumCRC32),
      `Checksum.ChecksumCRC32 ${attrs.Checksum.ChecksumCRC32} vs composite ${composite}`,
    );
    assert.equal(attrs.Checksum.ChecksumType, "COMPOSITE");
    assert.ok(attrs.ObjectParts, "ObjectParts missing");
    assert.equal(attrs.ObjectParts.TotalPartsCount, 8);
    // With an additional checksum, S3 lists the parts with their sizes and checksums.
    const listed = attrs.ObjectParts.Parts ?? [];
    assert.equal(listed.length, 8, "ObjectParts.Parts");
    listed.forEach((p, i) => {
      assert.equal(p.PartNumber, i + 1);
      assert.equal(p.Size, PART);
      assert.equal(p.ChecksumCRC32, checksumB64("CRC32", parts[i]), `part ${i + 1} CRC32`);
    });

    // Paging through the parts.
    const page = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: KEY,
        ObjectAttributes: ["ObjectParts"],
        MaxParts: 3,
        PartNumberMarker: "2",
      }),
    );
    assert.deepEqual(
      (page.ObjectParts.Parts ?? []).map((p) => p.PartNumber),
      [3, 4, 5],
      "MaxParts=3 after marker 2",
    );
    assert.equal(page.ObjectParts.IsTruncated, true);
  });

  itest(srv, "ListParts, ListMultipartUploads and AbortMultipartUpload", async () => {
    const key = "low-level/aborted";
    const p1 = testBytes(5 * MiB, 21);
    const p2 = testBytes(1 * MiB + 17, 22);
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: "CRC32" }),
    );
    const uploadId = created.UploadId;
    assert.ok(uploadId, "UploadId");
    assert.equal(created.Key, key);
    const up = [];
    for (const [n, body] of [
      [1, p1],
      [2, p2],
    ]) {
      const r = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: n,
          Body: body,
          ChecksumAlgorithm: "CRC32",
        }),
      );
      assert.equal(unquote(r.ETag), md5Hex(body), `UploadPart ${n} ETag`);
      assert.equal(r.ChecksumCRC32, checksumB64("CRC32", body), `UploadPart ${n} ChecksumCRC32`);
      up.push(r);
    }

    const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    assert.equal(lp.UploadId, uploadId);
    assert.equal(lp.Key, key);
    assert.equal(lp.IsTruncated, false);
    assert.equal(lp.ChecksumAlgorithm, "CRC32");
    assert.deepEqual(
      lp.Parts.map((p) => [p.PartNumber, p.Size, unquote(p.ETag), p.ChecksumCRC32]),
      [
        [1, p1.length, md5Hex(p1), checksumB64("CRC32", p1)],
        [2, p2.length, md5Hex(p2), checksumB64("CRC32", p2)],
      ],
    );
    const page = await s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 1 }),
    );
    assert.equal(page.Parts.length, 1);
    assert.equal(page.IsTruncated, true);
    assert.equal(String(page.NextPartNumberMarker), "1");

    // A second upload of another key, to see prefix filtering.
    const other = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: "elsewhere/other" }),
    );
    const lmu = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "low-level/" }));
    const ids = (lmu.Uploads ?? []).map((u) => [u.Key, u.UploadId]);
    assert.deepEqual(ids, [[key, uploadId]], "ListMultipartUploads with Prefix");
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    const allIds = (all.Uploads ?? []).map((u) => u.UploadId);
    assert.ok(allIds.includes(uploadId) && allIds.includes(other.UploadId), "both uploads listed");
    const delim = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: "/" }));
    assert.deepEqual(
      (delim.CommonPrefixes ?? []).map((p) => p.Prefix).sort(),
      ["elsewhere/", "low-level/"],
      "ListMultipartUploads CommonPrefixes with Delimiter /",
    );
    // The object is not visible while the upload is in progress.
    await expectS3Error(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      ["NotFound", "NoSuchKey"],
      "HEAD during the upload",
    );

    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: "elsewhere/other", UploadId: other.UploadId }),
    );
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    const afterIds = (after.Uploads ?? []).map((u) => u.UploadId);
    assert.ok(!afterIds.includes(uploadId), "aborted upload still listed");
    assert.ok(!afterIds.includes(other.UploadId), "aborted upload still listed");
    await expectS3Error(
      s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
      "NoSuchUpload",
      "ListParts on an aborted upload",
    );
    await expectS3Error(
      s3.send(
        // A small body: the answer to a large body refused before it is read is tested apart
        // (sdk_multipart_errors.test.mjs).
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: 3,
          Body: p2.subarray(0, 64 * 1024),
        }),
      ),
      "NoSuchUpload",
      "UploadPart on an aborted upload",
    );
    await expectS3Error(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: up.map((r, i) => ({ PartNumber: i + 1, ETag: r.ETag })) },
        }),
      ),
      "NoSuchUpload",
      "Complete of an aborted upload",
    );
    await expectS3Error(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      ["NotFound", "NoSuchKey"],
      "HEAD after abort",
    );
  });

  itest(srv, "UploadPartCopy with CopySourceRange builds an object from ranges", async () => {
    const srcKey = "copy/source";
    const src = testBytes(12 * MiB + 333, 31);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: srcKey, Body: src }));
    const key = "copy/assembled";
    const ranges = [
      [0, 5 * MiB - 1], // 5 MiB from the start
      [6 * MiB + 7, 11 * MiB + 6], // 5 MiB from an unaligned offset
      [12 * MiB, src.length - 1], // the tail (333 bytes)
    ];
    const pieces = ranges.map(([a, b]) => src.subarray(a, b + 1));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const done = [];
    for (let i = 0; i < ranges.length; i++) {
      const [a, b] = ranges[i];
      const r = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: i + 1,
          CopySource: `${bucket}/${srcKey}`,
          CopySourceRange: `bytes=${a}-${b}`,
        }),
      );
      assert.equal(unquote(r.CopyPartResult?.ETag), md5Hex(pieces[i]), `UploadPartCopy ${i + 1} ETag`);
      assert.ok(r.CopyPartResult?.LastModified instanceof Date, "CopyPartResult.LastModified");
      done.push({ PartNumber: i + 1, ETag: r.CopyPartResult.ETag });
    }
    const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
    assert.deepEqual(
      lp.Parts.map((p) => p.Size),
      pieces.map((p) => p.length),
    );
    const c = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    assert.equal(unquote(c.ETag), multipartEtag(pieces));
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const got = await readAll(get.Body);
    assert.ok(got.equals(Buffer.concat(pieces)), "assembled object bytes");

    // A range outside the source is refused.
    const bad = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "copy/bad" }));
    await expectS3Error(
      s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: "copy/bad",
          UploadId: bad.UploadId,
          PartNumber: 1,
          CopySource: `${bucket}/${srcKey}`,
          CopySourceRange: `bytes=${src.length}-${src.length + 10}`,
        }),
      ),
      ["InvalidRange", "InvalidArgument"],
      "CopySourceRange past the end of the source",
    );
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "copy/bad", UploadId: bad.UploadId }));
  });
}, { setup });
