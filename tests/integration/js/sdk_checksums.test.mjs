// @aws-sdk/client-s3 PutObject/GetObject with the SDK's flexible checksums: the default
// behaviour (CRC32), every ChecksumAlgorithm, bodies as Buffers (checksum in a header) and as
// Readable streams (aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER, checksum in the trailer),
// and requestChecksumCalculation "WHEN_REQUIRED".

import assert from "node:assert/strict";
import { Readable } from "node:stream";

import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { Crc64Nvme } from "@aws-sdk/checksums/crc";

import { checksumB64, md5Hex, sdkField } from "./checksums.mjs";
import {
  MiB,
  expectS3Error,
  itest,
  readAll,
  recordRequests,
  testBytes,
  uniqueBucket,
  serverSuite,
} from "./harness.mjs";

const ALGORITHMS = ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"];
const ALL_FIELDS = ALGORITHMS.map(sdkField);
const bucket = uniqueBucket("jsck");
let s3;
let seen;

async function setup(server) {
  s3 = server.s3({
    requestHandler: { connectionTimeout: 5000, requestTimeout: 15_000, throwOnRequestTimeout: true },
  });
  seen = recordRequests(s3);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** A Readable (byte mode) that yields `buf` in `piece`-byte slices, like a file or socket. */
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

function lastPut(key) {
  const r = seen.filter((q) => q.method === "PUT" && q.path.endsWith(`/${key}`)).at(-1);
  assert.ok(r, `no recorded PUT for ${key}`);
  return r.headers;
}

/** GET (checksum mode on) and HEAD, asserting bytes, ETag, and the checksum of `algorithm`. */
async function verifyStored(key, body, algorithm) {
  const field = sdkField(algorithm);
  const expected = checksumB64(algorithm, body);
  const get = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
  );
  // With ChecksumMode ENABLED the SDK also validates the body against the returned checksum.
  const got = await readAll(get.Body);
  assert.equal(got.length, body.length, "GET length");
  assert.ok(got.equals(body), "GET bytes differ from what was PUT");
  assert.equal(get.ETag, `"${md5Hex(body)}"`, "ETag of a single-part object is its MD5");
  assert.equal(get.ContentLength, body.length);
  assert.equal(get[field], expected, `GET ${field} with x-amz-checksum-mode: ENABLED`);
  for (const other of ALL_FIELDS) {
    if (other !== field) assert.equal(get[other], undefined, `GET returned unexpected ${other}`);
  }
  assert.ok(
    !(get.ContentEncoding ?? "").includes("aws-chunked"),
    `aws-chunked must not be stored as Content-Encoding (got ${get.ContentEncoding})`,
  );

  const head = await s3.send(
    new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
  );
  assert.equal(head[field], expected, `HEAD ${field} with x-amz-checksum-mode: ENABLED`);
  assert.equal(head.ContentLength, body.length);
  assert.equal(head.ETag, `"${md5Hex(body)}"`);

  // Without checksum mode, no checksum header is returned (AWS returns them only when asked).
  const plain = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(plain[field], undefined, `HEAD without checksum mode returned ${field}`);

  // GetObject/HeadObject document x-amz-checksum-type; a PutObject checksum is FULL_OBJECT.
  assert.equal(get.ChecksumType, "FULL_OBJECT", "GET x-amz-checksum-type (checksum mode on)");
  assert.equal(head.ChecksumType, "FULL_OBJECT", "HEAD x-amz-checksum-type (checksum mode on)");
}

