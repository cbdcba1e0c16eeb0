// Encryption at rest in the console (issue 14): an object's mode read from its HEAD headers, the
// SSE-C key an SSE-C object needs for every read (held by the open details panel only, never
// stored), the encryption an upload asks for, and the bucket default
// (Get/Put/DeleteBucketEncryption). What is allowed is the server's to judge: a server without a
// KMS answers 501 NotImplemented and the page says so.

import { ApiError, call, childText, errorText, s3Path, s3Xml, xmlEscape } from "./api";
import { contentMd5, md5 } from "./md5";
import { field, h, settingsRunner } from "./dom";

const S3_NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

export type EncryptionMode = "None" | "SSE-S3" | "SSE-KMS" | "SSE-C";

export interface ObjectEncryption {
  mode: EncryptionMode;
  /** SSE-KMS: the key id as the server names it ("arn:aws:kms:<name>"). */
  kmsKeyId: string;
}

export function encryptionFromHeaders(headers: Headers): ObjectEncryption {
  if (headers.get("x-amz-server-side-encryption-customer-algorithm")) return { mode: "SSE-C", kmsKeyId: "" };
  const algorithm = headers.get("x-amz-server-side-encryption") ?? "";
  if (algorithm === "AES256") return { mode: "SSE-S3", kmsKeyId: "" };
  if (algorithm.startsWith("aws:kms")) return { mode: "SSE-KMS", kmsKeyId: headers.get("x-amz-server-side-encryption-aws-kms-key-id") ?? "" };
  return { mode: "None", kmsKeyId: "" };
}

/** "SSE-KMS (key arn:aws:kms:my-key)", "SSE-S3", "None". */
export function describeEncryption(e: ObjectEncryption): string {
  return e.mode === "SSE-KMS" && e.kmsKeyId ? `SSE-KMS (key ${e.kmsKeyId})` : e.mode;
}

// ---- SSE-C ----

export interface CustomerKey {
  /** base64 of the 32 key bytes. */
  key: string;
  /** base64 of their MD5. */
  keyMd5: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * A customer key as typed: base64 of 32 bytes (what AWS sends), or 32 characters of text (what
 * `mc --enc-c` also takes). Anything else is an error message.
 */
export function parseCustomerKey(text: string): CustomerKey | string {
  const typed = text.trim();
  let bytes: Uint8Array | null = null;
  if (/^[A-Za-z0-9+/]{43}=$/.test(typed)) {
    bytes = Uint8Array.from(atob(typed), (c) => c.charCodeAt(0));
  } else {
    const raw = new TextEncoder().encode(typed);
    if (raw.length === 32) bytes = raw;
  }
  if (!bytes || bytes.length !== 32) return "An SSE-C key is 32 bytes: 44 characters of base64 or 32 characters of text.";
  return { key: toBase64(bytes), keyMd5: toBase64(md5(bytes)) };
}

/** The three headers every read of an SSE-C object carries. */
export function customerKeyHeaders(key: CustomerKey | null | undefined): Record<string, string> {
  if (!key) return {};
  return {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": key.key,
    "x-amz-server-side-encryption-customer-key-MD5": key.keyMd5,
  };
}

/** The server's refusal to read an SSE-C object without its key (400 InvalidRequest). */
export function needsCustomerKey(e: unknown): boolean {
  return e instanceof ApiError && e.code === "InvalidRequest" && /server side encryption/i.test(e.message);
}

/**
 * HEAD of an object. A HEAD error has no body, so on a 400 or 403 the same request is made as a
 * one-byte GET to read the server's code and message (an SSE-C object without its key, a wrong
 * key, a policy denial) instead of a bare "HTTP 400".
 */
export async function headExplained(path: string, headers: Record<string, string>): Promise<Response> {
  try {
    return await call(path, { method: "HEAD", headers });
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 400 && e.status !== 403)) throw e;
    // Throws the server's own error; should the GET succeed, the HEAD's stands.
    await (await call(path, { headers: { ...headers, Range: "bytes=0-0" } })).arrayBuffer();
    throw e;
  }
}

/** Fetches an object with extra headers (an SSE-C key) and saves it as `name`. */
export async function downloadWith(path: string, headers: Record<string, string>, name: string): Promise<void> {
  const blob = await (await call(path, { headers })).blob();
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The SSE-C key form of the object details: the key goes to `use` (which re-reads the object
 * with it); `problem` is the server's answer to the last key tried.
 */
export function customerKeyForm(use: (key: CustomerKey) => void, problem = ""): HTMLElement {
  const input = h("input", { type: "password", name: "sse-c-key", autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "error", role: "alert", id: "sse-c-error" }, problem);
  return h(
    "form",
    {
      class: "inline-form sse-c-form",
      "aria-label": "SSE-C key",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const key = parseCustomerKey(input.value);
        if (typeof key === "string") error.textContent = key;
        else use(key);
      },
    },
    field("Customer key (SSE-C)", input, "Base64 of 32 bytes, or 32 characters. Sent with each request of this panel, never stored."),
    h("button", { type: "submit" }, "Use key"),
    error,
  );
}

// ---- uploads ----

export type UploadEncryption = "" | "AES256" | "aws:kms";

