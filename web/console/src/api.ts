// The console's only way to the server: its own /api/ endpoints. The session cookie is HttpOnly;
// this module keeps only the CSRF token, sent with every call that is not a GET/HEAD.

import { contentMd5 } from "./md5";

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

// ---- versions and tags ----

export type VersioningState = "Unversioned" | "Enabled" | "Suspended";

/** GetBucketVersioning: a bucket never switched has an empty configuration ("Unversioned"). */
export async function getVersioning(bucket: string): Promise<VersioningState> {
  const doc = await s3Xml(s3Path(bucket, undefined, { versioning: "" }));
  const status = childText(doc, "Status");
  return status === "Enabled" || status === "Suspended" ? status : "Unversioned";
}

export async function putVersioning(bucket: string, status: "Enabled" | "Suspended"): Promise<void> {
  const body = `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${status}</Status></VersioningConfiguration>`;
  await call(s3Path(bucket, undefined, { versioning: "" }), { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body) }, body });
}

export interface VersionEntry {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  lastModified: string;
  etag: string;
}

export interface VersionMarker {
  keyMarker: string;
  versionIdMarker: string;
}

export interface VersionListing {
  versions: VersionEntry[];
  prefixes: string[];
  /** Where the next page starts; null on the last page. */
  next: VersionMarker | null;
}

/** ListObjectVersions: versions and delete markers in the server's order (each key newest first). */
export async function listVersions(
  bucket: string,
  prefix: string,
  options: { delimiter?: string; marker?: VersionMarker | null; maxKeys?: number } = {},
): Promise<VersionListing> {
  const query: Record<string, string> = { versions: "", prefix };
  if (options.delimiter) query.delimiter = options.delimiter;
  if (options.marker) {
    query["key-marker"] = options.marker.keyMarker;
    if (options.marker.versionIdMarker) query["version-id-marker"] = options.marker.versionIdMarker;
  }
  query["max-keys"] = String(options.maxKeys ?? 1000);
  const doc = await s3Xml(s3Path(bucket, undefined, query));
  const versions = Array.from(doc.documentElement.children)
    .filter((c) => c.localName === "Version" || c.localName === "DeleteMarker")
    .map((c) => ({
      key: childText(c, "Key"),
      versionId: childText(c, "VersionId"),
      isLatest: childText(c, "IsLatest") === "true",
      deleteMarker: c.localName === "DeleteMarker",
      size: Number(childText(c, "Size") || 0),
      lastModified: childText(c, "LastModified"),
      etag: childText(c, "ETag"),
    }));
  const prefixes = children(doc, "CommonPrefixes").map((c) => childText(c, "Prefix"));
  const truncated = childText(doc, "IsTruncated") === "true";
  const next = truncated ? { keyMarker: childText(doc, "NextKeyMarker"), versionIdMarker: childText(doc, "NextVersionIdMarker") } : null;
  return { versions, prefixes, next };
}

/** The query naming one version; none for the latest. */
export function versionQuery(versionId?: string | null): Record<string, string> | undefined {
  return versionId ? { versionId } : undefined;
}

/** DELETE with a version id: removes that version (or delete marker) for good. */
export async function deleteVersion(bucket: string, key: string, versionId: string, bypassGovernance = false): Promise<void> {
  await call(s3Path(bucket, key, { versionId }), { method: "DELETE", headers: bypassGovernance ? { "x-amz-bypass-governance-retention": "true" } : {} });
}

/** Copies a version over its own key, so that it becomes the latest; returns the new version id. */
export async function restoreVersion(bucket: string, key: string, versionId: string): Promise<string> {
  const source = `/${encodeURIComponent(bucket)}/${encodeKey(key)}?versionId=${encodeURIComponent(versionId)}`;
  const r = await call(s3Path(bucket, key), { method: "PUT", headers: { "x-amz-copy-source": source } });
  return r.headers.get("x-amz-version-id") ?? "";
}

export type Tag = [string, string];

function tagsFromXml(doc: Document): Tag[] {
  return Array.from(doc.getElementsByTagName("Tag")).map((t) => [childText(t, "Key"), childText(t, "Value")] as Tag);
}

