// Webhooks end the wait: a proxy given `webhookUrl` sends every submission with it, receives the
// service's signed events at that path (a local Node http server hands them to the handler, as
// an app's server would), and answers reads of its jobs from what they said. Against the
// emulator and its webhook faults: duplicate, out-of-order, late, lost and forged events.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler, ReveClient } from "apiframe-reve";
import { KEY } from "./support/emulator.mjs";
import {
  clientOf, emu, failure, recordingFetch, serveProxy, signWebhook, sleep, UNKNOWN, useProxyEmulator,
} from "./support/proxy-fixtures.mjs";

useProxyEmulator();

/** The job as the service has it. */
const serviceJob = async (id) => (await fetch(`${emu.url}/v2/jobs/${id}`, { headers: { "x-api-key": KEY } })).json();

/** Waits until the service has made every delivery of the job (its webhookStatus leaves "pending"). */
async function deliveriesOver(id) {
  while ((await serviceJob(id)).webhookStatus === "pending") await sleep(50);
  const { deliveries } = await emu.control("webhooks", undefined, "GET");
  return deliveries.filter((d) => d.jobId === id);
}

/** A proxy served on 127.0.0.1 with `webhookUrl` at its webhook route, its upstream requests counted. */
async function pushedProxy(options = {}) {
  const upstream = recordingFetch();
  const served = await serveProxy((webhookUrl) => createProxyHandler({
    apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch, webhookUrl, ...options,
  }));
  return { ...served, upstream, client: new ReveClient({ baseUrl: `${served.url}/api/reve` }) };
}

/** A GET of `/api/reve/v2/jobs/{id}` straight to the handler. */
const read = (proxy, id, headers = {}) => proxy.handler(new Request(`${proxy.url}/api/reve/v2/jobs/${id}`, { headers }));

