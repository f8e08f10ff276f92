// The demo page in www/, end to end in headless Chromium, with the installed package: a person
// picks a preset and a ratio, generates, watches the progress the service reports, sees the
// image, its cost and the code, generates again with the same seed, by keyboard and on a phone.
// Each test has an emulator and a browser context of its own (tests/support/demo.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { reveCapabilities } from "apiframe-reve";
import { generate, generateRequests, pageBytes, shots, useBrowser, withDemo } from "./support/demo.mjs";

useBrowser();

test("pick a preset and a ratio, generate, watch the reported progress, get the image at its ratio", () => withDemo(["--job-ms", "3000"], async ({ page }) => {
  // What the service reported, read off the wire as the page's client polls.
  const reported = new Set([0, 100]);
  page.on("response", async (res) => {
    if (/\/v2\/jobs\/[0-9a-f-]{36}$/.test(res.url())) {
      try {
        const p = (await res.json()).progress;
        if (typeof p === "number") reported.add(p);
      } catch { /* not a job */ }
    }
  });
  await page.getByRole("button", { name: "Tea box" }).click();
  assert.match(await page.inputValue("#prompt"), /JASMINE GOLD/);
  assert.match(await page.textContent("#prompt-count"), /^\d+ \/ 2000$/);
  await page.getByRole("radio", { name: "16:9" }).check();
  await page.getByRole("button", { name: "Generate" }).click();

  const shown = [];
  const statuses = new Set();
  while (await page.isHidden("#result")) {
    shown.push(await page.$eval("#progress", (p) => p.value));
    statuses.add(await page.textContent("#job-status"));
    if (shown.length === 12) {
      assert.match(await page.textContent("#estimate"), /^Estimate: /, "the time left is labelled an estimate");
      await page.screenshot({ path: join(shots, "demo-progress.png") });
    }
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(200); // the last answers' bodies
  const invented = shown.filter((v) => !reported.has(v));
  assert.deepEqual(invented, [], `the bar showed only what the service reported (${[...reported]}), never more`);
  // And it showed what was reported: each progress value the client received while running.
  for (const p of [...reported].filter((v) => v > 0 && v < 100)) assert.ok(shown.includes(p), `reported ${p}%, the bar showed ${[...new Set(shown)]}`);
  assert.match(await page.textContent("#job-id"), /^[0-9a-f-]{36}$/);
  assert.equal(await page.textContent("#job-status"), "COMPLETED");
  assert.ok(statuses.has("QUEUED") || statuses.has("PROCESSING"), [...statuses].join());

  await page.waitForFunction(() => document.getElementById("image").naturalWidth > 0);
  const { w, h } = await page.$eval("#image", (img) => ({ w: img.naturalWidth, h: img.naturalHeight }));
  assert.equal(w * 9, h * 16);
  assert.match(await page.getAttribute("#download", "href"), /^blob:/, "the Download link is the downloaded bytes");
  assert.match(await page.getAttribute("#download", "download"), /^reve-\d+-16x9\.png$/);
  await page.waitForFunction(() => document.querySelectorAll("#gallery li").length === 1);
  await page.waitForFunction(() => /cost 4 credits; the key's balance is \d+ credits/.test(document.getElementById("costs").textContent));
  await page.screenshot({ path: join(shots, "demo-result.png"), fullPage: true });
}));

test("what the page offers comes from the library: the ratios, the prompt's limit, the webhook events", () => withDemo(["--job-ms", "300"], async ({ page }) => {
  const { aspectRatios, promptMaxLength, webhookEvents } = reveCapabilities();
  assert.deepEqual(await page.$$eval("input[name=ratio]", (inputs) => inputs.map((i) => i.value)), aspectRatios);
  assert.equal(await page.textContent("#prompt-count"), `0 / ${promptMaxLength}`);
  assert.deepEqual(await page.$$eval("input[name=events]", (inputs) => inputs.map((i) => i.value)), webhookEvents);
  const ticked = await page.$$eval("input[name=events]:checked", (inputs) => inputs.map((i) => i.value));
  assert.deepEqual(ticked, webhookEvents.filter((e) => e !== "progress"), "every event but progress, by default");
  assert.match(await page.textContent("footer"), new RegExp(`Reve offers ${aspectRatios.length} aspect ratios`));
  const labels = await page.$$eval("input[name=events]", (inputs) => inputs.map((i) => i.labels[0]?.textContent.trim()));
  assert.deepEqual(labels, webhookEvents, "each box labelled with its event");
}));

test("the code for the request is shown, ready to copy", () => withDemo(["--job-ms", "300"], async ({ page }) => {
  await page.getByRole("button", { name: "Tea box" }).click();
  await page.getByRole("radio", { name: "16:9" }).check();
  await generate(page);
  await page.locator("#code-panel summary").click();
  const code = await page.textContent("#snippet");
  const prompt = await page.inputValue("#prompt");
  assert.match(code, /new ReveClient\(/);
  assert.match(code, /reve\.run\(/);
  assert.ok(code.includes(JSON.stringify(prompt)), code);
  assert.match(code, /"aspect_ratio": "16:9"/);
  assert.match(code, /"seed": \d+/);
  assert.ok(!code.includes("afk_local_dev"), "no key in the code to copy");
}));

test("same seed again gives the same picture, and frees the one it replaces", () => withDemo(["--job-ms", "300"], async ({ page }) => {
  await page.fill("#prompt", "A tea box labeled 'JASMINE GOLD', twice");
  await generate(page);
  await page.waitForFunction(() => document.getElementById("image").getAttribute("src")?.startsWith("blob:"));
  const first = await page.getAttribute("#image", "src");
  const before = await pageBytes(page, first);
  await page.getByRole("button", { name: "Same seed again" }).click();
  await page.waitForFunction((src) => {
    const now = document.getElementById("image").getAttribute("src");
    return now?.startsWith("blob:") && now !== src && !document.getElementById("generate").disabled;
  }, first, { timeout: 20000 });
  const again = await pageBytes(page, await page.getAttribute("#image", "src"));
  assert.ok(again.equals(before), "the same bytes");
  const old = await page.evaluate((u) => fetch(u).then(() => "alive", () => "revoked"), first);
  assert.equal(old, "revoked", "the replaced image's object URL was revoked");
  await page.waitForFunction(() => document.querySelectorAll("#gallery li").length === 2);
}));

test("works by keyboard and on a phone screen", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  await page.focus("input[name=ratio][value='16:9']");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.$eval("input[name=ratio]:checked", (i) => i.value), "9:16");
  await page.fill("#prompt", "A sleek silver sports car on a coastal highway at sunset");
  await page.focus("#prompt");
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(() => !document.getElementById("generate").disabled && document.getElementById("job-status").textContent === "COMPLETED", null, { timeout: 20000 });
  assert.equal(await generateRequests(emu), 1);
  for (const id of ["prompt", "seed", "version", "webhook", "proxy-url"]) {
    assert.ok(await page.$eval(`#${id}`, (el) => el.labels.length > 0), `#${id} has a label`);
  }
  await page.screenshot({ path: join(shots, "demo-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  await page.screenshot({ path: join(shots, "demo-390.png"), fullPage: true });
}));
