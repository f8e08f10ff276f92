// Many images at once, in Node, as a user drives them: runMany, the client's shared rate-limit
// gate (against queued 429s and the emulator's real token bucket), and watchJob. A recording
// fetch gives the client's own view: when each request was sent, and when each 429 came back.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ReveClient, ApiframeError } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";

const JOB_MS = 300;
let emu;

before(async () => { emu = await startEmulator(["--job-ms", String(JOB_MS)]); });
after(() => emu.stop());
beforeEach(() => emu.reset());

/** A fetch that records each request (sent, settled, status) and when a 429 arrived. */
function recordingFetch() {
  const log = [];
  const f = async (url, init = {}) => {
    const entry = { url: String(url), method: init.method ?? "GET", body: init.body, sentAt: performance.now(), signal: init.signal };
    log.push(entry);
    const res = await fetch(url, init);
    entry.status = res.status;
    entry.answeredAt = performance.now();
    entry.retryAfterMs = Number(res.headers.get("retry-after") ?? 0) * 1000;
    return res;
  };
  return { fetch: f, log };
}

/** Requests sent while a 429's window, as the client had been told of it, was still open. */
function sentInsideWindows(log) {
  const windows = log.filter((e) => e.status === 429).map((e) => [e.answeredAt, e.answeredAt + e.retryAfterMs]);
  return log.filter((e) => windows.some(([from, to]) => e.sentAt > from && e.sentAt < to - 5));
}

const client = (opts = {}) => new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: JOB_MS, ...opts });
const prompts = (n) => Array.from({ length: n }, (_, i) => ({ prompt: `panel ${i + 1}` }));
const stats = async () => (await emu.stats()).stats;

