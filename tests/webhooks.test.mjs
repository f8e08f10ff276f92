// Webhooks in plain Node, with no workerd (these also run under Node 18, where Web Crypto comes
// from node:crypto; see js/node-compat.js): a request subscribes to them, the emulator's signed
// deliveries reach a Node receiver and pass parseWebhook, and verifyWebhook and parseWebhook
// agree with independently computed signatures. (The Worker receiving them through the proxy is
// in tests/edge.test.mjs.)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { createServer } from "node:http";
import { ApiframeError, ReveClient, imageUrls, parseWebhook, verifyWebhook } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";

let emu;
const client = () => new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: 300 });
const sign = (body, key = KEY) =>
  `sha256=${createHmac("sha256", createHash("sha256").update(key).digest()).update(body).digest("hex")}`;

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
