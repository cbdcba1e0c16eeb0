// The version history table (ListObjectVersions): every version and delete marker, each key
// newest first, paged with key-marker/version-id-marker. Used by the object list ("Show
// versions": everything under the folder) and by the object details (the history of one key).
// Per version: download (GET ?versionId), details, restore (copy it over the key so it becomes
// the latest) and permanent delete (DELETE ?versionId, confirmed first); a delete marker can be
// removed, which brings the object back when it was the latest.
// In a bucket with object lock (`lock`), each version's retention and legal hold are read with
// a HEAD (four at a time; ListObjectVersions does not carry them) and shown as badges, with
// Retention and Legal hold buttons, and the permanent delete offers the governance bypass
// (lock.ts).

import { deleteVersion, errorText, headVersionLock, listVersions, restoreVersion, s3Path, VersionEntry, VersionLock, VersionMarker, versionQuery } from "./api";
import { Child, formatBytes, formatDate, h, notify, replace } from "./dom";
import { deleteLockedVersion, legalHoldButton, lockBadges, retentionDialog } from "./lock";

export interface VersionTableOptions {
  bucket: string;
  /** Listing mode: everything under `prefix`, folders via `delimiter`. */
  prefix: string;
  delimiter?: string;
  /** History mode: only this key (listed with prefix = key, so its versions come first). */
  onlyKey?: string;
  pageSize: number;
  /** The href of a folder row (listing mode). */
  folderHref?: (prefix: string) => string;
  /** Opens the details of one version. */
  onDetails: (key: string, versionId: string) => void;
  /** Called after a restore or delete changed the bucket. */
  onChanged?: () => void;
  /** The bucket has object lock: show and edit each version's retention and legal hold. */
  lock?: boolean;
  /** Called after a retention or legal-hold change instead of reloading the table. */
  onLockChanged?: () => void;
}

/** Runs `tasks` at most `limit` at a time. */
async function pooled(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

export function baseName(key: string): string {
  const trimmed = key.endsWith("/") ? key.slice(0, -1) : key;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1) || key;
}

function badges(v: VersionEntry): Child[] {
  return [v.isLatest ? h("span", { class: "badge latest" }, "Latest") : null, v.deleteMarker ? h("span", { class: "badge marker" }, "Delete marker") : null];
}

