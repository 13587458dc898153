// WCAG 2.2 AA in a real browser: axe-core (wcag2a/2aa/21a/21aa/22aa) on every page kind a
// resident, an invitee or an analyst sees, in every language, at 320 and 1280 px; then the
// keyboard: the whole form answered and sent with keys alone, focus on the error summary
// after a 422 and each of its links reaching its input, and a focus ring that contrasts.
// Screenshots of the form and the results at 320 px per language go to
// target/browser-screenshots/ for a person to look at.
//
// The paper-entry pages are audited in paper-entry.test.mjs (they need an operator).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startServer, launchBrowser, definitions, ROOT, MIDTERM_DAY } from "./server.mjs";
import { startSmtpSink, personalLink } from "./smtp-sink.mjs";

const AXE = join(ROOT, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const LANGS = ["ja", "en", "zh", "ko", "vi", "ja-easy"];
const WIDTHS = [320, 1280];
const SHOTS = join(ROOT, "target", "browser-screenshots");
const REQUIRED = { age_band: "age_30_39", area: "jr_south" };
const PASSWORD = "a-long-password-123";

let browser, open, invited, closed, sink;
let code, inviteLink;
const violations = [];
let audits = 0;

/// A wave file with `access` (and more) set right after its `closes` line.
const withAccess = (lines) => (wave, text) =>
  wave === "2026-midterm" ? text.replace(/^(closes = .*)$/m, `$1\n${lines}`) : text;

async function answerOnce(url, extra = {}) {
  const html = await (await fetch(`${url}/surveys/2026-midterm?lang=ja`)).text();
  const key = html.match(/name="_key" value="([^"]+)"/)[1];
  const body = new URLSearchParams({ _key: key, _lang: "ja", ...REQUIRED, ...extra });
  const r = await fetch(`${url}/surveys/2026-midterm`, { method: "POST", body, redirect: "manual" });
  assert.equal(r.status, 303);
}

before(async () => {
  browser = await launchBrowser();
  // A postal wave (access codes, open answers too) on a day it is open; 2028 is upcoming.
  open = await startServer({ defs: definitions(withAccess('access = "code"\nopen_answers = true')) });
  code = open.cli(["codes", "generate", "--wave", "2026-midterm", "--count", "2", "--rehearsal"]).split(/\r?\n/)[1].split(",")[0];
  // An invitation wave, its messages caught by a local SMTP sink.
  sink = await startSmtpSink();
  invited = await startServer({
    defs: definitions(withAccess('access = "invitation"')),
    env: { SMTP_URL: sink.url, SURVEY_MAIL_RATE: "50" },
  });
  const csv = join(mkdtempSync(join(tmpdir(), "cs-invitees-")), "invitees.csv");
  writeFileSync(csv, "email,language\nresident@example.jp,ko\n");
  invited.cli(["invite", "import", "--wave", "2026-midterm", csv]);
  for (let i = 0; i < 200 && sink.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  inviteLink = personalLink(sink.messages[0] ?? "");
  assert.ok(inviteLink, "the invitation carries a personal link");
  // A closed wave with published results: answered while open, then the server is started
  // again on a day after it closed, on the same database.
  const db = `sqlite://${join(mkdtempSync(join(tmpdir(), "cs-closed-")), "survey.db")}`;
  const during = await startServer({ env: { DATABASE_URL: db } });
  for (let i = 0; i < 12; i++) {
    const answers = {};
    for (const q of ["v1_online_procedures", "v2_any_age", "v3_efficient_work", "v4_personal_data", "v5_send_opinions"])
      answers[q] = String(1 + ((i + q.length) % 5));
    await answerOnce(during.url, answers);
  }
  await during.stop();
  closed = await startServer({ env: { DATABASE_URL: db }, today: "2027-03-01" });
  closed.cli(["analyst", "create", "A", "--password"], `${PASSWORD}\n`);
  const page = await browser.newPage();
  await signIn(page, closed.url);
  await Promise.all([page.waitForLoadState(), page.click('form[action$="/publish"] button')]);
  await page.close();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const s of [open, invited, closed]) s?.stop();
  sink?.stop();
});

async function signIn(page, url) {
  await page.goto(`${url}/analyst/sign-in`);
  await page.fill("#name", "A");
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(/\/analyst(\/|$|\?)/), page.click('button[type="submit"]')]);
}

