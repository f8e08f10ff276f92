// What reaches the service through the key-keeping proxy (createProxyHandler): three routes,
// with the proxy's own key, and a caller's abort.
// Driven as apps drive it, against the emulator: in Node (the handler called with Node's own
// Request) and in workerd (examples/worker through miniflare; skipped on Node 18).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ReveClient, createProxyHandler } from "apiframe-reve";
import { KEY } from "./support/emulator.mjs";
import {
  emu, inWorkerd, post, recordingFetch, sleep, upstreamCalls, useProxyEmulator, withSession, worker,
} from "./support/proxy-fixtures.mjs";

useProxyEmulator({ worker: true });

describe("what reaches the service: three routes, with the proxy's key", () => {
  test("in workerd, a browser-style client with no key runs a job through the proxy", inWorkerd, async () => {
    const client = new ReveClient({ baseUrl: `${worker.url}/api/reve`, expectedDurationMs: 300, fetch: (url, init) => fetch(url, withSession(init)) });
    const job = await client.run({ prompt: "A four-panel comic page", reveParams: { aspect_ratio: "3:4", seed: 3 } });
    assert.equal(job.status, "COMPLETED");
    const listed = await client.listJobs({ limit: 1 });
    assert.equal(listed.jobs[0].id, job.id);
  });

  test("in workerd, a key sent by the client is dropped; the proxy's own key is used", inWorkerd, async () => {
    const res = await fetch(`${worker.url}/api/reve/v2/images/generate`, withSession({
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "afk_attacker_key" },
      body: JSON.stringify({ prompt: "x" }),
    }));
    assert.equal(res.status, 202, "with the attacker's key the emulator would answer 401");
    const { jobId } = await res.json();
    const direct = await fetch(`${emu.url}/v2/jobs/${jobId}`, { headers: { "x-api-key": KEY } });
    assert.equal(direct.status, 200, "the job belongs to the proxy's key");
  });

  test("in workerd, paths and methods outside the allow-list never reach the service", inWorkerd, async () => {
    const before = await upstreamCalls();
    const id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
    for (const [method, path, status] of [
      ["GET", "/api/reve/v2/account", 404],
      ["GET", "/api/reve/v2/jobs/../../admin", 404],
      ["POST", "/api/reve/v2/jobs", 405],
      ["DELETE", `/api/reve/v2/jobs/${id}`, 405],
      ["GET", "/api/reve/v2/images/generate", 405],
      ["POST", "/api/reve/v1/images/generate", 404],
    ]) {
      const res = await fetch(`${worker.url}${path}`, withSession({ method }));
      assert.equal(res.status, status, `${method} ${path}`);
    }
    assert.equal(await upstreamCalls(), before);
  });

  test("it runs on Node's own Request and passes Idempotency-Key through", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, authorize: async (req) => req.headers.get("authorization") === "Bearer ok" });
    const submit = (headers) => handler(post(JSON.stringify({ prompt: "x" }), { headers }));
    const a = await submit({ authorization: "Bearer ok", "idempotency-key": "order-77" });
    const b = await submit({ authorization: "Bearer ok", "idempotency-key": "order-77" });
    assert.equal(a.status, 202);
    assert.match(a.headers.get("x-request-id"), /^req_/);
    assert.equal((await a.json()).jobId, (await b.json()).jobId, "the same key gave the same job");
    assert.equal((await submit({ authorization: "Bearer no" })).status, 401);
  });

  test("an unreachable upstream answers 502, not a crash", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: "http://127.0.0.1:9", allowAnonymous: true });
    const res = await handler(new Request("http://proxy.test/v2/jobs"));
    assert.equal(res.status, 502);
  });

  test("a caller's abort reaches the upstream request: its signal aborts and the service never finishes it", async () => {
    const upstream = recordingFetch();
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true, fetch: upstream.fetch });
    await emu.fault({ kind: "slow", route: "generate", delayMs: 2000 });
    const jobsBefore = (await emu.stats()).stats.jobsCreated;
    const caller = new AbortController();
    const answered = handler(post(JSON.stringify({ prompt: "never finished" }), { signal: caller.signal }));
    while (upstream.signals.length === 0) await sleep(5);
    await sleep(100);
    const t = performance.now();
    caller.abort();
    const res = await answered;
    assert.ok(performance.now() - t < 500, `answered ${Math.round(performance.now() - t)} ms after the abort`);
    assert.equal(upstream.signals[0].aborted, true, "the upstream request's signal aborted");
    assert.equal(res.status, 499);
    await sleep(2500);
    assert.equal((await emu.stats()).stats.jobsCreated, jobsBefore, "the service never finished the request");
  });
});
