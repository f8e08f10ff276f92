// The client in Node, as a user drives it, against the emulator and its faults.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ReveClient, ApiframeError, imageUrls } from "apiframe-reve";
import { KEY, pngSize, startEmulator } from "./support/emulator.mjs";
import { listenerCounter, startCountingServer, timerCounter } from "./support/leaks.mjs";

let emu;
const JOB_MS = 400;
const client = (opts = {}) =>
  new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: JOB_MS, ...opts });

/** Runs `fn`, which must reject with an ApiframeError; returns it. */
async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof ApiframeError, `not an ApiframeError: ${e}`);
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail("expected a rejection");
}

before(async () => { emu = await startEmulator(["--job-ms", String(JOB_MS)]); });
after(() => emu.stop());
beforeEach(() => emu.reset());

describe("run and wait", () => {
  test("run submits, follows progress, and resolves with the completed job and a true PNG", async () => {
    const seen = [];
    const job = await client().run(
      { prompt: "A movie poster reading 'NIGHTFALL'", reveParams: { aspect_ratio: "2:3", seed: 11 } },
      { onProgress: (j) => seen.push([j.status, j.progress]) },
    );
    assert.equal(job.status, "COMPLETED");
    assert.equal(job.model, "reve-create");
    assert.deepEqual(job.input.reveParams, { aspect_ratio: "2:3", seed: 11 });
    assert.equal(seen.at(-1)[0], "COMPLETED");
    const progress = seen.map(([, p]) => p ?? 0);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress never goes back");
    const [url] = imageUrls(job);
    const res = await fetch(url);
    const { width, height } = pngSize(await res.arrayBuffer());
    assert.equal(width * 3, height * 2);
  });

  test("the same seed reproduces the same image", async () => {
    const c = client();
    const req = { prompt: "tea box JASMINE GOLD", reveParams: { seed: 5, aspect_ratio: "1:1" } };
    const [a, b] = await Promise.all([c.run(req), c.run(req)]);
    assert.notEqual(a.id, b.id);
    const bytes = await Promise.all([a, b].map(async (j) => Buffer.from(await (await fetch(imageUrls(j)[0])).arrayBuffer())));
    assert.ok(bytes[0].equals(bytes[1]));
  });

  test("generate then waitForJob, and getJob reads the same job", async () => {
    const c = client();
    const accepted = await c.generate({ prompt: "comic page" });
    assert.equal(accepted.status, "QUEUED");
    const done = await c.waitForJob(accepted.jobId);
    assert.equal(done.id, accepted.jobId);
    const again = await c.getJob(accepted.jobId);
    assert.equal(again.status, "COMPLETED");
    assert.deepEqual(imageUrls(again), imageUrls(done));
  });

  test("polling stays frugal: two looks at a 456 ms job", async () => {
    const c = client();
    await c.run({ prompt: "warm-up" });
    const before = (await emu.stats()).stats.jobRequests;
    const job = await c.run({ prompt: "measured" });
    const polls = (await emu.stats()).stats.jobRequests - before;
    // After a reset with the emulator's --seed 1 these two jobs always take 483 and 456 ms. The
    // schedule looks once early (the 250 ms floor), to pin when processing began, then no sooner
    // than the floor again, at about 500 ms: past the finish. Measured: 2 polls in 90 of 90
    // runs, idle and with two and with six busy loops on two cores. One is the margin: a first look delayed
    // past the finish on a loaded machine. A third would mean a look sooner than the floor.
    assert.equal(Date.parse(job.completedAt) - Date.parse(job.createdAt), 456, "the emulator's timeline changed");
    assert.ok(polls >= 1 && polls <= 2, `${polls} polls`);
  });

  test("a FAILED job rejects job_failed with the job attached", async () => {
    await emu.fault({ kind: "job_failed" });
    const e = await failure(() => client().run({ prompt: "x" }));
    assert.equal(e.code, "job_failed");
    assert.equal(e.retryable, false);
    assert.equal(e.job.status, "FAILED");
    assert.equal(e.jobId, e.job.id);
    assert.match(e.message, /failed/);
  });

  test("a CANCELLED job rejects job_cancelled with the job attached", async () => {
    await emu.fault({ kind: "job_cancelled" });
    const e = await failure(() => client().run({ prompt: "x" }));
    assert.equal(e.code, "job_cancelled");
    assert.equal(e.job.status, "CANCELLED");
  });

  test("waitForJob gives up at its timeout with the jobId; the job goes on", async () => {
    const c = client();
    const { jobId } = await c.generate({ prompt: "x" });
    const e = await failure(() => c.waitForJob(jobId, { timeoutMs: 50 }));
    assert.equal(e.code, "timeout");
    assert.equal(e.jobId, jobId);
    assert.equal((await c.waitForJob(jobId)).status, "COMPLETED");
  });

  test("waitForJob's timeoutMs is a deadline: a poll that hangs ends at it, with the jobId", async () => {
    const c = client({ maxRetries: 0 });
    const { jobId } = await c.generate({ prompt: "x" });
    await emu.fault({ kind: "slow", delayMs: 5000, route: "job", count: 3 });
    const t = performance.now();
    const e = await failure(() => c.waitForJob(jobId, { timeoutMs: 600 }));
    const took = performance.now() - t;
    assert.equal(e.code, "timeout");
    assert.equal(e.jobId, jobId);
    assert.match(e.message, /did not finish within 600 ms/);
    assert.ok(took < 3000, `rejected after ${took} ms, not at the deadline`);
  });

  test("a throwing onProgress does not stop the wait", async () => {
    const job = await client().run({ prompt: "x" }, { onProgress: () => { throw new Error("user bug"); } });
    assert.equal(job.status, "COMPLETED");
  });
});

