// The package inside workerd (Cloudflare Workers' runtime) through miniflare.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
let emu, worker, images, many;
const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

before(async () => {
  emu = await startEmulator(["--job-ms", "400"]);
  const bindings = { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url };
  worker = await startWorker(join(here, "workerd", "worker.mjs"), { bindings });
  images = await startWorker(join(here, "workerd", "images-worker.mjs"), { bindings });
  many = await startWorker(join(here, "workerd", "many-worker.mjs"), { bindings });
});
after(async () => {
  await worker?.stop();
  await images?.stop();
  await many?.stop();
  await emu?.stop();
});

test("the workerd entry was picked and its .wasm import became a compiled module", () => {
  assert.deepEqual(worker.wasmImports, ["./apiframe_reve_bg.wasm"]);
});

test("a Worker runs a job to completion", async () => {
  const res = await worker.fetch("/run");
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.status, "COMPLETED");
  assert.equal(body.statuses.at(-1), "COMPLETED");
  assert.match(body.urls[0], /\/files\/[0-9a-f-]{36}\.png$/);
});

test("bad input is a typed ApiframeError inside the Worker, and nothing is sent", async () => {
  const before = (await emu.stats()).stats.generateRequests;
  const body = await (await worker.fetch("/invalid")).json();
  assert.equal(body.isApiframeError, true);
  assert.equal(body.code, "invalid_request");
  assert.equal(body.field, "webhookEvents");
  assert.equal((await emu.stats()).stats.generateRequests, before);
});

test("retries work with workerd's timers, and the instance survives errors", async () => {
  await emu.fault({ kind: "503", count: 2, route: "list" });
  const res = await worker.fetch("/list");
  assert.equal(res.status, 200);
  await emu.fault({ kind: "malformed", count: 3, route: "list" });
  const failed = await (await worker.fetch("/list")).json();
  assert.equal(failed.code, "server");
  assert.equal((await worker.fetch("/list")).status, 200, "the next call in the same isolate works");
});

test("an abort inside the Worker rejects AbortError with the jobId", async () => {
  const body = await (await worker.fetch("/abort")).json();
  assert.equal(body.name, "AbortError");
  assert.equal(body.code, "aborted");
  assert.match(body.jobId, /^[0-9a-f-]{36}$/);
});

test("downloadImages in a Worker: the PNG's bytes, and no key sent to the output host", async () => {
  await emu.reset();
  const res = await images.fetch("/download");
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.length, 1);
  assert.equal(body[0].mediaType, "image/png");
  assert.deepEqual(body[0].head, PNG_HEAD);
  assert.ok(body[0].length > 1000);
  const { stats } = await emu.stats();
  assert.equal(stats.fileRequests, 1);
  assert.equal(stats.fileRequestsWithCredentials, 0);
});

test("the AI SDK's generateImage in a Worker: two images, the size sent as its ratio with a warning", async () => {
  await emu.reset();
  const res = await images.fetch("/generate");
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.images.length, 2);
  for (const i of body.images) {
    assert.equal(i.mediaType, "image/png");
    assert.deepEqual(i.head, PNG_HEAD);
  }
  assert.deepEqual(body.meta.map((m) => m.aspectRatio), ["16:9", "16:9"]);
  assert.equal(body.warnings[0].feature, "size");
  assert.equal((await emu.stats()).stats.jobsCreated, 2);
});

test("generateImage in a Worker refuses a ratio Reve lacks before sending, as an ApiframeError", async () => {
  await emu.reset();
  const body = await (await images.fetch("/bad-ratio")).json();
  assert.equal(body.isApiframeError, true, JSON.stringify(body));
  assert.equal(body.field, "aspectRatio");
  assert.equal((await emu.stats()).stats.generateRequests, 0);
});

test("runMany in a Worker: in order, a bad request alone refused, and a 429 holds every request of the client", async () => {
  await emu.reset();
  await emu.fault({ kind: "429", retryAfter: 1, route: "generate" });
  const res = await many.fetch("/many");
  const { results, log } = await res.json();
  assert.equal(res.status, 200);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected"]);
  assert.equal(results[5].code, "invalid_request");
  assert.equal((await emu.stats()).stats.jobsCreated, 5, "one job per request");
  const [limited] = log.filter((e) => e.status === 429);
  assert.ok(limited, "the 429 came");
  const inside = log.filter((e) => e.sentAt > limited.answeredAt && e.sentAt < limited.answeredAt + limited.retryAfterMs - 5);
  assert.deepEqual(inside, [], "nothing sent inside the Retry-After window");
});

test("watchJob in a Worker yields the changes, COMPLETED last", async () => {
  const { seen } = await (await many.fetch("/watch")).json();
  assert.ok(seen.length >= 2, JSON.stringify(seen));
  assert.equal(seen.at(-1), "COMPLETED");
});