describe("runMany", () => {
  test("resolves one settled entry per request, in order; a bad request rejects alone and is never sent", async () => {
    const requests = [{ prompt: "one" }, { prompt: "" }, { prompt: "three", reveParams: { aspect_ratio: "21:9" } }, { prompt: "four" }];
    const results = await client().runMany(requests);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "rejected", "fulfilled"]);
    assert.deepEqual([results[0].value.input.prompt, results[3].value.input.prompt], ["one", "four"]);
    for (const i of [1, 2]) {
      assert.ok(results[i].reason instanceof ApiframeError);
      assert.equal(results[i].reason.code, "invalid_request");
      assert.match(results[i].reason.message, new RegExp(`^requests\\[${i}\\]: `));
    }
    assert.equal(results[1].reason.details.field, "prompt");
    assert.equal(results[2].reason.details.field, "reveParams.aspect_ratio");
    const s = await stats();
    assert.equal(s.generateRequests, 2, "the bad ones were never sent");
    assert.equal(s.jobsCreated, 2);
  });

  test("at most `concurrency` jobs are in flight, from submission to the end of their wait", async () => {
    const rec = recordingFetch();
    const done = new Map();
    const c = client({ fetch: rec.fetch });
    const results = await c.runMany(prompts(7), {
      concurrency: 3,
      onProgress: (job, index) => { if (job.status === "COMPLETED") done.set(index, performance.now()); },
    });
    assert.ok(results.every((r) => r.status === "fulfilled"));
    const spans = rec.log
      .filter((e) => e.method === "POST")
      .map((e) => [e.sentAt, done.get(Number(JSON.parse(e.body).prompt.split(" ")[1]) - 1)]);
    assert.equal(spans.length, 7);
    const most = Math.max(...spans.map(([at]) => spans.filter(([from, to]) => from <= at && at < to).length));
    assert.equal(most, 3, "three at a time, and the next starts as one ends");
  });

  test("onProgress gets each job with its request's index", async () => {
    const seen = new Map();
    await client().runMany(prompts(3), { onProgress: (job, index) => seen.set(job.input.prompt, index) });
    assert.deepEqual(Object.fromEntries(seen), { "panel 1": 0, "panel 2": 1, "panel 3": 2 });
  });

  test("a lost answer inside a batch still makes exactly one job per request", async () => {
    await emu.fault({ kind: "lost_response", count: 2, route: "generate" });
    const results = await client().runMany(prompts(4), { concurrency: 4 });
    assert.ok(results.every((r) => r.status === "fulfilled"), JSON.stringify(results.map((r) => r.reason?.message)));
    assert.equal(new Set(results.map((r) => r.value.id)).size, 4);
    assert.equal((await stats()).jobsCreated, 4, "the retried submissions replayed their Idempotency-Keys");
  });

  test("a failed job rejects its entry with the jobId; the others complete", async () => {
    await emu.fault({ kind: "job_failed" });
    const results = await client().runMany(prompts(3), { concurrency: 1 });
    assert.deepEqual(results.map((r) => r.status), ["rejected", "fulfilled", "fulfilled"]);
    assert.equal(results[0].reason.code, "job_failed");
    assert.match(results[0].reason.jobId, /^[0-9a-f-]{36}$/);
  });

  test("the signal settles every pending entry at once with aborted, starts nothing new, and stops every poll", async () => {
    const rec = recordingFetch();
    const controller = new AbortController();
    const pending = client({ fetch: rec.fetch }).runMany(prompts(6), { concurrency: 2, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 120));
    const at = performance.now();
    controller.abort(new Error("user left"));
    const results = await pending;
    assert.ok(performance.now() - at < 50, "at once");
    assert.ok(results.every((r) => r.status === "rejected" && r.reason.code === "aborted"));
    const submitted = results.filter((r) => r.reason.jobId);
    assert.equal(submitted.length, 2, "the two started carry their jobId");
    assert.equal(rec.log.filter((e) => e.method === "POST").length, 2, "nothing new started");
    const sent = rec.log.length;
    await new Promise((r) => setTimeout(r, JOB_MS * 4));
    assert.equal(rec.log.length, sent, "no poll after the abort");
  });

  test("idempotencyKeys: the same call made again (a batch resumed) gets the same jobs back, and makes only the missing ones", async () => {
    const c = client();
    const keys = ["batch-7-panel-1", "batch-7-panel-2", "batch-7-panel-3"];
    const first = await c.runMany(prompts(2), { idempotencyKeys: keys.slice(0, 2) }); // cut off after 2
    assert.ok(first.every((r) => r.status === "fulfilled"));
    const again = await c.runMany(prompts(3), { idempotencyKeys: keys });
    assert.ok(again.every((r) => r.status === "fulfilled"), JSON.stringify(again.map((r) => r.reason?.message)));
    assert.deepEqual(again.slice(0, 2).map((r) => r.value.id), first.map((r) => r.value.id), "the saved keys replayed their jobs");
    assert.equal(again[2].value.input.prompt, "panel 3");
    const s = await stats();
    assert.equal(s.jobsCreated, 3, "one job per key");
    assert.equal(s.idempotentReplays, 2);
    // undefined where a key is to be made: a new job each call.
    const fresh = await c.runMany(prompts(2), { idempotencyKeys: [keys[0], undefined] });
    assert.equal(fresh[0].value.id, first[0].value.id);
    assert.ok(!again.some((r) => r.value.id === fresh[1].value.id));
    assert.equal((await stats()).jobsCreated, 4);
  });

  test("idempotencyKeys: a bad or repeated key rejects its entry alone, named, before anything is sent", async () => {
    const c = client();
    const results = await c.runMany(prompts(5), { idempotencyKeys: ["ok-1", "has space", 42, "ok-1", "x".repeat(256)] });
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "rejected", "rejected", "rejected"]);
    const reasons = results.slice(1).map((r) => r.reason);
    for (const [k, e] of reasons.entries()) {
      const i = k + 1;
      assert.ok(e instanceof ApiframeError);
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, "idempotencyKeys");
      assert.equal(e.jobId, undefined);
      assert.match(e.message, new RegExp(`^requests\\[${i}\\]: idempotencyKeys\\[${i}\\] `));
    }
    assert.match(reasons[0].message, /1 to 255 visible ASCII characters/);
    assert.match(reasons[1].message, /must be a string or undefined/);
    assert.match(reasons[2].message, /repeats idempotencyKeys\[0\]/);
    assert.match(reasons[3].message, /1 to 255 visible ASCII characters/);
    assert.equal((await stats()).generateRequests, 1, "only the good one was sent");
    // A list that is not one key per request refuses the whole call.
    await assert.rejects(c.runMany(prompts(2), { idempotencyKeys: ["a"] }), (e) => e.details.field === "idempotencyKeys" && /one entry per request \(2\), got 1/.test(e.message));
    await assert.rejects(c.runMany(prompts(1), { idempotencyKeys: "a" }), (e) => e.details.field === "idempotencyKeys");
    assert.equal((await stats()).generateRequests, 1);
  });

  test("bad options and a non-array are refused before anything is sent", async () => {
    const c = client();
    await assert.rejects(c.runMany(prompts(1), { concurrency: 0 }), (e) => e.details.field === "concurrency");
    await assert.rejects(c.runMany(prompts(1), { concurrency: 33 }), (e) => e.details.field === "concurrency");
    await assert.rejects(c.runMany({ prompt: "x" }), (e) => e.details.field === "requests");
    await assert.rejects(c.runMany([], { concurency: 2 }), /did you mean "concurrency"/);
    assert.deepEqual(await c.runMany([]), []);
    assert.equal((await stats()).generateRequests, 0);
  });
});

