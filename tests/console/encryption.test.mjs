// Encryption in the console against the real server (issue 14): objects put with signed requests
// (s3sign.mjs) in each mode show that mode in their details (and a version its own); an SSE-C
// object asks for its key and, given it, shows its details, preview and download; the bucket
// default is set to SSE-S3 and SSE-KMS and removed from the settings, each checked with a signed
// GetBucketEncryption; console uploads are encrypted by the default or by the upload selector
// (signed HEAD); a server without a KMS shows its 501 when a default is set.

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, ROOT_PASSWORD, ROOT_USER, openRootConsole, shotBoth, testBytes } from "./harness.mjs";
import { objectPath, parseVersions, s3Client } from "./s3sign.mjs";

const BUCKET = "enc-e2e";
const KMS_KEY = "console-key";
const KMS_ARN = `arn:aws:kms:${KMS_KEY}`;
// SSE-C keys as a user types them: 32 characters, or base64 of 32 bytes.
const CUSTOMER_KEY_TEXT = "0123456789abcdefghijklmnopqrstuv";
const CUSTOMER_KEY = Buffer.from(CUSTOMER_KEY_TEXT).toString("base64");
const OTHER_KEY_TEXT = "vutsrqponmlkjihgfedcba9876543210";
const SECRET_TEXT = "meeting notes: the budget is 42\n";

const md5b64 = (buf) => createHash("md5").update(buf).digest("base64");

function customerHeaders(keyB64) {
  return {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": keyB64,
    "x-amz-server-side-encryption-customer-key-MD5": md5b64(Buffer.from(keyB64, "base64")),
  };
}

/** Browser helpers over one signed-in page. */
function consoleHelpers(getPage, getServer) {
  const page = () => getPage();
  const details = () => page().getByRole("complementary", { name: "Object details" });
  // A message stays 6 s: drop earlier ones so that waiting for the next one waits for its call.
  const clearMessages = () => page().locator("#messages .message").evaluateAll((ns) => ns.forEach((n) => n.remove()));
  /** The Encryption row of the details panel. */
  const shownEncryption = () => details().locator("dl.details dt", { hasText: /^Encryption$/ }).locator("xpath=following-sibling::dd[1]").innerText();
  const openBucket = async (bucket, prefix = "") => {
    await page().goto(`${getServer().consoleUrl}/#/buckets`);
    await page().getByRole("heading", { name: "Buckets" }).waitFor();
    await page().goto(`${getServer().consoleUrl}/#/browse/${bucket}/${encodeURIComponent(prefix)}`);
    await page().locator("table.objects, .table-wrap p").first().waitFor();
  };
  const openObject = async (bucket, name) => {
    await openBucket(bucket);
    await page().getByRole("button", { name, exact: true }).click();
    await details().getByRole("heading", { name }).waitFor();
  };
  const settings = async (bucket) => {
    // Going to the same #/bucket/ address again is no navigation: leave it first.
    await page().goto(`${getServer().consoleUrl}/#/buckets`);
    await page().getByRole("heading", { name: "Buckets" }).waitFor();
    await page().goto(`${getServer().consoleUrl}/#/bucket/${bucket}`);
    await page().getByRole("heading", { name: `Settings of ${bucket}` }).waitFor();
    await page().locator("#encryption-state").filter({ hasNotText: "…" }).waitFor();
  };
  const encryptionForm = () => page().getByRole("form", { name: "Set default encryption" });
  return { details, clearMessages, shownEncryption, openBucket, openObject, settings, encryptionForm };
}

