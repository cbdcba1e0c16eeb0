import { ApiError, call, children, childText, errorText, getBucketTags, getObjectLock, getVersioning, LockConfiguration, putBucketTags, putObjectLock, putVersioning, RetentionMode, s3Path, s3Xml, VersioningState, xmlEscape } from "../api";
import { bucketAccessSection } from "../acl";
import { Access, PolicyDoc, readAnonymous, setAnonymous } from "../anonymous";
import { bucketEncryptionSection } from "../encryption";
import { contentMd5 } from "../md5";
import { field, h, notify, replace } from "../dom";
import { lifecycleEditor } from "../lifecycle";
import { tagEditor } from "../tags";

const VERSIONING_HINT: Record<VersioningState, string> = {
  Unversioned: "Versioning has never been enabled: a write replaces the object, a delete removes it.",
  Enabled: "Every write keeps the previous version; a delete leaves a delete marker. Object histories are under Show versions in the object list.",
  Suspended: "New writes replace the \"null\" version; versions kept while versioning was enabled stay.",
};

/**
 * GetBucketVersioning's state and a switch: Enable, or Suspend once enabled. With object lock
 * the bucket stays Enabled (the server answers InvalidBucketState), so there is no switch.
 */
async function versioningSection(bucket: string, locked: boolean): Promise<HTMLElement> {
  const state = h("strong", { id: "versioning-state" });
  const hint = h("p", { class: "hint" });
  const error = h("p", { class: "error", role: "alert", id: "versioning-error" });
  const toggle = h("button", { type: "button", hidden: true });
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "versioning-title" },
    h("h2", { id: "versioning-title" }, "Versioning"),
    h("p", {}, "Status: ", state),
    hint,
    h("div", { class: "actions" }, toggle),
    error,
  );
  const show = (current: VersioningState) => {
    state.textContent = current;
    hint.textContent = VERSIONING_HINT[current];
    if (locked && current === "Enabled") {
      hint.textContent += " Object lock is enabled: versioning can no longer be suspended.";
      toggle.remove();
      return;
    }
    const next = current === "Enabled" ? "Suspended" : "Enabled";
    toggle.textContent = next === "Enabled" ? "Enable versioning" : "Suspend versioning";
    toggle.className = next === "Enabled" ? "" : "secondary";
    toggle.hidden = false;
    toggle.onclick = async () => {
      error.textContent = "";
      toggle.disabled = true;
      try {
        await putVersioning(bucket, next);
        notify(next === "Enabled" ? `Versioning enabled on ${bucket}.` : `Versioning suspended on ${bucket}.`);
        show(await getVersioning(bucket));
      } catch (err) {
        error.textContent = errorText(err);
      } finally {
        toggle.disabled = false;
      }
    };
  };
  try {
    show(await getVersioning(bucket));
  } catch (err) {
    state.textContent = "unknown";
    error.textContent = errorText(err);
  }
  return section;
}

/** undefined: the lock state could not be read (the error is shown in the lock section). */
type LockState = LockConfiguration | null | undefined;

/**
 * Object lock: whether it is enabled (Enable on a versioned bucket is PutObjectLockConfiguration;
 * the server refuses an unversioned or suspended one with InvalidBucketState) and the default
 * retention every new version gets: none, or GOVERNANCE / COMPLIANCE for some days or years.
 */