describe("the shared rate-limit gate", () => {
  test("one call's 429 holds every request of the client, polls of other calls alike, for its Retry-After", async () => {
    const rec = recordingFetch();
    const c = client({ fetch: rec.fetch });
    // Two waits running, then a third call's submission is refused 429 for 1 s.
    const first = await c.runMany(prompts(2), { concurrency: 2 });
    assert.ok(first.every((r) => r.status === "fulfilled"));
    rec.log.length = 0;
    const accepted = await Promise.all([c.generate({ prompt: "a" }), c.generate({ prompt: "b" })]);
    const waits = accepted.map((a) => c.waitForJob(a.jobId));
    await emu.fault({ kind: "429", retryAfter: 1, route: "generate" });
    const job = await c.run({ prompt: "limited" });
    await Promise.all(waits);
    assert.equal(job.status, "COMPLETED");
    const limited = rec.log.filter((e) => e.status === 429);
    assert.equal(limited.length, 1);
    assert.deepEqual(sentInsideWindows(rec.log), [], "nothing of this client was sent inside the window");
    assert.ok(rec.log.some((e) => e.sentAt >= limited[0].answeredAt + 995), "requests resumed after the window");
  });

  test("against the emulator's own rate limit: every job made once, nothing sent inside a window", async () => {
    const limited = await startEmulator(["--job-ms", String(JOB_MS), "--rate-limit", "4"]);
    try {
      const rec = recordingFetch();
      const c = new ReveClient({ apiKey: KEY, baseUrl: limited.url, expectedDurationMs: JOB_MS, fetch: rec.fetch, maxRetries: 6 });
      const results = await c.runMany(prompts(10), { concurrency: 8 });
      assert.ok(results.every((r) => r.status === "fulfilled"), JSON.stringify(results.map((r) => r.reason?.message)));
      const s = (await limited.stats()).stats;
      assert.ok(s.rateLimited > 0, "the limit was reached");
      assert.equal(s.jobsCreated, 10, "no duplicate job");
      assert.deepEqual(sentInsideWindows(rec.log).map((e) => e.url), []);
    } finally {
      await limited.stop();
    }
  });
});

describe("watchJob", () => {
  test("yields the job at each change, the COMPLETED job last, then ends", async () => {
    const c = client();
    const { jobId } = await c.generate({ prompt: "watched" });
    const seen = [];
    for await (const job of c.watchJob(jobId)) seen.push([job.status, job.progress]);
    assert.ok(seen.length >= 2, JSON.stringify(seen));
    assert.equal(seen.at(-1)[0], "COMPLETED");
    assert.ok(seen.slice(0, -1).every(([s]) => s !== "COMPLETED"));
    const keys = seen.map(([s, p]) => `${s}:${p}`);
    assert.equal(new Set(keys).size, keys.length, "only changes are yielded");
    assert.ok((await stats()).jobRequests <= 8, "polled on the wait's schedule");
  });

  test("leaving the loop stops polling at once: no request after it", async () => {
    const rec = recordingFetch();
    const c = client({ fetch: rec.fetch });
    const { jobId } = await c.generate({ prompt: "left early" });
    for await (const job of c.watchJob(jobId)) {
      assert.notEqual(job.status, "COMPLETED");
      break;
    }
    const sent = rec.log.length;
    await new Promise((r) => setTimeout(r, JOB_MS * 4));
    assert.equal(rec.log.length, sent);
  });

  test("return() during a poll aborts the poll in flight and ends the pending next()", async () => {
    const rec = recordingFetch();
    const c = client({ fetch: rec.fetch });
    const { jobId } = await c.generate({ prompt: "slow poll" });
    await emu.fault({ kind: "slow", route: "job", delayMs: 3000 });
    const watch = c.watchJob(jobId);
    const pending = watch.next();
    await new Promise((r) => setTimeout(r, 100));
    const poll = rec.log.at(-1);
    assert.match(poll.url, new RegExp(`/v2/jobs/${jobId}$`));
    const at = performance.now();
    assert.deepEqual(await watch.return(), { value: undefined, done: true });
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.ok(performance.now() - at < 50);
    assert.equal(poll.signal.aborted, true, "the fetch in flight was aborted");
    assert.deepEqual(await watch.next(), { value: undefined, done: true });
  });

  test("a FAILED job throws job_failed after yielding what it saw", async () => {
    await emu.fault({ kind: "job_failed" });
    const c = client();
    const { jobId } = await c.generate({ prompt: "doomed" });
    const seen = [];
    await assert.rejects(
      (async () => { for await (const job of c.watchJob(jobId)) seen.push(job.status); })(),
      (e) => e instanceof ApiframeError && e.code === "job_failed" && e.jobId === jobId && e.job.status === "FAILED",
    );
    assert.ok(seen.length >= 1 && !seen.includes("FAILED"), JSON.stringify(seen));
  });

  test("timeoutMs throws timeout with the jobId; the signal throws aborted at once", async () => {
    const c = client();
    const { jobId } = await c.generate({ prompt: "slow" });
    await assert.rejects(
      (async () => { for await (const job of c.watchJob(jobId, { timeoutMs: 60 })) void job; })(),
      (e) => e.code === "timeout" && e.jobId === jobId,
    );
    const controller = new AbortController();
    const { jobId: other } = await c.generate({ prompt: "aborted" });
    const loop = (async () => { for await (const job of c.watchJob(other, { signal: controller.signal })) void job; })();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(loop, (e) => e.name === "AbortError" && e.jobId === other);
    assert.throws(() => c.watchJob("not-a-uuid"), (e) => e.code === "invalid_request");
  });
});
