// Shared harness for Cairn's Node.js integration tests.
//
// Starts the real `cairn` binary on free loopback ports with its own temporary data dir, waits
// for /minio/health/ready (bounded), and stops it with SIGTERM (SIGKILL after a grace period).
// The server's output is kept in memory; `itest` prints its tail when a test fails.
//
// The binary is $CAIRN_BIN or <repo>/build/cairn.

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { S3Client } from "@aws-sdk/client-s3";
import * as Minio from "minio";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const ROOT_USER = "cairnadmin";
export const ROOT_PASSWORD = "cairnsecret123";
export const REGION = "us-east-1";
export const MiB = 1024 * 1024;

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;
const LOG_KEEP_BYTES = 256 * 1024;

export function cairnBin() {
  return process.env.CAIRN_BIN || path.join(REPO, "build", "cairn");
}

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

/** Rejects after `ms` with a message naming `what`; the timer never keeps the process alive. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function healthStatus(port) {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port, path: "/minio/health/ready", timeout: 2000, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
        res.on("error", () => resolve(null));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(null));
  });
}

// Servers still running; killed if this process exits or is interrupted, so none is orphaned.
const live = new Set();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, () => {
    for (const p of live) p.kill("SIGKILL");
    process.exit(130);
  });
}

/** One `cairn server` process on free loopback ports with its own temporary data dir. */
export class CairnServer {
  constructor() {
    this.root = mkdtempSync(path.join(tmpdir(), "cairn-jstest-"));
    this.dataDir = path.join(this.root, "data");
    this.proc = null;
    this.exit = null;
    this.log = [];
    this.logBytes = 0;
    this.clients = [];
  }

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  _capture(chunk) {
    this.log.push(chunk);
    this.logBytes += chunk.length;
    while (this.logBytes > LOG_KEEP_BYTES && this.log.length > 1) {
      this.logBytes -= this.log.shift().length;
    }
  }

  logTail(lines = 40) {
    const text = Buffer.concat(this.log).toString("utf8").split("\n").slice(-lines).join("\n");
    return `---- cairn log tail (${this.endpoint}) ----\n${text}\n------------------------`;
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
    const bin = cairnBin();
    try {
      accessSync(bin, fsConstants.X_OK);
    } catch {
      throw new Error(`cairn binary not found at ${bin} (build it or set CAIRN_BIN)`);
    }
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
    const args = [
      "server",
      "--address",
      `127.0.0.1:${this.port}`,
      "--console-address",
      `127.0.0.1:${this.consolePort}`,
      this.dataDir,
    ];
    this.proc = spawn(bin, args, { env, cwd: this.root, stdio: ["ignore", "pipe", "pipe"] });
    const proc = this.proc;
    live.add(proc);
    this.exited = new Promise((resolve) => {
      proc.on("exit", (code, signal) => {
        live.delete(proc);
        this.exit = { code, signal };
        resolve(this.exit);
      });
      proc.on("error", (err) => {
        live.delete(proc);
        this.exit = { code: null, signal: null, error: err };
        resolve(this.exit);
      });
    });
    this.proc.stdout.on("data", (c) => this._capture(c));
    this.proc.stderr.on("data", (c) => this._capture(c));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = null;
    while (Date.now() < deadline) {
      if (this.exit) {
        throw new Error(
          `cairn exited (${JSON.stringify(this.exit)}) before becoming ready\n${this.logTail()}`,
        );
      }
      last = await healthStatus(this.port);
      if (last === 200) return this;
      await sleep(50);
    }
    await this.stop();
    throw new Error(
      `cairn not ready after ${READY_TIMEOUT_MS} ms on port ${this.port} (last status ${last})\n${this.logTail()}`,
    );
  }

  async stop() {
    for (const c of this.clients.splice(0)) {
      try {
        c.destroy?.();
      } catch {
        /* ignore */
      }
    }
    if (this.proc && !this.exit) {
      this.proc.kill("SIGTERM");
      const done = await Promise.race([this.exited, sleep(STOP_TIMEOUT_MS).then(() => null)]);
      if (!done && !this.exit) {
        this.proc.kill("SIGKILL");
        await Promise.race([this.exited, sleep(STOP_TIMEOUT_MS)]);
      }
    }
    return this.exit;
  }

