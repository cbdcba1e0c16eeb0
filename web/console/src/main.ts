// The console's shell: session check, navigation and a hash router (#/buckets, #/browse/b/p, ...)
// so every page is served by the same embedded index.html.

import "./style.css";
import { currentSession, loadSession, logout, setSignedOutHandler } from "./api";
import { h, replace } from "./dom";
import { renderLogin } from "./pages/login";
import { renderBuckets } from "./pages/buckets";
import { renderBucketSettings } from "./pages/bucket_settings";
import { renderObjects } from "./pages/objects";
import { renderUsers, renderUser } from "./pages/users";
import { renderGroups, renderGroup } from "./pages/groups";
import { renderPolicies, renderPolicy } from "./pages/policies";
import { renderAccessKeys } from "./pages/access_keys";
import { renderServer } from "./pages/server";

const app = document.getElementById("app")!;
// One live region for the whole visit: a page change must not drop the message of the action
// that caused it ("Deleted group ops." shown on the list the delete returned to).
const messages = h("div", { id: "messages", "aria-live": "polite" });

export function go(route: string): void {
  if (location.hash === route) void render();
  else location.hash = route;
}

/** "#/browse/a%20b/x%2F" -> ["browse", "a b", "x/"] */
function routeParts(): string[] {
  const hash = location.hash.replace(/^#\/?/, "");
  if (!hash) return [];
  return hash.split("/").map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
}

const NAV: [string, string][] = [
  ["#/buckets", "Buckets"],
  ["#/users", "Users"],
  ["#/groups", "Groups"],
  ["#/policies", "Policies"],
  ["#/access-keys", "Access keys"],
  ["#/server", "Server"],
];

function shell(active: string): HTMLElement {
  const session = currentSession();
  const page = h("main", { id: "page", tabindex: "-1" });
  const nav = h(
    "nav",
    { "aria-label": "Main" },
    h(
      "ul",
      {},
      NAV.map(([href, label]) =>
        h("li", {}, h("a", { href, "aria-current": href.slice(2) === active ? "page" : undefined }, label)),
      ),
    ),
  );
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "#/buckets" }, "Cairn"),
    nav,
    h(
      "div",
      { class: "who" },
      h("span", { class: "user", title: "Signed in as" }, session?.accessKey ?? ""),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: async () => {
            await logout();
            replace(messages); // nothing of the session stays on screen
            go("#/login");
          },
        },
        "Sign out",
      ),
    ),
  );
  replace(app, header, messages, page);
  return page;
}

async function render(): Promise<void> {
  const parts = routeParts();
  if (!currentSession()) await loadSession();
  if (!currentSession() || parts[0] === "login") {
    if (currentSession()) {
      go("#/buckets");
      return;
    }
    replace(app, messages, h("main", { id: "page" }));
    renderLogin(document.getElementById("page")!, () => go("#/buckets"));
    return;
  }
  const [section = "buckets", a, b] = parts;
  const page = shell(section === "browse" || section === "bucket" ? "buckets" : section);
  switch (section) {
    case "buckets":
      return renderBuckets(page);
    case "bucket":
      return renderBucketSettings(page, a ?? "");
    case "browse":
      return renderObjects(page, a ?? "", b ?? "");
    case "users":
      return a ? renderUser(page, a) : renderUsers(page);
    case "groups":
      return a ? renderGroup(page, a) : renderGroups(page);
    case "policies":
      return a !== undefined ? renderPolicy(page, a) : renderPolicies(page);
    case "access-keys":
      return renderAccessKeys(page, a);
    case "server":
      return renderServer(page);
    default:
      replace(page, h("h1", {}, "Not found"), h("p", {}, "There is no such page."));
  }
}

setSignedOutHandler(() => {
  if (!location.hash.startsWith("#/login")) go("#/login");
});
// After moving to another page, the keyboard (and a screen reader) starts at its content, not
// at wherever the link that was just removed used to be.
window.addEventListener("hashchange", () => {
  void render().then(() => document.getElementById("page")?.focus({ preventScroll: true }));
});
void render();
