import { admin } from "../api";
import { formatBytes, h, replace } from "../dom";
import { errorBox } from "./admin_common";

interface Info {
  version: string;
  uptimeSeconds: number;
  region: string;
  drives: { path: string; totalBytes: number; freeBytes: number; usedBytes: number }[];
  buckets: number;
  objects: number;
  objectBytes: number;
  users: number;
  groups: number;
  policies: number;
}

function uptime(s: number): string {
  const d = Math.floor(s / 86400);
  const hrs = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? `${d} d ` : ""}${hrs} h ${m} min`;
}

export async function renderServer(page: HTMLElement): Promise<void> {
  let info: Info;
  try {
    info = await admin<Info>("info");
  } catch (err) {
    replace(page, h("h1", {}, "Server"), errorBox(err));
    return;
  }
  const facts: [string, string][] = [
    ["Version", info.version],
    ["Uptime", uptime(info.uptimeSeconds)],
    ["Region", info.region],
    ["Buckets", String(info.buckets)],
    ["Objects", `${info.objects} (${formatBytes(info.objectBytes)})`],
    ["Users", String(info.users)],
    ["Groups", String(info.groups)],
    ["Policies", String(info.policies)],
  ];
  replace(
    page,
    h("h1", {}, "Server"),
    h("dl", { class: "details card" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h2", {}, "Data folders"),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}, "Path"), h("th", { class: "num" }, "Capacity"), h("th", { class: "num" }, "Used"), h("th", { class: "num" }, "Free"), h("th", {}, "Use"))),
        h(
          "tbody",
          {},
          info.drives.map((d) =>
            h(
              "tr",
              {},
              h("td", { class: "code" }, d.path),
              h("td", { class: "num" }, formatBytes(d.totalBytes)),
              h("td", { class: "num" }, formatBytes(d.usedBytes)),
              h("td", { class: "num" }, formatBytes(d.freeBytes)),
              h("td", {}, h("meter", { min: 0, max: d.totalBytes || 1, value: d.totalBytes - d.freeBytes, "aria-label": `Use of ${d.path}` })),
            ),
          ),
        ),
      ),
    ),
  );
}