/// Runs axe on the page as it is; records violations under `label`.
async function audit(page, label) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async (tags) => {
    const r = await globalThis.axe.run(document, { runOnly: { type: "tag", values: tags } });
    // A run that checked nothing would pass vacuously.
    if (r.passes.length < 10) return [{ id: "axe-ran-too-few-rules", nodes: [String(r.passes.length)] }];
    return r.violations.map((v) => ({
      id: v.id,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary.split("\n").slice(1, 2).join("")}`),
    }));
  }, TAGS);
  audits++;
  for (const v of found) violations.push(`${label}: ${v.id}: ${v.nodes.join(" | ")}`);
}

/// Pages in one language at one width: each `[label, async (page) => …]` brings the page
/// into the state to audit.
function residentPages(lang) {
  const q = `?lang=${lang}`;
  return [
    ["index", (p) => p.goto(`${open.url}/${q}`)],
    ["form", (p) => p.goto(`${open.url}/surveys/2026-midterm${q}`)],
    ["form after 422", async (p) => {
      await p.goto(`${open.url}/surveys/2026-midterm${q}`);
      await Promise.all([p.waitForLoadState(), p.click('button[type="submit"]')]);
      assert.ok(await p.locator(".error-summary").count(), "422 page shows the summary");
    }],
    ["thanks", (p) => p.goto(`${open.url}/surveys/2026-midterm/thanks${q}`)],
    ["404", (p) => p.goto(`${open.url}/no-such-page${q}`)],
    ["upcoming wave", (p) => p.goto(`${open.url}/surveys/2028-final${q}`)],
    ["code entry", (p) => p.goto(`${open.url}/c${q}`)],
    ["code entry after 422", async (p) => {
      await p.goto(`${open.url}/c${q}`);
      await p.fill("#code", "ABC");
      await Promise.all([p.waitForLoadState(), p.click('button[type="submit"]')]);
    }],
    ["code form (QR link)", (p) => p.goto(`${open.url}/c/${code}${q}`)],
    ["invalid invitation link", (p) => p.goto(`${invited.url}/s/not-a-valid-token-at-all-000000${q}`)],
    ["invitation form", (p) => p.goto(`${invited.url}${inviteLink}${q}`)],
    ["opt-out", (p) => p.goto(`${invited.url}${inviteLink}/opt-out${q}`)],
    ["closed wave", async (p) => {
      await p.goto(`${closed.url}/surveys/2026-midterm${q}`);
      assert.ok(await p.locator('a[href^="/results/2026-midterm"]').count(), "a closed wave links its results");
    }],
    ["index with results", async (p) => {
      await p.goto(`${closed.url}/${q}`);
      assert.ok(await p.locator('a[href^="/results/2026-midterm"]').count(), "the start page links published results");
    }],
    ["results", (p) => p.goto(`${closed.url}/results/2026-midterm${q}`)],
  ];
}

test("axe finds no WCAG 2.2 AA violation on any page, in any language, at 320 and 1280 px", async () => {
  for (const width of WIDTHS) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    for (const lang of LANGS) {
      for (const [label, open] of residentPages(lang)) {
        await open(page);
        await audit(page, `${label} [${lang}, ${width}px]`);
        if (width === 320 && (label === "form" || label === "results")) {
          await page.screenshot({ path: join(SHOTS, `${label}-${lang}-320.png`), fullPage: label === "results" });
        }
      }
    }
    // ふりがな switched on in standard Japanese (the texts carry no readings by default: the
    // やさしい日本語 pages above show ruby throughout).
    await page.goto(`${open.url}/surveys/2026-midterm?lang=ja&furigana=on`);
    await audit(page, `form with furigana [ja, ${width}px]`);
    // The analyst workspace is bilingual (Japanese with English), one language for all.
    await page.goto(`${closed.url}/analyst/sign-in`);
    await audit(page, `analyst sign-in [${width}px]`);
    await signIn(page, closed.url);
    await audit(page, `dashboard [${width}px]`);
    await context.close();
  }
  console.log(`axe: ${audits} audits, ${violations.length} violations`);
  assert.deepEqual(violations, [], violations.join("\n"));
});

test("the whole form is answered and sent with the keyboard alone", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${open.url}/surveys/2026-midterm?lang=en`);
  const seen = new Set();
  let sent = false;
  for (let i = 0; i < 400 && !sent; i++) {
    await page.keyboard.press("Tab");
    const el = await page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a.tagName, type: a.type, name: a.name, checked: a.checked };
    });
    if (el.tag === "INPUT" && (el.type === "radio" || el.type === "checkbox") && !seen.has(el.name)) {
      // The third point of each scale (or the first option), chosen with arrows and Space.
      if (el.type === "radio") await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Space");
      seen.add(el.name);
    } else if (el.tag === "INPUT" && el.type === "text" && !seen.has(el.name)) {
      await page.keyboard.type("3");
      seen.add(el.name);
    } else if (el.tag === "TEXTAREA" && !seen.has(el.name)) {
      await page.keyboard.type("Typed with the keyboard.");
      seen.add(el.name);
    } else if (el.tag === "BUTTON") {
      await Promise.all([page.waitForURL(/\/thanks/), page.keyboard.press("Enter")]);
      sent = true;
    }
  }
  assert.ok(sent, "the submit button is reached with Tab");
  assert.ok(seen.size >= 25, `answered ${seen.size} questions`);
  assert.match(await page.textContent("h1"), /Thank you/);
  await page.close();
});