function lockSection(bucket: string, lock: LockState, lockError: string, reload: () => void): HTMLElement {
  const error = h("p", { class: "error", role: "alert", id: "lock-error" }, lockError);
  const state = h("strong", { id: "lock-state" }, lock === undefined ? "unknown" : lock ? "Enabled" : "Not enabled");
  const section = h("section", { class: "card", "aria-labelledby": "lock-title" }, h("h2", { id: "lock-title" }, "Object lock"), h("p", {}, "Status: ", state));
  if (lock === undefined) {
    section.append(error);
    return section;
  }
  if (lock === null) {
    const enable = h("button", { type: "button" }, "Enable object lock");
    enable.addEventListener("click", async () => {
      error.textContent = "";
      enable.disabled = true;
      try {
        await putObjectLock(bucket, null);
        notify(`Object lock enabled on ${bucket}.`);
        reload();
      } catch (err) {
        error.textContent = errorText(err);
        enable.disabled = false;
      }
    });
    section.append(
      h("p", { class: "hint" }, "Lock keeps versions from being deleted before a date. It needs versioning Enabled, cannot be turned off, and versioning can then no longer be suspended."),
      h("div", { class: "actions" }, enable),
      error,
    );
    return section;
  }
  const mode = h("select", { name: "default-mode" }, h("option", { value: "" }, "None"), h("option", { value: "GOVERNANCE" }, "GOVERNANCE"), h("option", { value: "COMPLIANCE" }, "COMPLIANCE"));
  mode.value = lock.defaultMode ?? "";
  const period = h("input", { type: "number", name: "default-period", value: String(lock.days ?? lock.years ?? 1), inputmode: "numeric" });
  const unit = h("select", { name: "default-unit" }, h("option", { value: "Days" }, "Days"), h("option", { value: "Years" }, "Years"));
  unit.value = lock.years ? "Years" : "Days";
  const sync = () => {
    period.disabled = unit.disabled = mode.value === "";
  };
  mode.addEventListener("change", sync);
  sync();
  section.append(
    h("p", { class: "hint" }, "New versions get the default retention unless the upload names its own. COMPLIANCE cannot be shortened or removed by anyone, root included, until the date passes."),
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": "Default retention",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          error.textContent = "";
          try {
            await putObjectLock(bucket, mode.value ? { mode: mode.value as RetentionMode, unit: unit.value as "Days" | "Years", period: period.value } : null);
            notify(`Default retention of ${bucket} saved.`);
            reload();
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
      field("Default mode", mode),
      field("Period", period),
      field("Unit", unit),
      h("button", { type: "submit" }, "Save default retention"),
    ),
    error,
  );
  return section;
}

async function getPolicy(bucket: string): Promise<string | null> {
  try {
    const r = await call(s3Path(bucket, undefined, { policy: "" }));
    return await r.text();
  } catch (e) {
    if (e instanceof ApiError && e.code === "NoSuchBucketPolicy") return null;
    throw e;
  }
}

async function putPolicy(bucket: string, text: string | null): Promise<void> {
  if (text === null) await call(s3Path(bucket, undefined, { policy: "" }), { method: "DELETE" });
  else await call(s3Path(bucket, undefined, { policy: "" }), { method: "PUT", headers: { "Content-Type": "application/json" }, body: text });
}

function anonymousSection(bucket: string, reload: () => void, policyText: string | null): HTMLElement {
  let doc: PolicyDoc | null = null;
  try {
    doc = policyText ? (JSON.parse(policyText) as PolicyDoc) : null;
  } catch {
    doc = null;
  }
  const rules = readAnonymous(bucket, doc);
  const prefix = h("input", { name: "prefix", placeholder: "(whole bucket)", autocomplete: "off" });
  const access = h(
    "select",
    { name: "access" },
    (["none", "download", "upload", "public"] as Access[]).map((a) => h("option", { value: a }, a)),
  );
  access.value = "download";
  const error = h("p", { class: "error", role: "alert" });
  const apply = async (p: string, a: Access) => {
    error.textContent = "";
    try {
      const next = setAnonymous(bucket, doc, p, a);
      await putPolicy(bucket, next ? JSON.stringify(next, null, 2) : null);
      notify(`Anonymous access for "${p || "(whole bucket)"}" set to ${a}.`);
      reload();
    } catch (err) {
      error.textContent = errorText(err);
    }
  };
  const rows = [...rules.entries()].map(([p, a]) =>
    h(
      "tr",
      {},
      h("td", {}, p || "(whole bucket)"),
      h("td", {}, a),
      h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => void apply(p, "none") }, "Remove")),
    ),
  );
  return h(
    "section",
    { class: "card", "aria-labelledby": "anon-title" },
    h("h2", { id: "anon-title" }, "Anonymous access"),
    h("p", { class: "hint" }, "The same bucket-policy statements `mc anonymous set` writes: download, upload or both (public) for everything under a prefix."),
    rows.length
      ? h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Prefix"), h("th", {}, "Access"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))), h("tbody", {}, rows)))
      : h("p", {}, "No anonymous access."),
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": "Set anonymous access",
        onsubmit: (e: Event) => {
          e.preventDefault();
          void apply(prefix.value, access.value as Access);
        },
      },
      field("Prefix", prefix),
      field("Access", access),
      h("button", { type: "submit" }, "Set access"),
    ),
    error,
  );
}

