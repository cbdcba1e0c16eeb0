import { admin, errorText, jsonBody, User } from "../api";
import { field, h, replace } from "../dom";
import { change, errorBox, policyEditor, policyNames } from "./admin_common";

export async function renderUsers(page: HTMLElement): Promise<void> {
  const reload = () => void renderUsers(page);
  const accessKey = h("input", { name: "accessKey", required: true, minlength: 3, maxlength: 128, autocomplete: "off" });
  const secretKey = h("input", { name: "secretKey", type: "password", required: true, minlength: 8, maxlength: 40, autocomplete: "new-password" });
  const names = await policyNames();
  const policy = h("select", { name: "policy" }, h("option", { value: "" }, "(none)"), names.map((p) => h("option", { value: p }, p)));
  const formError = h("p", { class: "error", role: "alert" });
  const create = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "new-user-title",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        formError.textContent = "";
        try {
          await admin("user", { accessKey: accessKey.value }, { method: "PUT", ...jsonBody({ secretKey: secretKey.value, status: "enabled" }) });
          if (policy.value) await admin("policy-attach", undefined, { method: "POST", ...jsonBody({ policies: [policy.value], user: accessKey.value }) });
          reload();
        } catch (err) {
          formError.textContent = errorText(err);
        }
      },
    },
    h("h2", { id: "new-user-title" }, "Create user"),
    field("Access key", accessKey),
    field("Secret key", secretKey, "8 to 40 characters."),
    field("Policy", policy),
    formError,
    h("button", { type: "submit" }, "Create user"),
  );
  replace(page, h("h1", {}, "Users"), h("p", {}, "Loading…"));
  let users: User[];
  try {
    users = (await admin<{ users: User[] }>("users")).users;
  } catch (err) {
    replace(page, h("h1", {}, "Users"), errorBox(err));
    return;
  }
  replace(
    page,
    h("h1", {}, "Users"),
    users.length === 0
      ? h("p", {}, "No users yet.")
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            {},
            h("thead", {}, h("tr", {}, h("th", {}, "Access key"), h("th", {}, "Status"), h("th", {}, "Policies"), h("th", {}, "Groups"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))),
            h(
              "tbody",
              {},
              users.map((u) =>
                h(
                  "tr",
                  {},
                  h("td", {}, h("a", { href: `#/users/${encodeURIComponent(u.accessKey)}` }, u.accessKey)),
                  h("td", {}, u.status),
                  h("td", {}, u.policies.join(", ")),
                  h("td", {}, u.groups.join(", ")),
                  h(
                    "td",
                    { class: "row-actions" },
                    h("button", { type: "button", class: "secondary", onclick: () => void change(`${u.accessKey} ${u.status === "enabled" ? "disabled" : "enabled"}.`, () => admin("user-status", { accessKey: u.accessKey, status: u.status === "enabled" ? "disabled" : "enabled" }, { method: "PUT" }), reload) }, u.status === "enabled" ? "Disable" : "Enable"),
                    h("button", { type: "button", class: "danger", onclick: () => { if (confirm(`Delete user ${u.accessKey}?`)) void change(`Deleted ${u.accessKey}.`, () => admin("user", { accessKey: u.accessKey }, { method: "DELETE" }), reload); } }, "Delete"),
                  ),
                ),
              ),
            ),
          ),
        ),
    create,
  );
}

export async function renderUser(page: HTMLElement, name: string): Promise<void> {
  const reload = () => void renderUser(page, name);
  const header = [h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/users" }, "Users"), " / ", name), h("h1", {}, `User ${name}`)];
  let user: User;
  try {
    user = await admin<User>("user", { accessKey: name });
  } catch (err) {
    replace(page, ...header, errorBox(err));
    return;
  }
  const all = await policyNames();
  const group = h("input", { name: "group", required: true, autocomplete: "off" });
  replace(
    page,
    ...header,
    h(
      "section",
      { class: "card" },
      h("p", {}, `Status: ${user.status}`),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => void change("Status changed.", () => admin("user-status", { accessKey: name, status: user.status === "enabled" ? "disabled" : "enabled" }, { method: "PUT" }), reload) }, user.status === "enabled" ? "Disable user" : "Enable user"),
        h("a", { class: "button secondary", href: `#/access-keys/${encodeURIComponent(name)}` }, "Access keys"),
        h("button", { type: "button", class: "danger", onclick: () => { if (confirm(`Delete user ${name}?`)) void change(`Deleted ${name}.`, () => admin("user", { accessKey: name }, { method: "DELETE" }), () => (location.hash = "#/users")); } }, "Delete user"),
      ),
    ),
    policyEditor({ user: name }, user.policies, all, reload),
    h(
      "section",
      { class: "card", "aria-labelledby": "groups-title" },
      h("h2", { id: "groups-title" }, "Groups"),
      user.groups.length
        ? h(
            "ul",
            { class: "chips" },
            user.groups.map((g) =>
              h("li", {}, h("a", { href: `#/groups/${encodeURIComponent(g)}` }, g), h("button", { type: "button", class: "link", "aria-label": `Remove from ${g}`, onclick: () => void change(`Removed from ${g}.`, () => admin("group-members", { group: g }, { method: "DELETE", ...jsonBody({ members: [name] }) }), reload) }, "remove")),
            ),
          )
        : h("p", {}, "In no group."),
      h(
        "form",
        {
          class: "inline-form",
          "aria-label": "Add to group",
          onsubmit: (e: Event) => {
            e.preventDefault();
            void change(`Added to ${group.value}.`, () => admin("group-members", { group: group.value }, { method: "PUT", ...jsonBody({ members: [name] }) }), reload);
          },
        },
        field("Group", group),
        h("button", { type: "submit" }, "Add to group"),
      ),
    ),
  );
}
