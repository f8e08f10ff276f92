// The demo page's images, in headless Chromium: shown and offered for download from the bytes
// `downloadImages` fetched (blob: URLs), and outputs that expired said so in words instead
// of a broken image.
// Each test has an emulator and a browser context of its own (tests/support/demo.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { brokenImages, browser, openPage, pageBytes, pageEmulator, PNG_SIGNATURE, shots, submitJob, untilExpired, useBrowser, withDemo } from "./support/demo.mjs";
import { KEY, pngSize } from "./support/emulator.mjs";

useBrowser();

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
