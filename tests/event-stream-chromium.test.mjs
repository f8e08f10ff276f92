// A job pushed to a page: Chromium's own `EventSource` reads a proxy's event stream from
// another origin, with a cookie session and no custom header (CORS with credentials, as the
// proxy's `cors` option allows a named origin). The page is served on one port of 127.0.0.1,
// the proxy (with `webhookUrl`, against the emulator) on another: same site, other origin.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createProxyHandler } from "apiframe-reve";
import { launchChromium } from "./support/chromium.mjs";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { serveProxy } from "./support/proxy-fixtures.mjs";

let emu, proxy, page, browser, context, site, streamRequests = 0;
/** The user a request's `session` cookie names, or false. */
const sessionOf = (request) => /(?:^|;\s*)session=(\w+)/.exec(request.headers.get("cookie") ?? "")?.[1] ?? false;

before(async () => {
  emu = await startEmulator(["--job-ms", "1500"]);
  site = createServer((req, res) => { res.writeHead(200, { "content-type": "text/html" }); res.end("<!doctype html><title>app</title>"); });
  await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${site.address().port}`;
  proxy = await serveProxy((webhookUrl) => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", authorize: sessionOf, cors: { origins: [origin] }, webhookUrl });
    return (request) => {
      if (new URL(request.url).pathname.endsWith("/events")) streamRequests++;
      return handler(request);
    };
  });
  browser = await launchChromium();
  context = await browser.newContext();
  await context.addCookies([{ name: "session", value: "alice", domain: "127.0.0.1", path: "/" }]);
  page = await context.newPage();
  await page.goto(origin);
});
after(async () => {
  await browser?.close();
  await proxy?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve()));
  await emu?.stop();
});

/** Submits a job as `user` (its session cookie), from Node; its id. */
async function submit(user) {
  const res = await fetch(`${proxy.url}/api/reve/v2/images/generate`, {
    method: "POST", headers: { "content-type": "application/json", cookie: `session=${user}` }, body: JSON.stringify({ prompt: "pushed to the page" }),
  });
  assert.equal(res.status, 202);
  return (await res.json()).jobId;
}

/**
 * In the page: an EventSource (with credentials) on `url`, its events collected until the
 * source is CLOSED (the 204 after the end stops its reconnecting) or it fails to open.
 */
const listen = (url) => page.evaluate((url) => new Promise((resolve) => {
  const events = [];
  const source = new EventSource(url, { withCredentials: true });
  source.onmessage = (e) => events.push({ id: e.lastEventId, data: JSON.parse(e.data) });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) resolve({ events, closed: true });
  };
}), url);

test("an EventSource with a cookie session gets the job pushed, to its end, and stops reconnecting", async () => {
  const jobId = await submit("alice");
  const before = streamRequests;
  const { events, closed } = await listen(`${proxy.url}/api/reve/v2/jobs/${jobId}/events`);
  assert.ok(closed);
  assert.ok(events.length >= 2, `${events.length} events`);
  const ids = events.map((e) => Number(e.id));
  assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), `ids rise, none twice: ${ids}`);
  assert.equal(events.at(-1).data.status, "COMPLETED");
  assert.equal(events.at(-1).data.id, jobId);
  assert.equal(streamRequests - before, 2, "the stream, then one reconnect answered 204");
});

test("another user's job: the EventSource fails without an event", async () => {
  const jobId = await submit("bob");
  const { events, closed } = await listen(`${proxy.url}/api/reve/v2/jobs/${jobId}/events`);
  assert.ok(closed);
  assert.deepEqual(events, []);
});
