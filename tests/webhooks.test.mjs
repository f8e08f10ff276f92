// Webhooks, one feature in one file. In plain Node (these also run under Node 18, where Web
// Crypto comes from node:crypto; see js/node-compat.js): a request subscribes to them, the
// emulator's signed deliveries reach a Node receiver and pass parseWebhook, and verifyWebhook
// and parseWebhook agree with independently computed signatures. In workerd: examples/worker's
// receiver takes the emulator's signed deliveries (skipped on Node 18, where miniflare does not
// load).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { createServer } from "node:http";
import { ApiframeError, ReveClient, imageUrls, parseWebhook, verifyWebhook } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { WORKERD_SKIP, startExampleWorker } from "./support/proxy-fixtures.mjs";

let emu;
const client = () => new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: 300 });
const sign = (body, key = KEY) =>
  `sha256=${createHmac("sha256", createHash("sha256").update(key).digest()).update(body).digest("hex")}`;

const SESSION = "s3ssion-token";
const withSession = (init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("cookie", `session=${SESSION}`);
  return { ...init, headers };
};

before(async () => { emu = await startEmulator(["--job-ms", "300"]); });
after(() => emu?.stop());

describe("signatures", () => {
  test("verifyWebhook and parseWebhook in Node, against independently computed signatures", async () => {
    const vector = "7945c58a3185015aece7682cf1cf8b397c92e24d48f736a1720e9ee7f7bd7983"; // HMAC of "{}", see emulator/src/webhook.rs
    assert.equal(await verifyWebhook({ apiKey: KEY, body: "{}", signature: `sha256=${vector}` }), true);
    assert.equal(await verifyWebhook({ apiKey: KEY, body: "{}", signature: vector }), true);
    assert.equal(await verifyWebhook({ apiKey: KEY, body: new TextEncoder().encode("{}"), signature: vector }), true);
    assert.equal(await verifyWebhook({ apiKey: KEY, body: new TextEncoder().encode("{}").buffer, signature: vector }), true);
    assert.equal(await verifyWebhook({ apiKey: KEY, body: "{ }", signature: vector }), false);
    assert.equal(await verifyWebhook({ apiKey: "afk_other", body: "{}", signature: vector }), false);
    assert.equal(await verifyWebhook({ apiKey: KEY, body: "{}", signature: "sha256=nothex" }), false);
    assert.equal(await verifyWebhook({ apiKey: KEY, body: "{}", signature: null }), false);

    const event = JSON.stringify({ event: "failed", jobId: "j-2", status: "FAILED", error: "boom", model: "reve-create", extra: 1 });
    const parsed = await parseWebhook({ apiKey: KEY, body: event, signature: sign(event) });
    assert.deepEqual(parsed, JSON.parse(event));
    await assert.rejects(parseWebhook({ apiKey: KEY, body: event, signature: sign("x") }), (e) => e instanceof ApiframeError && e.code === "authentication");
    const notEvent = JSON.stringify({ hello: 1 });
    await assert.rejects(parseWebhook({ apiKey: KEY, body: notEvent, signature: sign(notEvent) }), (e) => e.code === "invalid_request");
    await assert.rejects(verifyWebhook({ apiKey: KEY, body: { parsed: true }, signature: vector }), (e) => e.code === "invalid_request" && e.details.field === "body");
  });
});

