// The demo page in www/, end to end in headless Chromium, with the installed package: a person
// picks a preset and a ratio, generates, watches progress, sees the image, cancels, makes
// mistakes, and meets a service fault. Screenshots go to test-output/screenshots.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./support/chromium.mjs";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const consumer = join(here, "..");
const repo = join(consumer, "..", "..");
const shots = join(process.env.TEST_OUTPUT ?? join(consumer, ".."), "screenshots");
let emu, browser, page;

const generateRequests = async () => (await emu.stats()).stats.generateRequests;

before(async () => {
  mkdirSync(shots, { recursive: true });
  emu = await startEmulator([
    "--job-ms", "3000", "--www", join(repo, "www"),
    "--mount", `dist=${join(consumer, "node_modules", "apiframe-reve", "dist")}`,
  ]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`${emu.url}/`);
  await page.waitForSelector("body[data-ready=true]");
});

after(async () => {
  await browser?.close();
  await emu?.stop();
});

test("pick a preset and a ratio, generate, watch progress, get the image at its ratio", async () => {
  await page.getByRole("button", { name: "Tea box" }).click();
  assert.match(await page.inputValue("#prompt"), /JASMINE GOLD/);
  assert.match(await page.textContent("#prompt-count"), /^\d+ \/ 2000$/);
  await page.getByRole("radio", { name: "16:9" }).check();
  await page.getByRole("button", { name: "Generate" }).click();

  const seen = new Set();
  const statuses = new Set();
  while (await page.isHidden("#result")) {
    seen.add(await page.$eval("#progress", (p) => p.value));
    statuses.add(await page.textContent("#job-status"));
    if (seen.size === 3) await page.screenshot({ path: join(shots, "demo-progress.png") });
    await page.waitForTimeout(100);
  }
  const moving = [...seen].filter((v) => v > 0 && v < 100);
  assert.ok(moving.length >= 2, `the bar moved: ${[...seen]}`);
  assert.match(await page.textContent("#job-id"), /^[0-9a-f-]{36}$/);
  assert.equal(await page.textContent("#job-status"), "COMPLETED");
  assert.ok(statuses.has("QUEUED") || statuses.has("PROCESSING"), [...statuses].join());

  await page.waitForFunction(() => document.getElementById("image").naturalWidth > 0);
  const { w, h } = await page.$eval("#image", (img) => ({ w: img.naturalWidth, h: img.naturalHeight }));
  assert.equal(w * 9, h * 16);
  assert.match(await page.getAttribute("#download", "href"), /\/files\/[0-9a-f-]{36}\.png$/);
  assert.equal(await page.locator("#gallery li").count(), 1);
  await page.screenshot({ path: join(shots, "demo-result.png"), fullPage: true });
});

test("same seed again gives the same picture", async () => {
  const first = await page.getAttribute("#image", "src");
  await page.getByRole("button", { name: "Same seed again" }).click();
  await page.waitForFunction((src) => document.getElementById("image").getAttribute("src") !== src && !document.getElementById("generate").disabled, first);
  const [a, b] = await page.evaluate(async (urls) => Promise.all(urls.map(async (u) => [...new Uint8Array(await (await fetch(u)).arrayBuffer())].join())), [first, await page.getAttribute("#image", "src")]);
  assert.equal(a, b);
  assert.equal(await page.locator("#gallery li").count(), 2);
});

test("the gallery survives a reload and reopens a job", async () => {
  const urls = await page.$$eval("#gallery li img", (imgs) => imgs.map((i) => i.getAttribute("src")));
  assert.equal(urls.length, 2);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.locator("#gallery li").count(), 2, "kept in sessionStorage");
  assert.equal(await page.isHidden("#result"), true);
  await page.locator("#gallery li button").nth(1).click();
  assert.equal(await page.isVisible("#result"), true);
  assert.equal(await page.getAttribute("#image", "src"), urls[1]);
  assert.match(await page.textContent("#caption"), /JASMINE GOLD.*16:9.*seed \d+/);
});

test("cancel aborts the wait and keeps the job id in view", async () => {
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
});

