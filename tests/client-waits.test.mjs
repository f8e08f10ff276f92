// Waits that are frugal and exact, against a stand-in of the service that a test scripts (its
// jobs' status and progress over time): the wait's last look before its deadline, the 2 s floor
// for jobs past their expected duration that report no progress, and what `retryable` says once
// a job exists (issue 30, parts 1-3). Counts of requests, never timings.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ReveClient } from "apiframe-reve";
import { failure } from "./support/client-fixtures.mjs";

const ID = "0400d42a-c166-433d-a49d-4cb327946571";
const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * A scripted service: each job is PROCESSING, with no progress, until `doneAfterMs` after its
 * submission (or after the stand-in started, for a job it did not submit), then COMPLETED
 * (never, when `doneAfterMs` is Infinity). Counts each GET of a job; `failPolls` makes those
 * fail as a network error does.
 */
function standIn({ doneAfterMs = Infinity, failPolls = false } = {}) {
  const started = performance.now();
  const submitted = new Map([[ID, started]]);
  const polls = [];
  const fetch = async (url, init) => {
    const path = new URL(url).pathname;
    if (init?.method === "POST" && path === "/v2/images/generate") {
      const jobId = randomUUID();
      submitted.set(jobId, performance.now());
      return json(202, { jobId, status: "QUEUED" });
    }
    const id = /^\/v2\/jobs\/([0-9a-f-]{36})$/.exec(path)?.[1];
    if (!id || !submitted.has(id)) return json(404, { error: "not found" });
    polls.push(id);
    if (failPolls) throw new TypeError("fetch failed");
    const done = performance.now() - submitted.get(id) >= doneAfterMs;
    return json(200, done
      ? { id, status: "COMPLETED", progress: 100, result: { images: ["https://files.example/a.png"] } }
      : { id, status: "PROCESSING", progress: null });
  };
  return { fetch, polls };
}

const client = (service, opts = {}) =>
  new ReveClient({ apiKey: "afk_test", baseUrl: "http://127.0.0.1:9", fetch: service.fetch, maxRetries: 0, ...opts });

describe("the last look", () => {
  test("a job that finishes between the last scheduled look and the deadline is returned, not timed out", async () => {
    // Seen processing at once, with no progress: the schedule's next look (about 11 s, for the
    // expected 15 s) falls past the 1.5 s deadline, so the wait looks once more just before it.
    const service = standIn({ doneAfterMs: 900 });
    const job = await client(service).waitForJob(ID, { timeoutMs: 1500 });
    assert.equal(job.status, "COMPLETED");
    assert.equal(service.polls.length, 2, "the first look and the last");
  });

  test("a job still running at its last look times out with its id, and no look starts after it", async () => {
    const service = standIn();
    const e = await failure(() => client(service).waitForJob(ID, { timeoutMs: 1500 }));
    assert.equal(e.code, "timeout");
    assert.equal(e.jobId, ID);
    assert.equal(service.polls.length, 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(service.polls.length, 2, "nothing after the wait settled");
  });
});

describe("polling without progress", () => {
  test("past its expected duration, a job that reports no progress is looked at no sooner than every 2 s", async () => {
    // Expected to take 300 ms: the old schedule then looked every 250 ms (about 18 looks in
    // 4.5 s); now at least 2 s apart past the expected duration, the last look included.
    const service = standIn();
    const e = await failure(() => client(service, { expectedDurationMs: 300 }).waitForJob(ID, { timeoutMs: 4500 }));
    assert.equal(e.code, "timeout");
    assert.ok(service.polls.length >= 3 && service.polls.length <= 5, `${service.polls.length} looks`);
  });
});

describe("retryable never invites a second bill", () => {
  test("run past its timeoutMs: not retryable, with the jobId and a message that says to wait for it", async () => {
    const service = standIn();
    const e = await failure(() => client(service).run({ prompt: "x" }, { timeoutMs: 1000 }));
    assert.equal(e.code, "timeout");
    assert.equal(e.retryable, false);
    assert.match(e.jobId, /^[0-9a-f-]{36}$/);
    assert.ok(e.message.includes(`call waitForJob("${e.jobId}") instead`), e.message);
    // What the message says is safe: waiting for the same job, whose own timeout may pass.
    const again = await failure(() => client(service).waitForJob(e.jobId, { timeoutMs: 1000 }));
    assert.equal(again.code, "timeout");
    assert.equal(again.retryable, true, "waitForJob's own timeout stays retryable");
  });

  test("a network failure while run waits: not retryable, naming the job", async () => {
    const service = standIn({ failPolls: true });
    const e = await failure(() => client(service).run({ prompt: "x" }, { timeoutMs: 10_000 }));
    assert.equal(e.code, "network");
    assert.equal(e.retryable, false);
    assert.match(e.message, /waitForJob\("[0-9a-f-]{36}"\)/);
  });

  test("a runMany entry past its timeoutMs: not retryable, with the jobId", async () => {
    const service = standIn();
    const [r] = await client(service).runMany([{ prompt: "x" }], { timeoutMs: 1000 });
    assert.equal(r.status, "rejected");
    assert.equal(r.reason.code, "timeout");
    assert.equal(r.reason.retryable, false);
    assert.ok(r.reason.message.includes(`waitForJob("${r.reason.jobId}")`), r.reason.message);
  });

  test("a failure before any job exists keeps its retryable flag", async () => {
    const e = await failure(() => client({ fetch: async () => { throw new TypeError("fetch failed"); } }).run({ prompt: "x" }));
    assert.equal(e.code, "network");
    assert.equal(e.retryable, true, "no job id came back: the flag is the transport's");
    assert.equal(e.jobId, undefined);
  });
});
