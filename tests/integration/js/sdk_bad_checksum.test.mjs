// A checksum that does not match the body fails the PUT with BadDigest (HTTP 400) and stores
// nothing: neither a new object nor a replacement of an existing one. Covers the checksum as a
// header (Buffer body) and as an aws-chunked trailer (stream body, via a deliberately wrong
// checksum implementation plugged into the SDK).

import assert from "node:assert/strict";
import { Readable } from "node:stream";

import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";

import { checksumB64, md5Hex, rawChecksum, sdkField } from "./checksums.mjs";
import {
  expectS3Error,
  itest,
  readAll,
  recordRequests,
  serverSuite,
  testBytes,
  uniqueBucket,
} from "./harness.mjs";

const ALGORITHMS = ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"];
const bucket = uniqueBucket("jsbad");
let s3;

/** A well-formed checksum of the right length that does not match `body`. */
function wrongChecksum(algorithm, body) {
  const raw = rawChecksum(algorithm, body);
  raw[0] ^= 0xff;
  return raw.toString("base64");
}

/** A checksum "implementation" that yields a wrong digest, so the SDK sends a wrong trailer. */
function brokenChecksum(algorithm) {
  return class {
    constructor() {
      this.parts = [];
    }
    update(data) {
      this.parts.push(Buffer.from(data));
    }
    async digest() {
      return new Uint8Array(Buffer.from(wrongChecksum(algorithm, Buffer.concat(this.parts)), "base64"));
    }
    reset() {
      this.parts = [];
    }
  };
}

async function expectAbsent(key, what) {
  await expectS3Error(
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    ["NotFound", "NoSuchKey"],
    `${what}: HEAD after the rejected PUT must be 404`,
  );
}

function streamOf(buf, piece = 64 * 1024) {
  let off = 0;
  return new Readable({
    read() {
      if (off >= buf.length) return this.push(null);
      this.push(buf.subarray(off, off + piece));
      off += piece;
    },
  });
}

async function setup(server) {
  s3 = server.s3({
    requestHandler: { connectionTimeout: 5000, requestTimeout: 15_000, throwOnRequestTimeout: true },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

serverSuite("wrong checksums are refused with BadDigest and store nothing", (srv) => {
  for (const algorithm of ALGORITHMS) {
    itest(srv, `wrong x-amz-checksum-${algorithm.toLowerCase()} header → BadDigest, no object`, async () => {
      const key = `header/${algorithm}`;
      const body = testBytes(256 * 1024, 3);
      const rec = recordRequests(s3);
      const err = await expectS3Error(
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            [sdkField(algorithm)]: wrongChecksum(algorithm, body),
          }),
        ),
        "BadDigest",
        `PUT with a wrong ${algorithm} header`,
      );
      assert.equal(err.$metadata.httpStatusCode, 400);
      // The SDK must have sent our wrong value untouched (otherwise this test proves nothing).
      const sent = rec.at(-1).headers[`x-amz-checksum-${algorithm.toLowerCase()}`];
      assert.equal(sent, wrongChecksum(algorithm, body));
      await expectAbsent(key, algorithm);
    });
  }

  itest(srv, "a rejected PUT does not replace the existing object", async () => {
    const key = "header/overwrite";
    const original = testBytes(100 * 1024, 4);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }));
    const replacement = testBytes(120 * 1024, 5);
    await expectS3Error(
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: replacement,
          ChecksumSHA256: wrongChecksum("SHA256", replacement),
        }),
      ),
      "BadDigest",
      "overwrite with a wrong SHA256",
    );
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const got = await readAll(get.Body);
    assert.ok(got.equals(original), "the original object must be intact");
    assert.equal(get.ETag, `"${md5Hex(original)}"`);
  });

  itest(srv, "the right checksum header on the same request shape is accepted (control)", async () => {
    const key = "header/control";
    const body = testBytes(256 * 1024, 3);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ChecksumCRC32: checksumB64("CRC32", body),
      }),
    );
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
  });

  for (const algorithm of ["CRC32", "SHA256", "CRC64NVME"]) {
    itest(srv, `wrong ${algorithm} in the aws-chunked trailer → BadDigest, no object`, async () => {
      const client = srv.server.s3({
        requestHandler: { connectionTimeout: 5000, requestTimeout: 15_000, throwOnRequestTimeout: true },
        checksumAlgorithms: { [algorithm]: brokenChecksum(algorithm) },
      });
      const rec = recordRequests(client);
      const key = `trailer/${algorithm}`;
      const body = testBytes(1024 * 1024 + 9, 6);
      const err = await expectS3Error(
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: streamOf(body),
            ContentLength: body.length,
            ChecksumAlgorithm: algorithm,
          }),
        ),
        "BadDigest",
        `aws-chunked PUT with a wrong ${algorithm} trailer`,
      );
      assert.equal(err.$metadata.httpStatusCode, 400);
      const h = rec.at(-1).headers;
      assert.equal(h["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
      assert.equal(h["x-amz-trailer"], `x-amz-checksum-${algorithm.toLowerCase()}`);
      await expectAbsent(key, `${algorithm} trailer`);
    });
  }
}, { setup });
