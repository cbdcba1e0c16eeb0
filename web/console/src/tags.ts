// A tag-set editor shared by the object details (of the latest or a chosen version) and the
// bucket settings. The limits are AWS's and the server enforces them: the page only says them,
// and shows the server's InvalidTag/BadRequest when a save breaks one.

import { errorText, Tag } from "./api";
import { h, notify, replace } from "./dom";

export interface TagEditorOptions {
  /** Prefix of the element ids (`<id>-title`, `<id>-error`) and of the accessible names. */
  id: string;
  title: string;
  /** AWS's limit, shown as a hint: 10 per object, 50 per bucket. */
  limit: number;
  load: () => Promise<Tag[]>;
  save: (tags: Tag[]) => Promise<void>;
  /** Said after a save: "Tags of report.csv saved." */
  savedMessage: string;
  /** The section's heading level: h2 on a page, h3 inside the object details. */
  heading?: "h2" | "h3";
}

export function tagEditor(options: TagEditorOptions): HTMLElement {
  const { id, title, limit } = options;
  const list = h("div", { class: "tag-list" }, h("p", {}, "Loading tags…"));
  const error = h("p", { class: "error", role: "alert", id: `${id}-error` });
  let tags: Tag[] = [];
  let loaded = false;

  const draw = () => {
    if (tags.length === 0) {
      replace(list, h("p", {}, "No tags."));
      return;
    }
    replace(
      list,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "tags" },
          h("thead", {}, h("tr", {}, h("th", {}, "Key"), h("th", {}, "Value"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))),
          h(
            "tbody",
            {},
            tags.map((tag, i) => {
              const key = h("input", { value: tag[0], name: "tag-key", autocomplete: "off", "aria-label": `Tag ${i + 1} key` });
              key.addEventListener("input", () => (tag[0] = key.value));
              const value = h("input", { value: tag[1], name: "tag-value", autocomplete: "off", "aria-label": `Tag ${i + 1} value` });
              value.addEventListener("input", () => (tag[1] = value.value));
              return h(
                "tr",
                {},
                h("td", {}, key),
                h("td", {}, value),
                h(
                  "td",
                  { class: "row-actions" },
                  h("button", { type: "button", class: "secondary", "aria-label": `Remove tag ${i + 1}`, onclick: () => { tags.splice(i, 1); draw(); } }, "Remove"),
                ),
              );
            }),
          ),
        ),
      ),
    );
  };

  const reload = async () => {
    error.textContent = "";
    try {
      tags = (await options.load()).map(([k, v]) => [k, v] as Tag);
      loaded = true;
      draw();
    } catch (err) {
      replace(list);
      error.textContent = errorText(err);
    }
  };

  const section = h(
    "section",
    { class: "card tags-card", "aria-labelledby": `${id}-title` },
    h(options.heading ?? "h3", { id: `${id}-title` }, title),
    h("p", { class: "hint" }, `Up to ${limit} tags; keys up to 128 characters, values up to 256.`),
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
            tags.push(["", ""]);
            draw();
            const inputs = list.querySelectorAll<HTMLInputElement>("input[name=tag-key]");
            inputs[inputs.length - 1]?.focus();
          },
        },
        "Add tag",
      ),
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            if (!loaded) return;
            error.textContent = "";
            try {
              await options.save(tags);
              notify(options.savedMessage);
              await reload();
            } catch (err) {
              error.textContent = errorText(err);
            }
          },
        },
        "Save tags",
      ),
    ),
  );
  void reload();
  return section;
}