function policySection(bucket: string, reload: () => void, policyText: string | null): HTMLElement {
  let pretty = policyText ?? "";
  try {
    if (policyText) pretty = JSON.stringify(JSON.parse(policyText), null, 2);
  } catch {
    /* keep the text as stored */
  }
  const editor = h("textarea", { rows: 16, spellcheck: "false", class: "code", name: "policy" });
  editor.value = pretty;
  const error = h("p", { class: "error", role: "alert", id: "policy-error" });
  return h(
    "section",
    { class: "card", "aria-labelledby": "policy-title" },
    h("h2", { id: "policy-title" }, "Bucket policy"),
    h(
      "form",
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          error.textContent = "";
          try {
            await putPolicy(bucket, editor.value.trim() ? editor.value : null);
            notify("Bucket policy saved.");
            reload();
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
      field("Policy (JSON)", editor, "Empty saves as no policy."),
      error,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit" }, "Save policy"),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              try {
                await putPolicy(bucket, null);
                notify("Bucket policy removed.");
                reload();
              } catch (err) {
                error.textContent = errorText(err);
              }
            },
          },
          "Remove policy",
        ),
      ),
    ),
  );
}

interface CorsRule {
  origins: string;
  methods: string[];
  headers: string;
  expose: string;
  maxAge: string;
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"];
const splitList = (s: string) => s.split(/[\s,]+/).filter(Boolean);

function corsXml(rules: CorsRule[]): string {
  const tag = (name: string, values: string[]) => values.map((v) => `<${name}>${xmlEscape(v)}</${name}>`).join("");
  return (
    '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    rules
      .map(
        (r) =>
          "<CORSRule>" +
          tag("AllowedOrigin", splitList(r.origins)) +
          tag("AllowedMethod", r.methods) +
          tag("AllowedHeader", splitList(r.headers)) +
          tag("ExposeHeader", splitList(r.expose)) +
          (r.maxAge ? `<MaxAgeSeconds>${xmlEscape(r.maxAge)}</MaxAgeSeconds>` : "") +
          "</CORSRule>",
      )
      .join("") +
    "</CORSConfiguration>"
  );
}

async function corsSection(bucket: string): Promise<HTMLElement> {
  const section = h("section", { class: "card", "aria-labelledby": "cors-title" }, h("h2", { id: "cors-title" }, "CORS rules"));
  const error = h("p", { class: "error", role: "alert", id: "cors-error" });
  let rules: CorsRule[] = [];
  try {
    const doc = await s3Xml(s3Path(bucket, undefined, { cors: "" }));
    rules = children(doc, "CORSRule").map((r) => ({
      origins: children(r, "AllowedOrigin").map((e) => e.textContent ?? "").join(", "),
      methods: children(r, "AllowedMethod").map((e) => e.textContent ?? ""),
      headers: children(r, "AllowedHeader").map((e) => e.textContent ?? "").join(", "),
      expose: children(r, "ExposeHeader").map((e) => e.textContent ?? "").join(", "),
      maxAge: childText(r, "MaxAgeSeconds"),
    }));
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "NoSuchCORSConfiguration")) error.textContent = errorText(err);
  }
  const list = h("div", {});
  const draw = () => {
    replace(
      list,
      rules.length === 0 ? h("p", {}, "No CORS rules.") : null,
      rules.map((rule, i) => {
        const origins = h("input", { value: rule.origins, placeholder: "https://example.com, *" });
        origins.addEventListener("input", () => (rule.origins = origins.value));
        const headers = h("input", { value: rule.headers, placeholder: "*" });
        headers.addEventListener("input", () => (rule.headers = headers.value));
        const expose = h("input", { value: rule.expose, placeholder: "ETag" });
        expose.addEventListener("input", () => (rule.expose = expose.value));
        const maxAge = h("input", { value: rule.maxAge, type: "number", min: 0 });
        maxAge.addEventListener("input", () => (rule.maxAge = maxAge.value));
        return h(
          "fieldset",
          { class: "rule" },
          h("legend", {}, `Rule ${i + 1}`),
          field("Allowed origins", origins),
          h(
            "div",
            { class: "methods", role: "group", "aria-label": "Allowed methods" },
            METHODS.map((m) => {
              const box = h("input", { type: "checkbox", id: `cors-${i}-${m}`, checked: rule.methods.includes(m) });
              box.addEventListener("change", () => {
                rule.methods = box.checked ? [...rule.methods, m] : rule.methods.filter((x) => x !== m);
              });
              return h("span", { class: "check" }, box, h("label", { for: box.id }, m));
            }),
          ),
          field("Allowed headers", headers),
          field("Expose headers", expose),
          field("Max age (seconds)", maxAge),
          h("button", { type: "button", class: "secondary", "aria-label": `Remove rule ${i + 1}`, onclick: () => { rules.splice(i, 1); draw(); } }, "Remove rule"),
        );
      }),
    );
  };
  draw();
  section.append(
    list,
    error,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: () => { rules.push({ origins: "*", methods: ["GET"], headers: "", expose: "", maxAge: "" }); draw(); } }, "Add rule"),
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            error.textContent = "";
            try {
              if (rules.length === 0) {
                await call(s3Path(bucket, undefined, { cors: "" }), { method: "DELETE" });
              } else {
                const body = corsXml(rules);
                await call(s3Path(bucket, undefined, { cors: "" }), { method: "PUT", headers: { "Content-Type": "application/xml", "Content-MD5": contentMd5(body) }, body });
              }
              notify("CORS rules saved.");
            } catch (err) {
              error.textContent = errorText(err);
            }
          },
        },
        "Save CORS rules",
      ),
    ),
  );
  return section;
}