describe("subscribing", () => {
  test("webhook_url is accepted and sent as webhookUrl; undefined fields are left out", async () => {
    const c = client();
    const { jobId } = await c.generate({
      prompt: "x",
      webhook_url: "http://127.0.0.1:9/hook",
      webhookEvents: ["completed"],
      reveParams: { seed: undefined, aspect_ratio: "16:9" },
    });
    const job = await c.getJob(jobId);
    assert.equal(job.input.webhookUrl, "http://127.0.0.1:9/hook");
    assert.equal(job.input.webhook_url, undefined);
    assert.deepEqual(job.input.reveParams, { aspect_ratio: "16:9" });
    assert.equal(job.input.model, "reve-create");
  });

  test("the emulator's deliveries reach a Node receiver signed, and parseWebhook reads each", async () => {
    const received = [];
    const receiver = createServer(async (req, res) => {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      received.push({ event: req.headers["x-webhook-event"], signature: req.headers["x-webhook-signature"], body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
    await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const webhookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
      const job = await client().run({ prompt: "poster", webhookUrl });
      for (let i = 0; i < 100 && !received.some((d) => d.event === "completed"); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(received.map((d) => d.event), ["progress", "progress", "progress", "completed"]);
      const events = [];
      for (const d of received) events.push(await parseWebhook({ apiKey: KEY, body: d.body, signature: d.signature }));
      assert.ok(events.every((e) => e.jobId === job.id), JSON.stringify(events));
      const progress = events.slice(0, 3).map((e) => e.progress);
      assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress rises");
      const done = events[3];
      assert.deepEqual([done.status, done.progress, done.result.images], ["COMPLETED", 100, imageUrls(job)]);
      const tampered = received[3].body.replace("COMPLETED", "FAILED");
      await assert.rejects(parseWebhook({ apiKey: KEY, body: tampered, signature: received[3].signature }), (e) => e.code === "authentication");
      let status;
      for (let i = 0; i < 100 && (status = (await client().getJob(job.id)).webhookStatus) === "pending"; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(status, "delivered");
    } finally {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe("webhooks in workerd: examples/worker's receiver", () => {
  let wemu, worker;
  before(async () => {
    if (WORKERD_SKIP) return;
    wemu = await startEmulator(["--job-ms", "500"]);
    // Listening on a port: the emulator delivers its webhooks to the Worker over HTTP.
    worker = await startExampleWorker({
      port: 0,
      kvNamespaces: ["JOBS"],
      bindings: { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: wemu.url, SESSIONS: `${SESSION}:alice`, ALLOW_ANONYMOUS: "false" },
    });
  });
  after(async () => {
    await worker?.stop();
    await wemu?.stop();
  });

  test("the emulator's signed webhooks are accepted and the final state is stored", { skip: WORKERD_SKIP }, async () => {
    const client = new ReveClient({ baseUrl: `${worker.url}/api/reve`, expectedDurationMs: 500, fetch: (u, i) => fetch(u, withSession(i)) });
    const job = await client.run({ prompt: "flyer", webhookUrl: `${worker.url}/webhooks/reve` });
    const kv = await worker.mf.getKVNamespace("JOBS");
    let stored = null;
    for (let i = 0; i < 50 && stored?.event !== "completed"; i++) {
      stored = await kv.get(`job:${job.id}`, "json");
      if (stored?.event !== "completed") await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(stored?.event, "completed");
    assert.equal(stored.status, "COMPLETED");
    const { deliveries } = await (await fetch(`${wemu.url}/__emulator/webhooks`)).json();
    const mine = deliveries.filter((d) => d.jobId === job.id);
    assert.ok(mine.length >= 4, "progress and completed events");
    assert.ok(mine.every((d) => d.status === 204), JSON.stringify(mine));
  });

  test("a tampered or unsigned webhook is refused; replays and late events change nothing", { skip: WORKERD_SKIP }, async () => {
    const body = JSON.stringify({ event: "completed", jobId: "j-1", status: "COMPLETED", progress: 100, result: { images: ["u"] }, model: "reve-create" });
    const post = (b, signature) => fetch(`${worker.url}/webhooks/reve`, {
      method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-webhook-signature": signature } : {}) }, body: b,
    });
    assert.equal((await post(body, sign(body.replace("COMPLETED", "FAILED")))).status, 401);
    assert.equal((await post(body.replace("\"u\"", "\"evil\""), sign(body))).status, 401);
    assert.equal((await post(body)).status, 401);
    assert.equal((await post(body, sign(body, "afk_other"))).status, 401);
    assert.equal((await post(body, sign(body).slice("sha256=".length))).status, 204, "bare hex is accepted");
    assert.equal((await post(body, sign(body))).status, 204, "a duplicate is fine");
    const late = JSON.stringify({ event: "progress", jobId: "j-1", status: "PROCESSING", progress: 50, model: "reve-create" });
    assert.equal((await post(late, sign(late))).status, 204);
    const kv = await worker.mf.getKVNamespace("JOBS");
    assert.equal((await kv.get("job:j-1", "json")).event, "completed", "a late progress event does not undo completion");
  });
});