export function versionTable(options: VersionTableOptions): { element: HTMLElement; load: () => Promise<void> } {
  const { bucket } = options;
  const history = options.onlyKey !== undefined;
  const markers: (VersionMarker | null)[] = [null]; // where each page shown so far starts
  let pageIndex = 0;
  const tableBox = h("div", { class: "versions-box" }, h("p", {}, "Loading versions…"));
  const pager = h("div", { class: "pager" });
  const element = h("div", { class: "versions" }, tableBox, pager);

  const changed = async (message: string) => {
    notify(message);
    await load();
    options.onChanged?.();
  };

  // Filled once the version's HEAD answered (lock buckets only).
  const lockFills: (() => Promise<void>)[] = [];

  const lockActions = (v: VersionEntry, lock: VersionLock): Child[] => {
    const ref = { bucket, key: v.key, versionId: v.versionId };
    const shown = (message: string) => {
      notify(message);
      if (options.onLockChanged) options.onLockChanged();
      else void load();
    };
    return [
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "aria-label": `Retention of ${v.key} version ${v.versionId}`,
          onclick: async () => {
            if (await retentionDialog(ref, lock)) shown(`Retention of ${v.key} version ${v.versionId} saved.`);
          },
        },
        "Retention",
      ),
      legalHoldButton(ref, lock, shown, (err) => notify(errorText(err), "error")),
    ];
  };

  const actions = (v: VersionEntry, badgeBox?: HTMLElement): Child[] => {
    const label = `${v.key} version ${v.versionId}`;
    if (v.deleteMarker) {
      return [
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            "aria-label": `Remove delete marker ${v.versionId} of ${v.key}`,
            onclick: async () => {
              if (!confirm(`Remove the delete marker ${v.versionId} of ${v.key}?${v.isLatest ? " The previous version becomes the latest again." : ""}`)) return;
              try {
                await deleteVersion(bucket, v.key, v.versionId);
                await changed(`Removed the delete marker of ${v.key}.`);
              } catch (err) {
                notify(errorText(err), "error");
              }
            },
          },
          "Remove marker",
        ),
      ];
    }
    return [
      h("a", { class: "button secondary", href: s3Path(bucket, v.key, versionQuery(v.versionId)), download: baseName(v.key), "aria-label": `Download ${label}` }, "Download"),
      h("button", { type: "button", class: "secondary", "aria-label": `Details of ${label}`, onclick: () => options.onDetails(v.key, v.versionId) }, "Details"),
      v.isLatest
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "secondary",
              "aria-label": `Restore ${label}`,
              onclick: async () => {
                try {
                  const made = await restoreVersion(bucket, v.key, v.versionId);
                  await changed(`Restored ${v.key} from version ${v.versionId}${made ? ` as version ${made}` : ""}.`);
                } catch (err) {
                  notify(errorText(err), "error");
                }
              },
            },
            "Restore",
          ),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          "aria-label": `Delete ${label}`,
          onclick: async () => {
            if (options.lock) {
              if (await deleteLockedVersion({ bucket, key: v.key, versionId: v.versionId })) await changed(`Deleted version ${v.versionId} of ${v.key}.`);
              return;
            }
            if (!confirm(`Permanently delete version ${v.versionId} of ${v.key}? This cannot be undone.`)) return;
            try {
              await deleteVersion(bucket, v.key, v.versionId);
              await changed(`Deleted version ${v.versionId} of ${v.key}.`);
            } catch (err) {
              notify(errorText(err), "error");
            }
          },
        },
        "Delete",
      ),
      options.lock ? lockSlot(v, badgeBox) : null,
    ];
  };

  function lockSlot(v: VersionEntry, badgeBox?: HTMLElement): HTMLElement {
    const slot = h("span", { class: "lock-actions" });
    lockFills.push(async () => {
      try {
        const lock = await headVersionLock(bucket, v.key, v.versionId);
        if (badgeBox) replace(badgeBox, lockBadges(lock));
        replace(slot, lockActions(v, lock));
      } catch (err) {
        if (badgeBox) replace(badgeBox, h("span", { class: "error" }, `Lock state: ${errorText(err)}`));
      }
    });
    return slot;
  }

  async function load(): Promise<void> {
    let listing;
    try {
      listing = await listVersions(bucket, history ? options.onlyKey! : options.prefix, {
        delimiter: history ? undefined : options.delimiter,
        marker: markers[pageIndex],
        maxKeys: options.pageSize,
      });
    } catch (err) {
      replace(tableBox, h("p", { class: "error", role: "alert" }, errorText(err)));
      replace(pager);
      return;
    }
    let { versions, next } = listing;
    if (history) {
      // Keys that start with this one sort after it: once one shows up, the history is complete.
      const own = versions.filter((v) => v.key === options.onlyKey);
      if (own.length < versions.length) next = null;
      versions = own;
    } else {
      versions = versions.filter((v) => v.key !== options.prefix); // the folder's own placeholder
    }
    markers.length = pageIndex + 1;
    if (next) markers.push(next);
    const folderRows = history
      ? []
      : listing.prefixes.map((p) =>
          h("tr", { class: "folder" }, h("td", {}, h("a", { href: options.folderHref?.(p) ?? "#", class: "folder-link" }, `${baseName(p)}/`)), h("td", {}), h("td", {}), h("td", {}), h("td", {}), h("td", {})),
        );
    // In the narrow details panel the actions go on a row of their own under each version.
    lockFills.length = 0;
    const rows = versions.map((v) => {
      const lockBox = options.lock && !v.deleteMarker ? h("span", { class: "lock-state" }) : undefined;
      return [
      h(
        "tr",
        { class: v.deleteMarker ? "delete-marker" : undefined, "data-version-id": v.versionId },
        history ? null : h("td", { class: "object-name" }, baseName(v.key)),
        h("td", { class: "version-id" }, h("code", {}, v.versionId)),
        h("td", { class: "num" }, v.deleteMarker ? "—" : formatBytes(v.size)),
        h("td", {}, formatDate(v.lastModified)),
        h("td", { class: "badges" }, badges(v), lockBox),
        history ? null : h("td", { class: "row-actions" }, actions(v, lockBox)),
      ),
      history ? h("tr", { class: "version-actions" }, h("td", { colspan: 4 }, actions(v, lockBox))) : null,
    ];
    });
    if (rows.length + folderRows.length === 0) {
      replace(tableBox, h("p", {}, pageIndex === 0 ? (history ? "No versions." : "This folder is empty.") : "No more versions."));
    } else {
      replace(
        tableBox,
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "versions-table", "aria-label": history ? `Versions of ${options.onlyKey}` : "Object versions" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                history ? null : h("th", {}, "Name"),
                h("th", {}, "Version ID"),
                h("th", { class: "num" }, "Size"),
                h("th", {}, "Last modified"),
                h("th", {}, "Status"),
                history ? null : h("th", {}, h("span", { class: "sr-only" }, "Actions")),
              ),
            ),
            h("tbody", {}, folderRows, rows),
          ),
        ),
      );
    }
    void pooled(lockFills.splice(0), 4);
    const pageName = history ? "versions" : "page";
    if (history && pageIndex === 0 && !next) {
      replace(pager); // one page of history needs no pager
      return;
    }
    replace(
      pager,
      h("button", { type: "button", class: "secondary", disabled: pageIndex === 0, "aria-label": `Previous ${pageName}`, onclick: () => { pageIndex -= 1; void load(); } }, "Previous"),
      h("span", {}, `Page ${pageIndex + 1}`),
      h("button", { type: "button", class: "secondary", disabled: !next, "aria-label": `Next ${pageName}`, onclick: () => { pageIndex += 1; void load(); } }, "Next"),
    );
  }

  return { element, load };
}
