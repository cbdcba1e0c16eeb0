import { call, deleteObject, errorText, listBuckets, listObjects, s3Path } from "../api";
import { dialog, field, formatBytes, formatDate, h, notify, replace } from "../dom";

const COUNT_LIMIT = 10000; // keys scanned per bucket for the count and size columns

async function usage(bucket: string): Promise<{ count: number; size: number; more: boolean }> {
  let token: string | null = null;
  let count = 0;
  let size = 0;
  do {
    const page = await listObjects(bucket, "", { token });
    count += page.objects.length;
    for (const o of page.objects) size += o.size;
    token = page.nextToken;
  } while (token && count < COUNT_LIMIT);
  return { count, size, more: token !== null };
}

/** Deletes every object in `bucket` (the console's "empty first"). */
export async function emptyBucket(bucket: string, progress: (n: number) => void): Promise<void> {
  let deleted = 0;
  for (;;) {
    const page = await listObjects(bucket, "", { maxKeys: 1000 });
    if (page.objects.length === 0) return;
    const keys = page.objects.map((o) => o.key);
    // A few at a time: the server has few cores and each delete is one request.
    for (let i = 0; i < keys.length; i += 4) {
      await Promise.all(keys.slice(i, i + 4).map((k) => deleteObject(bucket, k)));
      deleted += Math.min(4, keys.length - i);
      progress(deleted);
    }
  }
}

function confirmDelete(bucket: string, onDone: () => void): void {
  void dialog(`Delete bucket ${bucket}`, (close) => {
    const typed = h("input", { autocomplete: "off", "aria-describedby": "delete-help" });
    const empty = h("input", { type: "checkbox", id: "delete-empty" });
    const error = h("p", { class: "error", role: "alert" });
    const confirm = h("button", { type: "submit", class: "danger", disabled: true }, "Delete bucket");
    typed.addEventListener("input", () => {
      confirm.disabled = typed.value !== bucket;
    });
    return [
      h(
        "form",
        {
          onsubmit: async (e: Event) => {
            e.preventDefault();
            if (typed.value !== bucket) return;
            confirm.disabled = true;
            try {
              if (empty.checked) {
                await emptyBucket(bucket, (n) => {
                  error.textContent = `Deleted ${n} objects…`;
                });
              }
              await call(s3Path(bucket), { method: "DELETE" });
              notify(`Bucket ${bucket} deleted.`);
              close();
              onDone();
            } catch (err) {
              error.textContent = errorText(err);
              confirm.disabled = false;
            }
          },
        },
        h("p", { id: "delete-help" }, "This cannot be undone. Type the bucket name ", h("strong", {}, bucket), " to confirm."),
        field("Bucket name", typed),
        h("div", { class: "check" }, empty, h("label", { for: "delete-empty" }, "Delete every object in it first")),
        error,
        h("div", { class: "actions" }, confirm, h("button", { type: "button", class: "secondary", onclick: close }, "Cancel")),
      ),
    ];
  });
}

export async function renderBuckets(page: HTMLElement): Promise<void> {
  const name = h("input", { name: "bucket", required: true, pattern: "[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]", autocomplete: "off" });
  const withLock = h("input", { type: "checkbox", id: "create-lock", name: "object-lock", "aria-describedby": "create-lock-hint" });
  const createError = h("p", { class: "error", role: "alert" });
  const list = h("div", { class: "table-wrap" }, h("p", {}, "Loading…"));
  const create = h(
    "form",
    {
      class: "inline-form",
      "aria-label": "Create bucket",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        createError.textContent = "";
        try {
          // x-amz-bucket-object-lock-enabled makes the bucket versioned with lock enabled.
          await call(s3Path(name.value), { method: "PUT", headers: withLock.checked ? { "x-amz-bucket-object-lock-enabled": "true" } : {} });
          notify(`Bucket ${name.value} created${withLock.checked ? " with object lock" : ""}.`);
          name.value = "";
          withLock.checked = false;
          await load();
        } catch (err) {
          createError.textContent = errorText(err);
        }
      },
    },
    field("New bucket name", name),
    h(
      "div",
      { class: "field lock-option" },
      h("span", { class: "check" }, withLock, h("label", { for: withLock.id }, "Object lock")),
      h("small", { class: "hint", id: "create-lock-hint" }, "Turns versioning on for good (it can no longer be suspended); lock cannot be turned off."),
    ),
    h("button", { type: "submit" }, "Create bucket"),
  );
  // Users whose policies do not allow listing buckets (readonly) can still open one by name.
  const goName = h("input", { name: "open-bucket", required: true, autocomplete: "off" });
  const go = h(
    "form",
    {
      class: "inline-form",
      "aria-label": "Open a bucket",
      onsubmit: (e: Event) => {
        e.preventDefault();
        location.hash = `#/browse/${encodeURIComponent(goName.value.trim())}/`;
      },
    },
    field("Open bucket by name", goName),
    h("button", { type: "submit", class: "secondary" }, "Open"),
  );
  replace(page, h("h1", {}, "Buckets"), h("div", { class: "toolbar" }, create, go), createError, list);

  async function load(): Promise<void> {
    let buckets;
    try {
      buckets = await listBuckets();
    } catch (err) {
      replace(list, h("p", { class: "error", role: "alert" }, errorText(err)));
      return;
    }
    if (buckets.length === 0) {
      replace(list, h("p", {}, "No buckets yet."));
      return;
    }
    const rows = buckets.map((b) => {
      const count = h("td", { class: "num" }, "…");
      const size = h("td", { class: "num" }, "…");
      usage(b.name).then(
        (u) => {
          count.textContent = `${u.count}${u.more ? "+" : ""}`;
          size.textContent = `${formatBytes(u.size)}${u.more ? "+" : ""}`;
        },
        (err) => {
          count.textContent = "—";
          size.textContent = "—";
          count.title = errorText(err);
        },
      );
      return h(
        "tr",
        {},
        h("td", {}, h("a", { href: `#/browse/${encodeURIComponent(b.name)}/` }, b.name)),
        count,
        size,
        h("td", {}, formatDate(b.created)),
        h(
          "td",
          { class: "row-actions" },
          h("a", { class: "button secondary", href: `#/bucket/${encodeURIComponent(b.name)}` }, "Settings"),
          h("button", { type: "button", class: "danger", onclick: () => confirmDelete(b.name, () => void load()) }, "Delete"),
        ),
      );
    });
    replace(
      list,
      h(
        "table",
        { class: "buckets" },
        h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", { class: "num" }, "Objects"), h("th", { class: "num" }, "Size"), h("th", {}, "Created"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))),
        h("tbody", {}, rows),
      ),
    );
  }
  await load();
}
