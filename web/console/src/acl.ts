// Access control in the console (issue 12): an object's (or version's) ACL, and a bucket's ACL,
// policy status, Object Ownership and Block Public Access. The page only reads and applies;
// what is allowed is the server's to judge, and its refusals (AccessControlListNotSupported
// under BucketOwnerEnforced, AccessDenied from BlockPublicAcls) are shown as it answered.

import { ApiError, call, children, childText, errorText, s3Path, s3Xml, versionQuery } from "./api";
import { contentMd5 } from "./md5";
import { field, h, notify, replace, settingsRunner } from "./dom";

const S3_NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const GROUPS = "http://acs.amazonaws.com/groups/";

export const CANNED_ACLS = ["private", "public-read", "public-read-write", "authenticated-read", "bucket-owner-read", "bucket-owner-full-control"] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

export interface Grant {
  /** What the page shows: "AllUsers" for a group, else the display name or canonical id. */
  grantee: string;
  /** The canonical id, group URI or e-mail address behind it. */
  granteeId: string;
  /** The xsi:type: "CanonicalUser", "Group" or "AmazonCustomerByEmail". */
  kind: string;
  permission: string;
}

export interface Acl {
  ownerId: string;
  ownerName: string;
  grants: Grant[];
}

function aclFromXml(doc: Document): Acl {
  const owner = children(doc, "Owner")[0];
  const list = children(doc, "AccessControlList")[0];
  const grants = (list ? children(list, "Grant") : []).map((g) => {
    const grantee = children(g, "Grantee")[0];
    const kind = grantee?.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type") || grantee?.getAttribute("xsi:type") || "";
    const id = grantee ? childText(grantee, "ID") || childText(grantee, "URI") || childText(grantee, "EmailAddress") : "";
    const name = grantee ? childText(grantee, "DisplayName") : "";
    // Groups by their name: ".../groups/global/AllUsers" is AllUsers.
    const shown = kind === "Group" && id.startsWith(GROUPS) ? id.slice(id.lastIndexOf("/") + 1) : name || id;
    return { grantee: shown, granteeId: id, kind, permission: childText(g, "Permission") };
  });
  return { ownerId: owner ? childText(owner, "ID") : "", ownerName: owner ? childText(owner, "DisplayName") : "", grants };
}

/** GetObjectAcl (of a version when `versionId` is given). */
export async function getObjectAcl(bucket: string, key: string, versionId?: string | null): Promise<Acl> {
  return aclFromXml(await s3Xml(s3Path(bucket, key, { acl: "", ...versionQuery(versionId) })));
}

/** PutObjectAcl with a canned ACL in `x-amz-acl` and no body. */
export async function putObjectCannedAcl(bucket: string, key: string, versionId: string | null | undefined, acl: CannedAcl): Promise<void> {
  await call(s3Path(bucket, key, { acl: "", ...versionQuery(versionId) }), { method: "PUT", headers: { "x-amz-acl": acl } });
}

export async function getBucketAcl(bucket: string): Promise<Acl> {
  return aclFromXml(await s3Xml(s3Path(bucket, undefined, { acl: "" })));
}

export async function putBucketCannedAcl(bucket: string, acl: CannedAcl): Promise<void> {
  await call(s3Path(bucket, undefined, { acl: "" }), { method: "PUT", headers: { "x-amz-acl": acl } });
}

/** GetBucketPolicyStatus: true when the policy is public; null when there is no policy. */
export async function getPolicyPublic(bucket: string): Promise<boolean | null> {
  try {
    return childText(await s3Xml(s3Path(bucket, undefined, { policyStatus: "" })), "IsPublic") === "true";
  } catch (e) {
    if (e instanceof ApiError && e.code === "NoSuchBucketPolicy") return null;
    throw e;
  }
}

export const OWNERSHIP_MODES = ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"] as const;
export type Ownership = (typeof OWNERSHIP_MODES)[number];

/** GetBucketOwnershipControls; null (OwnershipControlsNotFoundError) behaves as ObjectWriter. */
export async function getOwnership(bucket: string): Promise<string | null> {
  try {
    const doc = await s3Xml(s3Path(bucket, undefined, { ownershipControls: "" }));
    return doc.getElementsByTagName("ObjectOwnership")[0]?.textContent ?? "";
  } catch (e) {
    if (e instanceof ApiError && e.code === "OwnershipControlsNotFoundError") return null;
    throw e;
  }
}

async function putXml(path: string, body: string): Promise<void> {
  await call(path, { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body) }, body });
}

/** PutBucketOwnershipControls with one rule; null deletes the controls. */
export async function putOwnership(bucket: string, mode: Ownership | null): Promise<void> {
  const path = s3Path(bucket, undefined, { ownershipControls: "" });
  if (mode === null) await call(path, { method: "DELETE" });
  else await putXml(path, `<OwnershipControls ${S3_NS}><Rule><ObjectOwnership>${mode}</ObjectOwnership></Rule></OwnershipControls>`);
}