describe("encryption in the console", { timeout: 300_000 }, () => {
  let server;
  let browser;
  let page;
  let s3;
  let oldVersion;
  const problems = [];
  const ui = consoleHelpers(
    () => page,
    () => server,
  );

  const head = async (key, headers = {}) => {
    const r = await s3("HEAD", objectPath(BUCKET, key), { headers });
    return { status: r.status, sse: r.headers.get("x-amz-server-side-encryption"), kmsKey: r.headers.get("x-amz-server-side-encryption-aws-kms-key-id") };
  };
  const getEncryption = async (bucket = BUCKET) => s3("GET", objectPath(bucket), { query: { encryption: "" } });

  before(async () => {
    server = await new CairnServer({ env: { MINIO_KMS_SECRET_KEY: `${KMS_KEY}:${randomBytes(32).toString("base64")}` } }).start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    assert.equal((await s3("PUT", objectPath(BUCKET))).status, 200);
    const versioning = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
    assert.equal((await s3("PUT", objectPath(BUCKET), { query: { versioning: "" }, body: versioning })).status, 200);
    const puts = [
      ["plain.txt", {}],
      ["sse-s3.txt", { "x-amz-server-side-encryption": "AES256" }],
      ["sse-kms.txt", { "x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": KMS_KEY }],
      ["sse-c.txt", customerHeaders(CUSTOMER_KEY)],
      // Two versions in two modes: the old one SSE-S3, the latest SSE-KMS.
      ["doc.txt", { "x-amz-server-side-encryption": "AES256" }],
      ["doc.txt", { "x-amz-server-side-encryption": "aws:kms" }],
    ];
    for (const [key, headers] of puts) {
      const r = await s3("PUT", objectPath(BUCKET, key), { body: SECRET_TEXT, headers: { "content-type": "text/plain", ...headers } });
      assert.equal(r.status, 200, `${key}: ${r.text}`);
    }
    const versions = parseVersions((await s3("GET", objectPath(BUCKET), { query: { versions: "", prefix: "doc.txt" } })).text);
    assert.equal(versions.length, 2);
    oldVersion = versions[1].versionId;
    assert.equal((await head("sse-s3.txt")).sse, "AES256");
    assert.equal((await head("sse-kms.txt")).kmsKey, KMS_ARN);
    assert.equal((await head("sse-c.txt")).status, 400, "an SSE-C object is not readable without its key");
    ({ browser, page } = await openRootConsole(chromium, server));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("the details show each object's encryption from its HEAD", async () => {
    for (const [name, shown] of [
      ["plain.txt", "None"],
      ["sse-s3.txt", "SSE-S3"],
      ["sse-kms.txt", `SSE-KMS (key ${KMS_ARN})`],
      ["doc.txt", `SSE-KMS (key ${KMS_ARN})`],
    ]) {
      await ui.openObject(BUCKET, name);
      assert.equal(await ui.shownEncryption(), shown, name);
      // A readable object offers its download as a plain link.
      await ui.details().getByRole("link", { name: "Download", exact: true }).waitFor();
    }
    problems.push(...(await shotBoth(page, "object-encryption", () => ui.details().locator("dl.details").waitFor())));
  });

  it("a version's details show that version's encryption", async () => {
    await ui.openObject(BUCKET, "doc.txt");
    await ui.details().getByRole("button", { name: `Details of doc.txt version ${oldVersion}` }).click();
    await ui.details().getByText(`Version ${oldVersion}.`).waitFor();
    assert.equal(await ui.shownEncryption(), "SSE-S3");
    await ui.details().getByRole("button", { name: "Show the latest version" }).click();
    await ui.details().getByText(/\(latest\)$/).waitFor();
    assert.equal(await ui.shownEncryption(), `SSE-KMS (key ${KMS_ARN})`);
  });

  it("an SSE-C object says so and asks for its key; a wrong key is the server's AccessDenied", async () => {
    await ui.openObject(BUCKET, "sse-c.txt");
    const locked = ui.details().locator("#sse-c-locked");
    await locked.waitFor();
    assert.match(await locked.innerText(), /customer-provided key \(SSE-C\)/);
    assert.equal(await ui.shownEncryption(), "SSE-C (customer-provided key)");
    // No raw error, and nothing that would fail without the key is offered.
    assert.equal(await ui.details().locator(".error:not(:empty)").count(), 0);
    assert.equal(await ui.details().getByRole("button", { name: "Preview", exact: true }).count(), 0);
    assert.equal(await ui.details().getByRole("link", { name: "Download", exact: true }).count(), 0);
    // Tags and versions need no key and stay.
    await ui.details().getByRole("region", { name: "Tags", exact: true }).getByText("No tags.").waitFor();
    problems.push(...(await shotBoth(page, "object-sse-c", () => locked.waitFor())));

    const keyField = ui.details().getByLabel("Customer key (SSE-C)");
    await keyField.fill("too short");
    await ui.details().getByRole("button", { name: "Use key" }).click();
    await ui.details().locator("#sse-c-error", { hasText: "An SSE-C key is 32 bytes" }).waitFor();

    await keyField.fill(OTHER_KEY_TEXT);
    await ui.details().getByRole("button", { name: "Use key" }).click();
    await ui.details().locator("#sse-c-error", { hasText: "AccessDenied" }).waitFor();
    assert.match(await ui.details().locator("#sse-c-error").innerText(), /does not match/);
  });

  it("with its key an SSE-C object shows its details, preview and download", async () => {
    await ui.openObject(BUCKET, "sse-c.txt");
    // The 32-character form of the key.
    await ui.details().getByLabel("Customer key (SSE-C)").fill(CUSTOMER_KEY_TEXT);
    await ui.details().getByRole("button", { name: "Use key" }).click();
    await ui.details().locator("dl.details dt", { hasText: /^Size$/ }).waitFor();
    assert.equal(await ui.shownEncryption(), `SSE-C (key MD5 ${md5b64(Buffer.from(CUSTOMER_KEY_TEXT))})`);
    assert.equal(await ui.details().locator("#sse-c-locked").count(), 0);
    await ui.details().getByRole("button", { name: "Preview", exact: true }).click();
    await ui.details().locator("pre.preview-text").waitFor();
    assert.equal(await ui.details().locator("pre.preview-text").textContent(), SECRET_TEXT);
    const [download] = await Promise.all([page.waitForEvent("download"), ui.details().getByRole("button", { name: "Download", exact: true }).click()]);
    assert.equal(download.suggestedFilename(), "sse-c.txt");
    assert.equal(readFileSync(await download.path(), "utf8"), SECRET_TEXT);

    // The base64 form works as well.
    await ui.openObject(BUCKET, "sse-c.txt");
    await ui.details().getByLabel("Customer key (SSE-C)").fill(CUSTOMER_KEY);
    await ui.details().getByRole("button", { name: "Use key" }).click();
    await ui.details().getByRole("button", { name: "Preview", exact: true }).click();
    await ui.details().locator("pre.preview-text", { hasText: "budget" }).waitFor();
  });

  it("bucket default: SSE-S3, then SSE-KMS with a key id, then removed (signed GetBucketEncryption)", async () => {
    let got = await getEncryption();
    assert.equal(got.status, 404);
    assert.match(got.text, /ServerSideEncryptionConfigurationNotFoundError/);
    await ui.settings(BUCKET);
    assert.equal(await page.locator("#encryption-state").innerText(), "None");
    const form = ui.encryptionForm();
    assert.equal(await form.getByRole("button", { name: "Remove default encryption" }).isVisible(), false);

    await form.getByLabel("Default encryption").selectOption("AES256");
    assert.equal(await form.getByLabel("KMS key ID").isVisible(), false, "no key id for SSE-S3");
    await ui.clearMessages();
    await form.getByRole("button", { name: "Save default encryption" }).click();
    await page.getByText(`Default encryption of ${BUCKET} set to SSE-S3.`).waitFor();
    await page.locator("#encryption-state", { hasText: /^SSE-S3$/ }).waitFor();
    got = await getEncryption();
    assert.equal(got.status, 200, got.text);
    assert.match(got.text, /<SSEAlgorithm>AES256<\/SSEAlgorithm>/);
    assert.doesNotMatch(got.text, /KMSMasterKeyID/);

    await form.getByLabel("Default encryption").selectOption("aws:kms");
    await form.getByLabel("KMS key ID").fill("no-such-key");
    await form.getByRole("button", { name: "Save default encryption" }).click();
    await page.locator("#encryption-error", { hasText: "KMS.NotFoundException" }).waitFor();
    assert.match((await getEncryption()).text, /<SSEAlgorithm>AES256<\/SSEAlgorithm>/, "a refused default changes nothing");

    await form.getByLabel("KMS key ID").fill(KMS_KEY);
    await ui.clearMessages();
    await form.getByRole("button", { name: "Save default encryption" }).click();
    await page.getByText(`Default encryption of ${BUCKET} set to SSE-KMS (key ${KMS_KEY}).`).waitFor();
    await page.locator("#encryption-state", { hasText: `SSE-KMS (key ${KMS_ARN})` }).waitFor();
    assert.equal(await page.locator("#encryption-error").innerText(), "");
    got = await getEncryption();
    assert.match(got.text, /<SSEAlgorithm>aws:kms<\/SSEAlgorithm>/);
    assert.match(got.text, new RegExp(`<KMSMasterKeyID>${KMS_ARN}</KMSMasterKeyID>`));

    // Read back on a new visit.
    await ui.settings(BUCKET);
    assert.equal(await page.locator("#encryption-state").innerText(), `SSE-KMS (key ${KMS_ARN})`);
    assert.equal(await form.getByLabel("Default encryption").inputValue(), "aws:kms");
    assert.equal(await form.getByLabel("KMS key ID").inputValue(), KMS_ARN);
    problems.push(...(await shotBoth(page, "bucket-encryption", () => page.locator("#encryption-state").waitFor())));

    await ui.clearMessages();
    await form.getByRole("button", { name: "Remove default encryption" }).click();
    await page.getByText(`Default encryption of ${BUCKET} removed.`).waitFor();
    await page.locator("#encryption-state", { hasText: /^None$/ }).waitFor();
    got = await getEncryption();
    assert.equal(got.status, 404);
    assert.match(got.text, /ServerSideEncryptionConfigurationNotFoundError/);
  });

  it("console uploads: the bucket default encrypts them, the selector's choice wins (signed HEAD)", async () => {
    const setDefault = `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;
    const put = await s3("PUT", objectPath(BUCKET), { query: { encryption: "" }, body: setDefault, headers: { "content-md5": md5b64(Buffer.from(setDefault)) } });
    assert.equal(put.status, 200, put.text);
    assert.equal((await head("default.txt")).status, 404);

    await ui.openBucket(BUCKET);
    const selector = page.getByLabel("Upload encryption");
    assert.equal(await selector.inputValue(), "", "uploads ask for nothing by default");
    await page.locator("#upload-files").setInputFiles({ name: "default.txt", mimeType: "text/plain", buffer: Buffer.from(SECRET_TEXT) });
    await page.locator("li.upload.done", { hasText: "default.txt" }).waitFor();
    let h = await head("default.txt");
    assert.equal(h.status, 200);
    assert.equal(h.sse, "aws:kms", "the bucket default applied");
    assert.equal(h.kmsKey, KMS_ARN);

    await selector.selectOption("AES256");
    await page.locator("#upload-files").setInputFiles({ name: "chosen.txt", mimeType: "text/plain", buffer: Buffer.from(SECRET_TEXT) });
    await page.locator("li.upload.done", { hasText: "chosen.txt" }).waitFor();
    h = await head("chosen.txt");
    assert.equal(h.sse, "AES256", "the upload's own choice wins over the default");
    assert.equal(h.kmsKey, null);

    // Multipart (above 16 MiB): the choice goes on CreateMultipartUpload, the parts carry none.
    assert.equal((await s3("DELETE", objectPath(BUCKET), { query: { encryption: "" } })).status, 204);
    const big = testBytes(17 * 1024 * 1024, 14);
    await selector.selectOption("aws:kms");
    await page.locator("#upload-files").setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: big });
    await page.locator("li.upload.done", { hasText: "big.bin" }).waitFor({ timeout: 120_000 });
    h = await head("big.bin");
    assert.equal(h.sse, "aws:kms");
    const r = await s3("GET", objectPath(BUCKET, "big.bin"));
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(big), "the multipart upload reads back whole");
    // And the console shows it.
    await ui.openObject(BUCKET, "big.bin");
    assert.equal(await ui.shownEncryption(), `SSE-KMS (key ${KMS_ARN})`);
  });

  it("the screens have named controls and fit a phone", () => {
    assert.deepEqual(problems, []);
  });
});

describe("encryption in the console without a KMS", { timeout: 120_000 }, () => {
  const NO_KMS_BUCKET = "no-kms";
  let server;
  let browser;
  let page;
  let s3;
  const ui = consoleHelpers(
    () => page,
    () => server,
  );

  before(async () => {
    server = await new CairnServer().start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    assert.equal((await s3("PUT", objectPath(NO_KMS_BUCKET))).status, 200);
    ({ browser, page } = await openRootConsole(chromium, server));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("setting a default shows the server's 501 and what to do; nothing is stored", async () => {
    await ui.settings(NO_KMS_BUCKET);
    assert.equal(await page.locator("#encryption-state").innerText(), "None");
    await ui.encryptionForm().getByLabel("Default encryption").selectOption("AES256");
    await ui.encryptionForm().getByRole("button", { name: "Save default encryption" }).click();
    const error = page.locator("#encryption-error");
    await error.filter({ hasText: "NotImplemented" }).waitFor();
    const text = await error.innerText();
    assert.match(text, /^NotImplemented: Server side encryption specified but KMS is not configured/);
    assert.match(text, /start it with MINIO_KMS_SECRET_KEY/);
    assert.equal(await page.locator("#encryption-state").innerText(), "None");
    const got = await s3("GET", objectPath(NO_KMS_BUCKET), { query: { encryption: "" } });
    assert.equal(got.status, 404);
  });

  it("an upload asking for SSE-S3 fails with the server's message and stores nothing", async () => {
    await ui.openBucket(NO_KMS_BUCKET);
    await page.getByLabel("Upload encryption").selectOption("AES256");
    await page.locator("#upload-files").setInputFiles({ name: "refused.txt", mimeType: "text/plain", buffer: Buffer.from(SECRET_TEXT) });
    const failed = page.locator("li.upload.failed", { hasText: "refused.txt" });
    await failed.waitFor();
    assert.match(await failed.locator(".status").innerText(), /^NotImplemented: /);
    assert.equal((await s3("HEAD", objectPath(NO_KMS_BUCKET, "refused.txt"))).status, 404);
  });
});
