// End-to-end tests of the web console in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against the real cairn binary. The cases run in order on one server and one
// browser page, like a person working through the console. Screenshots of each main page go to
// tests/console/screenshots/.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { CairnServer, curl, ROOT_PASSWORD, ROOT_USER, testBytes } from "./harness.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const MiB = 1024 * 1024;
const BUCKET = "console-e2e";
const XSS_NAME = "<img src=x onerror=alert(1)>";

const sha256 = (b) => createHash("sha256").update(b).digest("hex");

describe("web console", { timeout: 300_000 }, () => {
  let server;
  let browser;
  let context;
  let page;
  let files;
  const dialogs = [];
  const big = testBytes(20 * MiB, 42);

  const shot = async (name) => {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };

  const signIn = async (user, secret) => {
    await page.goto(`${server.consoleUrl}/#/login`);
    await page.getByLabel("Access key").fill(user);
    await page.getByLabel("Secret key").fill(secret);
    await page.getByRole("button", { name: "Sign in" }).click();
  };

  const openBucket = async () => {
    await page.goto(`${server.consoleUrl}/#/browse/${BUCKET}/`);
    await page.getByRole("heading", { name: BUCKET }).waitFor();
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(path.join(tmpdir(), "cairn-console-files-"));
    server = await new CairnServer().start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on("dialog", async (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      // Confirmation prompts of the console itself are accepted; an alert would be the XSS.
      if (d.type() === "confirm") await d.accept();
      else await d.dismiss();
    });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server) {
      await server.cleanup();
    }
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it("serves the app with a strict CSP and redirects browsers from the API port", async () => {
    const r = await fetch(`${server.consoleUrl}/`);
    assert.equal(r.status, 200);
    const csp = r.headers.get("content-security-policy");
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    const html = await r.text();
    assert.doesNotMatch(html, /<script>(?!<)/, "no inline script");
    const redirect = await fetch(`${server.endpoint}/`, { headers: { Accept: "text/html" }, redirect: "manual" });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get("location"), `${server.consoleUrl}/`);
  });

  it("refuses a wrong password", async () => {
    await signIn(ROOT_USER, "not-the-password");
    await page.getByText("InvalidCredentials").waitFor();
    await shot("login-refused");
    assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);
  });

  it("signs in as root", async () => {
    await signIn(ROOT_USER, ROOT_PASSWORD);
    await page.getByRole("heading", { name: "Buckets" }).waitFor();
    await page.getByText(ROOT_USER, { exact: true }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "cairn_session");
    assert.ok(session, "session cookie set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    // The secret never reaches the page: nothing in storage, nothing in the DOM.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.body.innerText);
    assert.ok(!stored.includes(ROOT_PASSWORD));
    const info = await page.evaluate(async () => (await fetch("/api/admin/info")).status);
    assert.equal(info, 200, "the console's admin pages need /api/admin/info");
  });

  it("creates a bucket", async () => {
    await page.getByLabel("New bucket name").fill(BUCKET);
    await page.getByRole("button", { name: "Create bucket" }).click();
    await page.getByRole("link", { name: BUCKET }).waitFor();
    await shot("buckets");
  });

  it("uploads a 20 MiB file with progress (multipart through the console)", async () => {
    const file = path.join(files, "big.bin");
    writeFileSync(file, big);
    await openBucket();
    await page.evaluate(() => {
      window.__progress = [];
      window.__sampler = setInterval(() => {
        for (const p of document.querySelectorAll("progress")) window.__progress.push(p.value);
      }, 2);
    });
    await page.locator("#upload-files").setInputFiles(file);
    await page.locator("li.upload.done", { hasText: "big.bin" }).waitFor({ timeout: 120_000 });
    const seen = await page.evaluate(() => {
      clearInterval(window.__sampler);
      return window.__progress;
    });
    assert.ok(seen.some((v) => v > 0 && v < 100), `saw progress between 0 and 100: ${[...new Set(seen)].join(",")}`);
    assert.equal(seen.at(-1), 100);
    await page.getByRole("button", { name: "big.bin" }).waitFor();
    await shot("objects-upload");
  });

  it("uploads a folder and opens folders with breadcrumbs", async () => {
    const dir = path.join(files, "docs");
    mkdirSync(path.join(dir, "sub"), { recursive: true });
    writeFileSync(path.join(dir, "hello.txt"), "hello from the console\n");
    writeFileSync(path.join(dir, "sub", "readme.txt"), "nested\n");
    await openBucket();
    await page.locator("#upload-folder").setInputFiles(dir);
    await page.locator("li.upload.done", { hasText: "docs/sub/readme.txt" }).waitFor();
    await page.getByRole("link", { name: "docs/" }).click();
    await page.getByRole("heading", { name: "docs" }).waitFor();
    await page.getByRole("button", { name: "hello.txt" }).waitFor();
    await page.getByRole("link", { name: "sub/" }).click();
    await page.getByRole("button", { name: "readme.txt" }).waitFor();
    const crumbs = await page.getByRole("navigation", { name: "Breadcrumb" }).innerText();
    assert.match(crumbs, new RegExp(`Buckets / ${BUCKET} / docs / sub`));
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "docs" }).click();
    await page.getByRole("button", { name: "hello.txt" }).click();
    await page.getByRole("button", { name: "Preview" }).click();
    await page.locator("pre.preview-text", { hasText: "hello from the console" }).waitFor();
    await shot("object-details");
  });

  it("downloads a file with the same bytes", async () => {
    await openBucket();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download big.bin" }).click()]);
    const saved = await download.path();
    assert.equal(sha256(readFileSync(saved)), sha256(big));
  });

  it("sets anonymous download on a prefix, checked with curl", async () => {
    const before = await curl(`${server.endpoint}/${BUCKET}/docs/hello.txt`);
    assert.equal(before.status, 403);
    await page.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
    await page.getByLabel("Prefix", { exact: true }).fill("docs/");
    await page.getByLabel("Access", { exact: true }).selectOption("download");
    await page.getByRole("button", { name: "Set access" }).click();
    await page.getByRole("cell", { name: "docs/" }).waitFor();
    await page.locator("#cors-title").waitFor();
    await shot("bucket-settings");
    const open = await curl(`${server.endpoint}/${BUCKET}/docs/hello.txt`);
    assert.equal(open.status, 200);
    assert.equal(open.body.toString(), "hello from the console\n");
    const outside = await curl(`${server.endpoint}/${BUCKET}/big.bin`);
    assert.equal(outside.status, 403, "objects outside the prefix stay private");
    const policy = await page.locator("textarea[name=policy]").inputValue();
    assert.match(policy, /"s3:GetObject"/);
    assert.match(policy, new RegExp(`arn:aws:s3:::${BUCKET}/docs/\\*`));
  });

  it("shows MalformedPolicy from the bucket policy editor", async () => {
    await page.locator("textarea[name=policy]").fill('{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}');
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.locator("#policy-error", { hasText: "MalformedPolicy" }).waitFor();
  });

  it("shares a link that curl can fetch", async () => {
    await openBucket();
    await page.getByRole("button", { name: "big.bin" }).click();
    await page.getByLabel("Expires after").selectOption("3600");
    await page.getByRole("button", { name: "Create share link" }).click();
    const url = await page.locator("input.share-url").inputValue();
    assert.ok(url.startsWith(`${server.endpoint}/${BUCKET}/big.bin?`), url);
    await shot("share-link");
    const fetched = await curl(url);
    assert.equal(fetched.status, 200);
    assert.equal(sha256(fetched.body), sha256(big));
  });

  it("renders an XSS key as text", async () => {
    const file = path.join(files, XSS_NAME);
    writeFileSync(file, "xss\n");
    await openBucket();
    await page.locator("#upload-files").setInputFiles(file);
    await page.locator("li.upload.done").filter({ hasText: XSS_NAME }).waitFor();
    await page.getByRole("button", { name: XSS_NAME, exact: true }).waitFor();
    await page.getByRole("button", { name: XSS_NAME, exact: true }).click();
    await page.getByRole("heading", { name: XSS_NAME }).waitFor();
    assert.equal(await page.locator('img[src="x"]').count(), 0, "no element made from the key");
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs.filter((d) => d.startsWith("alert")), [], "no alert fired");
    await shot("xss-as-text");
  });

  it("at 390 px wide the object browser still works", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openBucket();
    await page.locator("label[for=upload-files]").waitFor();
    await page.getByRole("button", { name: "big.bin" }).waitFor();
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap"))
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
    );
    assert.deepEqual(wide, [], "nothing but scrollable tables is wider than the screen");
    await shot("objects-390px");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("creates a readonly user in the admin pages; that user's upload is refused", async () => {
    await page.goto(`${server.consoleUrl}/#/server`);
    await page.getByRole("heading", { name: "Data folders" }).waitFor();
    await shot("server");
    await page.goto(`${server.consoleUrl}/#/policies`);
    await page.getByRole("link", { name: "readonly" }).waitFor();
    await shot("policies");
    await page.goto(`${server.consoleUrl}/#/users`);
    await page.getByRole("heading", { name: "Create user" }).waitFor();
    await page.getByLabel("Access key").fill("reader");
    await page.getByLabel("Secret key").fill("readerpass123");
    await page.getByLabel("Policy").selectOption("readonly");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("link", { name: "reader" }).waitFor();
    await shot("users");

    // An access key of root's own: the secret is shown once, in the dialog.
    await page.goto(`${server.consoleUrl}/#/access-keys`);
    await page.getByRole("heading", { name: "Create access key" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("backup job");
    await page.getByRole("button", { name: "Create access key" }).click();
    const secret = await page.locator("#new-secret-key").innerText();
    assert.ok(secret.length >= 8, "secret shown once");
    await shot("access-key-created");
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("cell", { name: "backup job" }).waitFor();
    assert.equal(await page.getByText(secret).count(), 0, "the secret is not shown again");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await signIn("reader", "readerpass123");
    // readonly allows GetObject but not listing: the denial is shown in words.
    await page.getByRole("heading", { name: "Buckets" }).waitFor();
    await page.getByText("AccessDenied").first().waitFor();
    await page.getByLabel("Open bucket by name").fill(BUCKET);
    await page.getByRole("button", { name: "Open", exact: true }).click();
    await page.getByRole("heading", { name: BUCKET }).waitFor();
    const file = path.join(files, "denied.txt");
    writeFileSync(file, "should not be stored\n");
    await page.locator("#upload-files").setInputFiles(file);
    await page.locator("li.upload.failed", { hasText: "AccessDenied" }).waitFor();
    await shot("readonly-upload-refused");
    const stored = await curl(`${server.endpoint}/${BUCKET}/denied.txt`);
    assert.notEqual(stored.status, 200);
  });
});