describe("a proxy with webhookUrl", () => {
  let proxy;
  before(async () => { proxy = await pushedProxy(); });
  after(() => proxy.close());

  test("every submission is sent with the proxy's webhook and every event; a caller's own is refused 400, naming the field", async () => {
    const { jobId } = await proxy.client.generate({ prompt: "sent with the proxy's hook" });
    const { input } = await serviceJob(jobId);
    assert.equal(input.webhookUrl, proxy.webhookUrl);
    assert.deepEqual(input.webhookEvents, ["progress", "completed", "failed"]);
    const created = (await emu.stats()).stats.jobsCreated;
    for (const [field, extra] of [["webhookUrl", { webhookUrl: "https://elsewhere.example/hook" }], ["webhookUrl", { webhook_url: "https://elsewhere.example/hook" }], ["webhookEvents", { webhookEvents: ["completed"] }]]) {
      const res = await proxy.handler(new Request(`${proxy.url}/api/reve/v2/images/generate`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "mine", ...extra }),
      }));
      assert.equal(res.status, 400);
      const { details } = await res.json();
      assert.match(details[field][0], /this proxy receives the job's events itself/, JSON.stringify(details));
      const e = await failure(proxy.client.generate({ prompt: "mine", ...extra }));
      assert.equal(e.code, "invalid_request");
    }
    assert.equal((await emu.stats()).stats.jobsCreated, created, "nothing refused reached the service");
  });

  test("the job ends from its events: no upstream GET, and none once the record is final", async () => {
    const before = proxy.upstream.gets;
    const seen = [];
    const job = await proxy.client.run({ prompt: "pushed" }, { onProgress: (j) => seen.push(j.progress ?? 0) });
    assert.equal(job.status, "COMPLETED");
    await deliveriesOver(job.id);
    const service = await serviceJob(job.id);
    assert.deepEqual(job.result, service.result, "the completed event's result");
    assert.equal(job.creditCost, service.creditCost);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), "progress never goes back");
    for (let i = 0; i < 3; i++) {
      const again = await proxy.client.getJob(job.id);
      assert.equal(again.status, "COMPLETED");
      assert.deepEqual(again.input, service.input);
    }
    assert.equal(proxy.upstream.gets, before, "every read answered from the record");
  });

  test("duplicate, out-of-order and late events never move the record back", async () => {
    for (const faults of [
      [{ kind: "webhook_out_of_order" }, { kind: "webhook_duplicate" }],
      [{ kind: "webhook_delay", event: "progress", delayMs: 800 }, { kind: "webhook_duplicate", event: "completed" }],
    ]) {
      await emu.fault(faults);
      const before = proxy.upstream.gets;
      const { jobId } = await proxy.client.generate({ prompt: "shuffled events" });
      const deliveries = await deliveriesOver(jobId);
      assert.ok(deliveries.every((d) => d.status === 204), JSON.stringify(deliveries));
      const last = deliveries.at(-1);
      assert.equal(last.event, "progress", "a progress event came after the completed one");
      const job = await (await read(proxy, jobId)).json();
      assert.equal(job.status, "COMPLETED", JSON.stringify(faults));
      assert.equal(job.progress, 100);
      assert.deepEqual(job.result, (await serviceJob(jobId)).result);
      assert.equal(proxy.upstream.gets, before);
    }
  });

  test("forged events answer 401 and change nothing; bad or huge bodies are refused", async () => {
    await emu.fault({ kind: "webhook_lost" });
    const { jobId } = await proxy.client.generate({ prompt: "forged" });
    const forged = JSON.stringify({ event: "completed", jobId, status: "COMPLETED", progress: 100, result: { images: ["https://evil.example/x.png"] } });
    const post = (body, headers = {}) => fetch(proxy.webhookUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    for (const signature of [undefined, signWebhook("afk_someone_else", forged), signWebhook(KEY, `${forged} `), "sha256=00"]) {
      const res = await post(forged, signature ? { "x-webhook-signature": signature } : {});
      assert.equal(res.status, 401, String(signature));
      assert.ok(!(await res.text()).includes(KEY));
    }
    const job = await (await read(proxy, jobId)).json();
    assert.notEqual(job.status, "COMPLETED");
    assert.ok(!JSON.stringify(job).includes("evil.example"));

    const notJson = "{not json";
    assert.equal((await post(notJson, { "x-webhook-signature": signWebhook(KEY, notJson) })).status, 400);
    const noEvent = JSON.stringify({ event: "boom", jobId });
    assert.equal((await post(noEvent, { "x-webhook-signature": signWebhook(KEY, noEvent) })).status, 400);
    const huge = JSON.stringify({ event: "progress", jobId, pad: "x".repeat(40_000) });
    assert.equal((await post(huge, { "x-webhook-signature": signWebhook(KEY, huge) })).status, 413);
    assert.equal((await fetch(proxy.webhookUrl)).status, 405);

    // The service's own deliveries, signed with another key: refused, and the job still ends.
    await emu.fault({ kind: "webhook_bad_signature", event: "completed" });
    const done = await proxy.client.run({ prompt: "badly signed" });
    assert.equal(done.status, "COMPLETED");
    const deliveries = await deliveriesOver(done.id);
    assert.ok(deliveries.filter((d) => d.event === "completed").every((d) => d.status === 401), JSON.stringify(deliveries));
  });

  test("a lost webhook loses no job: the proxy looks upstream when events stop", async () => {
    await emu.fault({ kind: "webhook_lost", event: "completed" });
    const before = proxy.upstream.gets;
    const job = await proxy.client.run({ prompt: "its completed event is lost" });
    assert.equal(job.status, "COMPLETED");
    assert.deepEqual(job.result, (await serviceJob(job.id)).result);
    assert.ok(proxy.upstream.gets > before, "the end was seen upstream");
    const looks = proxy.upstream.gets;
    assert.equal((await proxy.client.getJob(job.id)).status, "COMPLETED");
    assert.equal(proxy.upstream.gets, looks, "a final record is never looked up again");
  });

  test("reads of an aged record at once make one look upstream between them", async () => {
    await emu.fault({ kind: "webhook_lost" });
    const { jobId } = await proxy.client.generate({ prompt: "read by many tabs" });
    const before = proxy.upstream.gets;
    // No event heard: past the wait for a first event (twice what first events took here, the
    // earlier tests' jobs, and at least 5 s: longer than the schedule's first wait).
    await sleep(5500);
    const answers = await Promise.all(Array.from({ length: 5 }, () => read(proxy, jobId)));
    assert.ok(answers.every((r) => r.status === 200));
    assert.equal(proxy.upstream.gets, before + 1);
  });

  test("a replay of an ended job through a fresh proxy is read from the service, result and all", async () => {
    const first = await proxy.client.run({ prompt: "replayed later" }, { idempotencyKey: "replay-after-restart" });
    // The same proxy restarted: a new instance with the same options, its memory empty.
    const upstream = recordingFetch();
    const restarted = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch, webhookUrl: proxy.webhookUrl });
    const client = new ReveClient({ baseUrl: `${proxy.url}/api/reve`, fetch: (url, init) => restarted(new Request(url, init)) });
    const { jobId, status } = await client.generate({ prompt: "replayed later" }, { idempotencyKey: "replay-after-restart" });
    assert.equal(jobId, first.id);
    assert.equal(status, "COMPLETED");
    const job = await client.getJob(jobId);
    assert.deepEqual(job.result, first.result);
    assert.equal(upstream.gets, 1, "no record opened: read from the service");
  });

  test("an event for a job this proxy did not submit is answered 2xx and recorded nowhere", async () => {
    const res = await fetch(`${emu.url}/v2/images/generate`, {
      method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY },
      body: JSON.stringify({ prompt: "submitted elsewhere", model: "reve-create", webhookUrl: proxy.webhookUrl }),
    });
    const { jobId } = await res.json();
    const deliveries = await deliveriesOver(jobId);
    assert.equal(deliveries.length, 4);
    assert.ok(deliveries.every((d) => d.status === 204));
    const before = proxy.upstream.gets;
    const job = await (await read(proxy, jobId)).json();
    assert.equal(job.status, "COMPLETED");
    assert.equal(proxy.upstream.gets, before + 1, "read from the service: the proxy holds no record of it");
  });
});

