import { admin, errorText, Group, jsonBody } from "../api";
import { field, h, replace } from "../dom";
import { change, errorBox, policyEditor, policyNames } from "./admin_common";

export async function renderGroups(page: HTMLElement): Promise<void> {
  const reload = () => void renderGroups(page);
  const name = h("input", { name: "group", required: true, autocomplete: "off" });
  const members = h("input", { name: "members", required: true, autocomplete: "off", placeholder: "user1, user2" });
  const formError = h("p", { class: "error", role: "alert" });
  const create = h(
    "form",
    {
      class: "card",
      "aria-labelledby": "new-group-title",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await admin("group-members", { group: name.value }, { method: "PUT", ...jsonBody({ members: members.value.split(/[\s,]+/).filter(Boolean) }) });
          reload();
        } catch (err) {
          formError.textContent = errorText(err);
        }
      },
    },
    h("h2", { id: "new-group-title" }, "Create group"),
    field("Group name", name),
    field("Members", members, "A group exists while it has members or policies."),
    formError,
    h("button", { type: "submit" }, "Create group"),
  );
  let groups: Group[];
  try {
    groups = (await admin<{ groups: Group[] }>("groups")).groups;
  } catch (err) {
    replace(page, h("h1", {}, "Groups"), errorBox(err));
    return;
  }
  replace(
    page,
    h("h1", {}, "Groups"),
    groups.length === 0
      ? h("p", {}, "No groups yet.")
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            {},
            h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Status"), h("th", {}, "Members"), h("th", {}, "Policies"))),
            h("tbody", {}, groups.map((g) => h("tr", {}, h("td", {}, h("a", { href: `#/groups/${encodeURIComponent(g.name)}` }, g.name)), h("td", {}, g.status), h("td", {}, g.members.join(", ")), h("td", {}, g.policies.join(", "))))),
          ),
        ),
    create,
  );
}

export async function renderGroup(page: HTMLElement, name: string): Promise<void> {
  const reload = () => void renderGroup(page, name);
  const header = [h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/groups" }, "Groups"), " / ", name), h("h1", {}, `Group ${name}`)];
  let group: Group;
  try {
    group = await admin<Group>("group", { group: name });
  } catch (err) {
    replace(page, ...header, errorBox(err));
    return;
  }
  const all = await policyNames();
  const member = h("input", { name: "member", required: true, autocomplete: "off" });
  replace(
    page,
    ...header,
    h(
      "section",
      { class: "card" },
      h("p", {}, `Status: ${group.status}`),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => void change("Status changed.", () => admin("group-status", { group: name, status: group.status === "enabled" ? "disabled" : "enabled" }, { method: "PUT" }), reload) }, group.status === "enabled" ? "Disable group" : "Enable group"),
        h("button", { type: "button", class: "danger", onclick: () => { if (confirm(`Delete group ${name}?`)) void change(`Deleted ${name}.`, () => admin("group", { group: name }, { method: "DELETE" }), () => (location.hash = "#/groups")); } }, "Delete group"),
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "members-title" },
      h("h2", { id: "members-title" }, "Members"),
      group.members.length
        ? h("ul", { class: "chips" }, group.members.map((m) => h("li", {}, h("a", { href: `#/users/${encodeURIComponent(m)}` }, m), h("button", { type: "button", class: "link", "aria-label": `Remove ${m}`, onclick: () => void change(`Removed ${m}.`, () => admin("group-members", { group: name }, { method: "DELETE", ...jsonBody({ members: [m] }) }), reload) }, "remove"))))
        : h("p", {}, "No members."),
      h(
        "form",
        {
          class: "inline-form",
          "aria-label": "Add member",
          onsubmit: (e: Event) => {
            e.preventDefault();
            void change(`Added ${member.value}.`, () => admin("group-members", { group: name }, { method: "PUT", ...jsonBody({ members: [member.value] }) }), reload);
          },
        },
        field("User", member),
        h("button", { type: "submit" }, "Add member"),
      ),
    ),
    policyEditor({ group: name }, group.policies, all, reload),
  );
}
