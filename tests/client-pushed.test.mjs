// A client whose baseUrl is a proxy with `webhookUrl` gets its jobs pushed, with no setting: it
// learns from the proxy's answers (their `Apiframe-Events` header) that a job stream exists and
// waits on it instead of polling; pointed at a proxy without one, it polls as before. Against the
// emulator (2 s jobs, webhooks to the proxy's route), the proxy served over HTTP on 127.0.0.1,
// the caller's requests counted through the client's `fetch` option.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler, ReveClient } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { failure, recordingFetch, serveProxy, sleep } from "./support/proxy-fixtures.mjs";

let emu;
before(async () => { emu = await startEmulator(["--job-ms", "2000"]); });
after(() => emu?.stop());

const proxies = [];
after(() => Promise.all(proxies.map((p) => p.close())));

/** A proxy on 127.0.0.1 (with `webhookUrl` unless `pushed` is false), its upstream counted. */
async function proxyOf({ pushed = true } = {}) {
  const upstream = recordingFetch();
  const served = await serveProxy((webhookUrl) => createProxyHandler({
    apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch,
    ...(pushed ? { webhookUrl } : {}),
  }));
  proxies.push(served);
  return { ...served, upstream };
}

/**
 * The caller's fetch: records each request (`method path`, and its `last-event-id`);
 * `answer(url, n)` may replace the answer of the n-th stream request (from 0).
 */
function callerFetch(answer = () => undefined) {
  const seen = [];
  let streams = 0;
  const fetchFn = async (url, init = {}) => {
    const path = new URL(url).pathname;
    const headers = new Headers(init.headers);
    seen.push({ what: `${init.method ?? "GET"} ${path}`, lastEventId: headers.get("last-event-id") });
    const response = await fetch(url, init);
    return path.endsWith("/events") ? (answer(response, streams++) ?? response) : response;
  };
  return { fetch: fetchFn, seen, what: () => seen.map((s) => s.what) };
}

const clientOf = (proxy, caller, opts = {}) => new ReveClient({ baseUrl: `${proxy.url}/api/reve`, fetch: caller.fetch, ...opts });

test("run through a proxy with webhookUrl: the submission and one stream, one upstream request, every change pushed", async () => {
  const proxy = await proxyOf();
  const caller = callerFetch();
  const progress = [];
  const job = await clientOf(proxy, caller).run({ prompt: "pushed" }, { onProgress: (j) => progress.push([j.status, j.progress]) });
  assert.equal(job.status, "COMPLETED");
  assert.deepEqual(caller.what(), ["POST /api/reve/v2/images/generate", `GET /api/reve/v2/jobs/${job.id}/events`]);
  assert.equal(proxy.upstream.gets, 0, "the proxy looked upstream for nothing: the webhooks told it");
  assert.equal(proxy.upstream.signals.length, 1, "one upstream request per image: the submission");
  assert.ok(progress.length >= 3, `changes pushed: ${JSON.stringify(progress)}`);
  assert.deepEqual(progress.at(-1), ["COMPLETED", 100]);
});

test("waitForJob of a job made earlier: one look learns the stream, the rest is pushed", async () => {
  const proxy = await proxyOf();
  const { jobId } = await clientOf(proxy, callerFetch()).generate({ prompt: "made earlier" });
  const caller = callerFetch();
  const job = await clientOf(proxy, caller).waitForJob(jobId);
  assert.equal(job.status, "COMPLETED");
  assert.deepEqual(caller.what(), [`GET /api/reve/v2/jobs/${jobId}`, `GET /api/reve/v2/jobs/${jobId}/events`]);
});

