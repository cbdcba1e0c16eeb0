// The `minio` npm client against Cairn: putObject (Buffer and stream), fPutObject of a 70 MiB
// file (multipart in that client: 64 MiB parts), getObject, getPartialObject, statObject,
// listObjectsV2 and removeObject — byte-exact, with metadata round trips.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

import { md5Hex } from "./checksums.mjs";
import { MiB, itest, readAll, serverSuite, testBytes, uniqueBucket, withTimeout } from "./harness.mjs";

const bucket = uniqueBucket("jsminio");
let mc;

const unquote = (etag) => (etag ?? "").replace(/^"|"$/g, "");

async function listAll(prefix, recursive = true) {
  const stream = mc.listObjectsV2(bucket, prefix, recursive);
  const out = [];
  await withTimeout(
    new Promise((resolve, reject) => {
      stream.on("data", (o) => out.push(o));
      stream.on("error", reject);
      stream.on("end", resolve);
    }),
    30_000,
    `listObjectsV2 ${prefix}`,
  );
  return out;
}

async function expectMissing(key) {
  await assert.rejects(mc.statObject(bucket, key), (err) => {
    assert.ok(
      ["NotFound", "NoSuchKey"].includes(err.code),
      `statObject(${key}) after removal: expected NotFound/NoSuchKey, got ${err.code}: ${err.message}`,
    );
    return true;
  });
}

async function setup(server) {
  mc = server.minio();
  await mc.makeBucket(bucket, "us-east-1");
  assert.equal(await mc.bucketExists(bucket), true);
}

