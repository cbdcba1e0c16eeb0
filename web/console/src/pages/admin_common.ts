import { admin, errorText, jsonBody, PolicyInfo } from "../api";
import { field, h, notify } from "../dom";

export function errorBox(err: unknown): HTMLElement {
  return h("p", { class: "error", role: "alert" }, errorText(err));
}

/** Runs an admin change, reports it, and calls `after` on success. */
export async function change(what: string, fn: () => Promise<unknown>, after: () => void): Promise<void> {
  try {
    await fn();
    notify(what);
    after();
  } catch (err) {
    notify(errorText(err), "error");
  }
}

export async function policyNames(): Promise<string[]> {
  try {
    const r = await admin<{ policies: PolicyInfo[] }>("policies");
    return r.policies.map((p) => p.name);
  } catch {
    return [];
  }
}

/** A list of attached policies with detach buttons and an attach form, for a user or a group. */
export function policyEditor(target: { user?: string; group?: string }, attached: string[], all: string[], after: () => void): HTMLElement {
  const select = h("select", { name: "policy" }, all.filter((p) => !attached.includes(p)).map((p) => h("option", { value: p }, p)));
  return h(
    "section",
    { class: "card", "aria-labelledby": "policies-title" },
    h("h2", { id: "policies-title" }, "Policies"),
    attached.length
      ? h(
          "ul",
          { class: "chips" },
          attached.map((p) =>
            h(
              "li",
              {},
              h("a", { href: `#/policies/${encodeURIComponent(p)}` }, p),
              h("button", { type: "button", class: "link", "aria-label": `Detach ${p}`, onclick: () => void change(`Detached ${p}.`, () => admin("policy-detach", undefined, { method: "POST", ...jsonBody({ policies: [p], ...target }) }), after) }, "detach"),
            ),
          ),
        )
      : h("p", {}, "No policies attached."),
    h(
      "form",
      {
        class: "inline-form",
        "aria-label": "Attach policy",
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (!select.value) return;
          void change(`Attached ${select.value}.`, () => admin("policy-attach", undefined, { method: "POST", ...jsonBody({ policies: [select.value], ...target }) }), after);
        },
      },
      field("Policy to attach", select),
      h("button", { type: "submit" }, "Attach"),
    ),
  );
}
