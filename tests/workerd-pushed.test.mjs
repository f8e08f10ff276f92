// Webhooks on Cloudflare Workers: examples/worker with PUBLIC_URL keeps each job's record in a
// Durable Object (the package's JobRecordsObject through durableJobRecords), so the webhook
// received by one isolate moves the event stream served by another. Two Workers made from the
// example in one workerd (miniflare: real Durable Objects), each its own script with its own
// memory and port, as two isolates of one deployment: the emulator's webhooks reach the first,
// the callers' streams are served by the second. Against the emulator (jobs of 2 s). And the
// four methods of durableJobRecords on their own (tests/workerd/records-worker.mjs).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { assertChanges, EXAMPLE_WORKER, signWebhook, streamedEvents, WORKERD_SKIP } from "./support/proxy-fixtures.mjs";

const skip = WORKERD_SKIP;
const ALICE = "alice-token";
const BOB = "bob-token";
const as = (token, init = {}) => ({ ...init, headers: { ...init.headers, cookie: `session=${token}` } });

const here = dirname(fileURLToPath(import.meta.url));
let emu, workers, hooked, streaming, records;
before(async () => {
  if (skip) return;
  emu = await startEmulator(["--job-ms", "2000"]);
  const { startWorker, startWorkers } = await import("./support/workerd.mjs");
  records = await startWorker(join(here, "workerd", "records-worker.mjs"), { durableObjects: { RECORDS: "ShortRecords" } });
  workers = await startWorkers(EXAMPLE_WORKER, 2, {
    kvNamespaces: ["JOBS"],
    durableObjects: { JOB_RECORDS: "JobRecordsObject" },
    bindings: (urls) => ({
      APIFRAME_API_KEY: KEY,
      APIFRAME_BASE_URL: emu.url,
      SESSIONS: `${ALICE}:alice,${BOB}:bob`,
      ALLOW_ANONYMOUS: "false",
      // The public address, where the service's webhooks land: the first isolate.
      PUBLIC_URL: urls[0],
    }),
  });
  [hooked, streaming] = workers.urls;
});
after(async () => {
  await records?.stop();
  await workers?.stop();
  await emu?.stop();
});

/** The service's GETs of jobs so far (none are made while webhooks flow). */
const upstreamGets = async () => (await emu.stats()).stats.jobRequests;

/** Submits a job as alice through the Worker at `url`: its id and the 202's `Apiframe-Events`. */
async function submit(url, prompt = "one Worker, two isolates") {
  const res = await fetch(`${url}/api/reve/v2/images/generate`, as(ALICE, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt }),
  }));
  assert.equal(res.status, 202, await res.clone().text());
  return { jobId: (await res.json()).jobId, events: res.headers.get("apiframe-events") };
}

/** Every event of alice's stream at `path` of the Worker at `url`, to its end. */
const streamed = (url, path) => streamedEvents(`${url}${path}`, as(ALICE));

