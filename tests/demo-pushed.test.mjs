// The demo page through a proxy with `webhookUrl`, in headless Chromium: the emulator's webhooks
// reach the proxy, the page's client waits on the job's event stream, and the page says the job
// was pushed and what it cost (the submission and the stream, counted off what the page's client
// sent); through a proxy without one it says polled, and the looks. And from the page, Chromium's
// own EventSource reads a job's stream to its end. The page is the emulator's (tests/support/
// demo.mjs), the proxy a Node server on another port (serveProxy), allowing the page's origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createProxyHandler } from "apiframe-reve";
import { generate, shots, useBrowser, withDemo } from "./support/demo.mjs";
import { KEY } from "./support/emulator.mjs";
import { serveProxy } from "./support/proxy-fixtures.mjs";

useBrowser();

const JOB_PATH = /\/v2\/jobs\/[0-9a-f-]{36}$/;

/**
 * A proxy on 127.0.0.1 in front of `emu`, letting the page's origin call (with `webhookUrl`
 * unless `pushed` is false); `seen` counts what reached it: stream requests, looks at a job.
 */
async function proxyFor(emu, { pushed = true } = {}) {
  const seen = { streams: 0, looks: 0, keys: [] };
  const proxy = await serveProxy((webhookUrl) => {
    const handler = createProxyHandler({
      apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true, cors: { origins: [emu.url] },
      ...(pushed ? { webhookUrl } : {}),
    });
    return (request) => {
      const path = new URL(request.url).pathname;
      if (request.method === "GET" && path.endsWith("/events")) seen.streams++;
      if (request.method === "GET" && JOB_PATH.test(path)) seen.looks++;
      if (request.method !== "OPTIONS" && !path.endsWith("/webhook")) seen.keys.push(request.headers.get("x-api-key"));
      return handler(request);
    };
  });
  return { ...proxy, seen };
}

/** Points the page at `proxy` ("Through a proxy that keeps the key"). */
async function chooseProxy(page, proxy) {
  await page.locator("#connection summary").click();
  await page.getByLabel("Through a proxy that keeps the key").check();
  await page.fill("#proxy-url", `${proxy.url}/api/reve`);
  await page.dispatchEvent("#proxy-url", "change");
}

/** The job's requests the page sent to `origin`, as Chromium saw them go out (no preflights,
 * no listings, no downloads). */
function jobRequestsTo(page, origin) {
  const sent = [];
  page.on("request", (r) => {
    const { pathname } = new URL(r.url());
    if (!r.url().startsWith(origin) || r.method() === "OPTIONS") return;
    if (pathname.endsWith("/v2/images/generate") || JOB_PATH.test(pathname) || pathname.endsWith("/events")) sent.push(`${r.method()} ${pathname}`);
  });
  return sent;
}

/** The number of requests the page says the job cost. */
const costOf = (text) => Number(/This job cost (\d+) requests? to the proxy/.exec(text)?.[1]);

