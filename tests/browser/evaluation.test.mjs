// The evaluation in a real browser: an analyst records the 見直し decisions with the
// keyboard alone, publishes, and the public evaluation table passes axe-core (WCAG 2.2 AA)
// in every language at 320 and 1280 px, as does the workspace's evaluation page. Screenshots
// of the public table at 320 px (ja, en, and the others) go to target/browser-screenshots/
// for a person to look at.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startServer, launchBrowser, ROOT } from "./server.mjs";

const AXE = join(ROOT, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const LANGS = ["ja", "en", "zh", "ko", "vi", "ja-easy"];
const SHOTS = join(ROOT, "target", "browser-screenshots");
const PASSWORD = "a-long-password-123";
const ITEMS = [
  "v1_online_procedures", "v1_fewer_visits", "v1_cashless_payment", "v1_waiting_time",
  "v2_any_age", "v2_disability", "v2_support_when_stuck", "v2_accessible_information",
  "v3_efficient_work", "v3_efficient_spending", "v3_staff_skills", "v3_lasting_services",
  "v4_personal_data", "v4_system_security", "v4_safe_online_use", "v4_disaster_information",
  "v5_information_reaches_me", "v5_send_opinions", "v5_two_way_communication", "v5_community_exchange",
];
const AGES = ["age_18_29", "age_30_39", "age_40_49", "age_50_59", "age_60_69", "age_70_79"];
const AREAS = ["jr_south", "katayama_kishibe", "toyotsu_esaka_minamisuita", "senriyama_saiji", "yamada_senrioka", "senri_nt_banpaku_handai"];

let browser, closed;
const violations = [];
let audits = 0;

async function answer(url, i) {
  const html = await (await fetch(`${url}/surveys/2026-midterm?lang=ja`)).text();
  const key = html.match(/name="_key" value="([^"]+)"/)[1];
  const body = new URLSearchParams({ _key: key, _lang: "ja", age_band: AGES[i % 6], area: AREAS[Math.floor(i / 6) % 6] });
  // Each item answered 1–5 evenly, leaning up for v1 and v5 so that the grades differ.
  ITEMS.forEach((q, j) => body.set(q, String(1 + ((i + j + (q.startsWith("v1") || q.startsWith("v5") ? i % 2 : 0)) % 5))));
  const r = await fetch(`${url}/surveys/2026-midterm`, { method: "POST", body, redirect: "manual" });
  assert.equal(r.status, 303);
}

async function signIn(page, url) {
  await page.goto(`${url}/analyst/sign-in`);
  await page.fill("#name", "A");
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(/\/analyst(\/|$|\?)/), page.click('button[type="submit"]')]);
}

async function audit(page, label) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async (tags) => {
    const r = await globalThis.axe.run(document, { runOnly: { type: "tag", values: tags } });
    if (r.passes.length < 10) return [{ id: "axe-ran-too-few-rules", nodes: [String(r.passes.length)] }];
    return r.violations.map((v) => ({
      id: v.id,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary.split("\n").slice(1, 2).join("")}`),
    }));
  }, TAGS);
  audits++;
  for (const v of found) violations.push(`${label}: ${v.id}: ${v.nodes.join(" | ")}`);
}

before(async () => {
  browser = await launchBrowser();
  const db = `sqlite://${join(mkdtempSync(join(tmpdir(), "cs-eval-")), "survey.db")}`;
  const during = await startServer({ env: { DATABASE_URL: db } });
  for (let i = 0; i < 72; i++) await answer(during.url, i);
  await during.stop();
  closed = await startServer({ env: { DATABASE_URL: db }, today: "2027-03-01" });
  closed.cli(["analyst", "create", "A", "--password"], `${PASSWORD}\n`);
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  closed?.stop();
});

test("the decisions are recorded with the keyboard alone, then published", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, closed.url);
  await page.goto(`${closed.url}/analyst/waves/2026-midterm/evaluation`);
  await audit(page, "workspace evaluation, draft [1280px]");
  const seen = new Set();
  let sent = false;
  for (let i = 0; i < 300 && !sent; i++) {
    await page.keyboard.press("Tab");
    const el = await page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a.tagName, type: a.type, name: a.name, text: a.textContent };
    });
    if (el.tag === "INPUT" && el.type === "radio" && !seen.has(el.name)) {
      // "Not decided" is checked; the arrow wraps round to the first direction (継続).
      await page.keyboard.press("ArrowDown");
      seen.add(el.name);
    } else if (el.tag === "TEXTAREA" && !seen.has(el.name)) {
      await page.keyboard.type(`${el.name}: キーボードで入力`);
      seen.add(el.name);
    } else if (el.tag === "BUTTON" && el.text.includes("保存")) {
      await Promise.all([page.waitForURL(/saved=1/), page.keyboard.press("Enter")]);
      sent = true;
    }
  }
  assert.ok(sent, "the save button was reached with Tab");
  assert.equal([...seen].filter((n) => n.startsWith("direction_")).length, 5);
  assert.equal(await page.locator("#direction-v1-continue").isChecked(), true);
  assert.match(await page.locator("#opinions-v5").inputValue(), /opinions_v5: キーボードで入力/);
  // Publish from the dashboard.
  await page.goto(`${closed.url}/analyst`);
  await Promise.all([page.waitForLoadState(), page.click('form[action$="/2026-midterm/publish"] button')]);
  await page.goto(`${closed.url}/analyst/waves/2026-midterm/evaluation`);
  assert.ok(await page.locator('form[action$="/evaluation/revise"]').count(), "locked after publication");
  assert.equal(await page.locator("#reason-v1").isDisabled(), true);
  await context.close();
});

test("axe finds no violation on the evaluation, in any language, at 320 and 1280 px", async () => {
  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    for (const lang of LANGS) {
      await page.goto(`${closed.url}/results/2026-midterm?lang=${lang}`);
      assert.ok(await page.locator("table.evaluation").count(), "the table is published");
      await audit(page, `results with evaluation [${lang}, ${width}px]`);
      if (width === 320) {
        // Nothing of the table may stick out of a 320 px screen.
        const overflow = await page.evaluate(() => {
          const t = document.querySelector("table.evaluation");
          return t.getBoundingClientRect().right - document.documentElement.clientWidth;
        });
        assert.ok(overflow <= 0.5, `${lang}: the table is ${overflow}px wider than the screen`);
        await page.locator("#evaluation").screenshot({ path: join(SHOTS, `evaluation-${lang}-320.png`) });
        if (lang === "ja" || lang === "en") {
          // The same in screen-high parts, as a phone shows it.
          const box = await page.evaluate(() => {
            const r = document.querySelector("#evaluation").getBoundingClientRect();
            return { y: r.top + window.scrollY, height: r.height };
          });
          for (let k = 0, y = box.y; y < box.y + box.height; k++, y += 900) {
            const height = Math.min(900, box.y + box.height - y);
            await page.screenshot({ path: join(SHOTS, `evaluation-${lang}-320-part${k + 1}.png`), fullPage: true, clip: { x: 0, y, width: 320, height } });
          }
        }
      }
    }
    await signIn(page, closed.url);
    await page.goto(`${closed.url}/analyst/waves/2026-midterm/evaluation`);
    await audit(page, `workspace evaluation, published [${width}px]`);
    await page.locator("#cs-portfolio figure").screenshot({ path: join(SHOTS, `cs-portfolio-${width}.png`) });
    await context.close();
  }
  console.log(`axe: ${audits} audits, ${violations.length} violations`);
  assert.deepEqual(violations, [], violations.join("\n"));
});
