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
  if (s < 3600) return `${m} min ${Math.floor(s % 60)} s`;
  return `${d ? `${d} d ` : ""}${hrs} h ${m} min`;
}

/** A size cell: rounded for reading, the exact count in its title. */
function bytesCell(n: number): HTMLElement {
  return h("td", { class: "num", title: `${n} bytes` }, formatBytes(n));
}

export async function renderServer(page: HTMLElement): Promise<void> {
  let info: Info;
  try {
    info = await admin<Info>("info");
  } catch (err) {
    replace(page, h("h1", {}, "Server"), errorBox(err));
    return;
  }
  const facts: [string, string, string?][] = [
    ["Version", info.version],
    ["Uptime", uptime(info.uptimeSeconds), `${info.uptimeSeconds} s`],
    ["Region", info.region],
    ["Buckets", String(info.buckets)],
    ["Objects", `${info.objects} (${formatBytes(info.objectBytes)})`, `${info.objectBytes} bytes`],
    ["Users", String(info.users)],
    ["Groups", String(info.groups)],
    ["Policies", String(info.policies)],
  ];
  replace(
    page,
    h("h1", {}, "Server"),
    h("dl", { class: "details card" }, facts.map(([k, v, title]) => [h("dt", {}, k), h("dd", { title }, v)])),
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
              bytesCell(d.totalBytes),
              bytesCell(d.usedBytes),
              bytesCell(d.freeBytes),
              h(
                "td",
                { class: "use" },
                h("meter", { min: 0, max: d.totalBytes || 1, value: d.usedBytes, "aria-label": `Use of ${d.path}` }),
                ` ${d.totalBytes ? Math.round((d.usedBytes / d.totalBytes) * 100) : 0} %`,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
