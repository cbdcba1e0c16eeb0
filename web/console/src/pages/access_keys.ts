import { admin, currentSession, errorText, jsonBody, ServiceAccount } from "../api";
import { dialog, field, h, replace } from "../dom";
import { change, errorBox } from "./admin_common";

function showSecret(created: ServiceAccount): void {
  void dialog("Access key created", (close) => [
    h("p", {}, "Copy the secret key now: it is shown only this once."),
    h("dl", { class: "details" }, h("dt", {}, "Access key"), h("dd", { class: "code", id: "new-access-key" }, created.accessKey), h("dt", {}, "Secret key"), h("dd", { class: "code", id: "new-secret-key" }, created.secretKey ?? "")),
    h("div", { class: "actions" }, h("button", { type: "button", onclick: close }, "Done")),
  ]);
}

/** Access keys (service accounts) of `user`, or of the signed-in user. */
export async function renderAccessKeys(page: HTMLElement, user?: string): Promise<void> {
  const owner = user ?? currentSession()?.accessKey ?? "";
  const reload = () => void renderAccessKeys(page, user);
  const title = h("h1", {}, `Access keys of ${owner}`);
  let accounts: ServiceAccount[];
  try {
    accounts = (await admin<{ serviceAccounts: ServiceAccount[] }>("service-accounts", user ? { user } : undefined)).serviceAccounts;
  } catch (err) {
    replace(page, title, errorBox(err));
    return;
  }
  const name = h("input", { name: "name", autocomplete: "off" });
  const description = h("input", { name: "description", autocomplete: "off" });
  const policy = h("textarea", { name: "policy", rows: 6, class: "code", spellcheck: "false", placeholder: "Optional JSON policy narrowing the owner's rights" });
  const formError = h("p", { class: "error", role: "alert" });
  replace(
    page,
    title,
    accounts.length === 0
      ? h("p", {}, "No access keys.")
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            {},
            h("thead", {}, h("tr", {}, h("th", {}, "Access key"), h("th", {}, "Name"), h("th", {}, "Description"), h("th", {}, "Status"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))),
            h(
              "tbody",
              {},
              accounts.map((a) =>
                h(
                  "tr",
                  {},
                  h("td", { class: "code" }, a.accessKey),
                  h("td", {}, a.name),
                  h("td", {}, a.description),
                  h("td", {}, a.status),
                  h("td", {}, h("button", { type: "button", class: "danger", onclick: () => { if (confirm(`Delete access key ${a.accessKey}?`)) void change(`Deleted ${a.accessKey}.`, () => admin("service-account", { accessKey: a.accessKey }, { method: "DELETE" }), reload); } }, "Delete")),
                ),
              ),
            ),
          ),
        ),
    h(
      "form",
      {
        class: "card",
        "aria-labelledby": "new-key-title",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          formError.textContent = "";
          const body: Record<string, unknown> = { name: name.value, description: description.value };
          if (user) body.parent = user;
          if (policy.value.trim()) {
            try {
              body.policy = JSON.parse(policy.value);
            } catch (err) {
              formError.textContent = `Invalid JSON: ${(err as Error).message}`;
              return;
            }
          }
          try {
            const created = await admin<ServiceAccount>("service-account", undefined, { method: "PUT", ...jsonBody(body) });
            showSecret(created);
            reload();
          } catch (err) {
            formError.textContent = errorText(err);
          }
        },
      },
      h("h2", { id: "new-key-title" }, "Create access key"),
      field("Name", name),
      field("Description", description),
      field("Policy (optional)", policy),
      formError,
      h("button", { type: "submit" }, "Create access key"),
    ),
  );
}