  async cleanup() {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** An S3Client for this server. `opts` are merged into the client config. */
  s3(opts = {}) {
    const client = new S3Client({
      endpoint: this.endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
      maxAttempts: 1,
      // Explicit, so ~/.aws/config or AWS_* variables cannot change what is tested.
      requestChecksumCalculation: "WHEN_SUPPORTED",
      responseChecksumValidation: "WHEN_SUPPORTED",
      requestHandler: {
        connectionTimeout: 5000,
        requestTimeout: REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
      ...opts,
    });
    this.clients.push(client);
    return client;
  }

  /** A `minio` npm client for this server. */
  minio(opts = {}) {
    return new Minio.Client({
      endPoint: "127.0.0.1",
      port: this.port,
      useSSL: false,
      accessKey: ROOT_USER,
      secretKey: ROOT_PASSWORD,
      region: REGION,
      pathStyle: true,
      ...opts,
    });
  }
}

export function uniqueBucket(prefix = "js") {
  return `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/**
 * Deterministic pseudo-random bytes for (size, seed): a 64 KiB xorshift block per seed, each
 * repetition stamped with its index, so equal arguments give equal bytes and parts differ.
 */
export function testBytes(size, seed = 1) {
  const block = Buffer.allocUnsafe(64 * 1024);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < block.length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    block.writeUInt32LE(x, i);
  }
  const out = Buffer.allocUnsafe(size);
  for (let off = 0, i = 0; off < size; off += block.length, i++) {
    block.writeUInt32LE((seed * 40503 + i) >>> 0, 0);
    block.copy(out, off, 0, Math.min(block.length, size - off));
  }
  return out;
}

/** Collects a Readable / SDK body into one Buffer (bounded by the caller's test timeout). */
export async function readAll(body) {
  if (body == null) throw new Error("no body");
  if (typeof body.transformToByteArray === "function") {
    return Buffer.from(await body.transformToByteArray());
  }
  const chunks = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

/** Asserts that `promise` rejects with an S3 error whose code is one of `codes`. Returns it. */
export async function expectS3Error(promise, codes, what = "") {
  const allowed = Array.isArray(codes) ? codes : [codes];
  let result;
  try {
    result = await promise;
  } catch (err) {
    const code = err?.Code || err?.code || err?.name;
    if (!allowed.includes(code)) {
      const status = err?.$metadata?.httpStatusCode ?? err?.$response?.statusCode;
      const e = new Error(
        `${what}: expected S3 error ${allowed.join(" or ")}, got ${code} (HTTP ${status}): ${err?.message}`,
      );
      e.cause = err;
      throw e;
    }
    return err;
  }
  throw new Error(
    `${what}: expected S3 error ${allowed.join(" or ")}, but the request succeeded: ${JSON.stringify(result?.$metadata ?? result)}`,
  );
}

/**
 * A suite with its own server: `serverSuite(name, (srv) => { ... })`. The server starts before
 * the suite's tests (then `setup(server)` runs, if given) and is removed afterwards; inside,
 * `srv.server` is the CairnServer. Use `itest(srv, ...)` for the tests.
 */
export function serverSuite(name, body, { setup } = {}) {
  return describe(name, () => {
    const holder = { server: null };
    before(
      async () => {
        holder.server = new CairnServer();
        try {
          await holder.server.start();
        } catch (err) {
          await holder.server.cleanup();
          holder.server = null;
          throw err;
        }
        if (setup) await withTimeout(setup(holder.server), 30_000, `${name}: setup`);
      },
      { timeout: READY_TIMEOUT_MS + 2 * STOP_TIMEOUT_MS + 40_000 },
    );
    after(
      async () => {
        if (holder.server) await holder.server.cleanup();
      },
      { timeout: 2 * STOP_TIMEOUT_MS + 5000 },
    );
    body(holder);
  });
}

/** A bounded test that prints the server's log tail if it fails. */
export function itest(srv, name, fn, { timeout = 90_000 } = {}) {
  return it(name, { timeout }, async (t) => {
    if (!srv.server) throw new Error("the server did not start (see the suite's before hook)");
    try {
      await fn(t);
    } catch (err) {
      console.error(`\n[${name}] failed\n${srv.server.logTail()}`);
      throw err;
    }
  });
}

/**
 * Records the headers of every request an S3Client sends (after signing), so tests can assert
 * how the SDK encoded a body (e.g. aws-chunked with a trailer). One shared list per client.
 */
export function recordRequests(client) {
  if (client.cairnSeen) return client.cairnSeen;
  const seen = [];
  client.cairnSeen = seen;
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request;
      if (req && req.headers) {
        seen.push({ method: req.method, path: req.path, query: { ...req.query }, headers: { ...req.headers } });
      }
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "cairnRecordRequests" },
  );
  return seen;
}
