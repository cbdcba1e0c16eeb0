import { ApiError, call, callJson, deleteObject, deleteVersion, errorText, getObjectLock, getObjectTags, jsonBody, listObjects, lockFromHeaders, ObjectEntry, putObjectTags, s3Path, versionQuery } from "../api";
import { Child, field, formatBytes, formatDate, h, notify, replace } from "../dom";
import { objectAclView } from "../acl";
import { CustomerKey, customerKeyForm, customerKeyHeaders, describeEncryption, downloadWith, encryptionFromHeaders, headExplained, needsCustomerKey, ObjectEncryption, UPLOAD_ENCRYPTION_CHOICES, UploadEncryption, uploadEncryptionHeaders } from "../encryption";
import { deleteLockedVersion } from "../lock";
import { tagEditor } from "../tags";
import { Upload } from "../upload";
import { baseName, versionTable } from "../versions";

const PAGE_SIZE = 200;
const TEXT_PREVIEW_BYTES = 256 * 1024;

function browseHref(bucket: string, prefix: string): string {
  return `#/browse/${encodeURIComponent(bucket)}/${encodeURIComponent(prefix)}`;
}

// "Show versions" stays on for the rest of the visit, across folders and buckets.
let showVersions = false;

function breadcrumbs(bucket: string, prefix: string): HTMLElement {
  const parts: Child[] = [h("a", { href: "#/buckets" }, "Buckets"), " / ", h("a", { href: browseHref(bucket, "") }, bucket)];
  let path = "";
  for (const segment of prefix.split("/").slice(0, -1)) {
    path += `${segment}/`;
    parts.push(" / ", h("a", { href: browseHref(bucket, path) }, segment || "(empty)"));
  }
  return h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, parts);
}

