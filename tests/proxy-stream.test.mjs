// The caller gets the job pushed: a proxy with `webhookUrl` serves each job it holds as a
// Server-Sent Events stream at `{prefix}/v2/jobs/{id}/events` (named by the `Apiframe-Events`
// header of its answers), read here with `fetch` through a local Node http server, as a browser
// reads it. Against the emulator (jobs of 2 s, progress events at 25, 50 and 75 %) and its
// webhook faults: the job start to end, lost events (the fallback's looks still end the stream),
// a resume with Last-Event-ID, another caller, a caller that goes away.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { recordingFetch, serveProxy, serverSentEvents, signWebhook, sleep, UNKNOWN } from "./support/proxy-fixtures.mjs";

let emu;
before(async () => { emu = await startEmulator(["--job-ms", "2000"]); });
after(() => emu?.stop());

/** A proxy served on 127.0.0.1 with `webhookUrl`, its upstream requests counted. */
async function pushedProxy(options = {}) {
  const upstream = recordingFetch();
  const served = await serveProxy((webhookUrl) => createProxyHandler({
    apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch, webhookUrl, ...options,
  }));
  return { ...served, upstream };
}

/** Submits a job through `proxy`'s HTTP server; its id and the 202's `Apiframe-Events`. */
async function submit(proxy, headers = {}) {
  const res = await fetch(`${proxy.url}/api/reve/v2/images/generate`, {
    method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ prompt: "pushed to the page" }),
  });
  assert.equal(res.status, 202);
  const { jobId } = await res.json();
  return { jobId, events: res.headers.get("apiframe-events") };
}

/** Opens the job's stream through `proxy`'s HTTP server. */
const open = (proxy, jobId, init = {}) => fetch(`${proxy.url}/api/reve/v2/jobs/${jobId}/events`, init);

/** Every event of a stream, to its end (comments left out). */
async function allEvents(res) {
  const out = [];
  for await (const e of serverSentEvents(res)) if (!e.comment) out.push(e);
  return out;
}

/** The job as the service has it. */
const serviceJob = async (id) => (await fetch(`${emu.url}/v2/jobs/${id}`, { headers: { "x-api-key": KEY } })).json();

/** Ids rise, each event differs from the one before (only changes), and the last one is final. */
function assertChanges(events) {
  const ids = events.map((e) => Number(e.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `ids rise: ${ids}`);
  assert.equal(new Set(ids).size, ids.length, `no id twice: ${ids}`);
  for (let i = 1; i < events.length; i++) {
    const [a, b] = [events[i - 1].data, events[i].data];
    assert.ok(a.status !== b.status || a.progress !== b.progress, `event ${i} is a change: ${JSON.stringify(b)}`);
  }
  assert.equal(events.at(-1).data.status, "COMPLETED");
  assert.equal(events.filter((e) => e.data.status === "COMPLETED").length, 1, "one final event, then the end");
}

describe("a job's event stream", () => {
  let proxy;
  before(async () => { proxy = await pushedProxy({ cors: { origins: ["http://app.test"] } }); });
  after(() => proxy.close());

  test("streams the job as held, then each change, to its end: named by Apiframe-Events, no upstream GET", async () => {
    const { jobId, events } = await submit(proxy, { origin: "http://app.test" });
    assert.equal(events, `/api/reve/v2/jobs/${jobId}/events`);
    const res = await open(proxy, jobId);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/event-stream/);
    assert.equal(res.headers.get("cache-control"), "no-cache, no-transform");
    assert.equal(res.headers.get("x-accel-buffering"), "no");
    const seen = await allEvents(res);
    assert.ok(seen.length >= 3, `the held job, progress, the end: ${seen.length} events`);
    assert.equal(seen[0].data.id, jobId);
    assert.ok(["QUEUED", "PROCESSING"].includes(seen[0].data.status), "first the job as the proxy held it");
    assertChanges(seen);
    const service = await serviceJob(jobId);
    assert.deepEqual(seen.at(-1).data.result, service.result, "the completed event's result");
    assert.equal(proxy.upstream.gets, 0, "every change pushed: no upstream GET");
    const read = await fetch(`${proxy.url}${events}`.replace(/\/events$/, ""));
    assert.equal(read.headers.get("apiframe-events"), events, "GET names the stream too");
  });

  test("the header is exposed to browsers by CORS", async () => {
    const { jobId } = await submit(proxy);
    const res = await fetch(`${proxy.url}/api/reve/v2/jobs/${jobId}`, { headers: { origin: "http://app.test" } });
    assert.match(res.headers.get("access-control-expose-headers"), /apiframe-events/);
    assert.equal(res.headers.get("access-control-allow-credentials"), "true", "a cookie session (EventSource withCredentials)");
    await allEvents(await open(proxy, jobId));
  });

  test("Last-Event-ID resumes without repeats, and after the final event answers 204", async () => {
    const { jobId } = await submit(proxy);
    const cut = new AbortController();
    const first = await open(proxy, jobId, { signal: cut.signal });
    const before = [];
    for await (const e of serverSentEvents(first)) {
      if (e.comment) continue;
      before.push(e);
      break;
    }
    cut.abort();
    const resumed = await allEvents(await open(proxy, jobId, { headers: { "last-event-id": before[0].id } }));
    assert.ok(resumed.length >= 1);
    assert.ok(resumed.every((e) => Number(e.id) > Number(before[0].id)), "nothing the caller had is sent again");
    assertChanges([...before, ...resumed]);
    const last = resumed.at(-1).id;
    assert.equal((await open(proxy, jobId, { headers: { "last-event-id": last } })).status, 204, "EventSource stops reconnecting");
    const byQuery = await fetch(`${proxy.url}/api/reve/v2/jobs/${jobId}/events?lastEventId=${last}`);
    assert.equal(byQuery.status, 204, "lastEventId as a query parameter, for a new EventSource");
  });

  test("an unknown job, or one the proxy holds no events of, is 404", async () => {
    const res = await open(proxy, UNKNOWN);
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /no events for this job/);
  });
});

