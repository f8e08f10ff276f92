// The demo page's mistakes and failures, in headless Chromium: bad input explained by its
// field with nothing sent, service faults and failed jobs in plain words, and "Try a failure"
// for every fault the emulator makes.
// Each test has an emulator and a browser context of its own (tests/support/demo.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { generate, generateRequests, shots, useBrowser, withDemo } from "./support/demo.mjs";
import { KEY } from "./support/emulator.mjs";

useBrowser();

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