function previewKind(type: string, key: string): "image" | "text" | "pdf" | "audio" | "video" | null {
  const t = type.toLowerCase();
  const ext = key.toLowerCase().slice(key.lastIndexOf(".") + 1);
  if (t.startsWith("image/") || ["png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "avif"].includes(ext)) return "image";
  if (t === "application/pdf" || ext === "pdf") return "pdf";
  if (t.startsWith("audio/") || ["mp3", "wav", "ogg", "flac", "m4a", "opus"].includes(ext)) return "audio";
  if (t.startsWith("video/") || ["mp4", "webm", "mov", "mkv"].includes(ext)) return "video";
  if (t.startsWith("text/") || /json|xml|javascript|yaml|csv/.test(t) || ["txt", "md", "json", "csv", "log", "yaml", "yml", "xml", "ini", "conf", "sh", "js", "ts", "py", "go", "c", "cc", "h", "html", "css"].includes(ext)) return "text";
  return null;
}

/**
 * Shows a preview in `box`. With `headers` (an SSE-C key) media cannot be given to the element as
 * a URL, which would send no headers: the body is fetched and shown from a blob.
 */
async function preview(bucket: string, key: string, versionId: string | undefined, type: string, box: HTMLElement, headers: Record<string, string> = {}): Promise<void> {
  const kind = previewKind(type, key);
  const url = s3Path(bucket, key, versionQuery(versionId));
  const keyed = Object.keys(headers).length > 0;
  const mediaUrl = async () => (keyed ? URL.createObjectURL(await (await call(url, { headers })).blob()) : url);
  switch (kind) {
    case "image":
      replace(box, h("img", { src: await mediaUrl(), alt: `Preview of ${baseName(key)}`, class: "preview-media" }));
      return;
    case "audio":
      replace(box, h("audio", { src: await mediaUrl(), controls: true, "aria-label": `Audio ${baseName(key)}` }));
      return;
    case "video":
      replace(box, h("video", { src: await mediaUrl(), controls: true, class: "preview-media", "aria-label": `Video ${baseName(key)}` }));
      return;
    case "text": {
      const r = await call(url, { headers: { ...headers, Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` } });
      const text = await r.text();
      replace(box, h("pre", { class: "preview-text", tabindex: "0" }, text), r.status === 206 ? h("small", {}, "First 256 KiB shown.") : null);
      return;
    }
    case "pdf": {
      const r = await call(url, { headers });
      const blob = new Blob([await r.arrayBuffer()], { type: "application/pdf" });
      const blobUrl = URL.createObjectURL(blob);
      replace(box, h("iframe", { src: blobUrl, title: `PDF ${baseName(key)}`, class: "preview-pdf" }), h("a", { href: blobUrl, target: "_blank", rel: "noopener" }, "Open PDF in a new tab"));
      return;
    }
    default:
      replace(box, h("p", {}, "No preview for this type."));
  }
}

function shareForm(bucket: string, key: string): HTMLElement {
  const expiry = h(
    "select",
    { name: "expiry" },
    h("option", { value: "3600" }, "1 hour"),
    h("option", { value: "86400" }, "1 day"),
    h("option", { value: "604800" }, "7 days"),
    h("option", { value: "custom" }, "Custom (hours)"),
  );
  const hours = h("input", { type: "number", min: 1, max: 168, value: 12, name: "hours" });
  const hoursField = field("Hours", hours);
  hoursField.hidden = true;
  expiry.addEventListener("change", () => (hoursField.hidden = expiry.value !== "custom"));
  const out = h("div", { class: "share-out" });
  return h(
    "form",
    {
      class: "share",
      "aria-label": "Share link",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const seconds = expiry.value === "custom" ? Number(hours.value) * 3600 : Number(expiry.value);
        try {
          const r = await callJson<{ url: string; expiresAt: string }>("/api/share", { method: "POST", ...jsonBody({ bucket, key, expiresSeconds: seconds }) });
          const link = h("input", { readonly: true, value: r.url, class: "share-url", "aria-label": "Share URL" });
          replace(
            out,
            link,
            h("button", { type: "button", class: "secondary", onclick: () => { link.select(); void navigator.clipboard?.writeText(r.url).catch(() => undefined); } }, "Copy"),
            h("small", {}, `Valid until ${formatDate(r.expiresAt)}`),
          );
        } catch (err) {
          replace(out, h("p", { class: "error", role: "alert" }, errorText(err)));
        }
      },
    },
    h("h3", {}, "Share link"),
    field("Expires after", expiry),
    hoursField,
    h("button", { type: "submit" }, "Create share link"),
    out,
  );
}

/**
 * The details of an object in the side panel: of its latest version, or of `versionId`. Shows
 * the HEAD answer, download/preview/delete, its tags, its ACL and the key's version history.
 * An SSE-C version answers no read without its key: the panel then says so and asks for the key
 * (`customerKey`), which it sends with its HEAD, preview and download.
 */
async function showDetails(panel: HTMLElement, bucket: string, key: string, onChanged: () => void, versionId?: string, lock = false, customerKey: CustomerKey | null = null): Promise<void> {
  panel.hidden = false;
  replace(panel, h("p", {}, "Loading…"));
  const reopen = (v?: string, withKey: CustomerKey | null = null) => void showDetails(panel, bucket, key, onChanged, v, lock, withKey);
  const keyHeaders = customerKeyHeaders(customerKey);
  const objectPath = s3Path(bucket, key, versionQuery(versionId));
  // null: an SSE-C version whose key was not given, or not the right one (`keyProblem`).
  let response: Response | null = null;
  let keyProblem = "";
  try {
    response = await headExplained(objectPath, { "x-amz-checksum-mode": "ENABLED", ...keyHeaders });
  } catch (err) {
    if (customerKey && err instanceof ApiError && (err.status === 400 || err.status === 403)) keyProblem = errorText(err);
    else if (!needsCustomerKey(err)) {
      replace(panel, h("p", { class: "error", role: "alert" }, errorText(err)));
      return;
    }
  }
  const get = (n: string) => response?.headers.get(n) ?? "";
  const type = get("content-type");
  const version = get("x-amz-version-id");
  const encryption: ObjectEncryption = response ? encryptionFromHeaders(response.headers) : { mode: "SSE-C", kmsKeyId: "" };
  const sseC = encryption.mode === "SSE-C";
  const rows: [string, string][] = [["Key", key]];
  if (!response) {
    if (versionId) rows.push(["Version ID", versionId]);
    rows.push(["Encryption", "SSE-C (customer-provided key)"]);
  } else {
    if (version) rows.push(["Version ID", versionId ? version : `${version} (latest)`]);
    rows.push(
      ["Size", `${formatBytes(Number(get("content-length")))} (${get("content-length")} bytes)`],
      ["ETag", get("etag")],
      ["Content type", type],
      ["Last modified", get("last-modified")],
      ["Encryption", sseC ? `SSE-C (key MD5 ${get("x-amz-server-side-encryption-customer-key-md5")})` : describeEncryption(encryption)],
    );
    const lockState = lockFromHeaders(response.headers);
    if (lockState.mode) rows.push(["Retention", `${lockState.mode} until ${formatDate(lockState.retainUntil)}`]);
    if (response.headers.has("x-amz-object-lock-legal-hold")) rows.push(["Legal hold", lockState.legalHold ? "ON" : "OFF"]);
    response.headers.forEach((value, name) => {
      if (name.startsWith("x-amz-checksum-") && name !== "x-amz-checksum-mode") rows.push([`Checksum ${name.slice(15).toUpperCase()}`, value]);
      if (name.startsWith("x-amz-meta-")) rows.push([`Metadata ${name.slice(11)}`, value]);
    });
  }
  const previewBox = h("div", { class: "preview" });
  const history = versionTable({
    bucket,
    prefix: key,
    onlyKey: key,
    pageSize: 50,
    onDetails: (_k, v) => reopen(v),
    lock,
    // The details list the lock headers of the version shown: read them again.
    onLockChanged: () => reopen(versionId, customerKey),
    // The version shown may be the one just deleted: show the (new) latest instead.
    onChanged: () => {
      onChanged();
      reopen();
    },
  });
  const deleteLatest = async () => {
    if (!confirm(`Delete ${key}?`)) return;
    try {
      await deleteObject(bucket, key);
      notify(`Deleted ${key}.`);
      panel.hidden = true;
      onChanged();
    } catch (err) {
      notify(errorText(err), "error");
    }
  };
  const deleteThisVersion = async () => {
    if (!versionId) return;
    if (lock) {
      if (!(await deleteLockedVersion({ bucket, key, versionId }))) return;
      notify(`Deleted version ${versionId} of ${key}.`);
      onChanged();
      reopen();
      return;
    }
    if (!confirm(`Permanently delete version ${versionId} of ${key}? This cannot be undone.`)) return;
    try {
      await deleteVersion(bucket, key, versionId);
      notify(`Deleted version ${versionId} of ${key}.`);
      onChanged();
      reopen();
    } catch (err) {
      notify(errorText(err), "error");
    }
  };
  const tagTarget = versionId ? `${key} version ${versionId}` : key;
  replace(
    panel,
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, baseName(key)),
      h("button", { type: "button", class: "secondary", "aria-label": "Close details", onclick: () => (panel.hidden = true) }, "Close"),
    ),
    versionId ? h("p", {}, `Version ${versionId}. `, h("button", { type: "button", class: "link", onclick: () => reopen() }, "Show the latest version")) : null,
    h("dl", { class: "details" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    response
      ? null
      : h(
          "div",
          { class: "sse-c-locked", id: "sse-c-locked" },
          h("p", {}, "This object is encrypted with a customer-provided key (SSE-C). The server reads it only with that key: enter it to see its details, preview or download it."),
          customerKeyForm((k) => reopen(versionId, k), keyProblem),
        ),
    h(
      "div",
      { class: "actions" },
      !response
        ? null
        : sseC
          ? h("button", { type: "button", onclick: () => void downloadWith(objectPath, keyHeaders, baseName(key)).catch((err) => notify(errorText(err), "error")) }, "Download")
          : h("a", { class: "button", href: objectPath, download: baseName(key) }, "Download"),
      response ? h("button", { type: "button", class: "secondary", onclick: () => void preview(bucket, key, versionId, type, previewBox, keyHeaders).catch((err) => replace(previewBox, h("p", { class: "error", role: "alert" }, errorText(err)))) }, "Preview") : null,
      versionId
        ? h("button", { type: "button", class: "danger", onclick: deleteThisVersion }, "Delete version")
        : h("button", { type: "button", class: "danger", onclick: deleteLatest }, "Delete"),
    ),
    previewBox,
    tagEditor({
      id: "object-tags",
      title: versionId ? "Tags of this version" : "Tags",
      limit: 10,
      load: () => getObjectTags(bucket, key, versionId),
      save: (tags) => putObjectTags(bucket, key, versionId, tags),
      savedMessage: `Tags of ${tagTarget} saved.`,
    }),
    objectAclView(bucket, key, versionId),
    h("section", { class: "versions-card", "aria-labelledby": "object-versions-title" }, h("h3", { id: "object-versions-title" }, "Versions"), history.element),
    versionId ? null : sseC ? h("p", { class: "hint" }, "No share link for an SSE-C object: a link cannot carry its key.") : shareForm(bucket, key),
  );
  await history.load();
}

export async function renderObjects(page: HTMLElement, bucket: string, prefix: string): Promise<void> {
  const tokens: (string | null)[] = [null]; // continuation token of each page shown so far
  let pageIndex = 0;
  const selected = new Set<string>();
  const tableBox = h("div", { class: "table-wrap" }, h("p", {}, "Loading…"));
  const pager = h("div", { class: "pager" });
  const uploads = h("ul", { class: "uploads", "aria-label": "Uploads" });
  const panel = h("aside", { class: "details-panel card", hidden: true, "aria-label": "Object details" });
  const deleteButton = h("button", { type: "button", class: "danger", disabled: true }, "Delete selected");
  // Whether the bucket has object lock: the version views then show and edit lock state. A
  // caller not allowed GetObjectLockConfiguration sees the versions without it.
  // Asked once, in parallel with drawing the page; every listing waits for the answer.
  const lockKnown = getObjectLock(bucket).then(
    (c) => c !== null,
    () => false,
  );
  let lock = false;

  const fileInput = h("input", { type: "file", multiple: true, id: "upload-files", class: "visually-hidden", tabindex: -1 });
  const folderInput = h("input", { type: "file", multiple: true, id: "upload-folder", class: "visually-hidden", tabindex: -1, webkitdirectory: true });
  const onFiles = (input: HTMLInputElement) => {
    const files = Array.from(input.files ?? []);
    input.value = "";
    void uploadAll(files);
  };
  fileInput.addEventListener("change", () => onFiles(fileInput));
  folderInput.addEventListener("change", () => onFiles(folderInput));

  // The encryption uploads ask for; "Bucket default" sends none, so the bucket's default applies.
  const uploadEncryption = h("select", { name: "upload-encryption" }, UPLOAD_ENCRYPTION_CHOICES.map(([value, label]) => h("option", { value }, label)));
  const newFolder = h("input", { name: "folder", autocomplete: "off", placeholder: "folder name" });
  const toolbar = h(
    "div",
    { class: "toolbar" },
    h("label", { for: "upload-files", class: "button", tabindex: "0", role: "button", onkeydown: (e: Event) => { const k = (e as KeyboardEvent).key; if (k === "Enter" || k === " ") { e.preventDefault(); fileInput.click(); } } }, "Upload files"),
    fileInput,
    h("label", { for: "upload-folder", class: "button secondary", tabindex: "0", role: "button", onkeydown: (e: Event) => { const k = (e as KeyboardEvent).key; if (k === "Enter" || k === " ") { e.preventDefault(); folderInput.click(); } } }, "Upload folder"),
    folderInput,
    h("div", { class: "inline-form upload-encryption" }, field("Upload encryption", uploadEncryption)),
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": "Open or create a folder",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const name = newFolder.value.replace(/^\/+|\/+$/g, "");
          if (name) location.hash = browseHref(bucket, `${prefix}${name}/`);
        },
      },
      field("New folder", newFolder),
      h("button", { type: "submit", class: "secondary" }, "Open folder"),
    ),
    deleteButton,
    h(
      "span",
      { class: "check" },
      h("input", {
        type: "checkbox",
        id: "show-versions",
        checked: showVersions,
        onchange: (e: Event) => {
          showVersions = (e.target as HTMLInputElement).checked;
          pageIndex = 0;
          tokens.length = 1;
          void load();
        },
      }),
      h("label", { for: "show-versions" }, "Show versions"),
    ),
    h("button", { type: "button", class: "secondary", onclick: () => void load() }, "Refresh"),
    h("a", { class: "button secondary", href: `#/bucket/${encodeURIComponent(bucket)}` }, "Bucket settings"),
  );

  replace(page, breadcrumbs(bucket, prefix), h("h1", {}, prefix ? baseName(prefix) : bucket), toolbar, uploads, h("div", { class: "browser" }, h("div", { class: "listing" }, tableBox, pager), panel));

  deleteButton.addEventListener("click", async () => {
    const keys = [...selected];
    if (keys.length === 0 || !confirm(`Delete ${keys.length} object(s)?`)) return;
    let failed = 0;
    for (const key of keys) {
      try {
        await deleteObject(bucket, key);
        selected.delete(key);
      } catch (err) {
        failed += 1;
        notify(`${key}: ${errorText(err)}`, "error");
      }
    }
    if (failed === 0) notify(`Deleted ${keys.length} object(s).`);
    await load();
  });

  async function uploadAll(files: File[]): Promise<void> {
    let ok = 0;
    for (const file of files) {
      const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
      const key = prefix + relative;
      const bar = h("progress", { max: 100, value: 0, "aria-label": `Progress of ${relative}` });
      const percent = h("span", { class: "percent" }, "0%");
      const status = h("span", { class: "status" }, "waiting");
      const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
      const item = h("li", { class: "upload" }, h("span", { class: "name" }, relative), bar, percent, status, cancel);
      uploads.appendChild(item);
      const upload = new Upload(bucket, key, file, ({ loaded, total }) => {
        const p = total ? Math.floor((loaded / total) * 100) : 100;
        bar.value = p;
        percent.textContent = `${p}%`;
        status.textContent = "uploading";
      }, uploadEncryptionHeaders(uploadEncryption.value as UploadEncryption));
      cancel.addEventListener("click", () => upload.cancel());
      try {
        status.textContent = "uploading";
        await upload.run();
        bar.value = 100;
        percent.textContent = "100%";
        status.textContent = "done";
        item.classList.add("done");
        ok += 1;
      } catch (err) {
        status.textContent = errorText(err);
        status.setAttribute("role", "alert");
        item.classList.add("failed");
      }
      cancel.remove();
    }
    if (ok > 0) {
      notify(`Uploaded ${ok} file(s).`);
      await load();
    }
  }

  function updateDelete(): void {
    deleteButton.disabled = selected.size === 0;
    deleteButton.textContent = selected.size ? `Delete selected (${selected.size})` : "Delete selected";
  }

  async function load(): Promise<void> {
    lock = await lockKnown;
    if (showVersions) {
      selected.clear();
      updateDelete();
      const table = versionTable({
        bucket,
        prefix,
        delimiter: "/",
        pageSize: PAGE_SIZE,
        folderHref: (p) => browseHref(bucket, p),
        onDetails: (key, versionId) => void showDetails(panel, bucket, key, () => void load(), versionId, lock),
        lock,
      });
      replace(tableBox, table.element);
      replace(pager);
      await table.load();
      return;
    }
    let listing;
    try {
      listing = await listObjects(bucket, prefix, { delimiter: "/", token: tokens[pageIndex], maxKeys: PAGE_SIZE });
    } catch (err) {
      replace(tableBox, h("p", { class: "error", role: "alert" }, errorText(err)));
      return;
    }
    tokens.length = pageIndex + 1;
    if (listing.nextToken) tokens.push(listing.nextToken);
    selected.clear();
    updateDelete();
    const objects = listing.objects.filter((o) => o.key !== prefix);
    const folderRows = listing.prefixes.map((p) =>
      h("tr", { class: "folder" }, h("td", {}), h("td", {}, h("a", { href: browseHref(bucket, p), class: "folder-link" }, `${baseName(p)}/`)), h("td", {}), h("td", {}), h("td", {})),
    );
    const checkboxes: HTMLInputElement[] = [];
    const objectRows = objects.map((o: ObjectEntry) => {
      const box = h("input", { type: "checkbox", "aria-label": `Select ${o.key}` });
      checkboxes.push(box);
      box.addEventListener("change", () => {
        if (box.checked) selected.add(o.key);
        else selected.delete(o.key);
        updateDelete();
      });
      return h(
        "tr",
        {},
        h("td", {}, box),
        h("td", {}, h("button", { type: "button", class: "link object-name", onclick: () => void showDetails(panel, bucket, o.key, () => void load(), undefined, lock) }, baseName(o.key))),
        h("td", { class: "num" }, formatBytes(o.size)),
        h("td", {}, formatDate(o.lastModified)),
        h("td", { class: "row-actions" }, h("a", { href: s3Path(bucket, o.key), download: baseName(o.key), class: "button secondary", "aria-label": `Download ${o.key}` }, "Download")),
      );
    });
    const all = h("input", { type: "checkbox", "aria-label": "Select all" });
    all.addEventListener("change", () => {
      for (const [i, box] of checkboxes.entries()) {
        box.checked = all.checked;
        if (all.checked) selected.add(objects[i].key);
        else selected.delete(objects[i].key);
      }
      updateDelete();
    });
    if (folderRows.length + objectRows.length === 0) {
      replace(tableBox, h("p", {}, pageIndex === 0 ? "This folder is empty." : "No more objects."));
    } else {
      replace(
        tableBox,
        h(
          "table",
          { class: "objects" },
          h("thead", {}, h("tr", {}, h("th", {}, all), h("th", {}, "Name"), h("th", { class: "num" }, "Size"), h("th", {}, "Last modified"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))),
          h("tbody", {}, folderRows, objectRows),
        ),
      );
    }
    replace(
      pager,
      h("button", { type: "button", class: "secondary", disabled: pageIndex === 0, onclick: () => { pageIndex -= 1; void load(); } }, "Previous page"),
      h("span", {}, `Page ${pageIndex + 1}`),
      h("button", { type: "button", class: "secondary", disabled: !listing.nextToken, onclick: () => { pageIndex += 1; void load(); } }, "Next page"),
    );
  }
  await load();
}
