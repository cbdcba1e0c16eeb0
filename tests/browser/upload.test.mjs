// A real browser uploading to Cairn from another origin (issue 4).
//
// Starts the real `cairn` binary and a tiny page server on a second localhost origin, launches
// Debian's chromium through playwright-core, and in the page:
//   1. fetch() PUT to a presigned URL (made in Node by @aws-sdk/s3-request-presigner),
//   2. a form POST (FormData from @aws-sdk/s3-presigned-post's SigV4 fields),
//   3. fetch() GET of both objects through presigned GET URLs, comparing the bytes,
// all under the default allow-all CORS answer; then shows that a bucket CORS configuration
// allowing another origin only makes the same fetches fail, and one allowing the page's origin
// makes them work again.
//
// The binary is $CAIRN_BIN or <repo>/build/cairn; the browser $CHROMIUM or /usr/bin/chromium.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketCorsCommand,
  DeleteBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { chromium } from "playwright-core";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ROOT_USER = "cairnadmin";
const ROOT_PASSWORD = "cairnsecret123";
const READY_TIMEOUT_MS = 20_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthStatus(port) {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port, path: "/minio/health/ready", timeout: 2000, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(null));
  });
}

class Cairn {
  async start() {
    const bin = process.env.CAIRN_BIN || path.join(REPO, "build", "cairn");
    accessSync(bin, fsConstants.X_OK);
    this.root = mkdtempSync(path.join(tmpdir(), "cairn-browser-"));
    this.port = await freePort();
    const consolePort = await freePort();
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!/^(MINIO_|CAIRN_|AWS_)/.test(k)) env[k] = v;
    }
    env.HOME = this.root;  // a ~/.minio/certs on this machine must not turn the server to HTTPS
    env.MINIO_ROOT_USER = ROOT_USER;
    env.MINIO_ROOT_PASSWORD = ROOT_PASSWORD;
    const args = ["server", "--address", `127.0.0.1:${this.port}`, "--console-address",
      `127.0.0.1:${consolePort}`, path.join(this.root, "data")];
    this.log = [];
    this.proc = spawn(bin, args, { env, cwd: this.root, stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout.on("data", (c) => this.log.push(c));
    this.proc.stderr.on("data", (c) => this.log.push(c));
    this.exited = new Promise((resolve) => this.proc.on("exit", resolve));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if ((await healthStatus(this.port)) === 200) return this;
      await sleep(50);
    }
    throw new Error(`cairn not ready on ${this.port}\n${Buffer.concat(this.log)}`);
  }

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill("SIGTERM");
      await Promise.race([this.exited, sleep(10_000)]);
      if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    }
    if (this.root) rmSync(this.root, { recursive: true, force: true });
  }
}

// The page's own origin: http://localhost:<port>, unlike the server's http://127.0.0.1:<port>.
async function startPageServer() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>cairn upload test</title><p>uploads from another origin</p>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://localhost:${server.address().port}` };
}

// --- what runs inside the page (serialized by playwright; only its arguments cross over) ---

