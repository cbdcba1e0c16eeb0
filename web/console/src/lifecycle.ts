// The lifecycle rules editor of the bucket settings (issue 13): the rules as the server holds
// them (GetBucketLifecycleConfiguration), each with its ID, status, filter and actions; add and
// edit in a dialog, enable/disable and remove in the list. Every change writes the whole
// configuration (PutBucketLifecycleConfiguration with Content-MD5); removing the last rule is
// DeleteBucketLifecycle. The page does not judge the numbers: the server's MalformedXML /
// InvalidArgument / InvalidRequest is shown and the edit stays open to be fixed.

import { emptyRule, errorText, getLifecycle, LifecycleRule, putLifecycle, Tag } from "./api";
import { dialog, field, h, notify, replace } from "./dom";

function filterSummary(r: LifecycleRule): string {
  const parts: string[] = [];
  if (r.prefix) parts.push(`prefix ${r.prefix}`);
  for (const [k, v] of r.tags) parts.push(`tag ${k}=${v}`);
  if (r.sizeGreaterThan) parts.push(`size > ${r.sizeGreaterThan} B`);
  if (r.sizeLessThan) parts.push(`size < ${r.sizeLessThan} B`);
  return parts.length ? parts.join(", ") : "whole bucket";
}

function actionSummary(r: LifecycleRule): string {
  const parts: string[] = [];
  if (r.expirationDays) parts.push(`expire after ${r.expirationDays} days`);
  if (r.expirationDate) parts.push(`expire on ${r.expirationDate}`);
  if (r.expiredObjectDeleteMarker) parts.push("remove expired delete markers");
  if (r.noncurrentDays) parts.push(`noncurrent versions after ${r.noncurrentDays} days${r.newerNoncurrentVersions ? ` (keep ${r.newerNoncurrentVersions} newer)` : ""}`);
  if (r.abortDays) parts.push(`abort uploads after ${r.abortDays} days`);
  return parts.join("; ");
}

/** "k=v" per line; a line without "=" is a key with an empty value. */
function parseTags(text: string): Tag[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const eq = line.indexOf("=");
      return (eq < 0 ? [line, ""] : [line.slice(0, eq).trim(), line.slice(eq + 1).trim()]) as Tag;
    });
}

type ExpirationKind = "none" | "days" | "date" | "marker";

/**
 * The add/edit dialog. `save` writes the whole configuration with this rule in it; its error is
 * shown in the dialog, which stays open.
 */
function ruleDialog(title: string, start: LifecycleRule, save: (rule: LifecycleRule) => Promise<void>): Promise<void> {
  return dialog(title, (close) => {
    const id = h("input", { name: "rule-id", value: start.id, autocomplete: "off", maxlength: 255 });
    const enabled = h("input", { type: "checkbox", id: "rule-enabled", checked: start.enabled });
    const prefix = h("input", { name: "rule-prefix", value: start.prefix, autocomplete: "off", placeholder: "(whole bucket)" });
    const tags = h("textarea", { name: "rule-tags", rows: 2, spellcheck: "false", class: "code" });
    tags.value = start.tags.map(([k, v]) => `${k}=${v}`).join("\n");
    const bigger = h("input", { type: "number", name: "rule-size-gt", value: start.sizeGreaterThan, inputmode: "numeric" });
    const smaller = h("input", { type: "number", name: "rule-size-lt", value: start.sizeLessThan, inputmode: "numeric" });
    const kind = h(
      "select",
      { name: "rule-expiration" },
      h("option", { value: "none" }, "Do not expire"),
      h("option", { value: "days" }, "Days after creation"),
      h("option", { value: "date" }, "On a date"),
      h("option", { value: "marker" }, "Only remove expired delete markers"),
    );
    kind.value = start.expirationDays ? "days" : start.expirationDate ? "date" : start.expiredObjectDeleteMarker ? "marker" : "none";
    const days = h("input", { type: "number", name: "rule-expiration-days", value: start.expirationDays, inputmode: "numeric" });
    const date = h("input", { type: "date", name: "rule-expiration-date", value: start.expirationDate });
    const daysField = field("Expire after (days)", days);
    const dateField = field("Expire on (midnight UTC)", date);
    const showKind = () => {
      daysField.hidden = kind.value !== "days";
      dateField.hidden = kind.value !== "date";
    };
    kind.addEventListener("change", showKind);
    showKind();
    const noncurrent = h("input", { type: "number", name: "rule-noncurrent-days", value: start.noncurrentDays, inputmode: "numeric" });
    const newer = h("input", { type: "number", name: "rule-newer-versions", value: start.newerNoncurrentVersions, inputmode: "numeric" });
    const abort = h("input", { type: "number", name: "rule-abort-days", value: start.abortDays, inputmode: "numeric" });
    const error = h("p", { class: "error", role: "alert", id: "lifecycle-rule-error" });
    const submit = h("button", { type: "submit" }, "Save rule");
    return [
      h(
        "form",
        {
          class: "rule-form",
          onsubmit: async (e: Event) => {
            e.preventDefault();
            error.textContent = "";
            const k = kind.value as ExpirationKind;
            const rule: LifecycleRule = {
              ...emptyRule(),
              id: id.value.trim(),
              enabled: enabled.checked,
              prefix: prefix.value,
              tags: parseTags(tags.value),
              sizeGreaterThan: bigger.value,
              sizeLessThan: smaller.value,
              expirationDays: k === "days" ? days.value : "",
              expirationDate: k === "date" ? date.value : "",
              expiredObjectDeleteMarker: k === "marker",
              noncurrentDays: noncurrent.value,
              newerNoncurrentVersions: newer.value,
              abortDays: abort.value,
            };
            submit.disabled = true;
            try {
              await save(rule);
              close();
            } catch (err) {
              error.textContent = errorText(err);
            } finally {
              submit.disabled = false;
            }
          },
        },
        field("Rule ID", id, "Up to 255 characters; left empty, the server makes one up."),
        h("div", { class: "check" }, enabled, h("label", { for: enabled.id }, "Enabled")),
        h(
          "fieldset",
          { class: "rule" },
          h("legend", {}, "Objects it applies to"),
          field("Prefix", prefix),
          field("Tags", tags, "key=value, one per line; all must match."),
          field("Larger than (bytes)", bigger),
          field("Smaller than (bytes)", smaller),
        ),
        h("fieldset", { class: "rule" }, h("legend", {}, "Current versions"), field("Expiration", kind), daysField, dateField),
        h(
          "fieldset",
          { class: "rule" },
          h("legend", {}, "Noncurrent versions"),
          field("Remove after (days noncurrent)", noncurrent),
          field("Keep newer noncurrent versions", newer, "1 to 100; empty keeps none."),
        ),
        field("Abort incomplete multipart uploads after (days)", abort),
        error,
        h("div", { class: "actions" }, submit, h("button", { type: "button", class: "secondary", onclick: close }, "Cancel")),
      ),
    ];
  });
}

