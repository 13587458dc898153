// Blind double entry of a paper sheet with the keyboard alone: two operators (created with
// the CLI) sign in through the form, type the sheet's access code and every answer, moving
// with Enter (Tab in the free-text areas); the second entry agrees and the sheet becomes a
// response. No clicks anywhere.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, definitions } from "./server.mjs";

const WAVE = "2026-midterm";
const PASSWORD = "a long enough password";
let server, browser, code;

before(async () => {
  const defs = definitions((wave, text) =>
    wave === WAVE ? text.replace("closes = 2027-01-31\n", 'closes = 2027-01-31\naccess = "code"\n') : text,
  );
  server = await startServer({ defs });
  browser = await launchBrowser();
  const csv = server.cli(["codes", "generate", "--wave", WAVE, "--count", "1", "--rehearsal"]);
  code = csv.replace(/^\uFEFF/, "").split(/\r?\n/)[1].split(",")[0];
  for (const name of ["keyer-a", "keyer-b"]) {
    server.cli(["analyst", "create", name, "--password", "--role", "operator"], `${PASSWORD}\n`);
  }
});
after(async () => {
  await browser?.close();
  server?.stop();
});

/// One sheet, in form order: [code, key to leave the field].
const SHEET = [
  ...["4", "5", "9", "3", "4", "2", "3", "9", "3", "3", "4", "2", "5", "4", "4", "3", "2", "3", "1", "-"].map((c) => [c, "Enter"]),
  ["1", "Enter"], // 問21 はい
  ["3", "Enter"], // 問22 (asked after はい)
  ["", "Enter"], // 問23 (only after いいえ): left empty
  ["2", "Enter"], // 問24
  ["1 3", "Enter"], // 問25 smartphone, PC
  ["1 2 10", "Enter"], // 問26: the tenth option needs a separator
  ["窓口の待ち時間をもっと短くしてほしい。", "Tab"], // 問27 free text
  ["-", "Tab"], // 問28
  ["6", "Enter"], // 問29
  ["2", "Enter"], // 問30
  ["-", "Enter"], // 問31 → the save button
];

async function signIn(page, name) {
  await page.goto(`${server.url}/analyst/sign-in`);
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== "name"; i++) {
    await page.keyboard.press("Tab");
  }
  await page.keyboard.type(name);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL(/\/analyst$/), page.keyboard.press("Enter")]);
}

/// Keys the whole sheet from the code on; returns the milliseconds it took.
async function keySheet(name, entry) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, name);
  await page.goto(`${server.url}/analyst/waves/${WAVE}/paper`);
  const started = Date.now();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "code");
  await page.keyboard.type(code.toLowerCase());
  await Promise.all([page.waitForURL(/\/paper$/), page.keyboard.press("Enter")]);
  assert.match(await page.textContent("h1"), new RegExp(`${entry}回目の入力`));
  for (const [value, key] of SHEET) {
    if (value) await page.keyboard.type(value);
    await page.keyboard.press(key);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.type), "submit");
  await Promise.all([page.waitForURL(/done=/), page.keyboard.press("Enter")]);
  const elapsed = Date.now() - started;
  const notice = await page.textContent(".notice");
  await context.close();
  return { elapsed, notice };
}

test("two operators key a whole sheet with the keyboard alone and it becomes one response", async () => {
  const first = await keySheet("keyer-a", 1);
  assert.match(first.notice, /1回目の入力を保存しました/);
  const second = await keySheet("keyer-b", 2);
  assert.match(second.notice, /回答として登録しました/);
  const keystrokes = SHEET.reduce((n, [v]) => n + [...v].length + 1, 0) + code.length + 2;
  console.log(
    `one sheet keyed in ${first.elapsed} ms and ${second.elapsed} ms (${keystrokes} keystrokes from the code to the save button)`,
  );
  const status = server.cli(["codes", "status", "--wave", WAVE]);
  assert.match(status, /paper 1 /);
});

test("axe finds no WCAG 2.2 AA violation on the paper-entry pages at 320 and 1280 px", async () => {
  const { join } = await import("node:path");
  const { ROOT } = await import("./server.mjs");
  const AXE = join(ROOT, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
  const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
  const csv = server.cli(["codes", "generate", "--wave", WAVE, "--count", "1", "--rehearsal"]);
  const fresh = csv.replace(/^\uFEFF/, "").split(/\r?\n/)[1].split(",")[0];
  const violations = [];
  for (const width of [320, 1280]) {
    // The audit script is injected, which the pages' CSP forbids: bypass it for axe only.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, "keyer-a");
    const audit = async (label) => {
      await page.addScriptTag({ path: AXE });
      const found = await page.evaluate(async (tags) => {
        const r = await globalThis.axe.run(document, { runOnly: { type: "tag", values: tags } });
        if (r.passes.length < 10) return [`axe ran only ${r.passes.length} rules`];
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
      }, TAGS);
      violations.push(...found.map((f) => `${label} [${width}px]: ${f}`));
    };
    await page.goto(`${server.url}/analyst/waves/${WAVE}/paper`);
    await audit("paper entry: the code");
    await page.fill("#code", fresh);
    await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
    await page.waitForLoadState();
    assert.match(await page.textContent("h1"), /1回目の入力/);
    await audit("paper entry: the sheet");
    await context.close();
  }
  assert.deepEqual(violations, [], violations.join("\n"));
});