test("lost events: the stream still ends, through the fallback's looks upstream", async () => {
  const proxy = await pushedProxy();
  try {
    await emu.fault({ kind: "webhook_lost" });
    const { jobId } = await submit(proxy);
    const seen = await allEvents(await open(proxy, jobId));
    assertChanges(seen);
    const { deliveries } = await emu.control("webhooks", undefined, "GET");
    assert.ok(deliveries.filter((d) => d.jobId === jobId).every((d) => d.status === null), "every event was lost");
    assert.ok(proxy.upstream.gets >= 1 && proxy.upstream.gets <= 10, `${proxy.upstream.gets} upstream GETs`);
  } finally {
    await proxy.close();
  }
});

test("another caller's job is 404, as GET answers it", async () => {
  const proxy = await pushedProxy({ allowAnonymous: undefined, authorize: (req) => req.headers.get("x-user") ?? false });
  try {
    const { jobId } = await submit(proxy, { "x-user": "alice" });
    const bob = await open(proxy, jobId, { headers: { "x-user": "bob" } });
    const bobReads = await fetch(`${proxy.url}/api/reve/v2/jobs/${jobId}`, { headers: { "x-user": "bob" } });
    assert.equal(bob.status, 404);
    assert.deepEqual(await bob.json(), await bobReads.json());
    assert.equal((await open(proxy, jobId)).status, 401, "no session, no stream");
    assertChanges(await allEvents(await open(proxy, jobId, { headers: { "x-user": "alice" } })));
  } finally {
    await proxy.close();
  }
});

test("a caller that goes away midway leaves nothing running: no look upstream after it", async () => {
  const proxy = await pushedProxy();
  try {
    await emu.fault({ kind: "webhook_lost" });
    const { jobId } = await submit(proxy);
    const cut = new AbortController();
    const res = await open(proxy, jobId, { signal: cut.signal });
    for await (const e of serverSentEvents(res)) if (!e.comment) break;
    cut.abort();
    while (proxy.disconnects() === 0) await sleep(20);
    const gets = proxy.upstream.gets;
    // Until the job has ended at the service, and a while after: a stream still open would
    // have looked upstream (every event is lost) and ended.
    while ((await serviceJob(jobId)).status !== "COMPLETED") await sleep(100);
    await sleep(3000);
    assert.equal(proxy.upstream.gets, gets, "no upstream GET after the caller went away");
  } finally {
    await proxy.close();
  }
});

test("a jobRecords that fails loses nothing: no stream named, reads from the service, events refused 503 for redelivery", async () => {
  const broken = () => Promise.reject(new Error("store down: secret-detail"));
  const jobRecords = { get: broken, open: broken, update: broken, subscribe: broken };
  const proxy = await pushedProxy({ jobRecords });
  try {
    const { jobId, events } = await submit(proxy);
    assert.equal(events, null, "no stream is named for a job the store could not record");
    const read = await fetch(`${proxy.url}/api/reve/v2/jobs/${jobId}`);
    assert.equal(read.status, 200);
    assert.equal((await read.json()).id, jobId);
    assert.equal(proxy.upstream.gets, 1, "read from the service");
    const body = JSON.stringify({ event: "progress", jobId, status: "PROCESSING", progress: 50 });
    const hook = await fetch(proxy.webhookUrl, { method: "POST", headers: { "content-type": "application/json", "x-webhook-signature": signWebhook(KEY, body) }, body });
    assert.equal(hook.status, 503);
    assert.doesNotMatch(await hook.text(), /secret-detail/);
    assert.equal((await open(proxy, jobId)).status, 404);
  } finally {
    await proxy.close();
  }
});