test("bad input is explained next to its field and nothing is sent", async () => {
  const before = await generateRequests();
  await page.fill("#prompt", "");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("prompt-error").textContent.length > 0);
  assert.match(await page.textContent("#prompt-error"), /prompt must be 1 to 2000 characters/);
  assert.equal(await page.getAttribute("#prompt", "aria-invalid"), "true");

  await page.fill("#prompt", "x".repeat(2001));
  assert.equal(await page.textContent("#prompt-count"), "2001 / 2000");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("prompt-error").textContent.includes("2001"));

  await page.fill("#prompt", "a fine prompt");
  await page.fill("#seed", "twelve");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("seed-error").textContent.includes("seed"));
  assert.equal(await generateRequests(), before, "no request reached the service");
  await page.screenshot({ path: join(shots, "demo-validation.png") });
  await page.fill("#seed", "");
});

test("service faults and failed jobs are shown in plain words", async () => {
  await emu.fault({ kind: "503", count: 3, route: "generate" });
  await page.fill("#prompt", "an interior comp of a living room");
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("form-error").textContent.includes("HTTP 503"), null, { timeout: 20000 });
  assert.match(await page.textContent("#form-error"), /having trouble \(HTTP 503\).*request req_/);

  await emu.fault({ kind: "job_failed" });
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("form-error").textContent.includes("failed"), null, { timeout: 20000 });
  assert.match(await page.textContent("#form-error"), /The job failed: .*not billed/);
  assert.equal(await page.textContent("#job-status"), "FAILED");
  await page.screenshot({ path: join(shots, "demo-fault.png") });

  await emu.fault({ kind: "429", retryAfter: 1, count: 3, route: "generate" });
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("form-error").textContent.includes("Too many requests"), null, { timeout: 20000 });
  assert.match(await page.textContent("#form-error"), /Wait 1 s and try again/);

  await emu.control("keys", { key: KEY, active: false });
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => document.getElementById("form-error").textContent.includes("403"), null, { timeout: 20000 });
  assert.match(await page.textContent("#form-error"), /inactive or may not do this \(403\)/);
  await emu.control("keys", { key: KEY, active: true });
});

test("works by keyboard and on a phone screen", async () => {
  await page.focus("input[name=ratio][value='16:9']");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.$eval("input[name=ratio]:checked", (i) => i.value), "9:16");
  await page.fill("#prompt", "A sleek silver sports car on a coastal highway at sunset");
  await page.focus("#prompt");
  const before = await generateRequests();
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(() => !document.getElementById("generate").disabled && document.getElementById("job-status").textContent === "COMPLETED", null, { timeout: 20000 });
  assert.equal(await generateRequests(), before + 1);
  for (const id of ["prompt", "seed", "version", "webhook", "proxy-url"]) {
    assert.ok(await page.$eval(`#${id}`, (el) => el.labels.length > 0), `#${id} has a label`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  await page.screenshot({ path: join(shots, "demo-phone.png"), fullPage: true });
});

test("through the proxy: the page holds no key and still generates", async () => {
  const proxy = await startWorker(join(consumer, "examples", "worker", "src", "index.js"), {
    port: 0,
    kvNamespaces: ["JOBS"],
    bindings: { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url, ALLOW_ANONYMOUS: "true", ALLOWED_ORIGINS: emu.url },
  });
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    const sentKeys = [];
    page.on("request", (r) => { if (r.url().startsWith(proxy.url)) sentKeys.push(r.headers()["x-api-key"] ?? null); });
    await page.locator("#connection summary").click();
    await page.getByLabel("Through a proxy that keeps the key").check();
    await page.fill("#proxy-url", `${proxy.url}/api/reve`);
    await page.dispatchEvent("#proxy-url", "change");
    assert.match(await page.textContent("#connection-label"), /proxy/);
    await page.fill("#prompt", "An interior comp of a modern living room");
    await page.getByRole("button", { name: "Generate" }).click();
    await page.waitForFunction(() => document.getElementById("job-status").textContent === "COMPLETED" && !document.getElementById("generate").disabled, null, { timeout: 20000 });
    assert.ok(sentKeys.length >= 2, "the page talked to the proxy");
    assert.ok(sentKeys.every((k) => k === null), "no key left the page");
    await page.screenshot({ path: join(shots, "demo-proxy.png") });
  } finally {
    await proxy.stop();
  }
});