describe("validation before any request", () => {
  const cases = [
    [{}, "prompt"],
    [{ prompt: "" }, "prompt"],
    [{ prompt: "x".repeat(2001) }, "prompt"],
    [{ prompt: 42 }, "prompt"],
    [{ prompt: "x", model: "flux-pro" }, "model"],
    [{ prompt: "x", reveParams: { aspect_ratio: "21:9" } }, "reveParams.aspect_ratio"],
    [{ prompt: "x", reveParams: { seed: 1.5 } }, "reveParams.seed"],
    [{ prompt: "x", reveParams: { seed: 2 ** 53 } }, "reveParams.seed"],
    [{ prompt: "x", reveParams: { seed: "7" } }, "reveParams.seed"],
    [{ prompt: "x", webhookUrl: "not-a-url" }, "webhookUrl"],
    [{ prompt: "x", webhookEvents: [] }, "webhookEvents"],
    [{ prompt: "x", webhookEvents: ["finished"] }, "webhookEvents"],
    [{ prompt: "x", reveParams: { seed: 10n } }, "request"],
    ["a prompt", "request"],
  ];
  for (const [request, field] of cases) {
    test(`${JSON.stringify(request, (_, v) => (typeof v === "bigint" ? `${v}n` : v)).slice(0, 60)} names ${field}`, async () => {
      const e = await failure(() => client().generate(request));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, field);
      assert.equal(e.retryable, false);
      assert.equal(e.status, undefined);
      assert.ok(e.message.includes(field), e.message);
    });
  }

  test("a bad aspect ratio lists the seven allowed ones", async () => {
    const e = await failure(() => client().generate({ prompt: "x", reveParams: { aspect_ratio: "5:4" } }));
    assert.deepEqual(e.details.allowed, ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"]);
  });

  test("nothing reached the service", async () => {
    await failure(() => client().generate({ prompt: "" }));
    await failure(() => client().run({ prompt: "x", reveParams: { aspect_ratio: "1:2" } }));
    await failure(() => client().getJob("not-a-job-id"));
    await failure(() => client().listJobs({ limit: 500 }));
    await failure(() => client().listJobs({ status: "DONE" }));
    await failure(() => client().generate({ prompt: "x" }, { idempotencyKey: "k".repeat(256) }));
    const { stats } = await emu.stats();
    assert.equal(stats.generateRequests + stats.jobRequests + stats.listRequests, 0);
  });

  test("names the schema does not declare are refused before sending, with the likely intended one", async () => {
    const e = await failure(() => client().generate({ prompt: "x", reveParams: { aspectRatio: "16:9" } }));
    assert.equal(e.code, "invalid_request");
    assert.equal(e.details.field, "reveParams.aspectRatio");
    assert.match(e.message, /did you mean "aspect_ratio"/);
    assert.deepEqual(e.details.allowed, ["aspect_ratio", "seed", "version"]);
    const top = await failure(() => client().run({ prompt: "x", negativePrompt: "blur" }));
    assert.equal(top.details.field, "negativePrompt");
    assert.ok(top.details.allowed.includes("webhook_url"), "the product page's spelling stays accepted");
    assert.equal((await emu.stats()).stats.generateRequests, 0);
  });

  test("the service's 400 comes back typed with its details", async () => {
    // A fetch that adds a field behind the client's back: the service refuses it.
    const sneaky = (url, init) => fetch(url, { ...init, body: init.body && init.body.replace("{", '{"negativePrompt":"blur",') });
    const e = await failure(() => client({ fetch: sneaky }).generate({ prompt: "x" }));
    assert.equal(e.code, "invalid_request");
    assert.equal(e.status, 400);
    assert.ok(e.details.negativePrompt, JSON.stringify(e.details));
    assert.match(e.requestId, /^req_/);
  });

  test("numbers in messages are the numbers given", async () => {
    const e = await failure(() => client().listJobs({ limit: 1e20 }));
    assert.equal(e.details.field, "limit");
    assert.match(e.message, /got 100000000000000000000$/);
    const t = await failure(() => client().waitForJob("1edc7774-0b17-4480-adb7-6ce0e8889738", { timeoutMs: -5 }));
    assert.match(t.message, /got -5$/);
  });
});

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

