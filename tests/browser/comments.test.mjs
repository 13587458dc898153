// The comments in a real browser: an analyst codes 20 comments with the keyboard alone,
// another approves them with the keyboard, the wave is published, and axe-core (WCAG 2.2
// AA) finds nothing on the coding page (first coding and review, 320 and 1280 px), the
// workspace's evaluation page with the coded opinions, nor on the public comments page and
// the results page linking to it, in every language at 320 and 1280 px.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startServer, launchBrowser, ROOT } from "./server.mjs";

const AXE = join(ROOT, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const LANGS = ["ja", "en", "zh", "ko", "vi", "ja-easy"];
const PASSWORD = "a-long-password-123";
const PAGE = "/analyst/waves/2026-midterm/comments";
const ITEMS = ["v1_online_procedures", "v1_fewer_visits", "v1_cashless_payment", "v1_waiting_time"];
const AGES = ["age_18_29", "age_30_39", "age_40_49", "age_50_59", "age_60_69", "age_70_79"];
const TOPICS = ["窓口の待ち時間", "オンライン申請", "スマホの手続き", "防災アプリの通知", "ホームページの検索", "電子申請の案内"];
const VERDICTS = ["を改善してほしい", "が便利になった", "がわかりにくい", "をもっと増やしてほしい", "に満足しています"];

let browser, closed;
const violations = [];
let audits = 0;

async function answer(url, i) {
  const html = await (await fetch(`${url}/surveys/2026-midterm?lang=ja`)).text();
  const key = html.match(/name="_key" value="([^"]+)"/)[1];
  const body = new URLSearchParams({
    _key: key,
    _lang: "ja",
    age_band: AGES[i % 6],
    area: "jr_south",
    opinion_general: `${TOPICS[i % TOPICS.length]}${VERDICTS[i % VERDICTS.length]}。（${i + 1}）`,
  });
  ITEMS.forEach((q, j) => body.set(q, String(1 + ((i + j) % 5))));
  const r = await fetch(`${url}/surveys/2026-midterm`, { method: "POST", body, redirect: "manual" });
  assert.equal(r.status, 303);
}