/** The emulator's deliveries of `jobId` (from its log, not its API: no GET counted), once its completed event has gone out. */
async function deliveriesOf(jobId) {
  for (;;) {
    const { deliveries } = await emu.control("webhooks", undefined, "GET");
    const mine = deliveries.filter((d) => d.jobId === jobId);
    if (mine.some((d) => d.event === "completed")) return mine;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("the webhook received by one isolate moves the stream another serves: every change pushed, no upstream GET", { skip }, async () => {
  const gets = await upstreamGets();
  const { jobId, events } = await submit(hooked);
  assert.equal(events, `/api/reve/v2/jobs/${jobId}/events`);
  const seen = await streamed(streaming, events);
  assert.ok(seen.length >= 3, `the held job, its progress, its end: ${seen.length} events`);
  assertChanges(seen);
  const progress = seen.map((e) => e.data.progress ?? 0);
  assert.deepEqual(progress, [...progress].sort((x, y) => x - y), "progress never goes back");
  const mine = await deliveriesOf(jobId);
  assert.ok(mine.length >= 2, JSON.stringify(mine));
  for (const d of mine) {
    assert.equal(d.url, `${hooked}/api/reve/webhook`, "each event went to the first isolate, in a request of its own");
    assert.equal(d.status, 204, JSON.stringify(d));
  }
  const read = await fetch(`${streaming}/api/reve/v2/jobs/${jobId}`, as(ALICE));
  assert.equal(read.headers.get("apiframe-events"), events);
  assert.deepEqual(await read.json(), seen.at(-1).data, "a read from the Durable Object's record");
  assert.equal(await upstreamGets(), gets, "every change came through the webhook and the Durable Object");
});

test("a ReveClient in Node pointed at the Worker waits with two requests: the submission and the stream", { skip }, async () => {
  const { ReveClient } = await import("apiframe-reve");
  const sent = [];
  const client = new ReveClient({
    baseUrl: `${streaming}/api/reve`,
    fetch: (url, init = {}) => {
      sent.push(`${init.method ?? "GET"} ${new URL(url).pathname}`);
      const headers = new Headers(init.headers);
      headers.set("cookie", `session=${ALICE}`);
      return fetch(url, { ...init, headers });
    },
  });
  const gets = await upstreamGets();
  const progress = [];
  const job = await client.run({ prompt: "waited on the stream" }, { onProgress: (j) => progress.push(j.progress ?? 0) });
  assert.equal(job.status, "COMPLETED");
  assert.ok(job.result.images.length > 0);
  assert.deepEqual(sent, ["POST /api/reve/v2/images/generate", `GET /api/reve/v2/jobs/${job.id}/events`]);
  assert.ok(progress.length >= 2, `changes reported as pushed: ${progress}`);
  assert.deepEqual(progress, [...progress].sort((x, y) => x - y));
  assert.equal(await upstreamGets(), gets);
});

test("lost webhooks: the stream still ends, looking upstream itself, and records it for every isolate", { skip }, async () => {
  await emu.fault({ kind: "webhook_lost" });
  const gets = await upstreamGets();
  const { jobId, events } = await submit(hooked, "nothing pushed");
  const seen = await streamed(streaming, events);
  assertChanges(seen);
  assert.ok((await upstreamGets()) > gets, "the streaming isolate looked upstream");
  const mine = await deliveriesOf(jobId);
  assert.ok(mine.length > 0 && mine.every((d) => d.status === null), "every event was lost");
  const other = await (await fetch(`${hooked}/api/reve/v2/jobs/${jobId}`, as(ALICE))).json();
  assert.equal(other.status, "COMPLETED", "the look was recorded in the Durable Object");
});

test("another caller's job is 404, its stream too, with nothing of it", { skip }, async () => {
  const { jobId, events } = await submit(hooked, "alice's");
  for (const url of [hooked, streaming]) {
    for (const path of [events, `/api/reve/v2/jobs/${jobId}`]) {
      const res = await fetch(`${url}${path}`, as(BOB));
      assert.equal(res.status, 404, path);
      assert.ok(!(await res.text()).includes(jobId));
    }
  }
  assert.equal((await fetch(`${streaming}${events}`, as(ALICE))).status, 200, "alice's own stream opens");
});

test("a forged webhook is refused 401 and changes nothing", { skip }, async () => {
  await emu.fault({ kind: "webhook_lost" });
  const { jobId } = await submit(hooked, "forged");
  const body = JSON.stringify({ event: "completed", jobId, status: "COMPLETED", progress: 100, result: { images: ["https://evil.example/x.png"] } });
  for (const signature of [undefined, signWebhook("afk_someone_else", body), signWebhook(KEY, `${body} `), "sha256=00"]) {
    const res = await fetch(`${hooked}/api/reve/webhook`, {
      method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-webhook-signature": signature } : {}) }, body,
    });
    assert.equal(res.status, 401, String(signature));
    assert.ok(!(await res.text()).includes(KEY));
  }
  for (const url of [hooked, streaming]) {
    const job = await (await fetch(`${url}/api/reve/v2/jobs/${jobId}`, as(ALICE))).json();
    assert.equal(job.id, jobId);
    assert.ok(!JSON.stringify(job).includes("evil.example"), "nothing forged was recorded");
  }
});

test("durableJobRecords: concurrent updates each land once, a subscriber hears each, a missing record merges nothing", { skip }, async () => {
  const res = await records.fetch("/concurrent?id=concurrent");
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual([...body.list].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "no write lost");
  assert.ok(body.merges > 10, `the writes that lost a race merged again: ${body.merges} merges`);
  assert.equal(body.heard, 10, "one change told per write");
  assert.deepEqual(body.missing, []);
});

test("JobRecordsObject: a record is opened once, and its storage deleted when its time is over (a storage alarm)", { skip }, async () => {
  const open = async (record) => (await (await records.fetch(`/open?id=kept&record=${record}`)).json()).record;
  assert.equal(await open("first"), "first");
  assert.equal(await open("second"), "first", "an existing record is kept");
  let record = "first";
  for (let i = 0; i < 100 && record !== null; i++) {
    await new Promise((r) => setTimeout(r, 50));
    ({ record } = await (await records.fetch("/get?id=kept")).json());
  }
  assert.equal(record, null, "the alarm deleted it");
});

test("durableJobRecords refuses what is not a Durable Object namespace, saying what to bind", { skip }, async () => {
  const body = await (await records.fetch("/not-a-namespace")).json();
  assert.equal(body.threw, true);
  assert.equal(body.isApiframeError, true);
  assert.equal(body.code, "invalid_request");
  assert.match(body.message, /JobRecordsObject in wrangler.toml/);
});