test("after a 422 focus is on the error summary and each link reaches its question's input", async () => {
  const page = await browser.newPage({ viewport: { width: 320, height: 800 } });
  await page.goto(`${open.url}/surveys/2026-midterm?lang=ja`);
  await page.fill("#city_hall_visits", "abc");
  await Promise.all([page.waitForLoadState(), page.click('button[type="submit"]')]);
  assert.equal(await page.evaluate(() => document.activeElement.className), "error-summary");
  const links = await page.locator(".error-summary a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.length >= 3, links.join(" "));
  for (const [i, href] of links.entries()) {
    await page.locator(".error-summary").focus();
    for (let k = 0; k <= i; k++) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), href);
    await page.keyboard.press("Enter");
    // The fragment is the input itself; the next Tab (or typing) continues from there.
    const target = await page.evaluate((id) => {
      const t = document.getElementById(id);
      return t && { tag: t.tagName, target: t.matches(":target"), invalid: t.getAttribute("aria-invalid") };
    }, href.slice(1));
    assert.ok(target && ["INPUT", "TEXTAREA"].includes(target.tag), `${href} is an input`);
    assert.ok(target.target, `${href} is the target after following the link`);
    assert.equal(target.invalid, "true", `${href} is marked invalid`);
    const focused = await page.evaluate(() => document.activeElement.id);
    assert.equal(focused, href.slice(1), `${href} has the focus`);
  }
  await page.close();
});

/// WCAG contrast ratio of two `rgb(…)` colours.
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, b2] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test("the focus ring is visible and contrasts at least 3:1 with what is behind it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const checks = [];
  for (const [url, selectors] of [
    [`${open.url}/surveys/2026-midterm?lang=ja`, ["header a.site-name", "nav.languages a", 'input[type="radio"]', "textarea", 'button[type="submit"]']],
    [`${closed.url}/results/2026-midterm?lang=en`, [".table-scroll", "main a"]],
  ]) {
    await page.goto(url);
    for (const sel of selectors) {
      await page.locator(sel).first().focus();
      const s = await page.evaluate(() => {
        const el = document.activeElement;
        const cs = getComputedStyle(el);
        let bg = "rgb(255, 255, 255)";
        for (let n = el.parentElement; n; n = n.parentElement) {
          const c = getComputedStyle(n).backgroundColor;
          if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") {
            bg = c;
            break;
          }
        }
        return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor, shadow: cs.boxShadow, bg };
      });
      const halo = (s.shadow.match(/rgb\([^)]*\)/) ?? [])[0];
      const best = Math.max(contrast(s.color, s.bg), halo ? contrast(halo, s.bg) : 0);
      checks.push(`${sel}: ${s.style} ${s.width}px ${s.color} on ${s.bg} (halo ${halo}) → ${best.toFixed(1)}:1`);
      assert.notEqual(s.style, "none", sel);
      assert.ok(s.width >= 2, `${sel}: outline ${s.width}px`);
      assert.ok(best >= 3, `${sel}: focus contrast ${best.toFixed(2)}:1`);
    }
  }
  console.log(checks.join("\n"));
  await page.close();
});

