// ListObjectVersions from the AWS SDK for JavaScript v3 (issue 11): a versioned bucket with
// several versions per key and delete markers, listed 4 entries a page over 3 pages with
// KeyMarker / VersionIdMarker, pages cutting inside a key. Every entry is checked against the
// versions the test wrote: order (key ascending, newest first), IsLatest, markers, sizes.

import assert from "node:assert/strict";

import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";

import { itest, serverSuite, uniqueBucket } from "./harness.mjs";

const bucket = uniqueBucket("jsver");
let s3;
// Per key, newest first: { versionId, marker, size }.
const written = new Map();

async function put(key, body) {
  const res = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  assert.ok(res.VersionId, `PutObject ${key} returns a version id`);
  written.get(key).unshift({ versionId: res.VersionId, marker: false, size: body.length });
}

async function del(key) {
  const res = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(res.DeleteMarker, true, `DELETE ${key} writes a delete marker`);
  written.get(key).unshift({ versionId: res.VersionId, marker: true, size: 0 });
}

async function setup(server) {
  s3 = server.s3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: "Enabled" },
    }),
  );
  for (const key of ["a", "b/one", "b/two", "c"]) written.set(key, []);
  await put("a", "a1");
  await put("a", "a22");
  await put("a", "a333");
  await put("b/one", "b1");
  await put("b/one", "b22");
  await del("b/one");
  await put("b/two", "t");
  await del("b/two");
  await put("c", "cc");
}

// What a full listing must show, in order.
function expected() {
  const out = [];
  for (const key of [...written.keys()].sort()) {
    written.get(key).forEach((v, i) => out.push({ key, ...v, latest: i === 0 }));
  }
  return out;
}

serverSuite(
  "ListObjectVersions paging with the JS SDK v3",
  (srv) => {
    itest(srv, "3 pages of 4 by KeyMarker/VersionIdMarker, delete markers included", async () => {
      const want = expected();
      assert.equal(want.length, 9);
      const pages = [];
      let KeyMarker;
      let VersionIdMarker;
      for (;;) {
        const page = await s3.send(
          new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 4, KeyMarker, VersionIdMarker }),
        );
        pages.push(page);
        assert.ok(pages.length <= 3, "at most 3 pages");
        if (!page.IsTruncated) break;
        KeyMarker = page.NextKeyMarker;
        VersionIdMarker = page.NextVersionIdMarker;
      }
      assert.equal(pages.length, 3);
      assert.deepEqual(
        pages.map((p) => (p.Versions ?? []).length + (p.DeleteMarkers ?? []).length),
        [4, 4, 1],
      );
      assert.deepEqual(
        pages.map((p) => p.IsTruncated),
        [true, true, false],
      );
      let at = 0;
      for (const [n, page] of pages.entries()) {
        assert.equal(page.MaxKeys, 4);
        // The SDK splits versions from markers; each kind keeps the server's order.
        const slice = want.slice(at, at + 4);
        at += slice.length;
        const versions = (page.Versions ?? []).map((v) => ({
          key: v.Key,
          versionId: v.VersionId,
          latest: v.IsLatest,
          size: v.Size,
        }));
        const markers = (page.DeleteMarkers ?? []).map((m) => ({
          key: m.Key,
          versionId: m.VersionId,
          latest: m.IsLatest,
        }));
        assert.deepEqual(
          versions,
          slice
            .filter((e) => !e.marker)
            .map(({ key, versionId, latest, size }) => ({ key, versionId, latest, size })),
          `page ${n + 1} versions`,
        );
        assert.deepEqual(
          markers,
          slice
            .filter((e) => e.marker)
            .map(({ key, versionId, latest }) => ({ key, versionId, latest })),
          `page ${n + 1} delete markers`,
        );
        for (const v of page.Versions ?? []) {
          assert.ok(v.ETag && v.LastModified instanceof Date, "ETag and LastModified");
          assert.equal(v.StorageClass, "STANDARD");
        }
        if (page.IsTruncated) {
          const last = slice[slice.length - 1];
          assert.equal(page.NextKeyMarker, last.key, `page ${n + 1} NextKeyMarker`);
          assert.equal(page.NextVersionIdMarker, last.versionId, `page ${n + 1} NextVersionIdMarker`);
        }
      }
      // The first page ends inside "b/one": its marker and newest version are on page 1, its
      // older version on page 2, which does not repeat IsLatest.
      assert.equal(pages[1].Versions[0].Key, "b/one");
      assert.equal(pages[1].Versions[0].IsLatest, false);
    });

    itest(srv, "Prefix and Delimiter group b/ into one CommonPrefix", async () => {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: "/" }),
      );
      assert.deepEqual(
        (page.CommonPrefixes ?? []).map((p) => p.Prefix),
        ["b/"],
      );
      assert.deepEqual(
        (page.Versions ?? []).map((v) => v.Key),
        ["a", "a", "a", "c"],
      );
      assert.equal((page.DeleteMarkers ?? []).length, 0);
      const inside = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: "b/two" }),
      );
      assert.deepEqual(
        (inside.DeleteMarkers ?? []).map((m) => [m.Key, m.IsLatest]),
        [["b/two", true]],
      );
      assert.deepEqual(
        (inside.Versions ?? []).map((v) => [v.Key, v.IsLatest, v.Size]),
        [["b/two", false, 1]],
      );
    });

    itest(srv, "ListObjectsV2 shows only keys whose latest version is not a marker", async () => {
      const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(
        (res.Contents ?? []).map((o) => [o.Key, o.Size]),
        [
          ["a", 4],
          ["c", 2],
        ],
      );
    });
  },
  { setup },
);