test("runMany and watchJob wait on the stream too", async () => {
  const proxy = await proxyOf();
  const caller = callerFetch();
  const client = clientOf(proxy, caller);
  const results = await client.runMany([{ prompt: "one" }, { prompt: "two" }]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled"]);
  const what = caller.what();
  assert.equal(what.filter((w) => w.startsWith("POST")).length, 2);
  assert.equal(what.filter((w) => w.endsWith("/events")).length, 2, what.join(", "));
  assert.equal(what.length, 4, "a submission and a stream per image");

  const { jobId } = await client.generate({ prompt: "watched" });
  const watcher = callerFetch();
  const statuses = [];
  for await (const job of clientOf(proxy, watcher).watchJob(jobId)) statuses.push(job.status);
  assert.equal(statuses.at(-1), "COMPLETED");
  assert.deepEqual(watcher.what(), [`GET /api/reve/v2/jobs/${jobId}`, `GET /api/reve/v2/jobs/${jobId}/events`]);
});

test("a stream cut midway is resumed from its last event, with no change reported twice", async () => {
  const proxy = await proxyOf();
  // The first stream breaks off after its first chunk (the job as held).
  const caller = callerFetch((response, n) => {
    if (n > 0) return undefined;
    const reader = response.body.getReader();
    let sent = false;
    const body = new ReadableStream({
      async pull(controller) {
        if (sent) {
          reader.cancel().catch(() => {});
          controller.error(new TypeError("terminated"));
          return;
        }
        const { value } = await reader.read();
        sent = true;
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  });
  const progress = [];
  const job = await clientOf(proxy, caller).run({ prompt: "cut" }, { onProgress: (j) => progress.push(`${j.status} ${j.progress}`) });
  assert.equal(job.status, "COMPLETED");
  const streams = caller.seen.filter((s) => s.what.endsWith("/events"));
  assert.equal(streams.length, 2, caller.what().join(", "));
  assert.equal(streams[0].lastEventId, null);
  assert.match(streams[1].lastEventId ?? "", /^\d+$/, "resumed from the last event");
  assert.equal(new Set(progress).size, progress.length, `no change twice: ${progress}`);
});

test("a stream cut inside an event resumes from the last whole one, and the cut bytes spoil nothing after", async () => {
  const proxy = await proxyOf();
  // The first stream passes its first chunk (the job as held), then the start of an event that
  // never ends (its id line, half its data, half a UTF-8 character), then breaks.
  const cut = new Uint8Array([...new TextEncoder().encode('id: 99\ndata: {"jobId":"x","status":"COMPL'), 0xe2, 0x82]);
  const caller = callerFetch((response, n) => {
    if (n > 0) return undefined;
    const reader = response.body.getReader();
    const chunks = [];
    const body = new ReadableStream({
      async pull(controller) {
        if (chunks.length === 0) {
          const { value } = await reader.read();
          chunks.push(value);
          controller.enqueue(value);
        } else if (chunks.length === 1) {
          chunks.push(cut);
          controller.enqueue(cut);
        } else {
          reader.cancel().catch(() => {});
          controller.error(new TypeError("terminated"));
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  });
  const progress = [];
  const job = await clientOf(proxy, caller).run({ prompt: "cut inside" }, { onProgress: (j) => progress.push(`${j.status} ${j.progress}`) });
  assert.equal(job.status, "COMPLETED");
  const what = caller.what();
  const streams = caller.seen.filter((s) => s.what.endsWith("/events"));
  assert.equal(streams.length, 2, what.join(", "));
  // The cut event's id was read, its end was not: the resumption asks from the event before.
  assert.match(streams[1].lastEventId ?? "", /^\d+$/);
  assert.notEqual(streams[1].lastEventId, "99", "an event never read whole is asked for again");
  // The second stream was read afresh, so its events (the last one included) were jobs: no look.
  assert.ok(what.every((w) => !/\/v2\/jobs\/[0-9a-f-]{36}$/.test(w)), `pushed to the end, no polling: ${what}`);
  assert.equal(new Set(progress).size, progress.length, `no change twice: ${progress}`);
});

test("a stream sending more of one event than any job's is left for polling at once, not opened again", async () => {
  const proxy = await proxyOf();
  // An event that never ends: 64 KiB chunks of one data line, past the reader's 1 MiB.
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  const caller = callerFetch((response, n) => {
    if (n > 0) return undefined;
    response.body.cancel().catch(() => {});
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        controller.enqueue(sent++ === 0 ? new TextEncoder().encode("id: 1\ndata: ") : chunk);
      },
    }, { highWaterMark: 0 });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  });
  const job = await clientOf(proxy, caller, { expectedDurationMs: 2000 }).run({ prompt: "endless event" });
  assert.equal(job.status, "COMPLETED");
  const what = caller.what();
  assert.equal(what.filter((w) => w.endsWith("/events")).length, 1, `not opened again: ${what}`);
  assert.ok(what.some((w) => /\/v2\/jobs\/[0-9a-f-]{36}$/.test(w)), `then polled: ${what}`);
});

test("a proxy without webhookUrl: the client polls, as it does the service", async () => {
  const proxy = await proxyOf({ pushed: false });
  const caller = callerFetch();
  const job = await clientOf(proxy, caller, { expectedDurationMs: 2000 }).run({ prompt: "polled" });
  assert.equal(job.status, "COMPLETED");
  assert.ok(caller.what().every((w) => !w.endsWith("/events")), caller.what().join(", "));
  assert.ok(caller.what().filter((w) => w.startsWith("GET")).length >= 1);
});

test("a stream that cannot be opened falls back to polling", async () => {
  const proxy = await proxyOf();
  const caller = callerFetch(() => new Response("no", { status: 404 }));
  const job = await clientOf(proxy, caller, { expectedDurationMs: 2000 }).run({ prompt: "refused stream" });
  assert.equal(job.status, "COMPLETED");
  const what = caller.what();
  assert.equal(what.filter((w) => w.endsWith("/events")).length, 1, "tried once");
  assert.ok(what.filter((w) => /\/v2\/jobs\/[0-9a-f-]{36}$/.test(w)).length >= 1, `then polled: ${what}`);
});

test("an abort ends the stream at once: its connection closes and no request follows", async () => {
  const proxy = await proxyOf();
  const caller = callerFetch();
  const controller = new AbortController();
  const client = clientOf(proxy, caller);
  const e = await failure(client.run({ prompt: "aborted" }, {
    signal: controller.signal,
    onProgress: () => controller.abort(),
  }));
  assert.equal(e.code, "aborted");
  assert.match(e.jobId, /^[0-9a-f-]{36}$/);
  const sent = caller.seen.length;
  await sleep(500);
  assert.equal(proxy.disconnects(), 1, "the stream's connection was closed");
  assert.equal(caller.seen.length, sent, "no request after the abort");
});
