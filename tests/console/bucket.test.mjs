// Bucket settings and object details against the real server: the CORS rules editor (set, read
// back, applied to a preflight on the API port, malformed rule, delete), checksums of an object
// uploaded by boto3 with ChecksumAlgorithm=CRC32, and a PDF preview.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { CairnServer, consoleCall, ROOT_PASSWORD, ROOT_USER, shotBoth, openRootConsole } from "./harness.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUCKET = "settings-e2e";
const ORIGIN = "https://app.example.com";

/** A one-page PDF with a correct cross-reference table. */
function tinyPdf(text) {
  const stream = `BT /F1 24 Tf 40 100 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

async function preflight(server, origin, method = "PUT") {
  const r = await fetch(`${server.endpoint}/${BUCKET}/some/key.txt`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": method },
  });
  return { status: r.status, allowOrigin: r.headers.get("access-control-allow-origin"), allowMethods: r.headers.get("access-control-allow-methods") };
}

describe("bucket settings and object details", { timeout: 120_000 }, () => {
  let server;
  let browser;
  let page;
  let files;
  const dialogs = [];
  let crc32;

  before(async () => {
    files = mkdtempSync(path.join(tmpdir(), "cairn-console-bucket-"));
    server = await new CairnServer().start();
    const src = path.join(files, "report.csv");
    writeFileSync(src, "a,b\n1,2\n");
    const out = execFileSync("python3", [path.join(HERE, "s3put.py"), server.endpoint, ROOT_USER, ROOT_PASSWORD, BUCKET, "data/report.csv", src, "text/csv"], { timeout: 60_000 });
    crc32 = JSON.parse(out.toString()).crc32;
    assert.ok(crc32, "boto3 sent a CRC32 and the server echoed it");
    ({ browser, page } = await openRootConsole(chromium, server, dialogs));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it("CORS editor: a rule is saved, read back and applied to preflights", async () => {
    // No rules: the MinIO-like default allows any origin.
    assert.equal((await preflight(server, "https://evil.example")).status, 200);
    await page.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
    await page.getByText("No CORS rules.").waitFor();
    await page.getByRole("button", { name: "Add rule" }).click();
    const rule = page.getByRole("group", { name: "Rule 1" });
    await rule.getByLabel("Allowed origins").fill(ORIGIN);
    await rule.getByLabel("PUT", { exact: true }).check();
    await rule.getByLabel("Allowed headers").fill("Content-Type, x-amz-meta-*");
    await rule.getByLabel("Expose headers").fill("ETag");
    await rule.getByLabel("Max age (seconds)").fill("600");
    await page.getByRole("button", { name: "Save CORS rules" }).click();
    await page.getByText("CORS rules saved.").waitFor();

    // Read back: the page loads the configuration from GetBucketCors again.
    await page.reload();
    const again = page.getByRole("group", { name: "Rule 1" });
    await again.getByLabel("Allowed origins").waitFor();
    assert.equal(await again.getByLabel("Allowed origins").inputValue(), ORIGIN);
    assert.equal(await again.getByLabel("GET", { exact: true }).isChecked(), true);
    assert.equal(await again.getByLabel("PUT", { exact: true }).isChecked(), true);
    assert.equal(await again.getByLabel("POST", { exact: true }).isChecked(), false);
    assert.equal(await again.getByLabel("Allowed headers").inputValue(), "Content-Type, x-amz-meta-*");
    assert.equal(await again.getByLabel("Expose headers").inputValue(), "ETag");
    assert.equal(await again.getByLabel("Max age (seconds)").inputValue(), "600");
    const stored = await consoleCall(page, "GET", `/api/s3/${BUCKET}?cors`);
    assert.equal(stored.status, 200);
    assert.match(stored.text, /<AllowedOrigin>https:\/\/app\.example\.com<\/AllowedOrigin>/);
    await shotBoth(page, "bucket-cors", () => page.getByRole("group", { name: "Rule 1" }).waitFor());

    // Applied: a preflight from the allowed origin gets its headers, another origin is refused.
    const ok = await preflight(server, ORIGIN, "PUT");
    assert.equal(ok.status, 200);
    assert.equal(ok.allowOrigin, ORIGIN);
    assert.match(ok.allowMethods, /PUT/);
    const refused = await preflight(server, "https://evil.example", "PUT");
    assert.equal(refused.status, 403);
    assert.equal(refused.allowOrigin, null);
    assert.equal((await preflight(server, ORIGIN, "DELETE")).status, 403, "DELETE is not in the rule");
  });

  it("CORS editor: a malformed rule shows the S3 error", async () => {
    const rule = page.getByRole("group", { name: "Rule 1" });
    await rule.getByLabel("Allowed origins").fill("https://*.*.example.com");
    await page.getByRole("button", { name: "Save CORS rules" }).click();
    await page.locator("#cors-error", { hasText: "InvalidRequest" }).waitFor();
    assert.match(await page.locator("#cors-error").innerText(), /wildcard/i);
    // The stored rule is untouched.
    assert.equal((await preflight(server, ORIGIN, "PUT")).allowOrigin, ORIGIN);

    // A rule without a method cannot be sent either; the server's answer is shown too.
    await rule.getByLabel("Allowed origins").fill(ORIGIN);
    await rule.getByLabel("GET", { exact: true }).uncheck();
    await rule.getByLabel("PUT", { exact: true }).uncheck();
    await page.getByRole("button", { name: "Save CORS rules" }).click();
    await page.locator("#cors-error", { hasText: /MalformedXML|AllowedMethod/ }).waitFor();
  });

  it("CORS editor: removing every rule deletes the configuration", async () => {
    await page.reload();
    await page.getByRole("group", { name: "Rule 1" }).getByRole("button", { name: /Remove rule/ }).click();
    await page.getByText("No CORS rules.").waitFor();
    await page.getByRole("button", { name: "Save CORS rules" }).click();
    await page.getByText("CORS rules saved.").waitFor();
    const gone = await consoleCall(page, "GET", `/api/s3/${BUCKET}?cors`);
    assert.equal(gone.status, 404);
    assert.match(gone.text, /NoSuchCORSConfiguration/);
    await page.reload();
    await page.getByText("No CORS rules.").waitFor();
    // Back to the default: any origin.
    assert.equal((await preflight(server, "https://evil.example")).allowOrigin, "https://evil.example");
  });

  it("object details show the CRC32 checksum boto3 stored", async () => {
    await page.goto(`${server.consoleUrl}/#/browse/${BUCKET}/data%2F`);
    await page.getByRole("button", { name: "report.csv" }).click();
    const details = page.getByRole("complementary", { name: "Object details" });
    await details.getByRole("heading", { name: "report.csv" }).waitFor();
    const term = details.locator("dt", { hasText: "Checksum CRC32" });
    await term.waitFor();
    assert.equal(await term.locator("xpath=following-sibling::dd[1]").innerText(), crc32);
    assert.equal(await details.locator("dt", { hasText: "Content type" }).locator("xpath=following-sibling::dd[1]").innerText(), "text/csv");
    await shotBoth(page, "object-checksums", () => details.getByRole("heading", { name: "report.csv" }).waitFor());
  });

  it("previews a PDF", async () => {
    const pdf = tinyPdf("Hello Cairn");
    const file = path.join(files, "tiny.pdf");
    writeFileSync(file, pdf);
    await page.goto(`${server.consoleUrl}/#/browse/${BUCKET}/`);
    await page.getByRole("heading", { name: BUCKET }).waitFor();
    await page.locator("#upload-files").setInputFiles(file);
    await page.locator("li.upload.done", { hasText: "tiny.pdf" }).waitFor();
    await page.getByRole("button", { name: "tiny.pdf" }).click();
    await page.getByRole("button", { name: "Preview" }).click();
    const frame = page.locator("iframe.preview-pdf");
    await frame.waitFor();
    const src = await frame.getAttribute("src");
    assert.match(src, /^blob:/);
    // The browser loaded the blob in the frame as a PDF (its viewer, not a download or an error).
    // The page's CSP keeps fetch() away from blob: URLs, so the frame itself is asked.
    let loaded;
    for (let i = 0; i < 50 && !loaded; i++) {
      loaded = page.frames().find((f) => f.url() === src);
      if (!loaded) await page.waitForTimeout(100);
    }
    assert.ok(loaded, `a frame shows ${src}: ${page.frames().map((f) => f.url()).join(", ")}`);
    const shown = await loaded.evaluate(() => ({ type: document.contentType, embed: document.querySelector("embed")?.getAttribute("type") ?? null }));
    assert.equal(shown.type, "application/pdf");
    assert.deepEqual(dialogs.filter((d) => d.startsWith("alert")), []);
    await shotBoth(page, "object-pdf-preview", () => frame.waitFor());
  });
});