export async function renderBucketSettings(page: HTMLElement, bucket: string): Promise<void> {
  const reload = () => void renderBucketSettings(page, bucket);
  const header = [
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/buckets" }, "Buckets"), " / ", h("a", { href: `#/browse/${encodeURIComponent(bucket)}/` }, bucket)),
    h("h1", {}, `Settings of ${bucket}`),
  ];
  let policyText: string | null;
  try {
    policyText = await getPolicy(bucket);
  } catch (err) {
    replace(page, ...header, h("p", { class: "error", role: "alert" }, errorText(err)));
    return;
  }
  const versioningSlot = h("p", {}, "Loading versioning…");
  const lockSlot = h("p", {}, "Loading object lock…");
  const corsSlot = h("p", {}, "Loading CORS rules…");
  const tags = tagEditor({
    id: "bucket-tags",
    title: "Bucket tags",
    heading: "h2",
    limit: 50,
    load: () => getBucketTags(bucket),
    save: (t) => putBucketTags(bucket, t),
    savedMessage: `Tags of ${bucket} saved.`,
  });
  replace(page, ...header, versioningSlot, lockSlot, bucketEncryptionSection(bucket), lifecycleEditor(bucket), anonymousSection(bucket, reload, policyText), policySection(bucket, reload, policyText), bucketAccessSection(bucket), corsSlot, tags);
  let lock: LockState;
  let lockError = "";
  try {
    lock = await getObjectLock(bucket);
  } catch (err) {
    lockError = errorText(err);
  }
  const [versioning, cors] = await Promise.all([versioningSection(bucket, Boolean(lock)), corsSection(bucket)]);
  versioningSlot.replaceWith(versioning);
  lockSlot.replaceWith(lockSection(bucket, lock, lockError, reload));
  corsSlot.replaceWith(cors);
}