serverSuite("@aws-sdk/client-s3 PutObject/GetObject checksums", (srv) => {
  itest(srv, "the independent CRC-64/NVME matches the SDK and the check value", async () => {
    const check = Buffer.from("123456789");
    assert.equal(checksumB64("CRC64NVME", check), Buffer.from("ae8b14860a799888", "hex").toString("base64"));
    const body = testBytes(300 * 1024, 7);
    const h = new Crc64Nvme();
    h.update(body);
    assert.equal(Buffer.from(await h.digest()).toString("base64"), checksumB64("CRC64NVME", body));
  });

  itest(srv, "default checksum behaviour: Buffer body gets x-amz-checksum-crc32", async () => {
    const key = "default/buffer";
    const body = testBytes(1 * MiB + 123, 1);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const h = lastPut(key);
    assert.equal(h["x-amz-checksum-crc32"], checksumB64("CRC32", body), "SDK sent CRC32 header");
    assert.equal(put.ETag, `"${md5Hex(body)}"`, "PutObject ETag is the MD5");
    assert.equal(put.ChecksumCRC32, checksumB64("CRC32", body), "PutObject echoes the checksum");
    await verifyStored(key, body, "CRC32");
  });

  itest(srv, "default checksum behaviour: stream body is aws-chunked with a crc32 trailer", async () => {
    const key = "default/stream";
    const body = testBytes(2 * MiB + 77, 2);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: streamOf(body), ContentLength: body.length }),
    );
    const h = lastPut(key);
    assert.equal(h["content-encoding"], "aws-chunked");
    assert.equal(h["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    assert.equal(h["x-amz-trailer"], "x-amz-checksum-crc32");
    assert.equal(h["x-amz-decoded-content-length"], String(body.length));
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    assert.equal(put.ChecksumCRC32, checksumB64("CRC32", body));
    await verifyStored(key, body, "CRC32");
  });

  for (const algorithm of ALGORITHMS) {
    const field = sdkField(algorithm);

    itest(srv, `ChecksumAlgorithm ${algorithm}: Buffer body (checksum header)`, async () => {
      const key = `alg/${algorithm}/buffer`;
      const body = testBytes(512 * 1024 + 3, 10 + ALGORITHMS.indexOf(algorithm));
      const put = await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: algorithm }),
      );
      const h = lastPut(key);
      const header = `x-amz-checksum-${algorithm.toLowerCase()}`;
      // What the SDK computed must agree with an independent computation.
      assert.equal(h[header], checksumB64(algorithm, body), `SDK's ${header}`);
      assert.equal(put[field], checksumB64(algorithm, body), `PutObject response ${field}`);
      assert.equal(put.ETag, `"${md5Hex(body)}"`);
      await verifyStored(key, body, algorithm);
    });

    itest(srv, `ChecksumAlgorithm ${algorithm}: stream body (aws-chunked trailer)`, async () => {
      const key = `alg/${algorithm}/stream`;
      const body = testBytes(3 * MiB + 5, 20 + ALGORITHMS.indexOf(algorithm));
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: streamOf(body, 100_000),
          ContentLength: body.length,
          ChecksumAlgorithm: algorithm,
        }),
      );
      const h = lastPut(key);
      assert.equal(h["content-encoding"], "aws-chunked");
      assert.equal(h["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
      assert.equal(h["x-amz-trailer"], `x-amz-checksum-${algorithm.toLowerCase()}`);
      assert.equal(put[field], checksumB64(algorithm, body), `PutObject response ${field}`);
      assert.equal(put.ETag, `"${md5Hex(body)}"`);
      await verifyStored(key, body, algorithm);
    });
  }

  itest(srv, "aws-chunked with a user Content-Encoding keeps only the user's encoding", async () => {
    const key = "encoding/gzip-label";
    const body = testBytes(200 * 1024, 30);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: streamOf(body),
        ContentLength: body.length,
        ContentEncoding: "gzip",
      }),
    );
    assert.equal(lastPut(key)["content-encoding"], "gzip,aws-chunked");
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(head.ContentEncoding, "gzip", "stored Content-Encoding without aws-chunked");
    assert.equal(head.ContentLength, body.length);
  });

  itest(srv, "requestChecksumCalculation WHEN_REQUIRED: no checksum sent, plain body", async () => {
    const client = srv.server.s3({ requestChecksumCalculation: "WHEN_REQUIRED" });
    const rec = recordRequests(client);
    const body = testBytes(1 * MiB + 1, 40);
    for (const [key, Body] of [
      ["when-required/buffer", body],
      ["when-required/stream", streamOf(body)],
    ]) {
      const put = await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body, ContentLength: body.length }),
      );
      const h = rec.filter((q) => q.method === "PUT").at(-1).headers;
      assert.equal(
        Object.keys(h).filter((k) => k.startsWith("x-amz-checksum-")).length,
        0,
        `${key}: no x-amz-checksum-* header expected`,
      );
      assert.ok(!(h["content-encoding"] ?? "").includes("aws-chunked"), `${key}: not aws-chunked`);
      assert.equal(h["content-length"], String(body.length));
      assert.equal(put.ETag, `"${md5Hex(body)}"`);
      const get = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
      );
      const got = await readAll(get.Body);
      assert.ok(got.equals(body), `${key}: bytes differ`);
      assert.equal(get.ETag, `"${md5Hex(body)}"`);
      // S3 may add a default CRC64NVME to objects uploaded without one; if any checksum is
      // returned it must be right.
      for (const alg of ALGORITHMS) {
        if (get[sdkField(alg)] !== undefined) {
          assert.equal(get[sdkField(alg)], checksumB64(alg, body), `${key}: returned ${alg}`);
        }
      }
    }
  });

  itest(srv, "a stream of unknown length (WHEN_REQUIRED) is stored from its chunked body", async () => {
    // With WHEN_SUPPORTED the SDK itself refuses such a body (it cannot set
    // x-amz-decoded-content-length); without checksums it sends Transfer-Encoding: chunked and
    // no Content-Length. AWS answers 411 MissingContentLength there; Cairn stores the stream
    // (issue 12, docs/s3-api.md "Request bodies"), as MinIO does.
    const client = srv.server.s3({ requestChecksumCalculation: "WHEN_REQUIRED" });
    const rec = recordRequests(client);
    const key = "unknown-length/stream";
    const data = testBytes(300 * 1024, 50);
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: streamOf(data) }));
    assert.equal(put.ETag, `"${md5Hex(data)}"`, "PUT ETag");
    const sent = rec.find((r) => r.method === "PUT");
    assert.ok(sent, "the PUT was recorded");
    assert.equal(sent.headers["content-length"], undefined, "no Content-Length was sent");
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.ok((await readAll(got.Body)).equals(data), "GET returns the streamed bytes");
  });
}, { setup });
