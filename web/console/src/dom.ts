// A tiny DOM builder. Text always goes in as text nodes (never innerHTML), so object names,
// policy documents and error messages from the server can never become markup.

type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | undefined | null>;
export type Child = Node | string | number | null | undefined | false | Child[];

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(name.replace(/^on/, "").toLowerCase(), value as Handler);
    } else if (name === "class") {
      el.className = String(value);
    } else if (name === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (name === "checked" && el instanceof HTMLInputElement) {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replace(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, children);
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: returns [wrapper, input]. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLElement {
  if (!input.id) input.id = uid("f");
  return h(
    "div",
    { class: "field" },
    h("label", { for: input.id }, label),
    input,
    hint ? h("small", { class: "hint" }, hint) : null,
  );
}

/** Shows a message in the page's live region. */
export function notify(message: string, kind: "ok" | "error" = "ok"): void {
  const region = document.getElementById("messages");
  if (!region) return;
  const item = h(
    "div",
    { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", {}, message),
    h("button", { type: "button", class: "link", "aria-label": "Dismiss", onclick: () => item.remove() }, "×"),
  );
  // The same words again (saving twice) replace the earlier message rather than stack under it.
  for (const old of Array.from(region.children)) {
    if (old.firstElementChild?.textContent === message) old.remove();
  }
  region.appendChild(item);
  if (kind === "ok") setTimeout(() => item.remove(), 6000);
}

/**
 * A settings card's change runner: clears the card's error line, runs the change, and on success
 * announces `message` and redraws the card (`refresh`); on failure shows why (`describe`).
 */
export function settingsRunner(
  error: HTMLElement,
  refresh: () => Promise<void>,
  describe: (err: unknown) => string,
): (what: () => Promise<void>, message: string) => Promise<void> {
  return async (what, message) => {
    error.textContent = "";
    try {
      await what();
      notify(message);
      await refresh();
    } catch (err) {
      error.textContent = describe(err);
    }
  };
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A modal dialog; resolves when closed. `build` gets a close function. */
export function dialog(title: string, build: (close: () => void) => Child[]): Promise<void> {
  return new Promise((resolve) => {
    const dlg = h("dialog", { class: "dialog", "aria-label": title });
    const close = () => {
      dlg.close();
      dlg.remove();
      resolve();
    };
    append(dlg, [h("h2", {}, title), ...build(close)]);
    dlg.addEventListener("cancel", () => {
      dlg.remove();
      resolve();
    });
    document.body.appendChild(dlg);
    dlg.showModal();
  });
}