test("ruby: やさしい日本語 shows readings and the accessibility tree reads the text once", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${open.url}/surveys/2026-midterm?lang=ja-easy`);
  assert.equal(await page.getAttribute("html", "lang"), "ja");
  assert.ok((await page.locator("h1 ruby rt").count()) > 0, "the title carries ruby");
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const heading = nodes.find((n) => n.role?.value === "heading" && /アンケート/.test(n.name?.value ?? ""));
  console.log(`accessibility name of the ruby heading: ${JSON.stringify(heading?.name?.value)}`);
  assert.ok(heading, "the heading is in the tree");
  // Chromium names the heading by its base text alone: the reading (<rt>) and the <rp>
  // parentheses for browsers without ruby are not read out a second time.
  assert.ok(heading.name.value.includes("吹田市"), heading.name.value);
  assert.ok(!heading.name.value.includes("すいたし"), heading.name.value);
  await page.close();
});

test("the public results read on a phone (320 px) and at 200% zoom: no page overflow, chart text ≥ 12 px", async () => {
  // 200% zoom of a 1280 px window lays the page out at 640 CSS px.
  for (const width of [320, 640]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    for (const lang of LANGS) {
      await page.goto(`${closed.url}/results/2026-midterm?lang=${lang}`);
      const m = await page.evaluate(() => {
        const svg = document.querySelector("figure.chart svg");
        const vb = svg.viewBox.baseVal;
        const scale = svg.getBoundingClientRect().width / vb.width;
        const row = document.querySelector("table.figures th[scope=row]");
        return {
          pageWidth: document.documentElement.scrollWidth,
          chartText: 14 * scale,
          visionColumn: row.getBoundingClientRect().width,
          alt: document.getElementById(svg.getAttribute("aria-labelledby").split(" ")[1]).textContent,
        };
      });
      assert.ok(m.pageWidth <= width, `${lang} ${width}px: the page is ${m.pageWidth}px wide`);
      assert.ok(m.chartText >= 12, `${lang} ${width}px: chart text ${m.chartText.toFixed(1)}px`);
      assert.ok(m.visionColumn >= 100, `${lang} ${width}px: vision column ${m.visionColumn}px`);
      assert.ok(m.alt.includes("v1") || m.alt.length > 40, `${lang}: the chart keeps its text alternative`);
      if (width === 320) {
        await page.locator("figure.chart").screenshot({ path: join(SHOTS, `chart-${lang}-320.png`) });
        await page.locator(".table-scroll").first().screenshot({ path: join(SHOTS, `table-${lang}-320.png`) });
      }
    }
    await page.close();
  }
});

test("standard Japanese: a ふりがな link (no script) turns the readings of the texts on and off", async () => {
  const defs = definitions((wave, text) =>
    text.replace('title.ja = "吹田市デジタル政策', 'title.ja = "{吹田市|すいたし}デジタル{政策|せいさく}'),
  );
  const s = await startServer({ defs });
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  try {
    await page.goto(`${s.url}/surveys/2026-midterm?lang=ja`);
    assert.equal(await page.locator("h1 ruby").count(), 0, "off by default");
    await Promise.all([page.waitForURL(/furigana=on/), page.click(".furigana-switch a")]);
    assert.equal(await page.locator("h1 ruby rt").first().textContent(), "すいたし");
    assert.match(await page.getAttribute('form[method="post"]', "action"), /furigana=on/, "kept after sending");
    await Promise.all([page.waitForURL((u) => !u.search.includes("furigana")), page.click(".furigana-switch a")]);
    assert.equal(await page.locator("h1 ruby").count(), 0, "off again");
    // English pages never show readings, and never the switch.
    await page.goto(`${s.url}/surveys/2026-midterm?lang=en`);
    assert.equal(await page.locator(".furigana-switch").count(), 0);
  } finally {
    await page.close();
    await s.stop();
  }
});

test("Back after a 422 keeps number answers (no autocomplete=off)", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  await page.goto(`${open.url}/surveys/2026-midterm?lang=en`);
  await page.fill("#city_hall_visits", "7");
  await Promise.all([page.waitForLoadState(), page.click('button[type="submit"]')]);
  assert.ok(await page.locator(".error-summary").count());
  await page.goBack();
  assert.equal(await page.inputValue("#city_hall_visits"), "7");
  await page.close();
});