export const UPLOAD_ENCRYPTION_CHOICES: [UploadEncryption, string][] = [
  ["", "Bucket default"],
  ["AES256", "SSE-S3"],
  ["aws:kms", "SSE-KMS"],
];

/** The header a PUT or CreateMultipartUpload carries for `choice` (none: the bucket default). */
export function uploadEncryptionHeaders(choice: UploadEncryption): Record<string, string> {
  return choice ? { "x-amz-server-side-encryption": choice } : {};
}

// ---- bucket default ----

export interface BucketEncryption {
  algorithm: "AES256" | "aws:kms";
  /** SSE-KMS: the key id as stored ("arn:aws:kms:<name>"); "" is the KMS's own key. */
  kmsKeyId: string;
}

/** GetBucketEncryption; ServerSideEncryptionConfigurationNotFoundError is null. */
export async function getBucketEncryption(bucket: string): Promise<BucketEncryption | null> {
  let doc: Document;
  try {
    doc = await s3Xml(s3Path(bucket, undefined, { encryption: "" }));
  } catch (e) {
    if (e instanceof ApiError && e.code === "ServerSideEncryptionConfigurationNotFoundError") return null;
    throw e;
  }
  const apply = doc.getElementsByTagName("ApplyServerSideEncryptionByDefault")[0];
  const algorithm = apply ? childText(apply, "SSEAlgorithm") : "";
  return { algorithm: algorithm === "aws:kms" ? "aws:kms" : "AES256", kmsKeyId: apply ? childText(apply, "KMSMasterKeyID") : "" };
}

/** PutBucketEncryption with one rule; null deletes the default (DeleteBucketEncryption). */
export async function putBucketEncryption(bucket: string, config: BucketEncryption | null): Promise<void> {
  const path = s3Path(bucket, undefined, { encryption: "" });
  if (config === null) {
    await call(path, { method: "DELETE" });
    return;
  }
  const keyId = config.algorithm === "aws:kms" && config.kmsKeyId ? `<KMSMasterKeyID>${xmlEscape(config.kmsKeyId)}</KMSMasterKeyID>` : "";
  const body = `<ServerSideEncryptionConfiguration ${S3_NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${config.algorithm}</SSEAlgorithm>${keyId}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;
  await call(path, { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body) }, body });
}

export function describeBucketEncryption(config: BucketEncryption | null): string {
  if (!config) return "None";
  if (config.algorithm === "AES256") return "SSE-S3";
  return config.kmsKeyId ? `SSE-KMS (key ${config.kmsKeyId})` : "SSE-KMS (the KMS's default key)";
}

/** The server's words, and for a server without a KMS what to do about it. */
function refusalText(e: unknown): string {
  const text = errorText(e);
  if (e instanceof ApiError && e.status === 501) return `${text}\nThis server has no KMS: start it with MINIO_KMS_SECRET_KEY to use SSE-S3 or SSE-KMS.`;
  return text;
}

/** The bucket settings' "Default encryption" section. */
export function bucketEncryptionSection(bucket: string): HTMLElement {
  const state = h("strong", { id: "encryption-state" }, "…");
  const error = h("p", { class: "error", role: "alert", id: "encryption-error" });
  const algorithm = h("select", { name: "encryption-algorithm" }, h("option", { value: "AES256" }, "SSE-S3"), h("option", { value: "aws:kms" }, "SSE-KMS"));
  const keyId = h("input", { name: "kms-key-id", autocomplete: "off", spellcheck: "false", placeholder: "(the KMS's key)" });
  const keyField = field("KMS key ID", keyId);
  const remove = h("button", { type: "button", class: "secondary", hidden: true }, "Remove default encryption");
  const sync = () => (keyField.hidden = algorithm.value !== "aws:kms");
  algorithm.addEventListener("change", sync);
  sync();
  const show = async () => {
    try {
      const config = await getBucketEncryption(bucket);
      state.textContent = describeBucketEncryption(config);
      if (config) {
        algorithm.value = config.algorithm;
        keyId.value = config.kmsKeyId;
      }
      remove.hidden = config === null;
      sync();
    } catch (err) {
      state.textContent = "unknown";
      error.textContent = errorText(err);
    }
  };
  const run = settingsRunner(error, show, refusalText);
  remove.addEventListener("click", () => void run(() => putBucketEncryption(bucket, null), `Default encryption of ${bucket} removed.`));
  void show();
  return h(
    "section",
    { class: "card", "aria-labelledby": "encryption-title" },
    h("h2", { id: "encryption-title" }, "Default encryption"),
    h("p", {}, "Status: ", state),
    h("p", { class: "hint" }, "New objects written without encryption headers are encrypted this way; objects already stored stay as they are."),
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": "Set default encryption",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const config: BucketEncryption = { algorithm: algorithm.value === "aws:kms" ? "aws:kms" : "AES256", kmsKeyId: keyId.value.trim() };
          void run(() => putBucketEncryption(bucket, config), `Default encryption of ${bucket} set to ${describeBucketEncryption(config)}.`);
        },
      },
      field("Default encryption", algorithm),
      keyField,
      h("button", { type: "submit" }, "Save default encryption"),
      remove,
    ),
    error,
  );
}
