// The client in Node against the emulator's faults: retries, idempotency keys, Retry-After,
// and the typed error of each failure it does not retry away.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { client, emu, failure, useEmulator } from "./support/client-fixtures.mjs";
import { KEY } from "./support/emulator.mjs";

useEmulator();

describe("retries and idempotency", () => {
  test("a lost submit answer is retried with the same key: exactly one job exists", async () => {
    await emu.fault({ kind: "lost_response", route: "generate" });
    const { jobId } = await client().generate({ prompt: "x" });
    const { stats } = await emu.stats();
    assert.equal(stats.generateRequests, 2);
    assert.equal(stats.jobsCreated, 1);
    assert.equal(stats.idempotentReplays, 1);
    assert.equal((await client().getJob(jobId)).id, jobId);
  });

  test("a caller's idempotencyKey makes a repeated submission return the first job", async () => {
    const c = client();
    const a = await c.generate({ prompt: "x" }, { idempotencyKey: "order-1234" });
    const b = await c.generate({ prompt: "x" }, { idempotencyKey: "order-1234" });
    assert.equal(a.jobId, b.jobId);
    assert.equal((await emu.stats()).stats.jobsCreated, 1);
    const e = await failure(() => c.generate({ prompt: "other" }, { idempotencyKey: "order-1234" }));
    assert.equal(e.code, "conflict");
    assert.equal(e.status, 409);
  });

  test("429 waits Retry-After, then succeeds", async () => {
    await emu.fault({ kind: "429", retryAfter: 1, route: "job" });
    const c = client();
    const { jobId } = await c.generate({ prompt: "x" });
    const t = performance.now();
    await c.getJob(jobId);
    assert.ok(performance.now() - t >= 900, "waited for Retry-After");
  });

  test("5xx beyond maxRetries rejects server, retryable, with status and request id", async () => {
    await emu.fault({ kind: "503", count: 3, route: "list" });
    const e = await failure(() => client({ maxRetries: 2 }).listJobs());
    assert.equal(e.code, "server");
    assert.equal(e.status, 503);
    assert.equal(e.retryable, true);
    assert.match(e.requestId, /^req_/);
    assert.equal((await emu.stats()).stats.listRequests, 3);
  });

  test("5xx within maxRetries is invisible to the caller", async () => {
    await emu.fault({ kind: "500", count: 2, route: "list" });
    const list = await client({ maxRetries: 2 }).listJobs();
    assert.deepEqual(list.jobs, []);
  });

  test("4xx other than 408 and 429 are never retried", async () => {
    const e = await failure(() => client({ apiKey: "afk_wrong" }).listJobs());
    assert.equal(e.code, "authentication");
    assert.equal(e.status, 401);
    assert.equal((await emu.stats()).stats.listRequests, 1);
  });

  test("an HTML error page and malformed JSON become typed server errors", async () => {
    await emu.fault({ kind: "html", route: "list" });
    let e = await failure(() => client({ maxRetries: 0 }).listJobs());
    assert.equal(e.code, "server");
    assert.equal(e.status, 502);
    assert.match(e.message, /text\/html/);
    await emu.fault({ kind: "malformed", route: "list" });
    e = await failure(() => client({ maxRetries: 0 }).listJobs());
    assert.equal(e.code, "server");
    assert.match(e.message, /not valid JSON/);
  });

  test("a reset connection is a retryable network error", async () => {
    await emu.fault({ kind: "reset", route: "list" });
    const e = await failure(() => client({ maxRetries: 0 }).listJobs());
    assert.equal(e.code, "network");
    assert.equal(e.retryable, true);
  });

  test("a slow answer beyond timeoutMs rejects timeout", async () => {
    await emu.fault({ kind: "slow", delayMs: 2000, route: "list" });
    const e = await failure(() => client({ timeoutMs: 150, maxRetries: 0 }).listJobs());
    assert.equal(e.code, "timeout");
  });

  test("an empty account rejects insufficient_credits with the counts", async () => {
    await emu.control("keys", { key: KEY, credits: 1 });
    const e = await failure(() => client().generate({ prompt: "x" }));
    assert.equal(e.code, "insufficient_credits");
    assert.equal(e.status, 402);
    assert.deepEqual(e.details, { creditsRequired: 4, creditsAvailable: 1 });
  });
});
