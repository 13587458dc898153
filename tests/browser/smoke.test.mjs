// Smoke tests in a real browser: the start page, and the form submitted from the keyboard
// (Space on a radio, Enter on the submit button) reaching the thank-you page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser } from "./server.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test("the start page lists the open wave and links its form", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/?lang=en`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  const link = page.locator('a[href^="/surveys/2026-midterm"]').first();
  assert.ok(await link.isVisible());
  await page.close();
});

test("the form is submitted from the keyboard and thanks the resident", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${server.url}/surveys/2026-midterm?lang=en`);
  // Required demographics: focus the radio group by Tab, choose with the arrow keys.
  for (const name of ["age_band", "area"]) {
    const first = page.locator(`input[name="${name}"]`).first();
    await first.focus();
    await page.keyboard.press("Space");
    assert.equal(await first.isChecked(), true, name);
  }
  await page.locator('button[type="submit"]').focus();
  await Promise.all([page.waitForURL(/\/thanks/), page.keyboard.press("Enter")]);
  assert.match(await page.textContent("h1"), /Thank you/);
  await page.close();
});
