// Tags in the console against the real server (issue 11): an object's tags (add, edit, remove,
// remove all), the tags of a chosen version, a bucket's tags, AWS's limits answered by the server
// (BadRequest above 10 per object / 50 per bucket, InvalidTag for an `aws:` key) and a user whose
// policy denies PutObjectTagging. Each save is checked with signed S3 requests (s3sign.mjs).

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, consoleCall, newPage, ROOT_PASSWORD, ROOT_USER, shotBoth, signIn, openRootConsole } from "./harness.mjs";
import { objectPath, parseTags, parseVersions, s3Client } from "./s3sign.mjs";

const BUCKET = "tags-e2e";
const KEY = "reports/q1.csv";

describe("tags in the console", { timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  let s3;
  let oldId;
  let latestId;
  const problems = [];

  const objectTags = async (versionId) => {
    const r = await s3("GET", objectPath(BUCKET, KEY), { query: versionId ? { tagging: "", versionId } : { tagging: "" } });
    assert.equal(r.status, 200, r.text);
    return parseTags(r.text);
  };
  const bucketTags = async () => {
    const r = await s3("GET", objectPath(BUCKET), { query: { tagging: "" } });
    if (r.status === 404) {
      assert.match(r.text, /NoSuchTagSet/);
      return [];
    }
    assert.equal(r.status, 200, r.text);
    return parseTags(r.text);
  };
  const details = () => page.getByRole("complementary", { name: "Object details" });
  const editor = (scope, title) => scope.getByRole("region", { name: title, exact: true });
  /** The rows of an editor as [[key, value], ...] read from its inputs. */
  const shown = async (section) =>
    section.locator("table.tags tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("input")].map((i) => i.value)));
  const addTag = async (section, key, value) => {
    const n = await section.locator("table.tags tbody tr").count();
    await section.getByRole("button", { name: "Add tag" }).click();
    await section.getByLabel(`Tag ${n + 1} key`).fill(key);
    await section.getByLabel(`Tag ${n + 1} value`).fill(value);
  };
  // A save's "... saved." message stays 6 s: drop the earlier ones before the next save, or
  // waiting for the message would return at once, before the new save has reached the server.
  const clearMessages = () => page.locator("#messages .message").evaluateAll((ns) => ns.forEach((n) => n.remove()));
  const openObject = async () => {
    await page.goto(`${server.consoleUrl}/#/browse/${BUCKET}/reports%2F`);
    await page.getByRole("button", { name: "q1.csv", exact: true }).click();
    await details().getByRole("heading", { name: "q1.csv" }).waitFor();
  };

  before(async () => {
    server = await new CairnServer().start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    assert.equal((await s3("PUT", objectPath(BUCKET))).status, 200);
    const versioning = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
    assert.equal((await s3("PUT", objectPath(BUCKET), { query: { versioning: "" }, body: versioning })).status, 200);
    for (const body of ["a,b\n1,2\n", "a,b\n3,4\n"]) assert.equal((await s3("PUT", objectPath(BUCKET, KEY), { body })).status, 200);
    const versions = parseVersions((await s3("GET", objectPath(BUCKET), { query: { versions: "" } })).text);
    [latestId, oldId] = versions.map((v) => v.versionId);
    ({ browser, page } = await openRootConsole(chromium, server));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("object tags: add two, read back, edit one, remove one, remove all", async () => {
    await openObject();
    const tags = editor(details(), "Tags");
    await tags.getByText("No tags.").waitFor();
    await addTag(tags, "project", "cairn");
    await addTag(tags, "stage", "test");
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${KEY} saved.`).waitFor();
    assert.deepEqual(await objectTags(), [["project", "cairn"], ["stage", "test"]]);
    assert.deepEqual(await objectTags(oldId), [], "the older version keeps its own (empty) set");

    // A new visit reads them from the server.
    await openObject();
    await tags.getByLabel("Tag 2 value").waitFor();
    assert.deepEqual(await shown(tags), [["project", "cairn"], ["stage", "test"]]);
    problems.push(...(await shotBoth(page, "object-tags", () => tags.getByLabel("Tag 2 value").waitFor())));
    await tags.getByLabel("Tag 2 value").fill("prod");
    await tags.getByRole("button", { name: "Remove tag 1" }).click();
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${KEY} saved.`).waitFor();
    assert.deepEqual(await objectTags(), [["stage", "prod"]]);

    await openObject();
    await tags.getByLabel("Tag 1 key").waitFor();
    await tags.getByRole("button", { name: "Remove tag 1" }).click();
    await tags.getByText("No tags.").waitFor();
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${KEY} saved.`).waitFor();
    assert.deepEqual(await objectTags(), []);
  });

  it("tags of a chosen version leave the latest alone", async () => {
    await openObject();
    await details().getByRole("button", { name: `Details of ${KEY} version ${oldId}` }).click();
    const tags = editor(details(), "Tags of this version");
    await tags.getByText("No tags.").waitFor();
    await addTag(tags, "retain", "yes");
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${KEY} version ${oldId} saved.`).waitFor();
    assert.deepEqual(await objectTags(oldId), [["retain", "yes"]]);
    assert.deepEqual(await objectTags(), []);
    assert.deepEqual(await objectTags(latestId), []);
  });

  it("object limits: 11 tags answer BadRequest, an aws: key InvalidTag; nothing is stored", async () => {
    await openObject();
    const tags = editor(details(), "Tags");
    await tags.getByText("No tags.").waitFor();
    for (let i = 1; i <= 11; i++) await addTag(tags, `k${i}`, `v${i}`);
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.locator("#object-tags-error", { hasText: "BadRequest" }).waitFor();
    assert.match(await page.locator("#object-tags-error").innerText(), /10/);
    assert.deepEqual(await objectTags(), []);
    // The edits stay on screen to be fixed: with 10 the save goes through.
    await tags.getByRole("button", { name: "Remove tag 11" }).click();
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${KEY} saved.`).waitFor();
    assert.equal((await objectTags()).length, 10);

    await tags.getByLabel("Tag 1 key").fill("aws:owner");
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.locator("#object-tags-error", { hasText: "InvalidTag" }).waitFor();
    assert.equal((await objectTags())[0][0], "k1", "the stored set is unchanged");
  });

  it("bucket tags: add, read back, remove one, the 50 limit, remove all", async () => {
    await page.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
    const tags = editor(page, "Bucket tags");
    await tags.getByText("No tags.").waitFor();
    await addTag(tags, "team", "storage");
    await addTag(tags, "cost-center", "42");
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${BUCKET} saved.`).waitFor();
    assert.deepEqual(await bucketTags(), [["team", "storage"], ["cost-center", "42"]]);

    await page.reload();
    await tags.getByLabel("Tag 2 key").waitFor();
    assert.deepEqual(await shown(tags), [["team", "storage"], ["cost-center", "42"]]);
    problems.push(...(await shotBoth(page, "bucket-tags", () => tags.getByLabel("Tag 2 key").waitFor())));
    await tags.getByRole("button", { name: "Remove tag 1" }).click();
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${BUCKET} saved.`).waitFor();
    assert.deepEqual(await bucketTags(), [["cost-center", "42"]]);

    for (let i = 2; i <= 51; i++) await addTag(tags, `k${i}`, "v");
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.locator("#bucket-tags-error", { hasText: "BadRequest" }).waitFor();
    assert.match(await page.locator("#bucket-tags-error").innerText(), /50/);
    assert.deepEqual(await bucketTags(), [["cost-center", "42"]]);

    await page.reload();
    await tags.getByLabel("Tag 1 key").waitFor();
    await tags.getByRole("button", { name: "Remove tag 1" }).click();
    await clearMessages();
    await tags.getByRole("button", { name: "Save tags" }).click();
    await page.getByText(`Tags of ${BUCKET} saved.`).waitFor();
    await tags.getByText("No tags.").waitFor();
    assert.deepEqual(await bucketTags(), [], "no tags left: GetBucketTagging answers NoSuchTagSet");
  });

  it("a user whose policy denies PutObjectTagging sees AccessDenied; nothing changes", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] },
        { Effect: "Deny", Action: ["s3:PutObjectTagging", "s3:DeleteObjectTagging"], Resource: ["arn:aws:s3:::*"] },
      ],
    };
    assert.equal((await consoleCall(page, "PUT", "/api/admin/policy?name=no-tagging", policy)).status, 200);
    assert.equal((await consoleCall(page, "PUT", "/api/admin/user?accessKey=tagless", { secretKey: "taglesspass123" })).status, 200);
    assert.equal((await consoleCall(page, "POST", "/api/admin/policy-attach", { policies: ["no-tagging"], user: "tagless" })).status, 200);
    const before = await objectTags();

    const other = await newPage(browser);
    try {
      await signIn(other, server, "tagless", "taglesspass123");
      await other.getByRole("heading", { name: "Buckets" }).waitFor();
      await other.goto(`${server.consoleUrl}/#/browse/${BUCKET}/reports%2F`);
      await other.getByRole("button", { name: "q1.csv", exact: true }).click();
      const tags = other.getByRole("complementary", { name: "Object details" }).getByRole("region", { name: "Tags", exact: true });
      await tags.getByLabel("Tag 1 key").waitFor();
      await tags.getByLabel("Tag 1 value").fill("changed");
      await clearMessages();
      await tags.getByRole("button", { name: "Save tags" }).click();
      await other.locator("#object-tags-error", { hasText: "AccessDenied" }).waitFor();
      assert.deepEqual(await objectTags(), before);
    } finally {
      await other.context().close();
    }
  });

  it("every page taken had labelled controls and fit 390 px", () => {
    assert.deepEqual(problems, []);
  });
});