async function pagePut({ url, bytes }) {
  try {
    const res = await fetch(url, { method: "PUT", body: new Uint8Array(bytes),
      headers: { "content-type": "application/octet-stream" } });
    return { ok: true, status: res.status, etag: res.headers.get("etag") };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

async function pagePost({ url, fields, bytes, filename }) {
  try {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "text/plain" }), filename);
    const res = await fetch(url, { method: "POST", body: form });
    return { ok: true, status: res.status, text: await res.text(), etag: res.headers.get("etag") };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

async function pageGet({ url }) {
  try {
    // no-store: the same presigned URL (same second) must not come from the HTTP cache, whose
    // stored CORS headers would answer for the server.
    const res = await fetch(url, { cache: "no-store" });
    return { ok: true, status: res.status, bytes: Array.from(new Uint8Array(await res.arrayBuffer())) };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

describe("browser uploads from another origin", { timeout: 180_000 }, () => {
  let cairn;
  let pages;
  let browser;
  let page;
  let s3;
  const bucket = "browser-" + randomBytes(4).toString("hex");
  const putBytes = Array.from(randomBytes(70_000));
  const postBytes = Array.from(Buffer.from("posted from a real browser form\r\n--not-a-boundary\r\n"));

  before(async () => {
    cairn = await new Cairn().start();
    pages = await startPageServer();
    s3 = new S3Client({
      endpoint: cairn.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
      // Presigned URLs must not carry a checksum of an empty body.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"],
      timeout: 60_000,
    });
    page = await browser.newPage();
    await page.goto(pages.origin + "/");
  });

  after(async () => {
    await browser?.close().catch(() => {});
    pages?.server.close();
    s3?.destroy();
    await cairn?.stop();
  });

  const presignedPut = (key) =>
    getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
  const presignedGet = (key) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
  const presignedPost = () =>
    createPresignedPost(s3, {
      Bucket: bucket,
      Key: "posted/${filename}",
      Conditions: [["content-length-range", 1, 1 << 20], ["eq", "$success_action_status", "201"]],
      Fields: { success_action_status: "201" },
      Expires: 300,
    });

  it("uploads with a presigned PUT and a form POST, then downloads both", async () => {
    assert.equal(await page.evaluate(() => location.origin), pages.origin);

    const put = await page.evaluate(pagePut, { url: await presignedPut("put/data.bin"), bytes: putBytes });
    assert.equal(put.ok, true, put.error);
    assert.equal(put.status, 200);
    assert.match(put.etag ?? "", /^"[0-9a-f]{32}"$/, "the ETag header is exposed to the page");

    const { url, fields } = await presignedPost();
    const post = await page.evaluate(pagePost, { url, fields, bytes: postBytes, filename: "hello.txt" });
    assert.equal(post.ok, true, post.error);
    assert.equal(post.status, 201, post.text);
    assert.match(post.text, /<Key>posted\/hello.txt<\/Key>/);

    const gotPut = await page.evaluate(pageGet, { url: await presignedGet("put/data.bin") });
    assert.equal(gotPut.ok, true, gotPut.error);
    assert.equal(gotPut.status, 200);
    assert.deepEqual(gotPut.bytes, putBytes);
    const gotPost = await page.evaluate(pageGet, { url: await presignedGet("posted/hello.txt") });
    assert.equal(gotPost.ok, true, gotPost.error);
    assert.deepEqual(gotPost.bytes, postBytes);
  });

  it("fails in the browser when the bucket's CORS rules do not allow the page's origin", async () => {
    await s3.send(new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["http://elsewhere.example"],
        AllowedMethods: ["GET", "PUT", "POST"], AllowedHeaders: ["*"] }] },
    }));
    const get = await page.evaluate(pageGet, { url: await presignedGet("put/data.bin") });
    assert.equal(get.ok, false, "a GET without Access-Control-Allow-Origin must fail");
    assert.match(get.error, /TypeError/);
    const put = await page.evaluate(pagePut, { url: await presignedPut("put/refused.bin"), bytes: [1, 2, 3] });
    assert.equal(put.ok, false, "the preflight is refused");
    const { url, fields } = await presignedPost();
    const post = await page.evaluate(pagePost, { url, fields, bytes: [1], filename: "refused.txt" });
    assert.equal(post.ok, false, "the form POST response is not readable");

    // A rule for the page's origin lets the same requests through.
    await s3.send(new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: [pages.origin], AllowedMethods: ["GET", "PUT"],
        AllowedHeaders: ["content-type"], ExposeHeaders: ["ETag"] }] },
    }));
    const allowed = await page.evaluate(pageGet, { url: await presignedGet("put/data.bin") });
    assert.equal(allowed.ok, true, allowed.error);
    assert.deepEqual(allowed.bytes, putBytes);
    const again = await page.evaluate(pagePut, { url: await presignedPut("put/again.bin"), bytes: [4, 5] });
    assert.equal(again.ok, true, again.error);
    assert.equal(again.status, 200);
    await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  });
});