export const BLOCK_FLAGS = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] as const;
export type BlockFlag = (typeof BLOCK_FLAGS)[number];
export type PublicAccessBlock = Record<BlockFlag, boolean>;

const FLAG_HINTS: Record<BlockFlag, string> = {
  BlockPublicAcls: "Refuse requests that set a public ACL.",
  IgnorePublicAcls: "Public grants admit nobody.",
  BlockPublicPolicy: "Refuse a public bucket policy.",
  RestrictPublicBuckets: "A public policy admits only this server's users, never anonymous callers.",
};

/** GetPublicAccessBlock; null on NoSuchPublicAccessBlockConfiguration. */
export async function getPublicAccessBlock(bucket: string): Promise<PublicAccessBlock | null> {
  let doc: Document;
  try {
    doc = await s3Xml(s3Path(bucket, undefined, { publicAccessBlock: "" }));
  } catch (e) {
    if (e instanceof ApiError && e.code === "NoSuchPublicAccessBlockConfiguration") return null;
    throw e;
  }
  const flags = {} as PublicAccessBlock;
  for (const f of BLOCK_FLAGS) flags[f] = childText(doc, f) === "true";
  return flags;
}

/** PutPublicAccessBlock with all four flags; null deletes the configuration. */
export async function putPublicAccessBlock(bucket: string, flags: PublicAccessBlock | null): Promise<void> {
  const path = s3Path(bucket, undefined, { publicAccessBlock: "" });
  if (flags === null) await call(path, { method: "DELETE" });
  else await putXml(path, `<PublicAccessBlockConfiguration ${S3_NS}>${BLOCK_FLAGS.map((f) => `<${f}>${flags[f]}</${f}>`).join("")}</PublicAccessBlockConfiguration>`);
}

// ---- views ----

export interface AclViewOptions {
  /** Prefix of the element ids (`<id>-title`, `<id>-error`, `<id>-canned`). */
  id: string;
  title: string;
  heading?: "h2" | "h3";
  load: () => Promise<Acl>;
  apply: (acl: CannedAcl) => Promise<void>;
  /** Said after an apply: "ACL of report.csv set to public-read." */
  appliedMessage: (acl: CannedAcl) => string;
}

/** The owner and grants of an ACL and a canned-ACL selector that applies one and re-reads. */
export function aclView(options: AclViewOptions): HTMLElement {
  const { id } = options;
  const owner = h("p", { id: `${id}-owner` }, "Loading the ACL…");
  const grants = h("div", { class: "table-wrap" });
  const error = h("p", { class: "error", role: "alert", id: `${id}-error` });
  const canned = h("select", { name: "canned-acl", id: `${id}-canned` }, CANNED_ACLS.map((a) => h("option", { value: a }, a)));
  const apply = h("button", { type: "submit" }, "Apply ACL");

  const reload = async () => {
    try {
      const acl = await options.load();
      replace(owner, "Owner: ", h("strong", { class: "code acl-owner", title: acl.ownerId }, acl.ownerName ? `${acl.ownerName} (${acl.ownerId})` : acl.ownerId));
      replace(
        grants,
        acl.grants.length === 0
          ? h("p", {}, "No grants.")
          : h(
              "table",
              { class: "grants", "aria-label": `${options.title} grants` },
              h("thead", {}, h("tr", {}, h("th", {}, "Grantee"), h("th", {}, "Type"), h("th", {}, "Permission"))),
              h(
                "tbody",
                {},
                acl.grants.map((g) => h("tr", {}, h("td", { title: g.granteeId }, g.grantee), h("td", {}, g.kind), h("td", {}, g.permission))),
              ),
            ),
      );
    } catch (err) {
      replace(owner);
      replace(grants);
      error.textContent = errorText(err);
    }
  };

  const section = h(
    "section",
    { class: "card acl-card", "aria-labelledby": `${id}-title` },
    h(options.heading ?? "h3", { id: `${id}-title` }, options.title),
    owner,
    grants,
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": `Set ${options.title}`,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          error.textContent = "";
          apply.disabled = true;
          const acl = canned.value as CannedAcl;
          try {
            await options.apply(acl);
            notify(options.appliedMessage(acl));
            await reload();
          } catch (err) {
            error.textContent = errorText(err);
          } finally {
            apply.disabled = false;
          }
        },
      },
      field("Canned ACL", canned),
      apply,
    ),
    error,
  );
  void reload();
  return section;
}

/** The object details' "Access control": of the latest version, or of `versionId`. */
export function objectAclView(bucket: string, key: string, versionId?: string | null): HTMLElement {
  const target = versionId ? `${key} version ${versionId}` : key;
  return aclView({
    id: "object-acl",
    title: "Access control",
    load: () => getObjectAcl(bucket, key, versionId),
    apply: (acl) => putObjectCannedAcl(bucket, key, versionId, acl),
    appliedMessage: (acl) => `ACL of ${target} set to ${acl}.`,
  });
}