describe("aborts", () => {
  const quickly = async (promise, reason) => {
    const t = performance.now();
    const e = await failure(() => promise);
    return { e, ms: performance.now() - t, reason };
  };

  test("an already-aborted signal rejects before any request", async () => {
    const reason = new Error("user left");
    const e = await failure(() => client().generate({ prompt: "x" }, { signal: AbortSignal.abort(reason) }));
    assert.equal(e.name, "AbortError");
    assert.equal(e.code, "aborted");
    assert.equal(e.cause, reason);
    assert.equal((await emu.stats()).stats.generateRequests, 0);
  });

  test("abort during a request, a backoff sleep and a poll sleep each reject at once", async () => {
    const c = client();
    await emu.fault({ kind: "slow", delayMs: 5000, route: "list" });
    let ac = new AbortController();
    let p = c.listJobs({}, { signal: ac.signal });
    setTimeout(() => ac.abort("during request"), 100);
    let r = await quickly(p);
    assert.equal(r.e.code, "aborted");
    assert.equal(r.e.cause, "during request");
    assert.ok(r.ms < 1000, `${r.ms} ms`);

    await emu.fault({ kind: "429", retryAfter: 30, route: "list" });
    ac = new AbortController();
    p = c.listJobs({}, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    r = await quickly(p);
    assert.equal(r.e.code, "aborted");
    assert.ok(r.ms < 1500, `${r.ms} ms`);

    const slow = new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: 60_000 });
    ac = new AbortController();
    p = slow.run({ prompt: "x" }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    r = await quickly(p);
    assert.equal(r.e.code, "aborted");
    assert.match(r.e.jobId, /^[0-9a-f-]{36}$/, "run keeps the jobId of the billed job");
    assert.ok(r.ms < 1500, `${r.ms} ms`);
  });
});