test("through a proxy with webhookUrl: the page says the job was pushed, and that it cost 2 requests", () => withDemo(["--job-ms", "1500"], async ({ emu, page }) => {
  const proxy = await proxyFor(emu);
  try {
    await chooseProxy(page, proxy);
    const sent = jobRequestsTo(page, proxy.url);
    const before = (await emu.stats()).stats;
    await page.fill("#prompt", "A lighthouse at dusk, pushed to the page");
    await generate(page);
    assert.equal(await page.textContent("#job-status"), "COMPLETED");
    const jobId = await page.textContent("#job-id");
    const told = await page.textContent("#delivery");
    assert.match(told, /^Pushed: each change came over the proxy's event stream\./, told);
    assert.equal(costOf(told), 2, told);
    assert.match(told, /: the submission and the event stream\.$/, told);
    assert.deepEqual(sent, ["POST /api/reve/v2/images/generate", `GET /api/reve/v2/jobs/${jobId}/events`], "what the page says is what it sent");
    assert.equal(proxy.seen.streams, 1, "the proxy served one stream");
    assert.equal(proxy.seen.looks, 0, "and was never asked for the job");
    const after = (await emu.stats()).stats;
    assert.equal(after.jobRequests - before.jobRequests, 0, "the service was never asked for the job: its webhooks told the proxy");
    assert.equal(after.generateRequests - before.generateRequests, 1);
    assert.ok(proxy.seen.keys.every((k) => k === null), "no key left the page");
    await page.waitForFunction(() => document.getElementById("image").naturalWidth > 0);
    await page.screenshot({ path: join(shots, "demo-pushed.png"), fullPage: true });
  } finally {
    await proxy.close();
  }
}));

test("through a proxy without webhookUrl: the page says polled, and the looks it cost", () => withDemo(["--job-ms", "1500"], async ({ emu, page }) => {
  const proxy = await proxyFor(emu, { pushed: false });
  try {
    await chooseProxy(page, proxy);
    const sent = jobRequestsTo(page, proxy.url);
    const before = (await emu.stats()).stats;
    await page.fill("#prompt", "A lighthouse at dusk, polled");
    await generate(page);
    assert.equal(await page.textContent("#job-status"), "COMPLETED");
    const told = await page.textContent("#delivery");
    assert.match(told, /^Polled: the page looked at the job on a schedule \(this proxy names no event stream\)\./, told);
    const looks = proxy.seen.looks;
    assert.ok(looks >= 1, `${looks} looks`);
    assert.equal(costOf(told), 1 + looks, told);
    assert.ok(told.endsWith(`: the submission and ${looks} ${looks === 1 ? "look" : "looks"} at the job.`), told);
    assert.equal(sent.length, 1 + looks, `the page's count is what it sent: ${sent.join(", ")}`);
    assert.equal(proxy.seen.streams, 0);
    const after = (await emu.stats()).stats;
    assert.equal(after.jobRequests - before.jobRequests, looks, "each look went upstream");
  } finally {
    await proxy.close();
  }
}));

test("against the local emulator: the page says polled, and counts the looks as the emulator does", () => withDemo(["--job-ms", "1500"], async ({ emu, page }) => {
  const before = (await emu.stats()).stats;
  await page.fill("#prompt", "A lighthouse at dusk, from the emulator");
  await generate(page);
  assert.equal(await page.textContent("#job-status"), "COMPLETED");
  const told = await page.textContent("#delivery");
  const after = (await emu.stats()).stats;
  const looks = after.jobRequests - before.jobRequests;
  assert.ok(looks >= 1, `${looks} looks`);
  assert.match(told, /^Polled: the page looked at the job on a schedule\. /, told);
  assert.equal(Number(/This job cost (\d+) requests to the emulator/.exec(told)?.[1]), 1 + looks, told);
}));

test("from the demo's page, Chromium's own EventSource reads a job's stream on the proxy to COMPLETED", () => withDemo(["--job-ms", "1500"], async ({ emu, page }) => {
  const proxy = await proxyFor(emu);
  try {
    const submitted = await fetch(`${proxy.url}/api/reve/v2/images/generate`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "pushed to an EventSource" }),
    });
    assert.equal(submitted.status, 202);
    const stream = submitted.headers.get("apiframe-events");
    assert.match(stream, /\/api\/reve\/v2\/jobs\/[0-9a-f-]{36}\/events$/);
    const { jobId } = await submitted.json();
    // In the page: an EventSource on the stream, its events collected until it is CLOSED (the
    // 204 after the final event stops its reconnecting).
    const { events, origin } = await page.evaluate((url) => new Promise((resolve) => {
      const events = [];
      const source = new EventSource(url);
      source.onmessage = (e) => events.push({ id: e.lastEventId, data: JSON.parse(e.data) });
      source.onerror = () => {
        if (source.readyState === EventSource.CLOSED) resolve({ events, origin: location.origin });
      };
    }), new URL(stream, proxy.url).href);
    assert.equal(origin, emu.url, "read from the demo's page, another origin than the proxy's");
    assert.ok(events.length >= 2, `${events.length} events`);
    const ids = events.map((e) => Number(e.id));
    assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), `ids rise, none twice: ${ids}`);
    assert.ok(events.every((e) => e.data.id === jobId));
    assert.equal(events.at(-1).data.status, "COMPLETED");
    assert.equal(proxy.seen.looks, 0);
  } finally {
    await proxy.close();
  }
}));
