// Starts the real `cairn` binary on free loopback ports (S3 API and console) with its own
// temporary data dir, waits for /minio/health/ready (bounded), and stops it with SIGTERM
// (SIGKILL after a grace period). The binary is $CAIRN_BIN or <repo>/build/cairn.

import { execFile, spawn } from "node:child_process";
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ROOT_USER = "consoleadmin";
export const ROOT_PASSWORD = "consolesecret123";

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export function freePort() {
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function healthStatus(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/minio/health/ready", timeout: 2000, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(null));
  });
}

const live = new Set();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export class CairnServer {
  /** `env`: variables the server gets on top of the root credentials (MINIO_KMS_SECRET_KEY). */
  constructor({ env = {} } = {}) {
    this.extraEnv = env;
    this.root = mkdtempSync(path.join(tmpdir(), "cairn-console-"));
    this.dataDir = path.join(this.root, "data");
    this.log = [];
    this.exit = null;
  }

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  get consoleUrl() {
    return `http://127.0.0.1:${this.consolePort}`;
  }

  logTail(lines = 40) {
    return Buffer.concat(this.log).toString("utf8").split("\n").slice(-lines).join("\n");
  }

  // freePort() only finds ports free at that moment: on a shared machine another process may
  // bind one before cairn does. Then choose again (bounded).
  async start() {
    for (let attempt = 0; ; ++attempt) {
      try {
        return await this.startOnce();
      } catch (e) {
        if (attempt >= 2 || !String(e.message).includes("Address already in use")) throw e;
        this.exit = null;
      }
    }
  }

  async startOnce() {
    const bin = process.env.CAIRN_BIN || path.join(REPO, "build", "cairn");
    accessSync(bin, fsConstants.X_OK);
    this.port = await freePort();
    this.consolePort = await freePort();
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!/^(MINIO_|CAIRN_|AWS_)/.test(k)) env[k] = v;
    }
    // HOME is the server's temp folder, so a ~/.minio/certs on this machine cannot turn it to HTTPS.
    env.HOME = this.root;
    env.MINIO_ROOT_USER = ROOT_USER;
    env.MINIO_ROOT_PASSWORD = ROOT_PASSWORD;
    Object.assign(env, this.extraEnv);
    const args = ["server", "--address", `127.0.0.1:${this.port}`, "--console-address", `127.0.0.1:${this.consolePort}`, this.dataDir];
    this.proc = spawn(bin, args, { env, cwd: this.root, stdio: ["ignore", "pipe", "pipe"] });
    const proc = this.proc;
    live.add(proc);
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        live.delete(proc);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    proc.stdout.on("data", (c) => this.log.push(c));
    proc.stderr.on("data", (c) => this.log.push(c));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`cairn exited early\n${this.logTail()}`);
      if ((await healthStatus(this.port)) === 200) return this;
      await sleep(50);
    }
    await this.stop();
    throw new Error(`cairn not ready after ${READY_TIMEOUT_MS} ms\n${this.logTail()}`);
  }

  async stop() {
    if (this.proc && !this.exit) {
      this.proc.kill("SIGTERM");
      const done = await Promise.race([this.exited, sleep(STOP_TIMEOUT_MS).then(() => null)]);
      if (!done) {
        this.proc.kill("SIGKILL");
        await Promise.race([this.exited, sleep(STOP_TIMEOUT_MS)]);
      }
    }
  }

  async cleanup() {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs curl (as a user would check from a shell): resolves {status, body(Buffer)}. */
export function curl(url, extra = []) {
  return new Promise((resolve, reject) => {
    execFile(
      "curl",
      ["-sS", "--max-time", "30", "-o", "-", "-w", "\n%{http_code}", ...extra, url],
      { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        if (err) {
          reject(err);
          return;
        }
        const nl = stdout.lastIndexOf(0x0a);
        resolve({ status: Number(stdout.subarray(nl + 1).toString()), body: stdout.subarray(0, nl) });
      },
    );
  });
}

/** Deterministic pseudo-random bytes. */
export function testBytes(size, seed = 1) {
  const out = Buffer.allocUnsafe(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  out.fill(7, size - (size % 4));
  return out;
}

// ---- browser helpers shared by the test files ----

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const SHOTS = path.join(REPO, "tests", "console", "screenshots");

export async function launchBrowser(chromium) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/** A new page in its own context (own cookies); confirm() is accepted, alerts are recorded. */
export async function newPage(browser, dialogs = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("dialog", async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    if (d.type() === "confirm") await d.accept();
    else await d.dismiss();
  });
  return page;
}

export async function signIn(page, server, user, secret) {
  await page.goto(`${server.consoleUrl}/#/login`);
  await page.getByLabel("Access key").fill(user);
  await page.getByLabel("Secret key").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * A browser with one page signed in to `server`'s console as root, showing the Buckets page:
 * {browser, page}. The browser is closed again if signing in fails, so no Chromium is left.
 */
export async function openRootConsole(chromium, server, dialogs = []) {
  const browser = await launchBrowser(chromium);
  try {
    const page = await newPage(browser, dialogs);
    await signIn(page, server, ROOT_USER, ROOT_PASSWORD);
    await page.getByRole("heading", { name: "Buckets" }).waitFor();
    return { browser, page };
  } catch (e) {
    await browser.close().catch(() => undefined);
    throw e;
  }
}

/** A call through the console's own endpoints from the signed-in page: {status, body}. */
export async function consoleCall(page, method, url, body) {
  return page.evaluate(
    async ([method, url, body]) => {
      const s = await (await fetch("/api/session")).json();
      const headers = { "X-Cairn-CSRF": s.csrfToken };
      if (body !== undefined && typeof body !== "string") headers["Content-Type"] = "application/json";
      const r = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, text, json };
    },
    [method, url, body],
  );
}

/** Form controls without an accessible name (label, aria-label(ledby), title or visible text). */
export async function unlabelledControls(page) {
  return page.evaluate(() => {
    const bad = [];
    const nameOf = (el) => {
      const aria = el.getAttribute("aria-label");
      if (aria && aria.trim()) return aria.trim();
      const by = el.getAttribute("aria-labelledby");
      if (by) {
        const t = by
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? "")
          .join(" ")
          .trim();
        if (t) return t;
      }
      if (el.labels && el.labels.length) {
        const t = [...el.labels].map((l) => l.textContent).join(" ").trim();
        if (t) return t;
      }
      if (el.tagName === "BUTTON" || el.tagName === "A" || el.getAttribute("role") === "button") {
        const t = (el.innerText || el.textContent || "").trim();
        if (t) return t;
      }
      return (el.getAttribute("title") || "").trim();
    };
    for (const el of document.querySelectorAll("input, select, textarea, button, a[href], [role=button], [tabindex]:not([tabindex='-1'])")) {
      if (el.type === "hidden") continue;
      if (!nameOf(el)) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
  });
}

/** Elements (outside scrollable tables) wider than the viewport. */
export async function overflowing(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap") && !e.closest(".sr-only, .visually-hidden"))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  );
}

/**
 * Screenshots the current page at 1280 and at 390 px (<name>-1280.png, <name>-390.png), checks
 * every control has a name and nothing overflows the narrow screen; `ready` waits for content.
 */
export async function shotBoth(page, name, ready) {
  const { mkdirSync } = await import("node:fs");
  mkdirSync(SHOTS, { recursive: true });
  const problems = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    if (ready) await ready();
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    const unlabelled = await unlabelledControls(page);
    if (unlabelled.length) problems.push(`${name}: unlabelled ${unlabelled.join(" | ")}`);
    if (width === 390) {
      const wide = await overflowing(page);
      if (wide.length) problems.push(`${name} at 390 px: too wide ${wide.join(", ")}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return problems;
}
