// The demo page in www/, end to end in headless Chromium, with the installed package: a person
// picks a preset and a ratio, generates, watches the progress the service reports, sees the
// image, its cost and the code, finds their jobs again from the service in a fresh browser,
// resumes a running one, cancels, makes mistakes, and tries every fault the emulator makes.
// Images are shown from the bytes `downloadImages` fetched (blob: URLs), and outputs that
// expired say so in words. Each test has an emulator and a browser context of its own: none
// depends on another's jobs, faults or page, so they pass in any order and alone.
// Screenshots go to test-output/screenshots.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { reveCapabilities } from "apiframe-reve";
import { launchChromium } from "./support/chromium.mjs";
import { KEY, pngSize, startEmulator } from "./support/emulator.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const consumer = join(here, "..");
const repo = join(consumer, "..", "..");
const shots = join(process.env.TEST_OUTPUT ?? join(consumer, ".."), "screenshots");
let browser;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const VIEWPORT = { width: 1280, height: 900 };
const generateRequests = async (emu) => (await emu.stats()).stats.generateRequests;

/** An emulator of a test's own, serving the page: no other test's jobs, in any order. */
const pageEmulator = (args) => startEmulator([
  ...args, "--www", join(repo, "www"),
  "--mount", `dist=${join(consumer, "node_modules", "apiframe-reve", "dist")}`,
]);

/** The page, loaded and ready, in `context`; its uncaught errors go to `errors`. */
async function openPage(context, url, errors) {
  const p = await context.newPage();
  p.on("pageerror", (e) => errors.push(e));
  await p.goto(url);
  await p.waitForSelector("body[data-ready=true]");
  return p;
}

/** Runs `body({emu, page, context, errors})` with an emulator (started with `args`) and a fresh
 * browser context of its own, the page open at `path`; both are gone afterwards. The page must
 * throw nothing uncaught. */
async function withDemo(args, body, { path = "/" } = {}) {
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
async function generate(page, timeout = 20000) {
  await page.getByRole("button", { name: "Generate" }).click();
  await page.waitForFunction(() => !document.getElementById("status-panel").hidden && !document.getElementById("generate").disabled, null, { timeout });
}

/** The bytes behind `url` as the page reads them (a blob: URL lives only in its page). */
async function pageBytes(p, url) {
  const base64 = await p.evaluate(async (u) => {
    const b = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = "";
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  }, url);
  return Buffer.from(base64, "base64");
}

/** Images shown with a src that failed to load: what a broken image is. */
const brokenImages = (p) => p.$$eval("img", (imgs) => imgs
  .filter((i) => i.getAttribute("src") && i.checkVisibility() && i.complete && i.naturalWidth === 0)
  .map((i) => i.getAttribute("src")));

/** Submits a job straight to the service, as another tab of the same key would. */
async function submitJob(url, prompt) {
  const headers = { "x-api-key": KEY, "content-type": "application/json" };
  const res = await fetch(`${url}/v2/images/generate`, { method: "POST", headers, body: JSON.stringify({ prompt, model: "reve-create" }) });
  return (await res.json()).jobId;
}

/** Waits until the service marks job `jobId` expired. */
async function untilExpired(url, jobId) {
  const headers = { "x-api-key": KEY };
  for (;;) {
    const job = await (await fetch(`${url}/v2/jobs/${jobId}`, { headers })).json();
    if (job.expired) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

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

test("the proxy is chosen in the page's settings, never from the address bar", () => withDemo([], async ({ page }) => {
  assert.equal(await page.textContent("#connection-label"), "local emulator");
  assert.notEqual(await page.inputValue("#proxy-url"), "https://evil.example/api");
}, { path: `/?proxy=${encodeURIComponent("https://evil.example/api")}` }));

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

test("bad input is explained next to its field and nothing is sent", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
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
  assert.equal(await generateRequests(emu), 0, "no request reached the service");
  assert.equal(await page.isVisible("#status-panel"), false, "no job to show");
  await page.screenshot({ path: join(shots, "demo-validation.png") });
}));

test("Generate with an empty prompt shows the prompt's error only, not a job that failed", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  const onlyThePromptsError = async () => {
    await page.waitForFunction(() => document.getElementById("prompt-error").textContent.length > 0);
    assert.match(await page.textContent("#prompt-error"), /prompt must be 1 to 2000 characters/);
    assert.equal(await page.textContent("#form-error"), "");
    assert.equal(await page.getAttribute("#generate", "disabled"), null, "Generate is usable again");
  };
  // On a fresh page: no job card at all ("Job submitting… ERROR" before).
  await page.getByRole("button", { name: "Generate" }).click();
  await onlyThePromptsError();
  assert.equal(await page.isVisible("#status-panel"), false, "no job card");

  // After a completed job: its card and result stay as they were.
  await page.fill("#prompt", "A movie poster reading 'NIGHTFALL'");
  await generate(page);
  const id = await page.textContent("#job-id");
  assert.equal(await page.textContent("#job-status"), "COMPLETED");
  await page.fill("#prompt", "");
  await page.getByRole("button", { name: "Generate" }).click();
  await onlyThePromptsError();
  assert.equal(await page.textContent("#job-id"), id);
  assert.equal(await page.textContent("#job-status"), "COMPLETED");
  assert.equal(await page.isVisible("#result"), true, "the last result is still shown");
  assert.equal(await generateRequests(emu), 1, "only the good request was sent");
}));

