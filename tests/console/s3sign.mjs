// Signed S3 requests straight to the API port (AWS Signature V4, header form), so the console
// tests check what the UI did with S3 itself rather than through the console's own proxy.
// curl's --aws-sigv4 (7.88 here) signs queries such as `?versions` differently from AWS.

import { createHash, createHmac } from "node:crypto";

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (everything but unreserved characters). */
export function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** "/bucket/a b/c" -> "/bucket/a%20b/c" */
export function objectPath(bucket, key) {
  return `/${bucket}${key === undefined ? "" : `/${key.split("/").map(uriEncode).join("/")}`}`;
}

/**
 * One signed request: resolves {status, headers, body (Buffer), text}.
 * `query` is an object ({versions: "", prefix: "a"}); `body` a string or Buffer.
 */
export async function s3Request(endpoint, access, secret, method, path, { query = {}, headers = {}, body } = {}) {
  const url = new URL(endpoint);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const now = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = now.slice(0, 8);
  const region = "us-east-1";
  const scope = `${day}/${region}/s3/aws4_request`;
  const all = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)])), host: url.host, "x-amz-date": now, "x-amz-content-sha256": sha256(payload) };
  const names = Object.keys(all).sort();
  const canonicalQuery = Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(String(v))])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonical = [method, path, canonicalQuery, names.map((n) => `${n}:${all[n].trim()}\n`).join(""), names.join(";"), all["x-amz-content-sha256"]].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", now, scope, sha256(canonical)].join("\n");
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const sent = { ...all };
  delete sent.host;
  sent.authorization = `AWS4-HMAC-SHA256 Credential=${access}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  const target = `${endpoint}${path}${canonicalQuery ? `?${canonicalQuery}` : ""}`;
  const r = await fetch(target, { method, headers: sent, body: payload.length || method === "PUT" ? payload : undefined });
  const data = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, body: data, text: data.toString("utf8") };
}

/** A client bound to one server and key pair. */
export function s3Client(endpoint, access, secret) {
  return (method, path, options) => s3Request(endpoint, access, secret, method, path, options);
}

/** The <Version>/<DeleteMarker> entries of a ListObjectVersions answer, in order. */
export function parseVersions(xml) {
  const out = [];
  for (const m of xml.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)) {
    const field = (name) => m[2].match(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`))?.[1] ?? "";
    out.push({ kind: m[1], key: field("Key"), versionId: field("VersionId"), isLatest: field("IsLatest") === "true", size: Number(field("Size") || 0) });
  }
  return out;
}

/** [[key, value], ...] of a Tagging document. */
export function parseTags(xml) {
  return [...xml.matchAll(/<Tag><Key>([\s\S]*?)<\/Key><Value>([\s\S]*?)<\/Value><\/Tag>/g)].map((m) => [m[1], m[2]]);
}