function policyStatusView(bucket: string): HTMLElement {
  const state = h("strong", { id: "policy-public" }, "…");
  const error = h("p", { class: "error", role: "alert", id: "policy-status-error" });
  getPolicyPublic(bucket).then(
    (isPublic) => {
      state.textContent = isPublic === null ? "No (no bucket policy)" : isPublic ? "Yes" : "No";
    },
    (err) => {
      state.textContent = "unknown";
      error.textContent = errorText(err);
    },
  );
  return h("div", { class: "acl-part" }, h("p", {}, "Public by policy: ", state), error);
}

function ownershipView(bucket: string): HTMLElement {
  const state = h("strong", { id: "ownership-state" }, "…");
  const error = h("p", { class: "error", role: "alert", id: "ownership-error" });
  const mode = h("select", { name: "object-ownership" }, OWNERSHIP_MODES.map((m) => h("option", { value: m }, m)));
  const remove = h("button", { type: "button", class: "secondary" }, "Remove ownership controls");
  const show = async () => {
    try {
      const current = await getOwnership(bucket);
      state.textContent = current === null ? "Not set (ACLs enabled, as ObjectWriter)" : current;
      if (current) mode.value = current;
      remove.hidden = current === null;
    } catch (err) {
      state.textContent = "unknown";
      error.textContent = errorText(err);
    }
  };
  const run = settingsRunner(error, show, errorText);
  remove.addEventListener("click", () => void run(() => putOwnership(bucket, null), `Ownership controls of ${bucket} removed.`));
  void show();
  return h(
    "div",
    { class: "acl-part", role: "group", "aria-labelledby": "ownership-title" },
    h("h3", { id: "ownership-title" }, "Object Ownership"),
    h("p", {}, "Status: ", state),
    h("p", { class: "hint" }, "BucketOwnerEnforced disables ACLs: requests setting a non-private ACL are refused and stored ACLs are ignored."),
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": "Set Object Ownership",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const m = mode.value as Ownership;
          void run(() => putOwnership(bucket, m), `Object Ownership of ${bucket} set to ${m}.`);
        },
      },
      field("Object Ownership", mode),
      h("button", { type: "submit" }, "Save ownership"),
      remove,
    ),
    error,
  );
}

function publicAccessBlockView(bucket: string): HTMLElement {
  const state = h("strong", { id: "pab-state" }, "…");
  const error = h("p", { class: "error", role: "alert", id: "pab-error" });
  const boxes = BLOCK_FLAGS.map((f) => h("input", { type: "checkbox", id: `pab-${f}`, name: f }));
  const remove = h("button", { type: "button", class: "secondary" }, "Remove block public access");
  const show = async () => {
    try {
      const flags = await getPublicAccessBlock(bucket);
      state.textContent = flags === null ? "Not set" : BLOCK_FLAGS.filter((f) => flags[f]).join(", ") || "All off";
      BLOCK_FLAGS.forEach((f, i) => (boxes[i].checked = flags?.[f] ?? false));
      remove.hidden = flags === null;
    } catch (err) {
      state.textContent = "unknown";
      error.textContent = errorText(err);
    }
  };
  const run = settingsRunner(error, show, errorText);
  remove.addEventListener("click", () => void run(() => putPublicAccessBlock(bucket, null), `Block public access of ${bucket} removed.`));
  void show();
  return h(
    "div",
    { class: "acl-part", role: "group", "aria-labelledby": "pab-title" },
    h("h3", { id: "pab-title" }, "Block public access"),
    h("p", {}, "Status: ", state),
    h(
      "form",
      {
        class: "pab-flags",
        "aria-label": "Set block public access",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const flags = {} as PublicAccessBlock;
          BLOCK_FLAGS.forEach((f, i) => (flags[f] = boxes[i].checked));
          void run(() => putPublicAccessBlock(bucket, flags), `Block public access of ${bucket} saved.`);
        },
      },
      BLOCK_FLAGS.map((f, i) => h("div", { class: "check" }, boxes[i], h("label", { for: boxes[i].id }, f), h("small", { class: "hint" }, FLAG_HINTS[f]))),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Save block public access"), remove),
    ),
    error,
  );
}

/** The bucket settings' "Access control" section. */
export function bucketAccessSection(bucket: string): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": "access-title" },
    h("h2", { id: "access-title" }, "Access control"),
    policyStatusView(bucket),
    aclView({
      id: "bucket-acl",
      title: "Bucket ACL",
      load: () => getBucketAcl(bucket),
      apply: (acl) => putBucketCannedAcl(bucket, acl),
      appliedMessage: (acl) => `ACL of ${bucket} set to ${acl}.`,
    }),
    ownershipView(bucket),
    publicAccessBlockView(bucket),
  );
}
