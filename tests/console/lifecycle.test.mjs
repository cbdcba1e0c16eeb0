// The lifecycle rules editor of the bucket settings against the real server (issue 13): two
// rules added in the dialog come back from GetBucketLifecycleConfiguration exactly as entered,
// one is edited and one disabled/enabled, an invalid rule (Days 0) shows the server's
// InvalidArgument and changes nothing, a user denied PutLifecycleConfiguration sees
// AccessDenied, and removing both rules deletes the configuration
// (NoSuchLifecycleConfiguration). Checked with signed S3 requests to the API port.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, consoleCall, newPage, ROOT_PASSWORD, ROOT_USER, shotBoth, signIn, openRootConsole } from "./harness.mjs";
import { objectPath, s3Client } from "./s3sign.mjs";

const BUCKET = "lifecycle-e2e";

const TEMP_RULE =
  "<Rule><ID>expire-temp</ID><Filter><Prefix>temp/</Prefix></Filter><Status>Enabled</Status>" +
  "<Expiration><Days>7</Days></Expiration>" +
  "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>";
const LOG_RULE =
  "<Rule><ID>old-logs</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>kind</Key><Value>audit</Value></Tag>" +
  "<Tag><Key>team</Key><Value>ops</Value></Tag><ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan></And></Filter>" +
  "<Status>Disabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays>" +
  "<NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>";