async function signIn(page, url, name) {
  await page.goto(`${url}/analyst/sign-in`);
  await page.fill("#name", name);
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

async function focused(page) {
  // Autofocus happens once the page has been parsed: wait for it.
  await page.waitForFunction(() => document.activeElement && document.activeElement !== document.body, null, { timeout: 3000 }).catch(() => {});
  return page.evaluate(() => {
    const a = document.activeElement;
    return { tag: a.tagName, type: a.type, name: a.name, value: a.value, text: a.textContent, checked: a.checked };
  });
}

async function left(page) {
  return Number(await page.locator("#left").textContent());
}

before(async () => {
  browser = await launchBrowser();
  const db = `sqlite://${join(mkdtempSync(join(tmpdir(), "cs-comments-")), "survey.db")}`;
  const during = await startServer({ env: { DATABASE_URL: db } });
  for (let i = 0; i < 30; i++) await answer(during.url, i);
  await during.stop();
  closed = await startServer({ env: { DATABASE_URL: db }, today: "2027-03-01" });
  closed.cli(["analyst", "create", "A", "--password"], `${PASSWORD}\n`);
  closed.cli(["analyst", "create", "B", "--password"], `${PASSWORD}\n`);
});

after(async () => {
  await browser?.close();
  closed?.stop();
});

test("20 comments are coded with the keyboard alone, then approved by another analyst", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, closed.url, "A");
  await page.goto(`${closed.url}${PAGE}?question=opinion_general`);
  await Promise.all([page.waitForURL(/saved=1/), page.click(`form[action$="/comments/load"] button`)]);
  assert.equal(await left(page), 30);
  await audit(page, "coding page, first coding [1280px]");
  for (let n = 0; n < 20; n++) {
    // The first code has the focus when the page opens; Space ticks it.
    let el = await focused(page);
    assert.equal(el.name, "code", `comment ${n + 1}: the first code has the focus`);
    await page.keyboard.press("Space");
    let sent = false;
    for (let i = 0; i < 60 && !sent; i++) {
      await page.keyboard.press("Tab");
      el = await focused(page);
      if (el.tag === "INPUT" && el.type === "checkbox" && el.value === "waiting_time" && n % 2 === 0) {
        await page.keyboard.press("Space");
      } else if (el.tag === "TEXTAREA" && el.name === "summary") {
        await page.keyboard.type(`要旨${n + 1}`);
      } else if (el.tag === "BUTTON" && el.text.includes("保存して次へ")) {
        await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
        sent = true;
      }
    }
    assert.ok(sent, `comment ${n + 1}: the save button was reached with Tab`);
  }
  assert.equal(await left(page), 10, "20 of 30 coded");
  const counts = await page.locator("table").first().textContent();
  assert.match(counts, /コーディング済み（確認待ち）.*?\s*20/s);
  // 主な市民意見: the evaluation page drafts v1's from the codes given (none approved yet).
  await page.goto(`${closed.url}/analyst/waves/2026-midterm/evaluation`);
  assert.equal(
    await page.locator("#opinions-v1").inputValue(),
    "・手続きのオンライン化（要望、20件）\n・窓口の待ち時間（不満、10件）",
  );
  await audit(page, "workspace evaluation, coded opinions and a draft [1280px]");
  // For a person to look at (target/browser-screenshots/).
  await page.screenshot({ path: join(ROOT, "target", "browser-screenshots", "workspace-evaluation-draft-1280.png"), fullPage: true });
  await context.close();

  // B reviews: the approve button has the focus, Enter approves and opens the next one.
  const review = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const b = await review.newPage();
  await signIn(b, closed.url, "B");
  await b.goto(`${closed.url}${PAGE}?question=opinion_general&mode=review`);
  await audit(b, "coding page, review [1280px]");
  for (let n = 0; n < 20; n++) {
    const el = await focused(b);
    assert.equal(el.value, "approve", `review ${n + 1}: the approve button has the focus`);
    await Promise.all([b.waitForNavigation(), b.keyboard.press("Enter")]);
  }
  assert.equal(await left(b), 0);
  await b.goto(`${closed.url}/analyst`);
  await Promise.all([b.waitForLoadState(), b.click('form[action$="/2026-midterm/publish"] button')]);
  const publicPage = await (await fetch(`${closed.url}/results/2026-midterm/comments`)).text();
  // Which 20 of the 30 are coded follows the page's order (random ids): any of them.
  assert.match(publicPage, /<blockquote>[^<]*（\d+）<\/blockquote>/, "approved comments are public");
  await review.close();
});

test("axe finds no violation on the coding page and the public comments page", async () => {
  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    for (const lang of LANGS) {
      await page.goto(`${closed.url}/results/2026-midterm/comments?lang=${lang}`);
      assert.ok(await page.locator("blockquote").count(), "comments are published");
      await audit(page, `public comments [${lang}, ${width}px]`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${lang} ${width}px: ${overflow}px wider than the screen`);
      // The evaluation table links v1's 主な市民意見 to its published comments.
      await page.goto(`${closed.url}/results/2026-midterm?lang=${lang}`);
      const link = page.locator("#evaluation-v1 a.opinions-link");
      assert.equal(await link.count(), 1, `${lang}: the link to the comments`);
      assert.equal(await link.getAttribute("href"), `/results/2026-midterm/comments?lang=${lang}#vision-v1`);
      await audit(page, `results with the link to the comments [${lang}, ${width}px]`);
    }
    await signIn(page, closed.url, "A");
    await page.goto(`${closed.url}/analyst/waves/2026-midterm/evaluation`);
    assert.ok(await page.locator("#coded-v1 blockquote").count(), "approved comments quoted");
    await audit(page, `workspace evaluation, published [${width}px]`);
    for (const mode of ["code", "second", "review"]) {
      await page.goto(`${closed.url}${PAGE}?question=opinion_general&mode=${mode}`);
      await audit(page, `coding page, ${mode} [${width}px]`);
    }
    await context.close();
  }
  assert.ok(audits >= 2 * (2 * LANGS.length + 4) + 3, `${audits} audits`);
  assert.deepEqual(violations, []);
});
