// The demo page's connection, in headless Chromium: the proxy is the page's setting, never the
// address bar's, and through examples/worker in workerd the page holds no key and still generates.
// Each test has an emulator and a browser context of its own (tests/support/demo.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { shots, useBrowser, withDemo } from "./support/demo.mjs";
import { KEY } from "./support/emulator.mjs";
import { EXAMPLE_WORKER } from "./support/proxy-fixtures.mjs";
import { startWorker } from "./support/workerd.mjs";

useBrowser();

test("the proxy is chosen in the page's settings, never from the address bar", () => withDemo([], async ({ page }) => {
  assert.equal(await page.textContent("#connection-label"), "local emulator");
  assert.notEqual(await page.inputValue("#proxy-url"), "https://evil.example/api");
}, { path: `/?proxy=${encodeURIComponent("https://evil.example/api")}` }));

test("through the proxy: the page holds no key and still generates", () => withDemo(["--job-ms", "300"], async ({ emu, page }) => {
  const proxy = await startWorker(EXAMPLE_WORKER, {
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