serverSuite("minio npm client", (srv) => {
  const bufBody = testBytes(3 * MiB + 12345, 61);
  const streamBody = testBytes(9 * MiB + 7, 62);

  itest(srv, "putObject(Buffer) with metadata, statObject, getObject", async () => {
    const key = "minio/buffer.bin";
    const meta = {
      "Content-Type": "application/vnd.apache.parquet",
      "X-Amz-Meta-Owner": "cairn",
      "Cache-Control": "max-age=60",
      color: "blue",
    };
    const put = await mc.putObject(bucket, key, bufBody, bufBody.length, meta);
    assert.equal(put.etag, md5Hex(bufBody), "putObject etag");

    const st = await mc.statObject(bucket, key);
    assert.equal(st.size, bufBody.length);
    assert.equal(st.etag, md5Hex(bufBody));
    assert.ok(st.lastModified instanceof Date && !Number.isNaN(st.lastModified.getTime()));
    assert.equal(st.metaData["content-type"], "application/vnd.apache.parquet");
    assert.equal(st.metaData["cache-control"], "max-age=60");
    assert.equal(st.metaData.owner, "cairn", `user metadata owner: ${JSON.stringify(st.metaData)}`);
    assert.equal(st.metaData.color, "blue", `user metadata color: ${JSON.stringify(st.metaData)}`);

    const got = await readAll(await mc.getObject(bucket, key));
    assert.ok(got.equals(bufBody), "getObject bytes");
  });

  itest(srv, "putObject(stream) of known and unknown size, getPartialObject", async () => {
    const key = "minio/stream.bin";
    const mkStream = () => {
      let off = 0;
      return new Readable({
        read() {
          if (off >= streamBody.length) return this.push(null);
          this.push(streamBody.subarray(off, off + 200_000));
          off += 200_000;
        },
      });
    };
    const put = await mc.putObject(bucket, key, mkStream(), streamBody.length, {
      "Content-Type": "video/mp4",
    });
    assert.equal(put.etag, md5Hex(streamBody), "putObject(stream) of 9 MiB is one PUT: MD5 ETag");
    const got = await readAll(await mc.getObject(bucket, key));
    assert.ok(got.equals(streamBody), "getObject bytes");

    // Ranges: middle, from an offset to the end (length 0 = rest), and the last byte.
    for (const [offset, length] of [
      [1_000_003, 4 * MiB],
      [8 * MiB, 0],
      [streamBody.length - 1, 1],
      [0, 1],
    ]) {
      const part = await readAll(await mc.getPartialObject(bucket, key, offset, length));
      const end = length ? offset + length : streamBody.length;
      assert.ok(part.equals(streamBody.subarray(offset, end)), `getPartialObject(${offset}, ${length})`);
    }

    // Unknown size: the client buffers parts itself.
    const key2 = "minio/stream-unknown.bin";
    await mc.putObject(bucket, key2, mkStream(), undefined, { "Content-Type": "video/mp4" });
    const st = await mc.statObject(bucket, key2);
    assert.equal(st.size, streamBody.length);
    assert.equal(st.metaData["content-type"], "video/mp4");
    const got2 = await readAll(await mc.getObject(bucket, key2));
    assert.ok(got2.equals(streamBody), "getObject bytes (unknown-size upload)");
  });

  itest(
    srv,
    "fPutObject of a 70 MiB temp file (multipart), getObject, statObject",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "cairn-js-minio-"));
      const file = path.join(dir, "seventy.bin");
      const SIZE = 70 * MiB;
      const PART = 64 * MiB; // the minio client's part size for a file of this size
      const fileMd5 = createHash("md5");
      const partHashes = [createHash("md5"), createHash("md5")];
      try {
        const fd = openSync(file, "w");
        try {
          for (let off = 0, i = 0; off < SIZE; off += 4 * MiB, i++) {
            const chunk = testBytes(Math.min(4 * MiB, SIZE - off), 100 + i);
            writeSync(fd, chunk);
            fileMd5.update(chunk);
            partHashes[off < PART ? 0 : 1].update(chunk);
          }
        } finally {
          closeSync(fd);
        }
        const key = "minio/seventy.bin";
        const put = await withTimeout(
          mc.fPutObject(bucket, key, file, { "Content-Type": "application/octet-stream", "x-amz-meta-src": "file" }),
          150_000,
          "fPutObject 70 MiB",
        );
        // MD5 of the part MD5s, "-2": proves it went up as a two-part multipart upload.
        const p0 = partHashes[0].digest();
        const p1 = partHashes[1].digest();
        const expectedEtag = `${createHash("md5").update(Buffer.concat([p0, p1])).digest("hex")}-2`;
        assert.equal(unquote(put.etag), expectedEtag, "fPutObject etag (multipart, 2 parts)");

        const st = await mc.statObject(bucket, key);
        assert.equal(st.size, SIZE);
        assert.equal(unquote(st.etag), expectedEtag);
        assert.equal(st.metaData.src, "file", `metadata: ${JSON.stringify(st.metaData)}`);

        const back = createHash("md5");
        let n = 0;
        const stream = await mc.getObject(bucket, key);
        await withTimeout(
          (async () => {
            for await (const c of stream) {
              back.update(c);
              n += c.length;
            }
          })(),
          60_000,
          "getObject 70 MiB",
        );
        assert.equal(n, SIZE, "bytes read back");
        assert.equal(back.digest("hex"), fileMd5.digest("hex"), "content MD5 read back");

        // Across the part boundary.
        const edge = await readAll(await mc.getPartialObject(bucket, key, PART - 10, 20));
        const expect = Buffer.concat([
          testBytes(4 * MiB, 100 + 15).subarray(4 * MiB - 10),
          testBytes(4 * MiB, 100 + 16).subarray(0, 10),
        ]);
        assert.ok(edge.equals(expect), "getPartialObject across the part boundary");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { timeout: 240_000 },
  );

  itest(srv, "listObjectsV2 and removeObject", async () => {
    const small = Buffer.from("hello, cairn\n");
    for (const k of ["list/a.txt", "list/b/c.txt", "list/b/d.txt"]) {
      await mc.putObject(bucket, k, small, small.length, { "Content-Type": "text/plain" });
    }
    const flat = await listAll("list/", true);
    assert.deepEqual(
      flat.map((o) => o.name),
      ["list/a.txt", "list/b/c.txt", "list/b/d.txt"],
    );
    for (const o of flat) {
      assert.equal(o.size, small.length);
      assert.equal(unquote(o.etag), md5Hex(small));
      assert.ok(o.lastModified instanceof Date);
    }
    const shallow = await listAll("list/", false);
    assert.deepEqual(
      shallow.map((o) => o.name ?? o.prefix),
      ["list/a.txt", "list/b/"],
      "non-recursive listing groups list/b/",
    );

    await mc.removeObject(bucket, "list/b/c.txt");
    await expectMissing("list/b/c.txt");
    assert.deepEqual(
      (await listAll("list/", true)).map((o) => o.name),
      ["list/a.txt", "list/b/d.txt"],
    );
    // Removing a missing key is not an error in S3.
    await mc.removeObject(bucket, "list/b/c.txt");

    for (const k of ["minio/buffer.bin", "minio/stream.bin"]) {
      await mc.removeObject(bucket, k);
      await expectMissing(k);
    }
  });
}, { setup });
