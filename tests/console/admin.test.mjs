// The administration pages against the real admin API (docs/admin-api.md): users, groups,
// policies, access keys and server information. Each change made in a page is checked with the
// admin API itself (through the console's proxy) and, for sign-in, with a second browser context.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { chromium } from "playwright-core";

import { CairnServer, consoleCall, newPage, shotBoth, signIn, openRootConsole } from "./harness.mjs";

describe("administration pages", { timeout: 120_000 }, () => {
  let server;
  let browser;
  let page;
  const dialogs = [];
  const problems = [];

  const adminGet = async (path) => consoleCall(page, "GET", `/api/admin/${path}`);
  const go = async (route, heading) => {
    await page.goto(`${server.consoleUrl}/${route}`);
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
  };
  /** Signs in as `user` in a fresh context: "ok" or the error text shown. */
  const trySignIn = async (user, secret) => {
    const other = await newPage(browser);
    try {
      await signIn(other, server, user, secret);
      const outcome = await Promise.race([
        other.getByRole("button", { name: "Sign out" }).waitFor().then(() => "ok"),
        other.locator("#login-error:not(:empty)").waitFor().then(() => other.locator("#login-error").innerText()),
      ]);
      return outcome;
    } finally {
      await other.context().close();
    }
  };
  const statusOf = (user) => page.locator("dl.details, p", { hasText: "Status:" }).first().innerText();

  before(async () => {
    server = await new CairnServer().start();
    ({ browser, page } = await openRootConsole(chromium, server, dialogs));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.cleanup();
  });

  it("users: create, disable (sign-in refused), enable, policies, groups, delete", async () => {
    await go("#/users", "Users");
    await page.getByLabel("Access key").fill("alice");
    await page.getByLabel("Secret key").fill("alicepass123");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("link", { name: "alice", exact: true }).waitFor();
    assert.equal((await adminGet("user?accessKey=alice")).json.status, "enabled");
    assert.equal(await trySignIn("alice", "alicepass123"), "ok");
    problems.push(...(await shotBoth(page, "users", () => page.getByRole("link", { name: "alice", exact: true }).waitFor())));

    await page.getByRole("link", { name: "alice", exact: true }).click();
    await page.getByRole("heading", { name: "User alice" }).waitFor();
    await page.getByRole("button", { name: "Disable user" }).click();
    await page.getByRole("button", { name: "Enable user" }).waitFor();
    assert.match(await statusOf(), /disabled/);
    assert.equal((await adminGet("user?accessKey=alice")).json.status, "disabled");
    assert.match(await trySignIn("alice", "alicepass123"), /InvalidCredentials|disabled|denied/i);
    await page.getByRole("button", { name: "Enable user" }).click();
    await page.getByRole("button", { name: "Disable user" }).waitFor();
    assert.equal((await adminGet("user?accessKey=alice")).json.status, "enabled");
    assert.equal(await trySignIn("alice", "alicepass123"), "ok");

    // Attach and detach a policy.
    await page.getByLabel("Policy to attach").selectOption("readwrite");
    await page.getByRole("button", { name: "Attach", exact: true }).click();
    await page.getByRole("button", { name: "Detach readwrite" }).waitFor();
    assert.deepEqual((await adminGet("user?accessKey=alice")).json.policies, ["readwrite"]);
    await page.getByRole("button", { name: "Detach readwrite" }).click();
    await page.getByText("No policies attached.").waitFor();
    assert.deepEqual((await adminGet("user?accessKey=alice")).json.policies, []);

    // Group membership (adding to a new group creates it).
    await page.getByLabel("Group", { exact: true }).fill("team");
    await page.getByRole("button", { name: "Add to group" }).click();
    await page.getByRole("button", { name: "Remove from team" }).waitFor();
    assert.deepEqual((await adminGet("user?accessKey=alice")).json.groups, ["team"]);
    assert.deepEqual((await adminGet("group?group=team")).json.members, ["alice"]);
    problems.push(...(await shotBoth(page, "user", () => page.getByRole("heading", { name: "User alice" }).waitFor())));
    await page.getByRole("button", { name: "Remove from team" }).click();
    await page.getByText("In no group.").waitFor();
    assert.deepEqual((await adminGet("user?accessKey=alice")).json.groups, []);

    // Delete from the list.
    await go("#/users", "Users");
    await page.getByRole("row", { name: /alice/ }).getByRole("button", { name: "Delete" }).click();
    await page.getByText("Deleted alice.").waitFor();
    await page.getByRole("link", { name: "alice", exact: true }).waitFor({ state: "detached" });
    assert.equal((await adminGet("user?accessKey=alice")).status, 404);
    assert.match(await trySignIn("alice", "alicepass123"), /InvalidCredentials/);
  });

  it("groups: create with members, disable, empty and remove", async () => {
    for (const u of ["bob", "carol"]) {
      assert.equal((await consoleCall(page, "PUT", `/api/admin/user?accessKey=${u}`, { secretKey: `${u}pass1234` })).status, 200);
    }
    await go("#/groups", "Groups");
    await page.getByLabel("Group name").fill("ops");
    await page.getByLabel("Members").fill("bob, carol");
    await page.getByRole("button", { name: "Create group" }).click();
    await page.getByRole("link", { name: "ops", exact: true }).waitFor();
    assert.deepEqual((await adminGet("group?group=ops")).json.members.sort(), ["bob", "carol"]);
    problems.push(...(await shotBoth(page, "groups", () => page.getByRole("link", { name: "ops", exact: true }).waitFor())));

    await page.getByRole("link", { name: "ops", exact: true }).click();
    await page.getByRole("heading", { name: "Group ops" }).waitFor();
    await page.getByRole("button", { name: "Disable group" }).click();
    await page.getByRole("button", { name: "Enable group" }).waitFor();
    assert.equal((await adminGet("group?group=ops")).json.status, "disabled");
    problems.push(...(await shotBoth(page, "group", () => page.getByRole("heading", { name: "Group ops" }).waitFor())));

    // Removing a group with members is refused, in words.
    await page.getByRole("button", { name: "Delete group" }).click();
    await page.getByRole("alert").filter({ hasText: "GroupNotEmpty" }).waitFor();

    for (const m of ["bob", "carol"]) {
      await page.getByRole("button", { name: `Remove ${m}` }).click();
      await page.getByRole("button", { name: `Remove ${m}` }).waitFor({ state: "detached" });
    }
    await page.getByText("No members.").waitFor();
    await page.getByRole("button", { name: "Delete group" }).click();
    await page.getByRole("heading", { name: "Groups", exact: true }).waitFor();
    await page.getByText("Deleted ops.").waitFor();
    assert.equal((await adminGet("group?group=ops")).status, 404);
    assert.equal(await page.getByRole("link", { name: "ops", exact: true }).count(), 0);
  });

  it("policies: validation, MalformedPolicy with its position, edit, PolicyInUse, delete", async () => {
    await go("#/policies", "Policies");
    problems.push(...(await shotBoth(page, "policies", () => page.getByRole("link", { name: "readonly" }).waitFor())));
    await page.getByRole("link", { name: "Create policy" }).click();
    await page.getByRole("heading", { name: "Create policy" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("bucket-reader");
    const doc = page.getByLabel("Document (JSON)");
    // Not JSON: the page says so while typing, with the line and column.
    await doc.fill('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow" "Action": "s3:GetObject"}\n  ]\n}');
    await page.locator("#policy-doc-error", { hasText: /line 4/ }).waitFor();
    // Saving sends it anyway: the server's MalformedPolicy, with its position, is what counts.
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.locator("#policy-doc-error", { hasText: "MalformedPolicy" }).waitFor();
    assert.match(await page.locator("#policy-doc-error").innerText(), /line 4/);
    // JSON but not a policy: the server names the problem.
    await doc.fill('{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}]}');
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.locator("#policy-doc-error", { hasText: "MalformedPolicy" }).waitFor();
    assert.match(await page.locator("#policy-doc-error").innerText(), /Maybe|Effect/);
    assert.equal((await adminGet("policy?name=bucket-reader")).status, 404, "nothing stored");

    await doc.fill('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::reports/*"]}]}');
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByRole("heading", { name: "Policy bucket-reader" }).waitFor();
    assert.deepEqual((await adminGet("policy?name=bucket-reader")).json.policy.Statement[0].Resource, ["arn:aws:s3:::reports/*"]);
    problems.push(...(await shotBoth(page, "policy", () => page.getByRole("heading", { name: "Policy bucket-reader" }).waitFor())));

    // Edit.
    await page.getByLabel("Document (JSON)").fill('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]}]}');
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText("Policy bucket-reader saved.").waitFor();
    assert.deepEqual((await adminGet("policy?name=bucket-reader")).json.policy.Statement[0].Action, ["s3:GetObject", "s3:ListBucket"]);

    // In use: deleting is refused in words.
    assert.equal((await consoleCall(page, "POST", "/api/admin/policy-attach", { policies: ["bucket-reader"], user: "bob" })).status, 200);
    await page.getByRole("button", { name: "Delete policy" }).click();
    await page.getByRole("alert").filter({ hasText: "PolicyInUse" }).waitFor();
    assert.match(await page.getByRole("alert").filter({ hasText: "PolicyInUse" }).innerText(), /attached to user bob/);
    assert.equal((await adminGet("policy?name=bucket-reader")).status, 200);

    assert.equal((await consoleCall(page, "POST", "/api/admin/policy-detach", { policies: ["bucket-reader"], user: "bob" })).status, 200);
    await page.getByRole("button", { name: "Delete policy" }).click();
    await page.getByRole("heading", { name: "Policies", exact: true }).waitFor();
    assert.equal((await adminGet("policy?name=bucket-reader")).status, 404);
    assert.equal(await page.getByRole("link", { name: "bucket-reader" }).count(), 0);
  });

  it("access keys: the secret is shown once and works; listings never show it", async () => {
    await go("#/access-keys/bob", "Access keys of bob");
    await page.getByLabel("Name", { exact: true }).fill("nightly");
    await page.getByLabel("Description").fill("backup job");
    await page.getByRole("button", { name: "Create access key" }).click();
    const dialog = page.getByRole("dialog", { name: "Access key created" });
    await dialog.waitFor();
    const accessKey = await dialog.locator("#new-access-key").innerText();
    const secret = await dialog.locator("#new-secret-key").innerText();
    assert.ok(accessKey.length >= 3 && secret.length >= 8);
    problems.push(...(await shotBoth(page, "access-key-secret", () => dialog.waitFor())));
    await dialog.getByRole("button", { name: "Done" }).click();
    await page.getByRole("cell", { name: accessKey }).waitFor();
    assert.equal(await page.getByText(secret).count(), 0);
    assert.doesNotMatch(await page.content(), new RegExp(secret.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
    await page.reload();
    await page.getByRole("cell", { name: accessKey }).waitFor();
    assert.ok(!(await page.content()).includes(secret), "not after a reload either");
    const listed = await adminGet("service-accounts?user=bob");
    assert.ok(!listed.text.includes(secret), "the listing API never carries it");
    assert.equal(listed.json.serviceAccounts[0].parent, "bob");
    problems.push(...(await shotBoth(page, "access-keys", () => page.getByRole("cell", { name: accessKey }).waitFor())));
    // The secret shown was the real one: it signs in (as bob's key).
    assert.equal(await trySignIn(accessKey, secret), "ok");

    await page.getByRole("row", { name: new RegExp(accessKey) }).getByRole("button", { name: "Delete" }).click();
    await page.getByText("No access keys.").waitFor();
    assert.match(await trySignIn(accessKey, secret), /InvalidCredentials/);
  });

  it("server page shows what the admin API returns", async () => {
    // Known content: two buckets, three objects.
    for (const b of ["info-a", "info-b"]) assert.equal((await consoleCall(page, "PUT", `/api/s3/${b}`)).status, 200);
    for (const [b, k, body] of [["info-a", "x.txt", "12345"], ["info-a", "y/z.txt", "abc"], ["info-b", "w.bin", "0123456789"]]) {
      assert.equal((await consoleCall(page, "PUT", `/api/s3/${b}/${k}`, body)).status, 200);
    }
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/admin/info"));
    await page.goto(`${server.consoleUrl}/#/server`);
    const info = await (await answer).json();
    await page.getByRole("heading", { name: "Data folders" }).waitFor();
    assert.equal(info.buckets, 2);
    assert.equal(info.objects, 3);
    assert.equal(info.objectBytes, 18);
    const fact = async (name) => page.locator("dl.details dt", { hasText: new RegExp(`^${name}$`) }).locator("xpath=following-sibling::dd[1]");
    assert.equal(await (await fact("Version")).innerText(), info.version);
    assert.equal(await (await fact("Buckets")).innerText(), "2");
    assert.match(await (await fact("Objects")).innerText(), /^3 \(18 B\)$/);
    assert.equal(await (await fact("Uptime")).getAttribute("title"), `${info.uptimeSeconds} s`);
    assert.ok(info.uptimeSeconds >= 0 && info.uptimeSeconds < 600);
    for (const n of ["Users", "Groups", "Policies"]) assert.equal(await (await fact(n)).innerText(), String(info[n.toLowerCase()]));
    assert.ok(info.drives.length >= 1);
    for (const d of info.drives) {
      const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: d.path, exact: true }) });
      const cells = row.getByRole("cell");
      assert.equal(await cells.nth(1).getAttribute("title"), `${d.totalBytes} bytes`);
      assert.equal(await cells.nth(2).getAttribute("title"), `${d.usedBytes} bytes`);
      assert.equal(await cells.nth(3).getAttribute("title"), `${d.freeBytes} bytes`);
      assert.ok(d.totalBytes > 0 && d.usedBytes <= d.totalBytes);
      const meter = row.locator("meter");
      assert.equal(Number(await meter.getAttribute("value")), d.usedBytes);
      assert.equal(Number(await meter.getAttribute("max")), d.totalBytes);
      const pct = Math.round((d.usedBytes / d.totalBytes) * 100);
      assert.match(await cells.nth(4).innerText(), new RegExp(`${pct}\\s?%`));
    }
    problems.push(...(await shotBoth(page, "server", () => page.getByRole("heading", { name: "Data folders" }).waitFor())));
  });

  it("every admin page has labelled controls and fits 390 px", () => {
    assert.deepEqual(problems, []);
  });
});