describe("many calls at once", () => {
  test("aborted calls leave nothing behind: no listener, timer or connection, and every later answer reaches its own caller", async () => {
    // 150 reads of three jobs through a counting server. The first job's reads are aborted
    // within 6 ms, mostly before they are sent; the second's hang at the server until every one
    // has arrived, then all are aborted (a fetch an aborted call left running would hold its
    // connection for the 5 s hang); the third's are answered, then aborted.
    const ids = [];
    let hung = 0;
    const server = await startCountingServer(emu.url, (req) => (req.url.endsWith(ids[1]) ? (hung++, 5000) : 0));
    const timers = timerCounter();
    const listeners = listenerCounter();
    try {
      const c = client({ baseUrl: server.url });
      for (let i = 0; i < 3; i++) ids.push((await c.generate({ prompt: `slots ${i}` })).jobId);
      const hanging = [];
      const abandoned = Array.from({ length: 150 }, (_, i) => {
        const ac = new AbortController();
        const call = c.getJob(ids[i % 3], { signal: listeners.watch(ac.signal) });
        if (i % 3 === 0) setTimeout(() => ac.abort(), i % 7);
        if (i % 3 === 1) hanging.push(ac);
        if (i % 3 === 2) call.finally(() => ac.abort()).catch(() => {});
        return call.then((job) => job.id, (e) => e.code);
      });
      for (const until = performance.now() + 20_000; hung < hanging.length; ) {
        assert.ok(performance.now() < until, `only ${hung} of the second job's reads reached the server`);
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const ac of hanging) ac.abort();
      const outcomes = await Promise.all(abandoned);
      const timersLeft = timers.pending;
      const first = outcomes.filter((_, i) => i % 3 === 0);
      assert.ok(first.every((o) => o === "aborted" || o === ids[0]), first.join(" "));
      assert.deepEqual(outcomes.filter((_, i) => i % 3 === 1), Array(50).fill("aborted"), "aborted during the request");
      assert.deepEqual(outcomes.filter((_, i) => i % 3 === 2), Array(50).fill(ids[2]), "answered, then aborted");
      assert.ok(listeners.added >= 150, `each call listened to its signal (${listeners.added} listeners)`);
      assert.equal(listeners.live, 0, "every listener added to a signal was removed");
      assert.ok(timers.created >= 150, `each call timed its attempt (${timers.created} timers)`);
      assert.equal(timersLeft, 0, "no timer of the package was pending once the calls had settled");
      // Idle keep-alive sockets are closed first: what stays open is a request still in flight.
      assert.deepEqual(await server.settled(), { openSockets: 0, unanswered: 0 }, "no connection left open");

      server.delayFor = () => 0;
      const jobs = await Promise.all(Array.from({ length: 300 }, (_, i) => c.getJob(ids[i % 3])));
      jobs.forEach((job, i) => assert.equal(job.id, ids[i % 3], `call ${i}`));
      const waited = await Promise.all(ids.map((id) => c.waitForJob(id)));
      assert.deepEqual(waited.map((j) => [j.id, j.status]), ids.map((id) => [id, "COMPLETED"]));
      assert.equal(timers.pending, 0, "nor once the later calls had");
      assert.deepEqual(await server.settled(), { openSockets: 0, unanswered: 0 });
    } finally {
      timers.restore();
      await server.close();
    }
  });
});