test("service faults and failed jobs are shown in plain words", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
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
}));

test("Try a failure: each fault the emulator makes, and what the library did about it", () => withDemo(["--job-ms", "300"], async ({ page }) => {
  await page.locator("#failures summary").click();
  const cases = [
    ["429", 1, /sent the submission 2 times \(1 retry/, /Outcome: the job completed; the retries were invisible/],
    ["503", 1, /sent the submission 2 times/, /Outcome: the job completed/],
    ["html", 3, /sent the submission 3 times \(2 retries/, /rejected with code "server", retryable: true, HTTP 502, requestId req_/],
    ["malformed", 1, /sent the submission 2 times/, /Outcome: the job completed/],
    ["reset", 1, /Jobs created at the service: 1/, /Outcome: the job completed/],
    ["lost_response", 1, /received it 2 times/, /Outcome: the job completed/],
    ["slow", 1, /sent the submission 1 time \(0 retries/, /Outcome: the job completed/],
    ["job_failed", 1, /Jobs created at the service: 1/, /rejected with code "job_failed", retryable: false/],
    ["job_cancelled", 1, /Jobs created at the service: 1/, /rejected with code "job_cancelled", retryable: false/],
  ];
  for (const [kind, count, sent, outcome] of cases) {
    await page.selectOption("#fault-kind", kind);
    await page.fill("#fault-count", String(count));
    await page.click("#fault-queue");
    await page.waitForFunction(() => document.getElementById("fault-queued").textContent.startsWith("Queued"));
    await page.fill("#prompt", `trying ${kind}`);
    await page.getByRole("button", { name: "Generate" }).click();
    await page.waitForFunction(() => !document.getElementById("report").hidden && !document.getElementById("generate").disabled, null, { timeout: 30000 });
    const text = await page.textContent("#report-list");
    assert.match(text, new RegExp(`Fault queued: ${(await page.$eval("#fault-kind", (s) => s.selectedOptions[0].textContent)).replace(/[()]/g, ".")}`), "the report is this fault's");
    assert.match(text, sent, `${kind}: ${text}`);
    assert.match(text, outcome, `${kind}: ${text}`);
    if (kind === "lost_response") {
      assert.match(text, /Jobs created at the service: 1/, text);
      await page.screenshot({ path: join(shots, "demo-try-a-failure.png"), fullPage: true });
    }
  }
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

test("the result and its Download are the downloaded bytes: blob: URLs of a PNG equal to the output file", () => withDemo(["--job-ms", "300"], async ({ emu, page: p }) => {
  await p.fill("#prompt", "A tea box labeled 'JASMINE GOLD', downloaded as bytes");
  await p.getByRole("radio", { name: "2:3" }).check();
  await p.getByRole("button", { name: "Generate" }).click();
  await p.waitForFunction(() => {
    const img = document.getElementById("image");
    return img.getAttribute("src")?.startsWith("blob:") && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 20000 });
  const href = await p.getAttribute("#download", "href");
  assert.match(await p.getAttribute("#image", "src"), /^blob:/);
  assert.match(href, /^blob:/);
  assert.match(await p.getAttribute("#download", "download"), /^reve-\d+-2x3\.png$/, "the extension from the media type");

  // The service's own record of the job names the output file; the download is its bytes.
  const jobId = await p.textContent("#job-id");
  const job = await (await fetch(`${emu.url}/v2/jobs/${jobId}`, { headers: { "x-api-key": KEY } })).json();
  const [fileUrl] = job.result.images;
  assert.match(fileUrl, /\/files\/[0-9a-f-]{36}\.png$/);
  const expected = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());
  const downloaded = await pageBytes(p, href);
  assert.deepEqual([...downloaded.subarray(0, 8)], PNG_SIGNATURE, "a PNG");
  assert.ok(downloaded.equals(expected), `the download (${downloaded.length} bytes) is the output file (${expected.length} bytes)`);
  const { width, height } = pngSize(downloaded);
  assert.equal(width * 3, height * 2, `2:3 (${width}×${height})`);

  // Its card in Recent jobs shows the same bytes, downloaded too.
  const card = p.locator(`#gallery li[data-job-id="${jobId}"]`);
  await card.waitFor();
  await card.scrollIntoViewIfNeeded();
  await card.locator("img[src^='blob:']").waitFor();
  assert.ok((await pageBytes(p, await card.locator("img").getAttribute("src"))).equals(expected));

  const { stats } = await emu.stats();
  assert.equal(stats.fileRequestsWithCredentials, 0, `no key, header or cookie went to the output host (${stats.lastFileRequestHeaders})`);
  assert.deepEqual(await brokenImages(p), []);
}));

test("expired outputs say so in plain words instead of showing a broken image", async () => {
  // Expired at 3 s after the job ends; the emulator forgets the job at twice that, which
  // leaves the page 3 s to list it however loaded the machine is.
  const old = await pageEmulator(["--job-ms", "200", "--retention-ms", "3000"]);
  const context = await browser.newContext();
  const errors = [];
  try {
    const jobId = await submitJob(old.url, "kept for a moment");
    await untilExpired(old.url, jobId);
    const p = await openPage(context, `${old.url}/`, errors);
    const item = p.locator(`#gallery li[data-job-id="${jobId}"]`);
    await item.waitFor();
    await p.waitForFunction((id) => /deleted/.test(document.querySelector(`#gallery li[data-job-id="${id}"]`).textContent), jobId);
    assert.match(await item.textContent(), /These images were deleted: Apiframe keeps outputs for 24 hours\./);
    assert.equal(await item.locator("img").count(), 0, "no broken image");
    assert.equal(await item.locator("button").isDisabled(), true, "nothing to open");
    assert.deepEqual(await brokenImages(p), []);
    assert.equal((await old.stats()).stats.fileRequests, 0, "the expired job was refused before any request");
    assert.deepEqual(errors, []);
    await item.screenshot({ path: join(shots, "demo-expired-card.png") });
  } finally {
    await context.close();
    await old.stop();
  }
});

test("a job opened after its outputs expired says so where the image was, with nothing to download", () => withDemo(["--job-ms", "200", "--retention-ms", "5000"], async ({ emu, page: p }) => {
  // Outputs kept 5 s: time enough to generate, list the job and download its card's image.
  // The output files are immutable, so the browser's HTTP cache would answer a second
  // download; routing the page's requests turns that cache off, and the host is asked again.
  await p.route("**/files/**", (route) => route.continue());
  await p.fill("#prompt", "kept for five seconds");
  await p.getByRole("button", { name: "Generate" }).click();
  await p.waitForFunction(() => document.getElementById("image").getAttribute("src")?.startsWith("blob:"), null, { timeout: 60000 });
  const jobId = await p.textContent("#job-id");
  const card = p.locator(`#gallery li[data-job-id="${jobId}"]`);
  await card.waitFor();
  await card.scrollIntoViewIfNeeded();
  await card.locator("img[src^='blob:']").waitFor();
  await untilExpired(emu.url, jobId);

  // The card was listed before the outputs expired: opening it downloads again, and the
  // output host answers 404.
  await card.locator("button").click();
  await p.waitForFunction(() => /deleted/.test(document.getElementById("image-note")?.textContent), null, { timeout: 10000 });
  assert.equal(await p.textContent("#image-note"), "These images were deleted: Apiframe keeps outputs for 24 hours.");
  assert.equal(await p.isVisible("#image-note"), true);
  assert.equal(await p.isVisible("#image"), false);
  assert.equal(await p.getAttribute("#image", "src"), null, "no broken image");
  assert.equal(await p.getAttribute("#download", "href"), null, "nothing to download");
  assert.deepEqual(await brokenImages(p), []);
  await p.screenshot({ path: join(shots, "demo-expired.png"), fullPage: true });
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

test("through the proxy: the page holds no key and still generates", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  const proxy = await startWorker(join(consumer, "examples", "worker", "src", "index.js"), {
    port: 0,
    kvNamespaces: ["JOBS"],
    bindings: { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url, ALLOW_ANONYMOUS: "true", ALLOWED_ORIGINS: emu.url },
  });
  try {
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
}));
