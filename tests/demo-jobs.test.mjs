// The demo page's jobs beyond the one in view, in headless Chromium: recent jobs read from the
// service in a fresh browser and page by page, a running job resumed after a reload or
// cancelled, and a job's webhook deliveries.
// Each test has an emulator and a browser context of its own (tests/support/demo.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { browser, generate, openPage, shots, submitJob, useBrowser, VIEWPORT, withDemo } from "./support/demo.mjs";

useBrowser();

test("recent jobs come from the service: a fresh browser with empty storage lists them and reopens one", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  await page.getByRole("button", { name: "Tea box" }).click();
  await page.getByRole("radio", { name: "16:9" }).check();
  await generate(page);
  assert.equal(await page.textContent("#job-status"), "COMPLETED");

  const context = await browser.newContext({ viewport: VIEWPORT });
  const errors = [];
  try {
    const fresh = await openPage(context, `${emu.url}/`, errors);
    assert.equal(await fresh.evaluate(() => localStorage.length + sessionStorage.length), 1, "only the connection setting");
    await fresh.waitForFunction(() => document.querySelectorAll("#gallery li").length === 1);
    const first = fresh.locator("#gallery li").first();
    assert.equal(await first.getAttribute("data-status"), "COMPLETED");
    const text = await first.textContent();
    assert.match(text, /COMPLETED/);
    assert.match(text, /JASMINE GOLD/);
    assert.match(text, /16:9 · seed \d+/);
    // Its image is downloaded when the card comes into view.
    await first.scrollIntoViewIfNeeded();
    await first.locator("img").waitFor();
    assert.match(await first.locator("img").getAttribute("src"), /^blob:/);
    await first.locator("button").click();
    assert.equal(await fresh.isVisible("#result"), true);
    assert.match(await fresh.textContent("#caption"), /JASMINE GOLD.*16:9.*seed \d+/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}));

test("a running job can be resumed after a reload", () => withDemo(["--job-ms", "4000"], async ({ page }) => {
  await page.fill("#prompt", "A four-panel comic page, resumed");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => /^[0-9a-f-]{36}$/.test(document.getElementById("job-id").textContent));
  const id = await page.textContent("#job-id");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  const item = page.locator(`#gallery li[data-job-id="${id}"]`);
  await item.waitFor();
  assert.match(await item.getAttribute("data-status"), /QUEUED|PROCESSING/);
  assert.match(await item.textContent(), /Resume waiting/);
  await item.locator("button").click();
  await page.waitForFunction((jobId) => document.getElementById("job-id").textContent === jobId && document.getElementById("job-status").textContent === "COMPLETED", id, { timeout: 20000 });
  assert.equal(await page.isVisible("#result"), true);
  await page.waitForFunction((jobId) => document.querySelector(`#gallery li[data-job-id="${jobId}"]`)?.dataset.status === "COMPLETED", id);
}));

test("webhook deliveries of a job are shown when webhooks were asked for", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  await page.locator("details.field summary", { hasText: "Advanced" }).click();
  await page.fill("#webhook", `${emu.url}/__emulator/sink`);
  await page.fill("#prompt", "An event flyer with a headline");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => !document.getElementById("deliveries-panel").hidden && /completed/.test(document.getElementById("deliveries").textContent), null, { timeout: 20000 });
  assert.match(await page.textContent("#deliveries"), /completed → .*__emulator\/sink: HTTP 204 \(attempt 1\)/);
}));

test("cancel aborts the wait and keeps the job id in view", () => withDemo(["--job-ms", "60000"], async ({ page }) => {
  await page.fill("#prompt", "One character across three scenes");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => /^[0-9a-f-]{36}$/.test(document.getElementById("job-id").textContent));
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForFunction(() => document.getElementById("form-error").textContent.includes("Cancelled"));
  const id = await page.textContent("#job-id");
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.match(await page.textContent("#job-note"), new RegExp(id));
  assert.equal(await page.isVisible("#cancel"), false);
  await page.screenshot({ path: join(shots, "demo-cancelled.png") });
}));

test("recent jobs are paginated: Load more brings the next page from the service", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  for (let i = 0; i < 10; i++) await submitJob(emu.url, `job ${i} of ten`);
  await page.getByRole("button", { name: "Refresh" }).click();
  await page.waitForFunction(() => document.querySelectorAll("#gallery li").length === 8);
  assert.equal(await page.isVisible("#recent-more"), true, "more than a page of jobs");
  const firstPage = await page.$$eval("#gallery li", (lis) => lis.map((li) => li.dataset.jobId));
  await page.getByRole("button", { name: "Load more" }).click();
  await page.waitForFunction(() => document.querySelectorAll("#gallery li").length === 10);
  const all = await page.$$eval("#gallery li", (lis) => lis.map((li) => li.dataset.jobId));
  assert.deepEqual(all.slice(0, 8), firstPage);
  assert.equal(new Set(all).size, all.length, "no job twice");
  assert.equal(await page.isVisible("#recent-more"), false, "no page after the last");
}));