describe("client set-up", () => {
  test("bad options name the option", () => {
    const bad = [
      [{}, "apiKey"],
      [{ apiKey: KEY, baseUrl: "api.apiframe.ai" }, "baseUrl"],
      [{ apiKey: KEY, maxRetries: 11 }, "maxRetries"],
      [{ apiKey: KEY, maxRetries: 1.5 }, "maxRetries"],
      [{ apiKey: KEY, timeoutMs: -1 }, "timeoutMs"],
      [{ apiKey: KEY, fetch: "yes" }, "fetch"],
      [{ apiKey: 7 }, "apiKey"],
    ];
    for (const [opts, field] of bad) {
      assert.throws(() => new ReveClient(opts), (e) => e instanceof ApiframeError && e.details.field === field, field);
    }
  });

  test("a misspelt option is refused, naming it, the likely intended name and the allowed ones", () => {
    assert.throws(
      () => new ReveClient({ apiKey: KEY, baseUrl: emu.url, maxRetry: 5 }),
      (e) =>
        e instanceof ApiframeError &&
        e.code === "invalid_request" &&
        e.details.field === "maxRetry" &&
        e.details.allowed.includes("maxRetries") &&
        e.message.startsWith('unknown option "maxRetry" (did you mean "maxRetries"?); options takes apiKey, baseUrl,'),
    );
    assert.throws(() => new ReveClient({ apikey: KEY }), (e) => e.details.field === "apikey" && /did you mean "apiKey"/.test(e.message));
    // A spread settings object may carry names set to undefined: those are not settings.
    assert.doesNotThrow(() => new ReveClient({ apiKey: KEY, baseUrl: emu.url, somethingElse: undefined }));
  });

  test("a caller's fetch is used, called unbound", async () => {
    const calls = [];
    const myFetch = function (url, init) {
      calls.push({ url, self: this, method: init.method });
      return fetch(url, init);
    };
    const c = new ReveClient({ apiKey: KEY, baseUrl: `${emu.url}/`, fetch: myFetch });
    await c.listJobs({ limit: 5 });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].self, undefined);
    assert.equal(calls[0].url, `${emu.url}/v2/jobs?limit=5`);
  });

  test("a caller's fetch that hands back odd objects gives typed errors, not a crash", async () => {
    const odd = [
      { status: 200, headers: new Headers(), text: () => "a string, not a promise" },
      { status: 200, headers: new Headers(), text: () => Promise.reject(new Error("stream broke")) },
      "not a response at all",
    ];
    for (const answer of odd) {
      const c = new ReveClient({ apiKey: KEY, baseUrl: emu.url, maxRetries: 0, fetch: async () => answer });
      const e = await failure(() => c.listJobs());
      assert.ok(["network", "server"].includes(e.code), `${e.code}: ${e.message}`);
    }
    assert.ok(Array.isArray((await client().listJobs()).jobs), "the instance still works");
  });

  test("the key goes only to baseUrl, in X-API-Key", async () => {
    const seen = [];
    const c = new ReveClient({
      apiKey: KEY,
      baseUrl: emu.url,
      fetch: (url, init) => { seen.push([url, new Headers(init.headers).get("x-api-key")]); return fetch(url, init); },
    });
    await c.run({ prompt: "x" });
    assert.ok(seen.length >= 2);
    for (const [url, key] of seen) {
      assert.ok(url.startsWith(emu.url), url);
      assert.equal(key, KEY);
    }
  });

  test("no error shows the API key", async () => {
    const secret = "afk_secret_never_shown_123";
    await emu.control("keys", { key: secret, credits: 0 });
    const c = new ReveClient({ apiKey: secret, baseUrl: emu.url, maxRetries: 0 });
    const errors = [
      await failure(() => c.generate({ prompt: "x" })),
      await failure(() => c.generate({ prompt: "" })),
      await failure(() => new ReveClient({ apiKey: secret, baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).listJobs()),
    ];
    for (const e of errors) {
      const text = [e.message, String(e), JSON.stringify(e), e.stack, JSON.stringify(e.details)].join("\n");
      assert.ok(!text.includes(secret), text);
    }
  });

  test("listJobs pages through every job with the cursor", async () => {
    const c = client();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await c.generate({ prompt: `p${i}` })).jobId);
    const listed = [];
    let cursor;
    do {
      const page = await c.listJobs({ limit: 2, cursor });
      listed.push(...page.jobs.map((j) => j.id));
      cursor = page.hasMore ? page.nextCursor : undefined;
    } while (cursor);
    assert.deepEqual(listed, ids.reverse());
  });

  test("imageUrls reads every documented result shape", () => {
    assert.deepEqual(imageUrls({ result: { images: ["https://a/1", "https://a/2"] } }), ["https://a/1", "https://a/2"]);
    assert.deepEqual(imageUrls({ result: "http://u" }), ["http://u"]);
    assert.deepEqual(imageUrls({ result: ["https://u", "blob:https://app/v"] }), ["https://u", "blob:https://app/v"]);
    assert.deepEqual(imageUrls({ result: null }), []);
    assert.deepEqual(imageUrls(undefined), []);
  });

  test("imageUrls lets only http, https and blob URLs through, so each is safe in href or src", () => {
    const hostile = { result: { images: ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>", "https://ok.example/i.png"] } };
    assert.deepEqual(imageUrls(hostile), ["https://ok.example/i.png"]);
  });

  test("an API key with a control character is refused when the client is made, and never shown", async () => {
    const secret = "afk_secret_never_shown_123";
    for (const pasted of [`${secret}\nx`, `${secret}\0x`, `${secret} x`]) {
      assert.throws(() => new ReveClient({ apiKey: pasted, baseUrl: emu.url }), (e) => {
        const text = [e.message, String(e), JSON.stringify(e), e.stack, String(e.cause)].join("\n");
        assert.ok(!text.includes("secret"), text);
        return e instanceof ApiframeError && e.code === "invalid_request" && e.details.field === "apiKey";
      });
    }
    // Surrounding white space (a copied line) is trimmed, and the key works.
    const c = new ReveClient({ apiKey: ` ${KEY}\n`, baseUrl: emu.url });
    assert.ok(Array.isArray((await c.listJobs()).jobs));
  });
});
