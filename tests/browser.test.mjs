// The package in headless Chromium (Debian's), in a page and in a module Web Worker. The page
// is served from one origin and the API from another, so CORS is exercised for real.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./support/chromium.mjs";
import { KEY, startEmulator } from "./support/emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const consumer = join(here, "..");
const shots = join(process.env.TEST_OUTPUT ?? join(consumer, ".."), "screenshots");

let api, site, browser, page;

before(async () => {
  mkdirSync(shots, { recursive: true });
  api = await startEmulator(["--job-ms", "400"]);
  site = await startEmulator(["--www", join(here, "browser"), "--mount", `pkg=${join(consumer, "node_modules", "apiframe-reve")}`]);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`${site.url}/index.html`);
});

after(async () => {
  await browser?.close();
  await Promise.all([api?.stop(), site?.stop()]);
});

describe("in a page", () => {
  test("run completes across origins and the image shows at its true ratio", async () => {
    const out = await page.evaluate(async ({ api, key }) => {
      const { ReveClient, imageUrls } = await import("apiframe-reve");
      const client = new ReveClient({ apiKey: key, baseUrl: api, dangerouslyAllowBrowser: true, expectedDurationMs: 400 });
      const statuses = [];
      const job = await client.run(
        { prompt: "A four-panel comic page", reveParams: { aspect_ratio: "4:3", seed: 9 } },
        { onProgress: (j) => statuses.push(j.status) },
      );
      const img = document.createElement("img");
      img.src = imageUrls(job)[0];
      document.body.append(img);
      await img.decode();
      return { status: job.status, statuses, w: img.naturalWidth, h: img.naturalHeight };
    }, { api: api.url, key: KEY });
    assert.equal(out.status, "COMPLETED");
    assert.equal(out.statuses.at(-1), "COMPLETED");
    assert.equal(out.w * 3, out.h * 4);
    await page.screenshot({ path: join(shots, "browser-page-run.png") });
  });

  test("the page loads the client-only module; the server-only exports say where they run", async () => {
    const out = await page.evaluate(async () => {
      const m = await import("apiframe-reve");
      const modules = performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.endsWith(".wasm"));
      const seen = [];
      try {
        m.createProxyHandler({ apiKey: "k", allowAnonymous: true });
      } catch (e) {
        seen.push([e instanceof m.ApiframeError, e.code, e.message]);
      }
      for (const f of [m.verifyWebhook, m.parseWebhook]) {
        await f({ body: "{}", signature: "sha256=00", apiKey: "k" }).catch((e) => seen.push([e instanceof m.ApiframeError, e.code, e.message]));
      }
      return { modules: modules.map((n) => n.split("/").at(-1)), seen };
    });
    assert.deepEqual(out.modules, ["apiframe_reve_client_bg.wasm"]);
    assert.equal(out.seen.length, 3);
    for (const [isApiframeError, code, message] of out.seen) {
      assert.deepEqual([isApiframeError, code], [true, "invalid_request"]);
      assert.match(message, /runs on a server or an edge runtime/);
    }
  });

  test("the edge entry (conditions edge-light, worker, default) has the whole module: its proxy handler works", async () => {
    const out = await page.evaluate(async ({ api, key }) => {
      const { createProxyHandler, verifyWebhook } = await import("/pkg/dist/edge.js");
      const handler = createProxyHandler({ apiKey: key, upstream: api, allowAnonymous: true, prefix: "/api/reve" });
      const res = await handler(new Request(`${location.origin}/api/reve/v2/jobs?limit=1`));
      const body = await res.json();
      return { status: res.status, jobs: Array.isArray(body.jobs), verify: typeof verifyWebhook };
    }, { api: api.url, key: KEY });
    assert.deepEqual(out, { status: 200, jobs: true, verify: "function" });
  });

  test("an apiKey in a page throws unless dangerouslyAllowBrowser; a proxy baseUrl needs none", async () => {
    const out = await page.evaluate(async ({ api, key }) => {
      const { ReveClient, ApiframeError } = await import("apiframe-reve");
      let guard = null;
      try {
        new ReveClient({ apiKey: key, baseUrl: api });
      } catch (e) {
        guard = { isApiframeError: e instanceof ApiframeError, code: e.code, field: e.details.field, message: e.message };
      }
      const proxied = new ReveClient({ baseUrl: api, maxRetries: 0 });
      let unauthenticated = null;
      try { await proxied.listJobs(); } catch (e) { unauthenticated = { code: e.code, status: e.status, requestId: e.requestId }; }
      return { guard, unauthenticated };
    }, { api: api.url, key: KEY });
    assert.equal(out.guard.isApiframeError, true);
    assert.equal(out.guard.field, "apiKey");
    assert.match(out.guard.message, /proxy/);
    assert.equal(out.unauthenticated.code, "authentication");
    assert.equal(out.unauthenticated.status, 401);
    assert.match(out.unauthenticated.requestId, /^req_/, "x-request-id is exposed by CORS");
  });

  test("validation, aborts and network failures are typed errors in the page", async () => {
    const out = await page.evaluate(async ({ api, key }) => {
      const { ReveClient, ApiframeError } = await import("apiframe-reve");
      const client = new ReveClient({ apiKey: key, baseUrl: api, dangerouslyAllowBrowser: true, expectedDurationMs: 60000 });
      const grab = async (p) => { try { await p; return null; } catch (e) { return { ok: e instanceof ApiframeError, name: e.name, code: e.code, field: e.details?.field, jobId: e.jobId }; } };
      const invalid = await grab(client.generate({ prompt: "" }));
      const ac = new AbortController();
      const running = client.run({ prompt: "abort me" }, { signal: ac.signal });
      setTimeout(() => ac.abort(), 300);
      const aborted = await grab(running);
      const offline = await grab(new ReveClient({ baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).listJobs());
      return { invalid, aborted, offline };
    }, { api: api.url, key: KEY });
    assert.deepEqual(out.invalid, { ok: true, name: "ApiframeError", code: "invalid_request", field: "prompt", jobId: undefined });
    assert.equal(out.aborted.name, "AbortError");
    assert.match(out.aborted.jobId, /^[0-9a-f-]{36}$/);
    assert.equal(out.offline.code, "network");
  });
});

describe("in a Web Worker", () => {
  test("a module worker refuses an apiKey unless dangerouslyAllowBrowser, then runs a job, validates and aborts", async () => {
    const out = await page.evaluate(({ api, key }) => new Promise((resolve) => {
      const worker = new Worker("/worker.js", { type: "module" });
      worker.onmessage = (m) => {
        if (m.data.ready) return worker.postMessage({ api, key });
        worker.terminate();
        resolve(m.data);
      };
      worker.onerror = (e) => resolve({ ok: false, error: e.message });
    }), { api: api.url, key: KEY });
    assert.equal(out.ok, true, out.error);
    const { message, ...guard } = out.guard ?? {};
    assert.deepEqual(guard, { isApiframeError: true, code: "invalid_request", field: "apiKey" }, "the key guard covers workers");
    assert.match(message, /Web Worker/);
    assert.match(message, /dangerouslyAllowBrowser/);
    assert.equal(out.status, "COMPLETED");
    assert.equal(out.urls.length, 1);
    assert.deepEqual(out.invalid, { isApiframeError: true, code: "invalid_request", field: "reveParams.aspect_ratio" });
    assert.deepEqual(out.aborted, { name: "AbortError", code: "aborted" });
  });
});
