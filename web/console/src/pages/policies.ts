import { admin, call, adminPath, errorText, PolicyInfo } from "../api";
import { field, h, notify, replace } from "../dom";
import { change, errorBox } from "./admin_common";

const TEMPLATE = JSON.stringify(
  {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"] }],
  },
  null,
  2,
);

export async function renderPolicies(page: HTMLElement): Promise<void> {
  let policies: PolicyInfo[];
  try {
    policies = (await admin<{ policies: PolicyInfo[] }>("policies")).policies;
  } catch (err) {
    replace(page, h("h1", {}, "Policies"), errorBox(err));
    return;
  }
  replace(
    page,
    h("h1", {}, "Policies"),
    h("div", { class: "toolbar" }, h("a", { class: "button", href: "#/policies/" }, "Create policy")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Kind"))),
        h("tbody", {}, policies.map((p) => h("tr", {}, h("td", {}, h("a", { href: `#/policies/${encodeURIComponent(p.name)}` }, p.name)), h("td", {}, p.canned ? "built-in" : "custom")))),
      ),
    ),
  );
}

/** A JSON.parse message with the line and column of "at position N" spelled out. */
function jsonErrorWhere(message: string, text: string): string {
  if (/line \d+/.test(message)) return message.replace(/\(line (\d+) column (\d+)\)/, "(line $1, column $2)");
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}

/** The policy editor; an empty name creates a new policy. */
export async function renderPolicy(page: HTMLElement, name: string): Promise<void> {
  const creating = name === "";
  const header = [h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/policies" }, "Policies"), " / ", creating ? "new" : name), h("h1", {}, creating ? "Create policy" : `Policy ${name}`)];
  let info: PolicyInfo = { name, canned: false, policy: JSON.parse(TEMPLATE) };
  if (!creating) {
    try {
      info = await admin<PolicyInfo>("policy", { name });
    } catch (err) {
      replace(page, ...header, errorBox(err));
      return;
    }
  }
  const nameInput = h("input", { name: "name", required: true, value: name, readonly: !creating, autocomplete: "off" });
  const editor = h("textarea", { name: "document", rows: 20, spellcheck: "false", class: "code", readonly: info.canned });
  editor.value = JSON.stringify(info.policy, null, 2);
  const error = h("p", { class: "error", role: "alert", id: "policy-doc-error" });
  // Checked while typing, as a hint; saving still sends the text, so the server's own verdict
  // (MalformedPolicy with its line and column, or the statement at fault) is what the user sees.
  const validate = (): boolean => {
    try {
      const v = JSON.parse(editor.value);
      if (typeof v !== "object" || v === null || Array.isArray(v) || !("Statement" in v)) throw new Error("A policy is a JSON object with a Statement.");
      error.textContent = "";
      return true;
    } catch (e) {
      error.textContent = `Invalid JSON: ${jsonErrorWhere((e as Error).message, editor.value)}`;
      return false;
    }
  };
  editor.addEventListener("input", () => validate());
  replace(
    page,
    ...header,
    h(
      "form",
      {
        class: "card",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          validate();
          try {
            await call(adminPath("policy", { name: nameInput.value }), { method: "PUT", headers: { "Content-Type": "application/json" }, body: editor.value });
            notify(`Policy ${nameInput.value} saved.`);
            if (creating) location.hash = `#/policies/${encodeURIComponent(nameInput.value)}`;
          } catch (err) {
            error.textContent = errorText(err);
          }
        },
      },
      field("Name", nameInput),
      field("Document (JSON)", editor, info.canned ? "Built-in policies cannot be changed." : undefined),
      error,
      info.canned
        ? null
        : h(
            "div",
            { class: "actions" },
            h("button", { type: "submit" }, "Save policy"),
            creating ? null : h("button", { type: "button", class: "danger", onclick: () => { if (confirm(`Delete policy ${name}?`)) void change(`Deleted ${name}.`, () => admin("policy", { name }, { method: "DELETE" }), () => (location.hash = "#/policies")); } }, "Delete policy"),
          ),
    ),
  );
}