describe("lifecycle rules in the console", { timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  let s3;
  const dialogs = [];
  const problems = [];

  const stored = () => s3("GET", objectPath(BUCKET), { query: { lifecycle: "" } });
  /** The <Rule> elements the server holds, as it writes them. */
  const storedRules = async () => {
    const r = await stored();
    assert.equal(r.status, 200, r.text);
    return [...r.text.matchAll(/<Rule>[\s\S]*?<\/Rule>/g)].map((m) => m[0].replace(/>\s+</g, "><"));
  };
  const settings = async () => {
    await page.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
    await page.getByRole("heading", { name: `Settings of ${BUCKET}` }).waitFor();
    await page.locator(".lifecycle-list", { hasNotText: "Loading" }).waitFor();
  };
  const ruleRow = (id) => page.locator(`table.lifecycle tr[data-rule-id="${id}"]`);
  const ruleDialog = (name) => page.getByRole("dialog", { name });

  before(async () => {
    server = await new CairnServer().start();
    s3 = s3Client(server.endpoint, ROOT_USER, ROOT_PASSWORD);
    assert.equal((await s3("PUT", objectPath(BUCKET))).status, 200);
    ({ browser, page } = await openRootConsole(chromium, server, dialogs));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("adds two rules; GetBucketLifecycleConfiguration returns them exactly", async () => {
    assert.equal((await stored()).status, 404);
    await settings();
    await page.getByText("No lifecycle rules.").waitFor();

    await page.getByRole("button", { name: "Add lifecycle rule" }).click();
    let dlg = ruleDialog("Add lifecycle rule");
    await dlg.getByLabel("Rule ID").fill("expire-temp");
    await dlg.getByLabel("Prefix").fill("temp/");
    await dlg.getByLabel("Expiration", { exact: true }).selectOption("days");
    await dlg.getByLabel("Expire after (days)").fill("7");
    await dlg.getByLabel("Abort incomplete multipart uploads after (days)").fill("2");
    problems.push(...(await shotBoth(page, "lifecycle-rule-dialog", () => dlg.getByRole("button", { name: "Save rule" }).waitFor())));
    await dlg.getByRole("button", { name: "Save rule" }).click();
    await dlg.waitFor({ state: "detached" });
    await ruleRow("expire-temp").waitFor();
    assert.deepEqual(await storedRules(), [TEMP_RULE]);

    await page.getByRole("button", { name: "Add lifecycle rule" }).click();
    dlg = ruleDialog("Add lifecycle rule");
    await dlg.getByLabel("Rule ID").fill("old-logs");
    await dlg.getByLabel("Enabled").uncheck();
    await dlg.getByLabel("Prefix").fill("logs/");
    await dlg.getByLabel("Tags").fill("kind=audit\nteam=ops");
    await dlg.getByLabel("Larger than (bytes)").fill("1024");
    await dlg.getByLabel("Remove after (days noncurrent)").fill("30");
    await dlg.getByLabel("Keep newer noncurrent versions").fill("3");
    await dlg.getByRole("button", { name: "Save rule" }).click();
    await dlg.waitFor({ state: "detached" });
    await ruleRow("old-logs").waitFor();
    assert.deepEqual(await storedRules(), [TEMP_RULE, LOG_RULE]);

    // The list says what each rule does, as read back from the server.
    const temp = await ruleRow("expire-temp").innerText();
    assert.match(temp, /Enabled/);
    assert.match(temp, /prefix temp\//);
    assert.match(temp, /expire after 7 days; abort uploads after 2 days/);
    const logs = await ruleRow("old-logs").innerText();
    assert.match(logs, /Disabled/);
    assert.match(logs, /prefix logs\/, tag kind=audit, tag team=ops, size > 1024 B/);
    assert.match(logs, /noncurrent versions after 30 days \(keep 3 newer\)/);
    problems.push(...(await shotBoth(page, "bucket-lifecycle", () => ruleRow("old-logs").waitFor())));
  });

  it("edits a rule and enables another; the rest stays as it was", async () => {
    await ruleRow("expire-temp").getByRole("button", { name: "Edit rule expire-temp" }).click();
    const dlg = ruleDialog("Edit lifecycle rule expire-temp");
    assert.equal(await dlg.getByLabel("Prefix").inputValue(), "temp/", "the dialog starts from the stored rule");
    assert.equal(await dlg.getByLabel("Expire after (days)").inputValue(), "7");
    await dlg.getByLabel("Prefix").fill("tmp/");
    await dlg.getByLabel("Expiration", { exact: true }).selectOption("date");
    await dlg.getByLabel("Expire on (midnight UTC)").fill("2031-01-01");
    await dlg.getByLabel("Abort incomplete multipart uploads after (days)").fill("");
    await dlg.getByRole("button", { name: "Save rule" }).click();
    await dlg.waitFor({ state: "detached" });
    await ruleRow("expire-temp").getByText("expire on 2031-01-01").waitFor();
    const edited =
      "<Rule><ID>expire-temp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>" +
      "<Expiration><Date>2031-01-01T00:00:00.000Z</Date></Expiration></Rule>";
    assert.deepEqual(await storedRules(), [edited, LOG_RULE]);

    await ruleRow("old-logs").getByRole("button", { name: "Enable rule old-logs" }).click();
    await ruleRow("old-logs").getByRole("button", { name: "Disable rule old-logs" }).waitFor();
    assert.deepEqual(await storedRules(), [edited, LOG_RULE.replace("<Status>Disabled</Status>", "<Status>Enabled</Status>")]);
  });

  it("an invalid rule (Days 0) shows the server's InvalidArgument and changes nothing", async () => {
    const before = await storedRules();
    await ruleRow("expire-temp").getByRole("button", { name: "Edit rule expire-temp" }).click();
    const dlg = ruleDialog("Edit lifecycle rule expire-temp");
    await dlg.getByLabel("Expiration", { exact: true }).selectOption("days");
    await dlg.getByLabel("Expire after (days)").fill("0");
    await dlg.getByRole("button", { name: "Save rule" }).click();
    const error = dlg.locator("#lifecycle-rule-error");
    await error.filter({ hasText: "InvalidArgument" }).waitFor();
    assert.match(await error.innerText(), /Days/);
    assert.deepEqual(await storedRules(), before);
    // The edit stays open to be fixed; a rule without any action is the server's InvalidRequest.
    await dlg.getByLabel("Expiration", { exact: true }).selectOption("none");
    await dlg.getByRole("button", { name: "Save rule" }).click();
    await error.filter({ hasText: "InvalidRequest" }).waitFor();
    assert.deepEqual(await storedRules(), before);
    await dlg.getByRole("button", { name: "Cancel" }).click();
    await dlg.waitFor({ state: "detached" });
  });

  it("a user denied PutLifecycleConfiguration sees AccessDenied", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] },
        { Effect: "Deny", Action: ["s3:PutLifecycleConfiguration"], Resource: ["arn:aws:s3:::*"] },
      ],
    };
    assert.equal((await consoleCall(page, "PUT", "/api/admin/policy?name=no-lifecycle", policy)).status, 200);
    assert.equal((await consoleCall(page, "PUT", "/api/admin/user?accessKey=viewer", { secretKey: "viewerpass123" })).status, 200);
    assert.equal((await consoleCall(page, "POST", "/api/admin/policy-attach", { policies: ["no-lifecycle"], user: "viewer" })).status, 200);
    const before = await storedRules();
    const other = await newPage(browser);
    try {
      await signIn(other, server, "viewer", "viewerpass123");
      await other.getByRole("heading", { name: "Buckets" }).waitFor();
      await other.goto(`${server.consoleUrl}/#/bucket/${BUCKET}`);
      const row = other.locator('table.lifecycle tr[data-rule-id="old-logs"]');
      await row.getByRole("button", { name: "Disable rule old-logs" }).click();
      await other.locator("#lifecycle-error", { hasText: "AccessDenied" }).waitFor();
      assert.deepEqual(await storedRules(), before);
    } finally {
      await other.context().close();
    }
  });

  it("removing both rules deletes the configuration: NoSuchLifecycleConfiguration", async () => {
    const [, logs] = await storedRules();
    await ruleRow("expire-temp").getByRole("button", { name: "Remove rule expire-temp" }).click();
    await ruleRow("expire-temp").waitFor({ state: "detached" });
    assert.deepEqual(await storedRules(), [logs]);
    await ruleRow("old-logs").getByRole("button", { name: "Remove rule old-logs" }).click();
    await page.getByText(`Lifecycle configuration of ${BUCKET} deleted.`).waitFor();
    await page.getByText("No lifecycle rules.").waitFor();
    const gone = await stored();
    assert.equal(gone.status, 404);
    assert.match(gone.text, /NoSuchLifecycleConfiguration/);
    assert.deepEqual(dialogs, ["confirm: Remove the lifecycle rule expire-temp?", "confirm: Remove the lifecycle rule old-logs?"]);
  });

  it("every page taken had labelled controls and fit 390 px", () => {
    assert.deepEqual(problems, []);
  });
});
