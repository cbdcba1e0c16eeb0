// The console's only way to the server: its own /api/ endpoints. The session cookie is HttpOnly;
// this module keeps only the CSRF token, sent with every call that is not a GET/HEAD.

export interface SessionInfo {
  accessKey: string;
  csrfToken: string;
  expiresAt: string;
}

let session: SessionInfo | null = null;
let onSignedOut: () => void = () => {};

export function currentSession(): SessionInfo | null {
  return session;
}

export function setSignedOutHandler(fn: () => void): void {
  onSignedOut = fn;
}

/** An error from the server, with the S3/admin code and message when it sent them. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
  /** "AccessDenied: Access Denied." — what the user reads. */
  get text(): string {
    return this.code ? `${this.code}: ${this.message}` : this.message;
  }
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.text;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Reads an S3 XML or a JSON error body into an ApiError. */
export function parseError(status: number, statusText: string, body: string): ApiError {
  let code = "";
  let message = "";
  const text = body.trim();
  if (text.startsWith("<")) {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    code = doc.querySelector("Error > Code")?.textContent ?? "";
    message = doc.querySelector("Error > Message")?.textContent ?? "";
  } else if (text.startsWith("{")) {
    try {
      const v = JSON.parse(text) as { Code?: string; Message?: string };
      code = v.Code ?? "";
      message = v.Message ?? "";
    } catch {
      /* not JSON after all */
    }
  }
  if (!code && !message) {
    code = status === 404 ? "NotFound" : `HTTP ${status}`;
    message = statusText || "The request failed.";
  }
  return new ApiError(status, code, message || code);
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit | null;
  signal?: AbortSignal;
}

/** A call to a console endpoint; throws ApiError on a non-2xx answer. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (method !== "GET" && method !== "HEAD" && session) headers["X-Cairn-CSRF"] = session.csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: options.body ?? null,
    signal: options.signal,
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!response.ok) {
    const body = method === "HEAD" ? "" : await response.text();
    const error = parseError(response.status, response.statusText, body);
    if (response.status === 401 && error.code === "SessionExpired") {
      session = null;
      onSignedOut();
    }
    throw error;
  }
  return response;
}

export async function callJson<T>(path: string, options: CallOptions = {}): Promise<T> {
  const response = await call(path, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export function jsonBody(value: unknown): CallOptions {
  return { headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}

export async function loadSession(): Promise<SessionInfo | null> {
  try {
    session = await callJson<SessionInfo>("/api/session");
  } catch {
    session = null;
  }
  return session;
}

export async function login(accessKey: string, secretKey: string): Promise<SessionInfo> {
  session = await callJson<SessionInfo>("/api/login", {
    method: "POST",
    ...jsonBody({ accessKey, secretKey }),
  });
  return session;
}

export async function logout(): Promise<void> {
  try {
    await call("/api/logout", { method: "POST" });
  } finally {
    session = null;
  }
}

// ---- S3 through /api/s3 ----

/** Encodes a key for the path: every byte escaped except unreserved characters and '/'. */
export function encodeKey(key: string): string {
  return key
    .split("/")
    .map((part) => encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

export function s3Path(bucket?: string, key?: string, query?: Record<string, string>): string {
  let path = "/api/s3";
  if (bucket) path += `/${encodeURIComponent(bucket)}`;
  if (bucket && key !== undefined) path += `/${encodeKey(key)}`;
  if (query) {
    const parts = Object.entries(query).map(([k, v]) =>
      v === "" ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    );
    if (parts.length) path += `?${parts.join("&")}`;
  }
  return path;
}

export async function s3Xml(path: string, options: CallOptions = {}): Promise<Document> {
  const response = await call(path, options);
  const text = await response.text();
  return new DOMParser().parseFromString(text, "application/xml");
}

/** The text of the first child element named `name` of `el`. */
export function childText(el: Element | Document, name: string): string {
  for (const child of Array.from((el instanceof Document ? el.documentElement : el).children)) {
    if (child.localName === name) return child.textContent ?? "";
  }
  return "";
}

export function children(el: Element | Document, name: string): Element[] {
  const root = el instanceof Document ? el.documentElement : el;
  return Array.from(root.children).filter((c) => c.localName === name);
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Bucket {
  name: string;
  created: string;
}

export async function listBuckets(): Promise<Bucket[]> {
  const doc = await s3Xml(s3Path());
  const buckets = doc.documentElement.getElementsByTagName("Bucket");
  return Array.from(buckets).map((b) => ({ name: childText(b, "Name"), created: childText(b, "CreationDate") }));
}

export interface ObjectEntry {
  key: string;
  size: number;
  lastModified: string;
  etag: string;
}

export interface Listing {
  objects: ObjectEntry[];
  prefixes: string[];
  nextToken: string | null;
}

export async function listObjects(
  bucket: string,
  prefix: string,
  options: { delimiter?: string; token?: string | null; maxKeys?: number } = {},
): Promise<Listing> {
  const query: Record<string, string> = { "list-type": "2", prefix };
  if (options.delimiter) query.delimiter = options.delimiter;
  if (options.token) query["continuation-token"] = options.token;
  query["max-keys"] = String(options.maxKeys ?? 1000);
  const doc = await s3Xml(s3Path(bucket, undefined, query));
  const objects = children(doc, "Contents").map((c) => ({
    key: childText(c, "Key"),
    size: Number(childText(c, "Size")),
    lastModified: childText(c, "LastModified"),
    etag: childText(c, "ETag"),
  }));
  const prefixes = children(doc, "CommonPrefixes").map((c) => childText(c, "Prefix"));
  const truncated = childText(doc, "IsTruncated") === "true";
  return { objects, prefixes, nextToken: truncated ? childText(doc, "NextContinuationToken") : null };
}

export async function deleteObject(bucket: string, key: string): Promise<void> {
  await call(s3Path(bucket, key), { method: "DELETE" });
}

// ---- admin API through /api/admin ----

export function adminPath(path: string, query?: Record<string, string>): string {
  let p = `/api/admin/${path}`;
  if (query) p += `?${new URLSearchParams(query).toString()}`;
  return p;
}

export function admin<T>(path: string, query?: Record<string, string>, options: CallOptions = {}): Promise<T> {
  return callJson<T>(adminPath(path, query), options);
}

export interface User {
  accessKey: string;
  status: string;
  policies: string[];
  groups: string[];
}
export interface Group {
  name: string;
  status: string;
  members: string[];
  policies: string[];
}
export interface PolicyInfo {
  name: string;
  canned: boolean;
  policy?: unknown;
}
export interface ServiceAccount {
  accessKey: string;
  parent: string;
  name: string;
  description: string;
  status: string;
  policy: unknown;
  secretKey?: string;
}
