// Multipart ChecksumType (issue 12, "The edges of the core API") with the AWS SDK for JavaScript
// v3, which computes CRC32C and CRC64NVME: FULL_OBJECT uploads whose object checksum is combined
// from the part CRCs, the whole-object checksum given on Complete verified (BadDigest when it
// differs), the type in Create / Complete / HEAD / GET / GetObjectAttributes, the combinations
// AWS refuses, and a Complete retried with the same parts answering the same ETag.

import assert from "node:assert/strict";

import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

import { checksumB64 } from "./checksums.mjs";
import { MiB, expectS3Error, itest, readAll, serverSuite, testBytes, uniqueBucket } from "./harness.mjs";

const bucket = uniqueBucket("jsct");
let s3;

async function setup(server) {
  s3 = server.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

// Creates a FULL_OBJECT upload of `pieces` with `algorithm`, uploads the parts with their
// checksums and returns { upload, parts } ready for Complete.
async function fullObjectUpload(key, algorithm, pieces) {
  const field = `Checksum${algorithm}`;
  const upload = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ChecksumAlgorithm: algorithm,
      ChecksumType: "FULL_OBJECT",
    }),
  );
  assert.equal(upload.ChecksumAlgorithm, algorithm, "CreateMultipartUpload ChecksumAlgorithm");
  assert.equal(upload.ChecksumType, "FULL_OBJECT", "CreateMultipartUpload ChecksumType");
  const parts = [];
  for (let i = 0; i < pieces.length; i++) {
    const res = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: upload.UploadId,
        PartNumber: i + 1,
        Body: pieces[i],
        ChecksumAlgorithm: algorithm,
      }),
    );
    assert.equal(res[field], checksumB64(algorithm, pieces[i]), `part ${i + 1} ${field}`);
    parts.push({ PartNumber: i + 1, ETag: res.ETag, [field]: res[field] });
  }
  return { upload, parts };
}

serverSuite("multipart ChecksumType FULL_OBJECT", (srv) => {
  for (const algorithm of ["CRC32C", "CRC64NVME", "CRC32"]) {
    itest(srv, `${algorithm} FULL_OBJECT: combined from the parts, verified on Complete`, async () => {
      const key = `full/${algorithm}`;
      const field = `Checksum${algorithm}`;
      const pieces = [testBytes(5 * MiB, 3), testBytes(MiB + 17, 4)];
      const whole = Buffer.concat(pieces);
      const want = checksumB64(algorithm, whole);
      const { upload, parts } = await fullObjectUpload(key, algorithm, pieces);

      // A wrong whole-object checksum is BadDigest, and the upload stays to be completed.
      const wrong = checksumB64(algorithm, Buffer.from("something else"));
      await expectS3Error(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: upload.UploadId,
            MultipartUpload: { Parts: parts },
            ChecksumType: "FULL_OBJECT",
            [field]: wrong,
          }),
        ),
        "BadDigest",
        "Complete with a wrong whole-object checksum",
      );

      const complete = () =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: upload.UploadId,
            MultipartUpload: { Parts: parts },
            ChecksumType: "FULL_OBJECT",
            [field]: want,
          }),
        );
      const done = await complete();
      assert.equal(done[field], want, "Complete: the full-object checksum");
      assert.equal(done.ChecksumType, "FULL_OBJECT", "Complete ChecksumType");

      // The SDK retrying after a lost answer gets the same result.
      const again = await complete();
      assert.equal(again.ETag, done.ETag, "retried Complete: same ETag");
      assert.equal(again[field], want);

      const head = await s3.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
      );
      assert.equal(head[field], want, "HEAD checksum");
      assert.equal(head.ChecksumType, "FULL_OBJECT", "HEAD x-amz-checksum-type");
      const get = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
      );
      assert.equal(get.ChecksumType, "FULL_OBJECT", "GET x-amz-checksum-type");
      assert.ok((await readAll(get.Body)).equals(whole), "GET bytes");
      const attrs = await s3.send(
        new GetObjectAttributesCommand({
          Bucket: bucket,
          Key: key,
          ObjectAttributes: ["Checksum", "ObjectParts"],
        }),
      );
      assert.equal(attrs.Checksum?.[field], want, "GetObjectAttributes checksum");
      assert.equal(attrs.Checksum?.ChecksumType, "FULL_OBJECT", "GetObjectAttributes type");
    });
  }

  itest(srv, "Complete with a ChecksumType other than the upload's is BadDigest", async () => {
    const key = "full/type-mismatch";
    const pieces = [testBytes(5 * MiB, 5), testBytes(10, 6)];
    const { upload, parts } = await fullObjectUpload(key, "CRC32C", pieces);
    await expectS3Error(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: upload.UploadId,
          MultipartUpload: { Parts: parts },
          ChecksumType: "COMPOSITE",
        }),
      ),
      "BadDigest",
      "COMPOSITE on a FULL_OBJECT upload",
    );
  });

  itest(srv, "combinations AWS refuses on CreateMultipartUpload", async () => {
    for (const [algorithm, type] of [
      ["CRC64NVME", "COMPOSITE"],
      ["SHA256", "FULL_OBJECT"],
      ["SHA1", "FULL_OBJECT"],
    ]) {
      await expectS3Error(
        s3.send(
          new CreateMultipartUploadCommand({
            Bucket: bucket,
            Key: "refused",
            ChecksumAlgorithm: algorithm,
            ChecksumType: type,
          }),
        ),
        "InvalidRequest",
        `${algorithm} with ${type}`,
      );
    }
  });
}, { setup });
