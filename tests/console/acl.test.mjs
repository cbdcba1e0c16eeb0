// Access control in the console against the real server (issue 12): an object's ACL (shown after
// an S3 PUT with public-read, changed with the canned selector), a version's ACL, and the bucket's
// Access control section (policy status, bucket ACL, Object Ownership with BucketOwnerEnforced
// refusing an object ACL, Block Public Access). Every change is checked with signed S3 requests
// (s3sign.mjs) and, where it decides access, with an anonymous GET.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, ROOT_PASSWORD, ROOT_USER, shotBoth, openRootConsole } from "./harness.mjs";
import { objectPath, parseVersions, s3Client } from "./s3sign.mjs";

const BUCKET = "acl-e2e";
const KEY = "media/photo.txt";
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

/** [[grantee id or group URI, permission], ...] of an AccessControlPolicy document. */
function parseGrants(xml) {
  return [...xml.matchAll(/<Grant>([\s\S]*?)<\/Grant>/g)].map((m) => {
    const field = (name) => m[1].match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))?.[1] ?? "";
    return [field("URI") || field("ID"), field("Permission")];
  });
}

describe("access control in the console", { timeout: 240_000 }, () => {
  let server;
  let browser;
  let page;
  let s3;
  let oldId;
  let latestId;
  const problems = [];

  const objectGrants = async (versionId) => {
    const r = await s3("GET", objectPath(BUCKET, KEY), { query: versionId ? { acl: "", versionId } : { acl: "" } });
    assert.equal(r.status, 200, r.text);
    return parseGrants(r.text);
  };
  const isPublic = (grants) => grants.some(([who, perm]) => who === ALL_USERS && perm === "READ");
  const anonymousGet = async (versionId) => {
    const query = versionId ? `?versionId=${encodeURIComponent(versionId)}` : "";
    const r = await fetch(`${server.endpoint}${objectPath(BUCKET, KEY)}${query}`);
    await r.arrayBuffer();
    return r.status;
  };
  const bucketConfig = async (sub) => {
    const r = await s3("GET", objectPath(BUCKET), { query: { [sub]: "" } });
    return { status: r.status, text: r.text };
  };
  const details = () => page.getByRole("complementary", { name: "Object details" });
  const region = (scope, name) => scope.getByRole("region", { name, exact: true });
  /** The grant rows of an ACL view as [[grantee, type, permission], ...]. */
  const shownGrants = (section) =>
    section.locator("table.grants tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
  // A message stays 6 s: drop earlier ones so that waiting for the next one waits for its call.
  const clearMessages = () => page.locator("#messages .message").evaluateAll((ns) => ns.forEach((n) => n.remove()));
  const openObject = async () => {
    await page.goto(`${server.consoleUrl}/#/browse/${BUCKET}/media%2F`);
    await page.getByRole("button", { name: "photo.txt", exact: true }).click();
    await details().getByRole("heading", { name: "photo.txt" }).waitFor();
  };
  const applyCanned = async (section, acl, message) => {
    await section.getByLabel("Canned ACL").selectOption(acl);
    await clearMessages();
    await section.getByRole("button", { name: "Apply ACL" }).click();
    if (message) await page.getByText(message, { exact: true }).waitFor();
  };
  const settings = async () => {
    // Going to the same #/bucket/ address again is no navigation: leave it first.
    await page.goto(`${server.consoleUrl}/#/buckets`);
    await page.getByRole("heading", { name: "Buckets" }).waitFor();
    await page.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
    await page.getByRole("heading", { name: `Settings of ${BUCKET}` }).waitFor();
    await page.locator("#policy-public").filter({ hasNotText: "…" }).waitFor();
    await page.locator("#ownership-state").filter({ hasNotText: "…" }).waitFor();
    await page.locator("#pab-state").filter({ hasNotText: "…" }).waitFor();
  };

  before(async () => {
    server = await new CairnServer().start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    assert.equal((await s3("PUT", objectPath(BUCKET))).status, 200);
    const versioning = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
    assert.equal((await s3("PUT", objectPath(BUCKET), { query: { versioning: "" }, body: versioning })).status, 200);
    assert.equal((await s3("PUT", objectPath(BUCKET, KEY), { body: "old\n" })).status, 200);
    const put = await s3("PUT", objectPath(BUCKET, KEY), { body: "new\n", headers: { "x-amz-acl": "public-read" } });
    assert.equal(put.status, 200, put.text);
    const versions = parseVersions((await s3("GET", objectPath(BUCKET), { query: { versions: "" } })).text);
    [latestId, oldId] = versions.map((v) => v.versionId);
    assert.ok(latestId && oldId && latestId !== oldId);
    ({ browser, page } = await openRootConsole(chromium, server));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("object ACL: public-read from an S3 PUT is shown; the selector changes it on the server", async () => {
    assert.ok(isPublic(await objectGrants()));
    assert.equal(await anonymousGet(), 200);
    await openObject();
    const acl = region(details(), "Access control");
    await acl.locator("table.grants").waitFor();
    const rows = await shownGrants(acl);
    assert.ok(rows.some(([who, type, perm]) => who === "AllUsers" && type === "Group" && perm === "READ"), JSON.stringify(rows));
    assert.ok(rows.some(([, type, perm]) => type === "CanonicalUser" && perm === "FULL_CONTROL"), JSON.stringify(rows));
    assert.match(await page.locator("#object-acl-owner").innerText(), /^Owner: \S+/);
    problems.push(...(await shotBoth(page, "object-acl", () => acl.locator("table.grants").waitFor())));

    await applyCanned(acl, "private", `ACL of ${KEY} set to private.`);
    await acl.locator("table.grants tbody tr").first().waitFor();
    assert.ok(!(await shownGrants(acl)).some(([who]) => who === "AllUsers"), "the view is read again");
    assert.deepEqual((await objectGrants()).map(([, perm]) => perm), ["FULL_CONTROL"]);
    assert.equal(await anonymousGet(), 403);

    await applyCanned(acl, "authenticated-read", `ACL of ${KEY} set to authenticated-read.`);
    assert.ok((await objectGrants()).some(([who, perm]) => who.endsWith("/AuthenticatedUsers") && perm === "READ"));
    await acl.getByRole("cell", { name: "AuthenticatedUsers", exact: true }).waitFor();
    assert.equal(await anonymousGet(), 403);

    await applyCanned(acl, "public-read", `ACL of ${KEY} set to public-read.`);
    assert.ok(isPublic(await objectGrants()));
    assert.equal(await anonymousGet(), 200);
    await applyCanned(acl, "private", `ACL of ${KEY} set to private.`);
    assert.equal(await anonymousGet(), 403);
  });

  it("a version's ACL is its own", async () => {
    await openObject();
    await details().getByRole("button", { name: `Details of ${KEY} version ${oldId}` }).click();
    await details().getByText(`Version ${oldId}.`).waitFor();
    const acl = region(details(), "Access control");
    await acl.locator("table.grants").waitFor();
    assert.ok(!(await shownGrants(acl)).some(([who]) => who === "AllUsers"));
    await applyCanned(acl, "public-read", `ACL of ${KEY} version ${oldId} set to public-read.`);
    assert.ok(isPublic(await objectGrants(oldId)));
    assert.ok(!isPublic(await objectGrants(latestId)), "the latest version keeps its private ACL");
    assert.equal(await anonymousGet(oldId), 200);
    assert.equal(await anonymousGet(), 403);
    await acl.getByRole("cell", { name: "AllUsers", exact: true }).waitFor();
  });

  it("bucket policy status: Public yes after a public policy, no after its delete", async () => {
    await settings();
    assert.equal(await page.locator("#policy-public").innerText(), "No (no bucket policy)");
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }],
    });
    assert.equal((await s3("PUT", objectPath(BUCKET), { query: { policy: "" }, body: policy })).status, 204);
    assert.match((await bucketConfig("policyStatus")).text, /<IsPublic>true<\/IsPublic>/);
    await settings();
    assert.equal(await page.locator("#policy-public").innerText(), "Yes");
    problems.push(...(await shotBoth(page, "bucket-access", () => page.locator("#policy-public").waitFor())));

    // A policy pinned to a source address is not public.
    const pinned = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }],
    });
    assert.equal((await s3("PUT", objectPath(BUCKET), { query: { policy: "" }, body: pinned })).status, 204);
    assert.match((await bucketConfig("policyStatus")).text, /<IsPublic>false<\/IsPublic>/);
    await settings();
    assert.equal(await page.locator("#policy-public").innerText(), "No");

    assert.equal((await s3("DELETE", objectPath(BUCKET), { query: { policy: "" } })).status, 204);
    assert.match((await bucketConfig("policyStatus")).text, /NoSuchBucketPolicy/);
    await settings();
    assert.equal(await page.locator("#policy-public").innerText(), "No (no bucket policy)");
  });

  it("bucket ACL: public-read lets anyone list, private again does not", async () => {
    await settings();
    const acl = region(page, "Bucket ACL");
    await acl.locator("table.grants").waitFor();
    assert.ok(!(await shownGrants(acl)).some(([who]) => who === "AllUsers"));
    await applyCanned(acl, "public-read", `ACL of ${BUCKET} set to public-read.`);
    const got = await bucketConfig("acl");
    assert.equal(got.status, 200);
    assert.ok(isPublic(parseGrants(got.text)), got.text);
    await acl.getByRole("cell", { name: "AllUsers", exact: true }).waitFor();
    assert.equal((await fetch(`${server.endpoint}/${BUCKET}?list-type=2`)).status, 200);
    await applyCanned(acl, "private", `ACL of ${BUCKET} set to private.`);
    assert.ok(!isPublic(parseGrants((await bucketConfig("acl")).text)));
    assert.equal((await fetch(`${server.endpoint}/${BUCKET}?list-type=2`)).status, 403);
  });

  it("Object Ownership: set, BucketOwnerEnforced refuses an object ACL, Remove is Not set", async () => {
    await settings();
    assert.match(await page.locator("#ownership-state").innerText(), /^Not set/);
    assert.match((await bucketConfig("ownershipControls")).text, /OwnershipControlsNotFoundError/);
    const group = page.getByRole("group", { name: "Object Ownership" });
    await group.getByLabel("Object Ownership", { exact: true }).selectOption("BucketOwnerEnforced");
    await clearMessages();
    await group.getByRole("button", { name: "Save ownership" }).click();
    await page.getByText(`Object Ownership of ${BUCKET} set to BucketOwnerEnforced.`).waitFor();
    assert.match((await bucketConfig("ownershipControls")).text, /<ObjectOwnership>BucketOwnerEnforced<\/ObjectOwnership>/);
    assert.equal(await page.locator("#ownership-state").innerText(), "BucketOwnerEnforced");

    // ACLs are off: the object's canned selector shows the server's refusal and changes nothing.
    const before = await objectGrants();
    await openObject();
    const acl = region(details(), "Access control");
    await acl.locator("table.grants").waitFor();
    await applyCanned(acl, "public-read");
    await page.locator("#object-acl-error", { hasText: "AccessControlListNotSupported" }).waitFor();
    assert.deepEqual(await objectGrants(), before);
    assert.equal(await anonymousGet(), 403);

    await settings();
    await group.getByLabel("Object Ownership", { exact: true }).selectOption("ObjectWriter");
    await clearMessages();
    await group.getByRole("button", { name: "Save ownership" }).click();
    await page.getByText(`Object Ownership of ${BUCKET} set to ObjectWriter.`).waitFor();
    assert.match((await bucketConfig("ownershipControls")).text, /<ObjectOwnership>ObjectWriter<\/ObjectOwnership>/);

    await clearMessages();
    await group.getByRole("button", { name: "Remove ownership controls" }).click();
    await page.getByText(`Ownership controls of ${BUCKET} removed.`).waitFor();
    await page.locator("#ownership-state", { hasText: "Not set" }).waitFor();
    assert.match((await bucketConfig("ownershipControls")).text, /OwnershipControlsNotFoundError/);
  });

  it("Block Public Access: flags saved and read back, Remove is Not set", async () => {
    await settings();
    assert.equal(await page.locator("#pab-state").innerText(), "Not set");
    assert.match((await bucketConfig("publicAccessBlock")).text, /NoSuchPublicAccessBlockConfiguration/);
    const group = page.getByRole("group", { name: "Block public access" });
    await group.getByLabel("BlockPublicAcls").check();
    await group.getByLabel("RestrictPublicBuckets").check();
    await clearMessages();
    await group.getByRole("button", { name: "Save block public access" }).click();
    await page.getByText(`Block public access of ${BUCKET} saved.`).waitFor();
    const saved = (await bucketConfig("publicAccessBlock")).text;
    for (const [flag, on] of [["BlockPublicAcls", true], ["IgnorePublicAcls", false], ["BlockPublicPolicy", false], ["RestrictPublicBuckets", true]]) {
      assert.match(saved, new RegExp(`<${flag}>${on}</${flag}>`), saved);
    }

    // Read back on a new visit.
    await settings();
    assert.equal(await page.locator("#pab-state").innerText(), "BlockPublicAcls, RestrictPublicBuckets");
    assert.equal(await group.getByLabel("BlockPublicAcls").isChecked(), true);
    assert.equal(await group.getByLabel("IgnorePublicAcls").isChecked(), false);
    assert.equal(await group.getByLabel("RestrictPublicBuckets").isChecked(), true);

    // BlockPublicAcls is enforced: the bucket ACL selector shows the refusal.
    const acl = region(page, "Bucket ACL");
    await acl.locator("table.grants").waitFor();
    await applyCanned(acl, "public-read");
    await page.locator("#bucket-acl-error", { hasText: "AccessDenied" }).waitFor();
    assert.ok(!isPublic(parseGrants((await bucketConfig("acl")).text)));

    await clearMessages();
    await group.getByRole("button", { name: "Remove block public access" }).click();
    await page.getByText(`Block public access of ${BUCKET} removed.`).waitFor();
    await page.locator("#pab-state", { hasText: "Not set" }).waitFor();
    assert.match((await bucketConfig("publicAccessBlock")).text, /NoSuchPublicAccessBlockConfiguration/);
    assert.equal(await group.getByLabel("BlockPublicAcls").isChecked(), false);
  });

  it("the screens have named controls and fit a phone", () => {
    assert.deepEqual(problems, []);
  });
});
