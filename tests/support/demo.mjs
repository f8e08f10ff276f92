// What the demo page's tests (tests/demo-*.test.mjs) share: one headless Chromium per test
// file, and `withDemo`, which gives each test an emulator serving www/ with the installed
// package and a browser context of its own. No test depends on another's jobs, faults or page,
// so they pass in any order and alone. Screenshots go to `shots` (test-output/screenshots).
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";
import { KEY, startEmulator } from "./emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const consumer = join(here, "..", "..");
const repo = join(consumer, "..", "..");
export const shots = join(process.env.TEST_OUTPUT ?? join(consumer, ".."), "screenshots");

/** The test file's Chromium, once `useBrowser()`'s `before` has launched it. */
export let browser;

/** Launches the file's Chromium before its tests (and makes `shots`); closes it after. */
export function useBrowser() {
  before(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const VIEWPORT = { width: 1280, height: 900 };
export const generateRequests = async (emu) => (await emu.stats()).stats.generateRequests;

/** An emulator of a test's own, serving the page: no other test's jobs, in any order. */
export const pageEmulator = (args) => startEmulator([
  ...args, "--www", join(repo, "www"),
  "--mount", `dist=${join(consumer, "node_modules", "apiframe-reve", "dist")}`,
]);

/** The page, loaded and ready, in `context`; its uncaught errors go to `errors`. */
export async function openPage(context, url, errors) {
  const p = await context.newPage();
  p.on("pageerror", (e) => errors.push(e));
  await p.goto(url);
  await p.waitForSelector("body[data-ready=true]");
  return p;
}

/** Runs `body({emu, page, context, errors})` with an emulator (started with `args`) and a fresh
 * browser context of its own, the page open at `path`; both are gone afterwards. The page must
 * throw nothing uncaught. */
export async function withDemo(args, body, { path = "/" } = {}) {
  const emu = await pageEmulator(args);
  const context = await browser.newContext({ viewport: VIEWPORT });
  const errors = [];
  try {
    const page = await openPage(context, `${emu.url}${path}`, errors);
    await body({ emu, page, context, errors });
    assert.deepEqual(errors, [], "no uncaught error in the page");
  } finally {
    await context.close();
    await emu.stop();
  }
}

/** Clicks Generate and waits until the page is done with the job, however it ended. */
export async function generate(page, timeout = 20000) {
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => !document.getElementById("status-panel").hidden && !document.getElementById("generate").disabled, null, { timeout });
}

/** The bytes behind `url` as the page reads them (a blob: URL lives only in its page). */
export async function pageBytes(p, url) {
  const base64 = await p.evaluate(async (u) => {
    const b = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = "";
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  }, url);
  return Buffer.from(base64, "base64");
}

/** Images shown with a src that failed to load: what a broken image is. */
export const brokenImages = (p) => p.$$eval("img", (imgs) => imgs
  .filter((i) => i.getAttribute("src") && i.checkVisibility() && i.complete && i.naturalWidth === 0)
  .map((i) => i.getAttribute("src")));

/** Submits a job straight to the service, as another tab of the same key would. */
export async function submitJob(url, prompt) {
  const headers = { "x-api-key": KEY, "content-type": "application/json" };
  const res = await fetch(`${url}/v2/images/generate`, { method: "POST", headers, body: JSON.stringify({ prompt, model: "reve-create" }) });
  return (await res.json()).jobId;
}

/** Waits until the service marks job `jobId` expired. */
export async function untilExpired(url, jobId) {
  const headers = { "x-api-key": KEY };
  for (;;) {
    const job = await (await fetch(`${url}/v2/jobs/${jobId}`, { headers })).json();
    if (job.expired) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
}
