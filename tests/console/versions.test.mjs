// Versioning in the console against the real server (issue 11): the bucket's versioning switch,
// the version list of the object browser ("Show versions") with download, restore, permanent
// delete, delete markers and paging, and a user whose policy denies PutBucketVersioning. Every
// change made in the page is checked with signed S3 requests to the API port (s3sign.mjs).

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, consoleCall, newPage, ROOT_PASSWORD, ROOT_USER, shotBoth, signIn, openRootConsole } from "./harness.mjs";
import { objectPath, parseVersions, s3Client } from "./s3sign.mjs";

const BUCKET = "versions-e2e";
const V1 = "first version of the document\n";
const V2 = "second version, longer than the first one\n";

describe("versions in the console", { timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  let files;
  let s3;
  const dialogs = [];
  const problems = [];

  const versionsOf = async (key, prefix = key) => {
    const r = await s3("GET", objectPath(BUCKET), { query: { versions: "", prefix } });
    assert.equal(r.status, 200, r.text);
    return parseVersions(r.text).filter((v) => v.key === key);
  };
  const getLatest = (key) => s3("GET", objectPath(BUCKET, key));
  const browse = async (prefix = "") => {
    await page.goto(`${server.consoleUrl}/#/browse/${BUCKET}/${encodeURIComponent(prefix)}`);
    await page.getByRole("heading", { name: prefix ? prefix.replace(/\/$/, "").split("/").pop() : BUCKET }).waitFor();
  };
  const versionsToggle = () => page.getByLabel("Show versions");
  const versionRows = () => page.locator(".listing table.versions-table tbody tr[data-version-id]");
  const rowOf = (versionId) => page.locator(`.listing table.versions-table tbody tr[data-version-id="${versionId}"]`);
  const upload = async (name, content) => {
    const file = path.join(files, name);
    writeFileSync(file, content);
    const done = await page.locator("li.upload.done").count();
    await page.locator("#upload-files").setInputFiles(file);
    await page.waitForFunction((n) => document.querySelectorAll("li.upload.done").length > n, done);
  };

  before(async () => {
    files = mkdtempSync(path.join(tmpdir(), "cairn-console-versions-"));
    server = await new CairnServer().start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    assert.equal((await s3("PUT", objectPath(BUCKET))).status, 200);
    ({ browser, page } = await openRootConsole(chromium, server, dialogs));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it("bucket settings: Unversioned, then Enable / Suspend / Enable, as S3 reports it", async () => {
    const stored = async () => (await s3("GET", objectPath(BUCKET), { query: { versioning: "" } })).text.match(/<Status>(\w+)<\/Status>/)?.[1] ?? "none";
    assert.equal(await stored(), "none");
    await page.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
    const state = page.locator("#versioning-state");
    await page.locator("#versioning-state", { hasText: "Unversioned" }).waitFor();
    problems.push(...(await shotBoth(page, "bucket-versioning", () => page.getByRole("button", { name: "Enable versioning" }).waitFor())));
    await page.getByRole("button", { name: "Enable versioning" }).click();
    await page.locator("#versioning-state", { hasText: "Enabled" }).waitFor();
    assert.equal(await stored(), "Enabled");
    await page.getByRole("button", { name: "Suspend versioning" }).click();
    await page.locator("#versioning-state", { hasText: "Suspended" }).waitFor();
    assert.equal(await stored(), "Suspended");
    // The page reads the state back from the server, not from what it last sent.
    await page.reload();
    await page.locator("#versioning-state", { hasText: "Suspended" }).waitFor();
    await page.getByRole("button", { name: "Enable versioning" }).click();
    await page.locator("#versioning-state", { hasText: "Enabled" }).waitFor();
    assert.equal(await stored(), "Enabled");
    assert.equal(await state.innerText(), "Enabled");
  });

  let oldId;
  let newId;
  it("two uploads are two versions; the old one downloads with its own bytes and is restored", async () => {
    await browse();
    await upload("doc.txt", V1);
    await upload("doc.txt", V2);
    const stored = await versionsOf("doc.txt");
    assert.equal(stored.length, 2, JSON.stringify(stored));
    [newId, oldId] = stored.map((v) => v.versionId);
    assert.ok(stored[0].isLatest && !stored[1].isLatest);

    await versionsToggle().check();
    await rowOf(oldId).waitFor();
    assert.deepEqual(await versionRows().evaluateAll((rows) => rows.map((r) => r.getAttribute("data-version-id"))), [newId, oldId], "newest first");
    assert.match(await rowOf(newId).innerText(), /Latest/);
    assert.doesNotMatch(await rowOf(oldId).innerText(), /Latest/);
    assert.match(await rowOf(oldId).innerText(), new RegExp(`${V1.length} B`));
    assert.equal(await rowOf(newId).getByRole("button", { name: /^Restore/ }).count(), 0, "the latest has nothing to restore");
    problems.push(...(await shotBoth(page, "object-versions", () => rowOf(oldId).waitFor())));

    const [download] = await Promise.all([page.waitForEvent("download"), rowOf(oldId).getByRole("link", { name: `Download doc.txt version ${oldId}` }).click()]);
    assert.equal(readFileSync(await download.path(), "utf8"), V1);

    await rowOf(oldId).getByRole("button", { name: `Restore doc.txt version ${oldId}` }).click();
    await page.getByText(`Restored doc.txt from version ${oldId}`).waitFor();
    const latest = await getLatest("doc.txt");
    assert.equal(latest.status, 200);
    assert.equal(latest.text, V1, "the restored version is the latest");
    const after = await versionsOf("doc.txt");
    assert.equal(after.length, 3);
    assert.deepEqual(after.slice(1).map((v) => v.versionId), [newId, oldId], "restoring copies; the history stays");
    await versionRows().nth(2).waitFor();
    assert.equal(await versionRows().first().getAttribute("data-version-id"), after[0].versionId);
  });

  it("deletes one version permanently after a confirmation", async () => {
    const before = dialogs.length;
    await rowOf(newId).getByRole("button", { name: `Delete doc.txt version ${newId}` }).click();
    await page.getByText(`Deleted version ${newId} of doc.txt.`).waitFor();
    assert.match(dialogs.slice(before).join("\n"), /confirm: Permanently delete version/);
    await rowOf(newId).waitFor({ state: "detached" });
    assert.equal(await versionRows().count(), 2);
    const gone = await s3("GET", objectPath(BUCKET, "doc.txt"), { query: { versionId: newId } });
    assert.equal(gone.status, 404);
    assert.match(gone.text, /NoSuchVersion/);
    assert.deepEqual((await versionsOf("doc.txt")).map((v) => v.versionId).includes(newId), false);
  });

  it("deleting the object leaves a delete marker; removing it brings the object back", async () => {
    await versionsToggle().uncheck();
    await page.getByRole("button", { name: "doc.txt", exact: true }).click();
    const details = page.getByRole("complementary", { name: "Object details" });
    await details.getByRole("heading", { name: "doc.txt" }).waitFor();
    // The details show the key's history too.
    await details.getByRole("table", { name: "Versions of doc.txt" }).waitFor();
    await details.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("Deleted doc.txt.").waitFor();
    await page.getByText("This folder is empty.").waitFor();
    const hidden = await s3("HEAD", objectPath(BUCKET, "doc.txt"));
    assert.equal(hidden.status, 404);
    assert.equal(hidden.headers.get("x-amz-delete-marker"), "true");
    const stored = await versionsOf("doc.txt");
    assert.equal(stored[0].kind, "DeleteMarker");
    assert.ok(stored[0].isLatest);
    const markerId = stored[0].versionId;

    await versionsToggle().check();
    const marker = rowOf(markerId);
    await marker.waitFor();
    assert.match(await marker.innerText(), /Delete marker/);
    assert.match(await marker.innerText(), /Latest/);
    assert.equal(await marker.getByRole("link", { name: /Download/ }).count(), 0, "a marker has no bytes");
    problems.push(...(await shotBoth(page, "object-delete-marker", () => marker.waitFor())));
    await marker.getByRole("button", { name: `Remove delete marker ${markerId} of doc.txt` }).click();
    await page.getByText("Removed the delete marker of doc.txt.").waitFor();
    await marker.waitFor({ state: "detached" });
    const back = await getLatest("doc.txt");
    assert.equal(back.status, 200);
    assert.equal(back.text, V1);
    await versionsToggle().uncheck();
    await page.getByRole("table", { name: "Object versions" }).waitFor({ state: "detached" });
    await page.getByRole("button", { name: "doc.txt", exact: true }).waitFor();
  });

  it("pages a long history with key-marker and version-id-marker", async () => {
    const key = "many/k.bin";
    const made = [];
    for (let i = 0; i < 205; i++) {
      const r = await s3("PUT", objectPath(BUCKET, key), { body: `v${i}` });
      assert.equal(r.status, 200);
      made.push(r.headers.get("x-amz-version-id"));
    }
    made.reverse(); // newest first
    await browse("many/");
    await versionsToggle().check();
    await rowOf(made[0]).waitFor();
    assert.equal(await versionRows().count(), 200);
    const ids = async () => versionRows().evaluateAll((rows) => rows.map((r) => r.getAttribute("data-version-id")));
    const first = await ids();
    const listed = page.waitForResponse((r) => r.url().includes("version-id-marker="));
    await page.getByRole("button", { name: "Next page" }).click();
    await listed;
    await rowOf(made[204]).waitFor();
    const second = await ids();
    assert.deepEqual([...first, ...second], made, "every version once, newest first");
    await page.getByText("Page 2").waitFor();
    assert.equal(await page.getByRole("button", { name: "Next page" }).isDisabled(), true);
    await page.getByRole("button", { name: "Previous page" }).click();
    await rowOf(made[0]).waitFor();
    assert.deepEqual(await ids(), first);
    await versionsToggle().uncheck();
  });

  it("a user whose policy denies PutBucketVersioning sees AccessDenied; nothing changes", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] },
        { Effect: "Deny", Action: ["s3:PutBucketVersioning", "s3:DeleteObjectVersion"], Resource: ["arn:aws:s3:::*"] },
      ],
    };
    assert.equal((await consoleCall(page, "PUT", "/api/admin/policy?name=no-versioning", policy)).status, 200);
    assert.equal((await consoleCall(page, "PUT", "/api/admin/user?accessKey=keeper", { secretKey: "keeperpass123" })).status, 200);
    assert.equal((await consoleCall(page, "POST", "/api/admin/policy-attach", { policies: ["no-versioning"], user: "keeper" })).status, 200);

    const other = await newPage(browser);
    try {
      await signIn(other, server, "keeper", "keeperpass123");
      await other.getByRole("heading", { name: "Buckets" }).waitFor();
      await other.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
      await other.locator("#versioning-state", { hasText: "Enabled" }).waitFor();
      await other.getByRole("button", { name: "Suspend versioning" }).click();
      await other.locator("#versioning-error", { hasText: "AccessDenied" }).waitFor();
      assert.equal(await other.locator("#versioning-state").innerText(), "Enabled");
      const stored = await s3("GET", objectPath(BUCKET), { query: { versioning: "" } });
      assert.match(stored.text, /<Status>Enabled<\/Status>/);

      // Deleting a version needs s3:DeleteObjectVersion: refused, and the version stays.
      const [keep] = await versionsOf("doc.txt");
      await other.goto(`${server.consoleUrl}/#/browse/${BUCKET}/`);
      await other.getByLabel("Show versions").check();
      const row = other.locator(`.listing tr[data-version-id="${keep.versionId}"]`);
      await row.getByRole("button", { name: /^Delete / }).click();
      await other.locator(".message.error", { hasText: "AccessDenied" }).waitFor();
      assert.equal((await s3("HEAD", objectPath(BUCKET, "doc.txt"), { query: { versionId: keep.versionId } })).status, 200);
      await other.getByLabel("Show versions").uncheck(); // the toggle is per visit, leave it off
    } finally {
      await other.context().close();
    }
  });

  it("every page taken had labelled controls and fit 390 px", () => {
    assert.deepEqual(problems, []);
  });
});