describe("a proxy with webhookUrl and many users", () => {
  let proxy;
  before(async () => { proxy = await pushedProxy({ allowAnonymous: undefined, authorize: (req) => req.headers.get("x-user") ?? false }); });
  after(() => proxy.close());

  test("another caller's job answers 404 as an unknown one, from the record or not", async () => {
    const alice = clientOf(proxy.handler, "alice");
    const job = await alice.run({ prompt: "alice's pushed job" });
    assert.equal(job.status, "COMPLETED");
    const before = proxy.upstream.gets;
    const [foreign, unknown] = [await read(proxy, job.id, { "x-user": "bob" }), await read(proxy, UNKNOWN, { "x-user": "bob" })];
    assert.equal(foreign.status, 404);
    assert.equal(await foreign.text(), await unknown.text());
    assert.equal((await alice.getJob(job.id)).status, "COMPLETED");
    assert.equal(proxy.upstream.gets, before);
  });
});

test("webhookUrl must be an absolute http(s) URL off the proxy's routes", () => {
  for (const webhookUrl of ["/api/reve/webhook", "ftp://my.site/hook", "https://my.site/api/reve/v2/jobs", 42]) {
    assert.throws(() => createProxyHandler({ apiKey: KEY, prefix: "/api/reve", allowAnonymous: true, webhookUrl }),
      (e) => e.details?.field === "webhookUrl" && !e.message.includes(KEY), String(webhookUrl));
  }
});
