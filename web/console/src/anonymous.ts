// Anonymous access per prefix, written as the same bucket-policy statements `mc anonymous set`
// writes (minio-go's policy package): "download" = GetBucketLocation + ListBucket (with an
// s3:prefix condition for a prefix) + GetObject on bucket/prefix*; "upload" =
// ListBucketMultipartUploads + AbortMultipartUpload, DeleteObject, ListMultipartUploadParts,
// PutObject on bucket/prefix*; "public" = both.

export type Access = "none" | "download" | "upload" | "public";

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  [other: string]: unknown;
}

export interface PolicyDoc {
  Version?: string;
  Statement: Statement[];
}

const READ_OBJECT = ["s3:GetObject"];
const WRITE_OBJECT = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"];

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function isAnonymous(s: Statement): boolean {
  const p = s.Principal;
  if (p === "*") return true;
  if (p && typeof p === "object" && "AWS" in p) {
    const aws = (p as { AWS: string | string[] }).AWS;
    return list(aws).includes("*");
  }
  return false;
}

function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** Anonymous access by prefix as found in a policy ("" = the whole bucket). */
export function readAnonymous(bucket: string, doc: PolicyDoc | null): Map<string, Access> {
  const result = new Map<string, { read: boolean; write: boolean }>();
  const objectPrefix = `${bucketArn(bucket)}/`;
  for (const s of doc?.Statement ?? []) {
    if (s.Effect !== "Allow" || !isAnonymous(s)) continue;
    const actions = list(s.Action);
    for (const resource of list(s.Resource)) {
      if (!resource.startsWith(objectPrefix) || !resource.endsWith("*")) continue;
      const prefix = resource.slice(objectPrefix.length, -1);
      const entry = result.get(prefix) ?? { read: false, write: false };
      if (actions.includes("s3:GetObject") || actions.includes("s3:*")) entry.read = true;
      if (actions.includes("s3:PutObject") || actions.includes("s3:*")) entry.write = true;
      result.set(prefix, entry);
    }
  }
  const out = new Map<string, Access>();
  for (const [prefix, { read, write }] of result) {
    out.set(prefix, read && write ? "public" : read ? "download" : write ? "upload" : "none");
  }
  return out;
}

function statementsFor(bucket: string, prefix: string, access: Access): Statement[] {
  if (access === "none") return [];
  const principal = { AWS: ["*"] };
  const read = access === "download" || access === "public";
  const write = access === "upload" || access === "public";
  const out: Statement[] = [];
  const bucketActions = ["s3:GetBucketLocation"];
  if (write) bucketActions.push("s3:ListBucketMultipartUploads");
  out.push({ Effect: "Allow", Principal: principal, Action: bucketActions, Resource: [bucketArn(bucket)] });
  if (read) {
    const listStatement: Statement = { Effect: "Allow", Principal: principal, Action: ["s3:ListBucket"], Resource: [bucketArn(bucket)] };
    if (prefix) listStatement.Condition = { StringEquals: { "s3:prefix": [prefix] } };
    out.push(listStatement);
  }
  const objectActions = [...(write ? WRITE_OBJECT : []), ...(read ? READ_OBJECT : [])].sort();
  out.push({ Effect: "Allow", Principal: principal, Action: objectActions, Resource: [`${bucketArn(bucket)}/${prefix}*`] });
  return out;
}

/**
 * The policy with anonymous access for `prefix` set to `access`: anonymous statements written by
 * this function (or mc) for the bucket are regenerated; every other statement is kept as it is.
 * Returns null when nothing is left (the policy should be deleted).
 */
export function setAnonymous(bucket: string, doc: PolicyDoc | null, prefix: string, access: Access): PolicyDoc | null {
  const current = readAnonymous(bucket, doc);
  current.set(prefix, access);
  const anonymousManaged = (s: Statement) => {
    if (s.Effect !== "Allow" || !isAnonymous(s) || s.Condition && !("StringEquals" in s.Condition)) return false;
    return list(s.Resource).every((r) => r === bucketArn(bucket) || (r.startsWith(`${bucketArn(bucket)}/`) && r.endsWith("*")));
  };
  const kept = (doc?.Statement ?? []).filter((s) => !anonymousManaged(s));
  const generated = [...current.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([p, a]) => statementsFor(bucket, p, a));
  const statements = [...kept, ...generated];
  if (statements.length === 0) return null;
  return { Version: doc?.Version ?? "2012-10-17", Statement: statements };
}