export function lifecycleEditor(bucket: string): HTMLElement {
  const list = h("div", { class: "lifecycle-list" }, h("p", {}, "Loading lifecycle rules…"));
  const error = h("p", { class: "error", role: "alert", id: "lifecycle-error" });
  let rules: LifecycleRule[] = [];
  let loaded = false;

  /** Writes `next` as the whole configuration, then shows what the server holds. Throws. */
  const write = async (next: LifecycleRule[]) => {
    await putLifecycle(bucket, next);
    notify(next.length ? `Lifecycle rules of ${bucket} saved.` : `Lifecycle configuration of ${bucket} deleted.`);
    await reload();
  };
  const writeFromList = async (next: LifecycleRule[]) => {
    error.textContent = "";
    try {
      await write(next);
    } catch (err) {
      error.textContent = errorText(err);
    }
  };

  const draw = () => {
    if (rules.length === 0) {
      replace(list, h("p", {}, "No lifecycle rules."));
      return;
    }
    replace(
      list,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "lifecycle", "aria-label": "Lifecycle rules" },
          h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Status"), h("th", {}, "Filter"), h("th", {}, "Actions"), h("th", {}, h("span", { class: "sr-only" }, "Change")))),
          h(
            "tbody",
            {},
            rules.map((rule, i) =>
              h(
                "tr",
                { "data-rule-id": rule.id },
                h("td", { class: "rule-id" }, h("code", {}, rule.id)),
                h("td", {}, rule.enabled ? "Enabled" : "Disabled"),
                h("td", {}, filterSummary(rule)),
                h("td", {}, actionSummary(rule)),
                h(
                  "td",
                  { class: "row-actions" },
                  h("button", { type: "button", class: "secondary", "aria-label": `Edit rule ${rule.id}`, onclick: () => void edit(i) }, "Edit"),
                  h(
                    "button",
                    {
                      type: "button",
                      class: "secondary",
                      "aria-label": `${rule.enabled ? "Disable" : "Enable"} rule ${rule.id}`,
                      onclick: () => void writeFromList(rules.map((r, j) => (j === i ? { ...r, enabled: !r.enabled } : r))),
                    },
                    rule.enabled ? "Disable" : "Enable",
                  ),
                  h(
                    "button",
                    {
                      type: "button",
                      class: "danger",
                      "aria-label": `Remove rule ${rule.id}`,
                      onclick: () => {
                        if (!confirm(`Remove the lifecycle rule ${rule.id}?`)) return;
                        void writeFromList(rules.filter((_, j) => j !== i));
                      },
                    },
                    "Remove",
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const reload = async () => {
    try {
      rules = await getLifecycle(bucket);
      loaded = true;
      draw();
    } catch (err) {
      replace(list);
      error.textContent = errorText(err);
    }
  };

  const edit = (i: number) =>
    ruleDialog(`Edit lifecycle rule ${rules[i].id}`, rules[i], (rule) => write(rules.map((r, j) => (j === i ? rule : r))));

  const section = h(
    "section",
    { class: "card", "aria-labelledby": "lifecycle-title" },
    h("h2", { id: "lifecycle-title" }, "Lifecycle rules"),
    h("p", { class: "hint" }, "Rules expire objects, remove noncurrent versions and expired delete markers, and abort stale multipart uploads; the server's scanner carries them out. A version under object lock is never removed."),
    list,
    error,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            if (!loaded) return;
            error.textContent = "";
            void ruleDialog("Add lifecycle rule", emptyRule(), (rule) => write([...rules, rule]));
          },
        },
        "Add lifecycle rule",
      ),
    ),
  );
  void reload();
  return section;
}