export function taggingXml(tags: Tag[]): string {
  return (
    '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>' +
    tags.map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`).join("") +
    "</TagSet></Tagging>"
  );
}

/** Tags of an object (a version of it when `versionId` is given). */
export async function getObjectTags(bucket: string, key: string, versionId?: string | null): Promise<Tag[]> {
  return tagsFromXml(await s3Xml(s3Path(bucket, key, { tagging: "", ...versionQuery(versionId) })));
}

/** Replaces an object's tags; an empty set deletes them (DeleteObjectTagging). */
export async function putObjectTags(bucket: string, key: string, versionId: string | null | undefined, tags: Tag[]): Promise<void> {
  const path = s3Path(bucket, key, { tagging: "", ...versionQuery(versionId) });
  if (tags.length === 0) {
    await call(path, { method: "DELETE" });
    return;
  }
  const body = taggingXml(tags);
  await call(path, { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body) }, body });
}

/** A bucket's tags; none (NoSuchTagSet) is an empty list. */
export async function getBucketTags(bucket: string): Promise<Tag[]> {
  try {
    return tagsFromXml(await s3Xml(s3Path(bucket, undefined, { tagging: "" })));
  } catch (e) {
    if (e instanceof ApiError && e.code === "NoSuchTagSet") return [];
    throw e;
  }
}

export async function putBucketTags(bucket: string, tags: Tag[]): Promise<void> {
  const path = s3Path(bucket, undefined, { tagging: "" });
  if (tags.length === 0) {
    await call(path, { method: "DELETE" });
    return;
  }
  const body = taggingXml(tags);
  await call(path, { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body) }, body });
}

// ---- object lock ----

export type RetentionMode = "GOVERNANCE" | "COMPLIANCE";

/** A bucket's object lock: null when lock is not enabled on it. */
export interface LockConfiguration {
  defaultMode: RetentionMode | null;
  days: number | null;
  years: number | null;
}

const S3_NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** Sends a small XML document with its Content-MD5 (AWS requires it on these configuration calls). */
async function putXml(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body), ...headers }, body });
}

/** GetObjectLockConfiguration; ObjectLockConfigurationNotFoundError is null. */
export async function getObjectLock(bucket: string): Promise<LockConfiguration | null> {
  let doc: Document;
  try {
    doc = await s3Xml(s3Path(bucket, undefined, { "object-lock": "" }));
  } catch (e) {
    if (e instanceof ApiError && e.code === "ObjectLockConfigurationNotFoundError") return null;
    throw e;
  }
  const retention = doc.getElementsByTagName("DefaultRetention")[0];
  const mode = retention ? childText(retention, "Mode") : "";
  return {
    defaultMode: mode === "GOVERNANCE" || mode === "COMPLIANCE" ? mode : null,
    days: retention && childText(retention, "Days") ? Number(childText(retention, "Days")) : null,
    years: retention && childText(retention, "Years") ? Number(childText(retention, "Years")) : null,
  };
}

/**
 * PutObjectLockConfiguration: enables lock (if not yet) with this default retention, or none.
 * `period` is sent as typed so that the server judges it (InvalidArgument, MalformedXML).
 */
export async function putObjectLock(bucket: string, retention: { mode: RetentionMode; unit: "Days" | "Years"; period: string } | null): Promise<void> {
  const rule = retention
    ? `<Rule><DefaultRetention><Mode>${retention.mode}</Mode><${retention.unit}>${xmlEscape(retention.period)}</${retention.unit}></DefaultRetention></Rule>`
    : "";
  await putXml(s3Path(bucket, undefined, { "object-lock": "" }), `<ObjectLockConfiguration ${S3_NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled>${rule}</ObjectLockConfiguration>`);
}

/** The lock state of one version, from the HEAD headers. */
export interface VersionLock {
  mode: RetentionMode | null;
  retainUntil: string;
  legalHold: boolean;
}

export function lockFromHeaders(headers: Headers): VersionLock {
  const mode = headers.get("x-amz-object-lock-mode");
  return {
    mode: mode === "GOVERNANCE" || mode === "COMPLIANCE" ? mode : null,
    retainUntil: headers.get("x-amz-object-lock-retain-until-date") ?? "",
    legalHold: headers.get("x-amz-object-lock-legal-hold") === "ON",
  };
}

export async function headVersionLock(bucket: string, key: string, versionId: string): Promise<VersionLock> {
  return lockFromHeaders((await call(s3Path(bucket, key, { versionId }), { method: "HEAD" })).headers);
}

const bypassHeader = (bypass: boolean): Record<string, string> => (bypass ? { "x-amz-bypass-governance-retention": "true" } : {});

/** PutObjectRetention on a version; `retention` null removes it (GOVERNANCE, with bypass only). */
export async function putRetention(bucket: string, key: string, versionId: string, retention: { mode: RetentionMode; until: string } | null, bypass: boolean): Promise<void> {
  const inner = retention ? `<Mode>${retention.mode}</Mode><RetainUntilDate>${xmlEscape(retention.until)}</RetainUntilDate>` : "";
  await putXml(s3Path(bucket, key, { retention: "", versionId }), `<Retention ${S3_NS}>${inner}</Retention>`, bypassHeader(bypass));
}

export async function putLegalHold(bucket: string, key: string, versionId: string, on: boolean): Promise<void> {
  await putXml(s3Path(bucket, key, { "legal-hold": "", versionId }), `<LegalHold ${S3_NS}><Status>${on ? "ON" : "OFF"}</Status></LegalHold>`);
}

// ---- lifecycle ----

/**
 * One lifecycle rule as the editor holds it. Numbers stay the text typed (or read) so that the
 * server, not the page, judges them; "" is an absent element.
 */
export interface LifecycleRule {
  id: string;
  enabled: boolean;
  prefix: string;
  tags: Tag[];
  sizeGreaterThan: string;
  sizeLessThan: string;
  expirationDays: string;
  /** YYYY-MM-DD (midnight UTC). */
  expirationDate: string;
  expiredObjectDeleteMarker: boolean;
  noncurrentDays: string;
  newerNoncurrentVersions: string;
  abortDays: string;
}

export function emptyRule(): LifecycleRule {
  return { id: "", enabled: true, prefix: "", tags: [], sizeGreaterThan: "", sizeLessThan: "", expirationDays: "", expirationDate: "", expiredObjectDeleteMarker: false, noncurrentDays: "", newerNoncurrentVersions: "", abortDays: "" };
}

function child(el: Element | undefined, name: string): Element | undefined {
  return el ? children(el, name)[0] : undefined;
}

function ruleFromXml(r: Element): LifecycleRule {
  const rule = emptyRule();
  rule.id = childText(r, "ID");
  rule.enabled = childText(r, "Status") === "Enabled";
  const filter = child(r, "Filter");
  const conditions = child(filter, "And") ?? filter;
  rule.prefix = conditions ? childText(conditions, "Prefix") : childText(r, "Prefix"); // legacy rule-level Prefix
  if (conditions) {
    rule.tags = children(conditions, "Tag").map((t) => [childText(t, "Key"), childText(t, "Value")] as Tag);
    rule.sizeGreaterThan = childText(conditions, "ObjectSizeGreaterThan");
    rule.sizeLessThan = childText(conditions, "ObjectSizeLessThan");
  }
  const expiration = child(r, "Expiration");
  if (expiration) {
    rule.expirationDays = childText(expiration, "Days");
    rule.expirationDate = childText(expiration, "Date").slice(0, 10);
    rule.expiredObjectDeleteMarker = childText(expiration, "ExpiredObjectDeleteMarker") === "true";
  }
  const noncurrent = child(r, "NoncurrentVersionExpiration");
  if (noncurrent) {
    rule.noncurrentDays = childText(noncurrent, "NoncurrentDays");
    rule.newerNoncurrentVersions = childText(noncurrent, "NewerNoncurrentVersions");
  }
  const abort = child(r, "AbortIncompleteMultipartUpload");
  if (abort) rule.abortDays = childText(abort, "DaysAfterInitiation");
  return rule;
}

const el = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;

/** The Filter of a rule: one condition alone, several inside And, none as an empty Filter. */
function filterXml(r: LifecycleRule): string {
  const parts: string[] = [];
  if (r.prefix) parts.push(el("Prefix", r.prefix));
  for (const [k, v] of r.tags) parts.push(`<Tag>${el("Key", k)}${el("Value", v)}</Tag>`);
  if (r.sizeGreaterThan.trim()) parts.push(el("ObjectSizeGreaterThan", r.sizeGreaterThan.trim()));
  if (r.sizeLessThan.trim()) parts.push(el("ObjectSizeLessThan", r.sizeLessThan.trim()));
  return `<Filter>${parts.length > 1 ? `<And>${parts.join("")}</And>` : parts.join("")}</Filter>`;
}

export function lifecycleXml(rules: LifecycleRule[]): string {
  const body = rules
    .map((r) => {
      let x = "<Rule>";
      if (r.id) x += el("ID", r.id);
      x += filterXml(r) + el("Status", r.enabled ? "Enabled" : "Disabled");
      const days = r.expirationDays.trim();
      if (days || r.expirationDate || r.expiredObjectDeleteMarker) {
        x += "<Expiration>";
        if (days) x += el("Days", days);
        if (r.expirationDate) x += el("Date", `${r.expirationDate}T00:00:00.000Z`);
        if (r.expiredObjectDeleteMarker) x += el("ExpiredObjectDeleteMarker", "true");
        x += "</Expiration>";
      }
      if (r.noncurrentDays.trim() || r.newerNoncurrentVersions.trim()) {
        x += "<NoncurrentVersionExpiration>";
        if (r.noncurrentDays.trim()) x += el("NoncurrentDays", r.noncurrentDays.trim());
        if (r.newerNoncurrentVersions.trim()) x += el("NewerNoncurrentVersions", r.newerNoncurrentVersions.trim());
        x += "</NoncurrentVersionExpiration>";
      }
      if (r.abortDays.trim()) x += `<AbortIncompleteMultipartUpload>${el("DaysAfterInitiation", r.abortDays.trim())}</AbortIncompleteMultipartUpload>`;
      return `${x}</Rule>`;
    })
    .join("");
  return `<LifecycleConfiguration ${S3_NS}>${body}</LifecycleConfiguration>`;
}

/** GetBucketLifecycleConfiguration; NoSuchLifecycleConfiguration is no rules. */
export async function getLifecycle(bucket: string): Promise<LifecycleRule[]> {
  try {
    return children(await s3Xml(s3Path(bucket, undefined, { lifecycle: "" })), "Rule").map(ruleFromXml);
  } catch (e) {
    if (e instanceof ApiError && e.code === "NoSuchLifecycleConfiguration") return [];
    throw e;
  }
}

/** Writes the whole configuration; no rules deletes it (DeleteBucketLifecycle). */
export async function putLifecycle(bucket: string, rules: LifecycleRule[]): Promise<void> {
  const path = s3Path(bucket, undefined, { lifecycle: "" });
  if (rules.length === 0) await call(path, { method: "DELETE" });
  else await putXml(path, lifecycleXml(rules));
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
