// Object lock in the console against the real server (issue 13): "Object lock" at bucket
// creation, the lock section of the bucket settings (enable on an existing bucket, refused with
// InvalidBucketState while unversioned; default retention), and per version in the object
// details: retention set to COMPLIANCE (a delete then shows AccessDenied and the version
// stays), legal hold on and off, a GOVERNANCE version deleted only with the bypass, and a
// GOVERNANCE retention cleared. Every change is checked with signed S3 requests to the API
// port (s3sign.mjs).

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, ROOT_PASSWORD, ROOT_USER, shotBoth, openRootConsole } from "./harness.mjs";
import { objectPath, s3Client } from "./s3sign.mjs";

const LOCKED = "lock-e2e";
const PLAIN = "plain-e2e";

const tagText = (xml, name) => xml.match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))?.[1] ?? null;

/** A datetime-local value (this machine's zone, as the browser's) and the instant it names. */
function localMinute(msFromNow) {
  const d = new Date(Math.ceil((Date.now() + msFromNow) / 60_000) * 60_000);
  const pad = (n) => String(n).padStart(2, "0");
  return { input: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`, iso: d.toISOString() };
}

describe("object lock in the console", { timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  let s3;
  const dialogs = [];
  const problems = [];

  const put = async (key, body) => {
    const r = await s3("PUT", objectPath(LOCKED, key), { body });
    assert.equal(r.status, 200, r.text);
    return r.headers.get("x-amz-version-id");
  };
  const lockConfig = () => s3("GET", objectPath(LOCKED), { query: { "object-lock": "" } });
  const retentionOf = (key, versionId) => s3("GET", objectPath(LOCKED, key), { query: { retention: "", versionId } });
  const legalHoldOf = async (key, versionId) => {
    const r = await s3("GET", objectPath(LOCKED, key), { query: { "legal-hold": "", versionId } });
    assert.equal(r.status, 200, r.text);
    return tagText(r.text, "Status");
  };
  const versionExists = async (key, versionId) => (await s3("HEAD", objectPath(LOCKED, key), { query: { versionId } })).status === 200;
  const settings = async (bucket) => {
    await page.goto(`${server.consoleUrl}/#/bucket/${bucket}`);
    await page.getByRole("heading", { name: `Settings of ${bucket}` }).waitFor();
    await page.locator("#lock-state:not(:empty)").waitFor();
  };
  /** Opens the details of `key` in LOCKED and waits for the lock state of `versionId`. */
  const details = async (key, versionId) => {
    await page.goto(`${server.consoleUrl}/#/browse/${LOCKED}/`);
    await page.getByRole("heading", { name: LOCKED }).waitFor();
    // The same URL again does not re-render: the listing is refreshed for uploads made since.
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("button", { name: key, exact: true }).click();
    const panel = page.getByRole("complementary", { name: "Object details" });
    await panel.getByRole("table", { name: `Versions of ${key}` }).waitFor();
    await panel.getByRole("button", { name: `Retention of ${key} version ${versionId}` }).waitFor();
    return panel;
  };
  const badgesOf = (panel, versionId) => panel.locator(`tr[data-version-id="${versionId}"] td.badges`);
  const deleteDialog = async (panel, key, versionId, bypass) => {
    await panel.getByRole("button", { name: `Delete ${key} version ${versionId}` }).click();
    const dlg = page.getByRole("dialog", { name: `Delete ${key} version ${versionId}` });
    await dlg.waitFor();
    if (bypass) await dlg.getByLabel("Bypass governance retention").check();
    await dlg.getByRole("button", { name: "Delete version" }).click();
    return dlg;
  };

  before(async () => {
    server = await new CairnServer().start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    ({ browser, page } = await openRootConsole(chromium, server, dialogs));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("creates a bucket with Object lock: S3 says lock Enabled and versioning Enabled", async () => {
    const lockOption = page.getByLabel("Object lock");
    assert.match(await page.locator("#create-lock-hint").innerText(), /versioning/i, "the form says lock implies versioning");
    problems.push(...(await shotBoth(page, "buckets-create-lock", () => lockOption.waitFor())));
    await page.getByLabel("New bucket name").fill(LOCKED);
    await lockOption.check();
    await page.getByRole("button", { name: "Create bucket" }).click();
    await page.getByText(`Bucket ${LOCKED} created with object lock.`).waitFor();
    assert.equal(await lockOption.isChecked(), false, "the option does not stick to the next bucket");
    const config = await lockConfig();
    assert.equal(config.status, 200, config.text);
    assert.equal(tagText(config.text, "ObjectLockEnabled"), "Enabled");
    assert.equal(tagText(config.text, "Rule"), null, "no default retention yet");
    const versioning = await s3("GET", objectPath(LOCKED), { query: { versioning: "" } });
    assert.equal(tagText(versioning.text, "Status"), "Enabled");

    // Without the option: a plain bucket, no lock.
    await page.getByLabel("New bucket name").fill(PLAIN);
    await page.getByRole("button", { name: "Create bucket" }).click();
    await page.getByText(`Bucket ${PLAIN} created.`).waitFor();
    const none = await s3("GET", objectPath(PLAIN), { query: { "object-lock": "" } });
    assert.equal(none.status, 404);
    assert.match(none.text, /ObjectLockConfigurationNotFoundError/);

    await settings(LOCKED);
    assert.equal(await page.locator("#lock-state").innerText(), "Enabled");
    await page.locator("#versioning-state", { hasText: "Enabled" }).waitFor();
    assert.match(await page.locator("section[aria-labelledby=versioning-title]").innerText(), /can no longer be suspended/);
    assert.equal(await page.getByRole("button", { name: "Suspend versioning" }).count(), 0, "a lock bucket has no suspend switch");
  });

  it("enabling lock on an unversioned bucket shows InvalidBucketState; after Enable versioning it works", async () => {
    await settings(PLAIN);
    assert.equal(await page.locator("#lock-state").innerText(), "Not enabled");
    await page.getByRole("button", { name: "Enable object lock" }).click();
    await page.locator("#lock-error", { hasText: "InvalidBucketState" }).waitFor();
    assert.equal((await s3("GET", objectPath(PLAIN), { query: { "object-lock": "" } })).status, 404);

    await page.getByRole("button", { name: "Enable versioning" }).click();
    await page.locator("#versioning-state", { hasText: "Enabled" }).waitFor();
    await page.getByRole("button", { name: "Enable object lock" }).click();
    await page.getByText(`Object lock enabled on ${PLAIN}.`).waitFor();
    await page.locator("#lock-state", { hasText: "Enabled" }).waitFor();
    const config = await s3("GET", objectPath(PLAIN), { query: { "object-lock": "" } });
    assert.equal(config.status, 200, config.text);
    assert.equal(tagText(config.text, "ObjectLockEnabled"), "Enabled");
  });

  it("default retention: GOVERNANCE 1 day is stored and a new upload carries it; 0 days shows InvalidArgument", async () => {
    await settings(LOCKED);
    await page.getByLabel("Default mode").selectOption("GOVERNANCE");
    await page.getByLabel("Period").fill("1");
    await page.getByLabel("Unit").selectOption("Days");
    await page.getByRole("button", { name: "Save default retention" }).click();
    await page.getByText(`Default retention of ${LOCKED} saved.`).waitFor();
    const stored = await lockConfig();
    assert.equal(tagText(stored.text, "Mode"), "GOVERNANCE");
    assert.equal(tagText(stored.text, "Days"), "1");
    await page.locator("#lock-state", { hasText: "Enabled" }).waitFor();
    assert.equal(await page.getByLabel("Default mode").inputValue(), "GOVERNANCE", "read back from the server");
    problems.push(...(await shotBoth(page, "bucket-lock", () => page.getByRole("button", { name: "Save default retention" }).waitFor())));

    // The server judges the period.
    await page.getByLabel("Period").fill("0");
    await page.getByRole("button", { name: "Save default retention" }).click();
    await page.locator("#lock-error", { hasText: "InvalidArgument" }).waitFor();
    assert.equal(tagText((await lockConfig()).text, "Days"), "1", "unchanged");

    const before = Date.now();
    const id = await put("doc.txt", "kept for a day\n");
    const head = await s3("HEAD", objectPath(LOCKED, "doc.txt"), { query: { versionId: id } });
    assert.equal(head.headers.get("x-amz-object-lock-mode"), "GOVERNANCE");
    const until = Date.parse(head.headers.get("x-amz-object-lock-retain-until-date"));
    assert.ok(Math.abs(until - (before + 86_400_000)) < 120_000, `retain until ${head.headers.get("x-amz-object-lock-retain-until-date")}`);
  });

  it("COMPLIANCE retention set on a version: GetObjectRetention returns it, a delete shows AccessDenied, the version stays", async () => {
    const key = "exam.mp4";
    const id = await put(key, "recording\n");
    const panel = await details(key, id);
    await badgesOf(panel, id).getByText(/GOVERNANCE until/).waitFor();
    // The details list the version's lock headers too.
    await panel.locator("dl.details", { hasText: "Retention" }).getByText(/GOVERNANCE until/).waitFor();

    await panel.getByRole("button", { name: `Retention of ${key} version ${id}` }).click();
    const dlg = page.getByRole("dialog", { name: `Retention of ${key} version ${id}` });
    await dlg.getByLabel("Mode").selectOption("COMPLIANCE");
    const when = localMinute(2 * 86_400_000);
    await dlg.getByLabel(/Retain until/).fill(when.input);
    problems.push(...(await shotBoth(page, "version-retention", () => dlg.getByRole("button", { name: "Save retention" }).waitFor())));
    await dlg.getByRole("button", { name: "Save retention" }).click();
    await page.getByText(`Retention of ${key} version ${id} saved.`).waitFor();
    await dlg.waitFor({ state: "detached" });
    const stored = await retentionOf(key, id);
    assert.equal(stored.status, 200, stored.text);
    assert.equal(tagText(stored.text, "Mode"), "COMPLIANCE");
    assert.equal(tagText(stored.text, "RetainUntilDate"), when.iso);
    await badgesOf(panel, id).getByText(/COMPLIANCE until/).waitFor();

    // Shortening it is refused, and the refusal is shown in the dialog.
    await panel.getByRole("button", { name: `Retention of ${key} version ${id}` }).click();
    await dlg.getByLabel(/Retain until/).fill(localMinute(86_400_000).input);
    await dlg.getByLabel(/Bypass governance retention/).check();
    await dlg.getByRole("button", { name: "Save retention" }).click();
    await dlg.locator("#retention-error", { hasText: "AccessDenied" }).waitFor();
    assert.equal(await dlg.getByRole("button", { name: /Clear retention/ }).count(), 0, "COMPLIANCE cannot be cleared");
    await dlg.getByRole("button", { name: "Cancel" }).click();
    assert.equal(tagText((await retentionOf(key, id)).text, "RetainUntilDate"), when.iso);

    for (const bypass of [false, true]) {
      const del = await deleteDialog(panel, key, id, bypass);
      await del.locator("#delete-version-error", { hasText: "AccessDenied" }).waitFor();
      assert.match(await del.locator("#delete-version-error").innerText(), /object lock/);
      await del.getByRole("button", { name: "Cancel" }).click();
      await del.waitFor({ state: "detached" });
      assert.ok(await versionExists(key, id), `the version is still there (bypass ${bypass})`);
    }
  });

  it("legal hold on blocks a delete even with the bypass; off again, as GetObjectLegalHold says", async () => {
    const key = "audit.log";
    const id = await put(key, "evidence\n");
    const panel = await details(key, id);
    assert.equal(await legalHoldOf(key, id), "OFF");
    await panel.getByRole("button", { name: `Set legal hold on ${key} version ${id}` }).click();
    await page.getByText(`Legal hold set on ${key} version ${id}.`).waitFor();
    assert.equal(await legalHoldOf(key, id), "ON");
    await badgesOf(panel, id).getByText("Legal hold").waitFor();
    await panel.locator("dl.details dd", { hasText: /^ON$/ }).waitFor(); // the details read it again
    problems.push(...(await shotBoth(page, "version-legal-hold", () => badgesOf(panel, id).getByText("Legal hold").waitFor())));

    const del = await deleteDialog(panel, key, id, true);
    await del.locator("#delete-version-error", { hasText: "AccessDenied" }).waitFor();
    await del.getByRole("button", { name: "Cancel" }).click();
    assert.ok(await versionExists(key, id));

    await panel.getByRole("button", { name: `Remove legal hold from ${key} version ${id}` }).click();
    await page.getByText(`Legal hold removed from ${key} version ${id}.`).waitFor();
    assert.equal(await legalHoldOf(key, id), "OFF");
    await panel.getByRole("button", { name: `Set legal hold on ${key} version ${id}` }).waitFor();
    assert.equal(await badgesOf(panel, id).getByText("Legal hold").count(), 0);
  });

  it("a GOVERNANCE version is deleted only with the bypass; a GOVERNANCE retention can be cleared", async () => {
    const key = "audit.log";
    const keep = await put(key, "second\n"); // audit.log's first version becomes noncurrent
    const versions = await s3("GET", objectPath(LOCKED), { query: { versions: "", prefix: key } });
    const ids = [...versions.text.matchAll(/<VersionId>([^<]+)<\/VersionId>/g)].map((m) => m[1]);
    assert.equal(ids.length, 2);
    const old = ids.find((v) => v !== keep);
    const panel = await details(key, old);

    const refused = await deleteDialog(panel, key, old, false);
    await refused.locator("#delete-version-error", { hasText: "AccessDenied" }).waitFor();
    await refused.getByRole("button", { name: "Cancel" }).click();
    assert.ok(await versionExists(key, old));

    await deleteDialog(panel, key, old, true);
    await page.getByText(`Deleted version ${old} of ${key}.`).waitFor();
    const gone = await s3("HEAD", objectPath(LOCKED, key), { query: { versionId: old } });
    assert.equal(gone.status, 404);

    // Clearing: an empty Retention with the bypass header.
    const cleared = await details(key, keep);
    await cleared.getByRole("button", { name: `Retention of ${key} version ${keep}` }).click();
    const dlg = page.getByRole("dialog", { name: `Retention of ${key} version ${keep}` });
    await dlg.getByRole("button", { name: "Clear retention (bypass)" }).click();
    await page.getByText(`Retention of ${key} version ${keep} saved.`).waitFor();
    const none = await retentionOf(key, keep);
    assert.equal(none.status, 404, none.text);
    assert.match(none.text, /NoSuchObjectLockConfiguration/);
    await cleared.getByRole("button", { name: `Retention of ${key} version ${keep}` }).waitFor();
    assert.equal(await badgesOf(cleared, keep).getByText(/GOVERNANCE until/).count(), 0);
    // Nothing holds it now: a plain permanent delete goes through.
    await deleteDialog(cleared, key, keep, false);
    await page.getByText(`Deleted version ${keep} of ${key}.`).waitFor();
    assert.equal(await versionExists(key, keep), false);
  });

  it("the object list's Show versions carries the lock state too", async () => {
    const key = "exam.mp4";
    await page.goto(`${server.consoleUrl}/#/browse/${LOCKED}/`);
    await page.getByLabel("Show versions").check();
    const row = page.locator(".listing table.versions-table tbody tr[data-version-id]", { hasText: key });
    await row.getByText(/COMPLIANCE until/).waitFor();
    await row.getByRole("button", { name: /^Retention of exam\.mp4/ }).waitFor();
    problems.push(...(await shotBoth(page, "object-versions-lock", () => row.getByText(/COMPLIANCE until/).waitFor())));
    await page.getByLabel("Show versions").uncheck(); // the toggle is per visit, leave it off
  });

  it("every page taken had labelled controls and fit 390 px; no stray browser dialogs", () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(dialogs, []);
  });
});
