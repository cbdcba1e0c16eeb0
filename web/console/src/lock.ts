// Object lock on one version (issue 13): its retention and legal hold as badges, the retention
// dialog (set or extend a mode and date, clear a GOVERNANCE retention with the bypass), the
// legal-hold switch, and the permanent delete of a version in a lock bucket, which offers
// "bypass governance retention". Enforcement is the server's: every refusal (AccessDenied for
// COMPLIANCE or a legal hold, InvalidArgument for a past date) is shown as it answered.

import { deleteVersion, errorText, putLegalHold, putRetention, RetentionMode, VersionLock } from "./api";
import { Child, dialog, field, formatDate, h } from "./dom";

export function lockBadges(lock: VersionLock): Child[] {
  return [
    lock.mode ? h("span", { class: `badge lock ${lock.mode.toLowerCase()}`, title: lock.retainUntil }, `${lock.mode} until ${formatDate(lock.retainUntil)}`) : null,
    lock.legalHold ? h("span", { class: "badge hold" }, "Legal hold") : null,
  ];
}

/** A date as a datetime-local value in the browser's zone, rounded up to the minute. */
export function localInputValue(date: Date): string {
  const d = new Date(Math.ceil(date.getTime() / 60_000) * 60_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export interface VersionRef {
  bucket: string;
  key: string;
  versionId: string;
}

function describe(v: VersionRef): string {
  return `${v.key} version ${v.versionId}`;
}

/**
 * The retention dialog. Prefilled with the current retention (its date rounded up, so saving
 * unchanged never shortens it) or GOVERNANCE for one day. Resolves true when something changed.
 */
export function retentionDialog(v: VersionRef, current: VersionLock): Promise<boolean> {
  let changed = false;
  return dialog(`Retention of ${describe(v)}`, (close) => {
    const mode = h("select", { name: "retention-mode" }, h("option", { value: "GOVERNANCE" }, "GOVERNANCE"), h("option", { value: "COMPLIANCE" }, "COMPLIANCE"));
    mode.value = current.mode ?? "GOVERNANCE";
    const start = current.mode && current.retainUntil ? new Date(current.retainUntil) : new Date(Date.now() + 86_400_000);
    const until = h("input", { type: "datetime-local", name: "retain-until", required: true, value: localInputValue(start) });
    const bypass = h("input", { type: "checkbox", id: "retention-bypass" });
    const error = h("p", { class: "error", role: "alert", id: "retention-error" });
    const run = async (what: () => Promise<void>) => {
      error.textContent = "";
      try {
        await what();
        changed = true;
        close();
      } catch (err) {
        error.textContent = errorText(err);
      }
    };
    return [
      h(
        "form",
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            const date = new Date(until.value);
            if (Number.isNaN(date.getTime())) {
              error.textContent = "Choose a retain-until date.";
              return;
            }
            void run(() => putRetention(v.bucket, v.key, v.versionId, { mode: mode.value as RetentionMode, until: date.toISOString() }, bypass.checked));
          },
        },
        h(
          "p",
          { class: "hint" },
          current.mode ? `Now: ${current.mode} until ${formatDate(current.retainUntil)}. ` : "No retention yet. ",
          "COMPLIANCE cannot be shortened, weakened or removed by anyone until the date passes; GOVERNANCE can, with the bypass.",
        ),
        field("Mode", mode),
        field("Retain until (your local time)", until),
        h("div", { class: "check" }, bypass, h("label", { for: bypass.id }, "Bypass governance retention (to shorten or change a GOVERNANCE retention)")),
        error,
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit" }, "Save retention"),
          current.mode === "GOVERNANCE"
            ? h("button", { type: "button", class: "danger", onclick: () => void run(() => putRetention(v.bucket, v.key, v.versionId, null, true)) }, "Clear retention (bypass)")
            : null,
          h("button", { type: "button", class: "secondary", onclick: close }, "Cancel"),
        ),
      ),
    ];
  }).then(() => changed);
}

/** The legal-hold switch of a version; `onDone` gets the message to show, or throws. */
export function legalHoldButton(v: VersionRef, lock: VersionLock, onDone: (message: string) => void, onError: (err: unknown) => void): HTMLElement {
  const on = !lock.legalHold;
  return h(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-label": on ? `Set legal hold on ${describe(v)}` : `Remove legal hold from ${describe(v)}`,
      onclick: async () => {
        try {
          await putLegalHold(v.bucket, v.key, v.versionId, on);
          onDone(on ? `Legal hold set on ${describe(v)}.` : `Legal hold removed from ${describe(v)}.`);
        } catch (err) {
          onError(err);
        }
      },
    },
    on ? "Legal hold on" : "Legal hold off",
  );
}

/**
 * Permanent delete of a version in a lock bucket: a dialog with "bypass governance retention".
 * A refusal stays in the dialog (AccessDenied for COMPLIANCE or a legal hold). Resolves true
 * when the version was deleted.
 */
export function deleteLockedVersion(v: VersionRef): Promise<boolean> {
  let deleted = false;
  return dialog(`Delete ${describe(v)}`, (close) => {
    const bypass = h("input", { type: "checkbox", id: "delete-bypass" });
    const error = h("p", { class: "error", role: "alert", id: "delete-version-error" });
    const submit = h("button", { type: "submit", class: "danger" }, "Delete version");
    return [
      h(
        "form",
        {
          onsubmit: async (e: Event) => {
            e.preventDefault();
            error.textContent = "";
            submit.disabled = true;
            try {
              await deleteVersion(v.bucket, v.key, v.versionId, bypass.checked);
              deleted = true;
              close();
            } catch (err) {
              error.textContent = errorText(err);
            } finally {
              submit.disabled = false;
            }
          },
        },
        h("p", {}, `Permanently delete version ${v.versionId} of ${v.key}? This cannot be undone.`),
        h("p", { class: "hint" }, "A version under COMPLIANCE retention or a legal hold cannot be deleted; GOVERNANCE retention can be bypassed by a user allowed s3:BypassGovernanceRetention."),
        h("div", { class: "check" }, bypass, h("label", { for: bypass.id }, "Bypass governance retention")),
        error,
        h("div", { class: "actions" }, submit, h("button", { type: "button", class: "secondary", onclick: close }, "Cancel")),
      ),
    ];
  }).then(() => deleted);
}
