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
  constructor() {
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

  async start() {
    const bin = process.env.CAIRN_BIN || path.join(REPO, "build", "cairn");
    accessSync(bin, fsConstants.X_OK);
    this.port = await freePort();
    this.consolePort = await freePort();
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!/^(MINIO_|CAIRN_|AWS_)/.test(k)) env[k] = v;
    }
    env.MINIO_ROOT_USER = ROOT_USER;
    env.MINIO_ROOT_PASSWORD = ROOT_PASSWORD;
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
