// The key-keeping proxy (createProxyHandler), feature by feature, driven as apps drive it: in
// Node (the handler called with Node's own Request) and in workerd (examples/worker through
// miniflare: a session check, Workers KV as the job store), against the emulator. The workerd
// parts are skipped where miniflare does not load (Node 18, which scripts/test.sh also runs).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiframeError, ReveClient, createProxyHandler } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { WORKERD_SKIP, clientOf, failure, recordingFetch, sharedStore, sleep, startExampleWorker } from "./support/proxy-fixtures.mjs";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const SESSION = "s3ssion-token";
const ORIGIN = "http://app.test";
const inWorkerd = { skip: WORKERD_SKIP };
let emu, worker;

const upstreamCalls = async () => {
  const { stats } = await emu.stats();
  return stats.generateRequests + stats.jobRequests + stats.listRequests + stats.otherRequests;
};
/** `init` with alice's session cookie, for the example Worker. */
const withSession = (init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("cookie", `session=${SESSION}`);
  return { ...init, headers };
};
const post = (body, init = {}) => new Request("http://proxy.test/v2/images/generate", {
  method: "POST", body, ...init, headers: { "content-type": "application/json", ...init.headers },
});

before(async () => {
  emu = await startEmulator(["--job-ms", "300"]);
  worker = await startExampleWorker({
    port: 0,
    kvNamespaces: ["JOBS"],
    bindings: { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url, SESSIONS: `${SESSION}:alice`, ALLOWED_ORIGINS: ORIGIN, ALLOW_ANONYMOUS: "false" },
  });
});
after(async () => {
  await worker?.stop();
  await emu?.stop();
});

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

describe("who may call", () => {
  test("strict by default: with neither authorize nor allowAnonymous every call is refused, saying what to set", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url });
    const res = await handler(post(JSON.stringify({ prompt: "x" })));
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /authorize\(request\).*allowAnonymous: true/);
  });

  test("in workerd, an unauthorised call is refused and never reaches the service", inWorkerd, async () => {
    const before = await upstreamCalls();
    const res = await fetch(`${worker.url}/api/reve/v2/images/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /Not authorised/);
    assert.equal(await upstreamCalls(), before);
  });

  test("an identity that is not a non-empty string is the app's bug: a typed error at the first request", async () => {
    for (const identity of ["", 42, { id: "alice" }]) {
      const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, authorize: () => identity });
      const e = await failure(handler(new Request("https://app.test/v2/jobs")));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, "authorize");
    }
  });

  test("in workerd, CORS is explicit: the listed origin may call, another may not", inWorkerd, async () => {
    const ok = await fetch(`${worker.url}/api/reve/v2/jobs`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "GET" },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
    const bad = await fetch(`${worker.url}/api/reve/v2/jobs`, withSession({ headers: { origin: "http://evil.test" } }));
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get("access-control-allow-origin"), null);
  });

  test("with CORS configured, every answer says Vary: Origin", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true, cors: ["https://app.example"] });
    for (const init of [{}, { headers: { origin: "https://app.example" } }, { headers: { origin: "https://evil.example" } }]) {
      const res = await p(new Request("https://proxy.test/v2/jobs", init));
      assert.match(res.headers.get("vary") ?? "", /origin/i, JSON.stringify(init));
    }
  });
});

describe("submissions are checked before they cost a credit", () => {
  test("in workerd, bad submissions are refused before they cost a credit", inWorkerd, async () => {
    const before = await upstreamCalls();
    for (const body of [
      { prompt: "" },
      { prompt: "x", model: "gpt-image-1" },
      { prompt: "x", reveParams: { aspect_ratio: "5:4" } },
    ]) {
      const res = await fetch(`${worker.url}/api/reve/v2/images/generate`, withSession({
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      }));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(Object.keys((await res.json()).details).length > 0);
    }
    const huge = await fetch(`${worker.url}/api/reve/v2/images/generate`, withSession({
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "x".repeat(40_000) }),
    }));
    assert.equal(huge.status, 413);
    assert.equal(await upstreamCalls(), before);
  });

  test("a submission of 60,000 unknown keys is refused (400, naming the first) and never forwarded", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, maxBodyBytes: 1 << 20, allowAnonymous: true });
    const body = JSON.stringify({ prompt: "x", ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])) });
    const before = (await emu.stats()).stats.generateRequests;
    const res = await handler(post(body));
    assert.equal(res.status, 400);
    const { details } = await res.json();
    assert.match(details.k0[0], /unknown field "k0"/);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });

  test("a request body with a lone surrogate or a misspelt field is refused with the field named", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true });
    const submit = (body) => handler(new Request("http://proxy.test/v2/images/generate", { method: "POST", body }));
    const lone = await submit('{"prompt":"\\ud800 cut"}');
    assert.equal(lone.status, 400);
    assert.match((await lone.json()).details.prompt[0], /lone UTF-16 surrogate/);
    const typo = await submit(JSON.stringify({ prompt: "x", reveParams: { aspectRatio: "16:9" } }));
    assert.match((await typo.json()).details["reveParams.aspectRatio"][0], /did you mean "aspect_ratio"/);
  });

  test("a body without Content-Length is held to the cap as it streams: 413, never forwarded", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true, maxBodyBytes: 1024 });
    const before = (await emu.stats()).stats.generateRequests;
    const chunk = new TextEncoder().encode(`{"prompt":"${"x".repeat(600)}`);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent++ < 50) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await p(new Request("https://app.test/v2/images/generate", { method: "POST", body, duplex: "half" }));
    assert.equal(res.status, 413);
    assert.ok(sent < 50, `read ${sent} chunks: the proxy stopped early`);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });

  test("a body that is not UTF-8 is a 400 saying so (not a 413), never forwarded", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true });
    const before = (await emu.stats()).stats.generateRequests;
    const latin1 = Uint8Array.from([...'{"prompt":"caf\u00e9"}'].map((c) => c.charCodeAt(0))); // "é" as the one byte 0xE9
    const res = await handler(post(latin1));
    assert.equal(res.status, 400);
    assert.match((await res.json()).details[""][0], /not UTF-8/);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });
});

describe("settings", () => {
  test("a missing key or a bad option is a typed error at creation", () => {
    assert.throws(() => createProxyHandler({ upstream: emu.url }), (e) => e instanceof ApiframeError && e.details.field === "apiKey");
    assert.throws(() => createProxyHandler({ apiKey: KEY, allowModels: "reve-create" }), (e) => e.details.field === "allowModels");
    assert.throws(() => createProxyHandler({ apiKey: KEY, upstream: "not a url" }), (e) => e.details.field === "upstream");
    // A misspelt limit would quietly leave the proxy more open than meant.
    assert.throws(
      () => createProxyHandler({ apiKey: KEY, upstream: emu.url, maxPromptLen: 200 }),
      (e) => e instanceof ApiframeError && e.details.field === "maxPromptLen" && /did you mean "maxPromptLength"/.test(e.message) && e.details.allowed.includes("allowModels"),
    );
    assert.throws(() => createProxyHandler({ apiKey: KEY, cors: { origin: ["https://app.test"] } }), (e) => e.details.field === "cors.origin" && /did you mean "origins"/.test(e.message));
    assert.throws(() => createProxyHandler({ apiKey: KEY, cors: "*" }), (e) => e.details.field === "cors");
  });
});

describe("many users, one key: each caller reads and lists only its own jobs", () => {
  // Two identities (alice, bob) through two proxy instances that share only what the design
  // shares, the job store.
  let a, b, store;
  before(() => {
    store = sharedStore();
    const options = { apiKey: KEY, upstream: emu.url, prefix: "/api/reve", jobStore: store, authorize: (req) => req.headers.get("x-user") ?? false };
    a = createProxyHandler(options);
    b = createProxyHandler(options);
  });

  test("each reads and lists only its own jobs; another's job is a 404 like an unknown one", async () => {
    const alice = clientOf(a, "alice");
    const aliceElsewhere = clientOf(b, "alice");
    const bob = clientOf(b, "bob");
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await alice.generate({ prompt: `alice ${i}` })).jobId);
    const bobs = (await bob.run({ prompt: "bob's own" })).id;

    // Alice through the other instance: the store is shared, so her jobs are hers there too.
    assert.equal((await aliceElsewhere.getJob(mine[0])).id, mine[0]);
    const statsBefore = (await emu.stats()).stats.jobRequests;
    const e = await failure(bob.getJob(mine[0]));
    assert.equal(e.code, "not_found");
    assert.equal((await emu.stats()).stats.jobRequests, statsBefore, "a foreign read never reaches the service");

    // Byte for byte the same answer as for an id nobody submitted, with nothing of the job.
    const raw = (id) => b(new Request(`https://app.test/api/reve/v2/jobs/${id}`, { headers: { "x-user": "bob" } }));
    const [foreign, unknown] = [await raw(mine[0]), await raw(UNKNOWN)];
    assert.equal(foreign.status, 404);
    assert.equal(unknown.status, 404);
    const body = await foreign.text();
    assert.equal(body, await unknown.text());
    assert.ok(!body.includes(mine[0]) && !body.includes("alice"), body);

    for (const params of [{}, { scope: "team" }, { scope: "user", status: "COMPLETED" }]) {
      const listed = (await bob.listJobs(params)).jobs.map((j) => j.id);
      assert.deepEqual(listed, [bobs], JSON.stringify(params));
    }
    // Alice's listing: newest first, paginated, hers only, from either instance.
    const pages = [];
    let cursor;
    do {
      const page = await aliceElsewhere.listJobs({ limit: 2, cursor });
      pages.push(page.jobs.map((j) => j.id));
      cursor = page.hasMore ? page.nextCursor : undefined;
    } while (cursor);
    assert.deepEqual(pages, [[mine[2], mine[1]], [mine[0]]]);
    // A filter narrows a listing; it never widens it.
    assert.deepEqual((await bob.listJobs({ status: "QUEUED" })).jobs, []);
  });

  test("a replay of another user's Idempotency-Key is refused and changes no owner", async () => {
    const alice = clientOf(a, "alice");
    const bob = clientOf(b, "bob");
    const { jobId } = await alice.generate({ prompt: "keyed" }, { idempotencyKey: "order-9" });
    const e = await failure(bob.generate({ prompt: "keyed" }, { idempotencyKey: "order-9" }));
    assert.equal(e.code, "conflict");
    assert.equal(await store.get(jobId), "alice");
    assert.equal((await alice.getJob(jobId)).id, jobId);
  });

  test("true keeps a single-user app's behaviour: every job of the key is visible", async () => {
    const shared = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", authorize: () => true });
    const { jobs } = await clientOf(shared, "anyone").listJobs({ limit: 100 });
    assert.ok(jobs.length >= 5, `${jobs.length} jobs`);
  });

  test("without a store, one instance keeps owners in memory", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", authorize: (req) => req.headers.get("x-user") ?? false });
    const { jobId } = await clientOf(p, "carol").generate({ prompt: "carol's" });
    assert.equal((await failure(clientOf(p, "dave").getJob(jobId))).code, "not_found");
    assert.deepEqual((await clientOf(p, "carol").listJobs()).jobs.map((j) => j.id), [jobId]);
  });

  test("ids a store hands back are checked like any job id before they reach the service", async () => {
    const mine = (await clientOf(createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true }), "x").generate({ prompt: "mine" })).jobId;
    const hostile = {
      get: async () => "erin",
      put: async () => {},
      list: async () => ({ jobIds: ["../../v2/account", mine, "not-a-uuid"], cursor: null }),
    };
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", jobStore: hostile, authorize: () => "erin" });
    const before = (await emu.stats()).stats.otherRequests;
    const { jobs } = await clientOf(p, "erin").listJobs();
    assert.deepEqual(jobs.map((j) => j.id), [mine]);
    assert.equal((await emu.stats()).stats.otherRequests, before, "no other path reached the service");
  });

  test("a job store that fails is a 503 on every route (never a 404), and what it said is never shown", async () => {
    const SECRET = "db 10.0.0.7 refused user reve, password hunter2";
    const { jobId } = await clientOf(a, "fay").generate({ prompt: "fay's" });
    const fails = async () => { throw new Error(SECRET); };
    const proxyOver = (broken) => createProxyHandler({
      apiKey: KEY, upstream: emu.url, prefix: "/api/reve", authorize: () => "fay",
      jobStore: { get: async () => "fay", put: async () => {}, list: async () => ({ jobIds: [jobId], cursor: null }), ...broken },
    });
    const read = () => new Request(`https://app.test/api/reve/v2/jobs/${jobId}`);
    const list = () => new Request("https://app.test/api/reve/v2/jobs");
    const submit = () => new Request("https://app.test/api/reve/v2/images/generate", { method: "POST", body: JSON.stringify({ prompt: "x" }) });
    for (const [broken, request, what] of [
      [{ get: fails }, read(), "get rejects, reading a job"],
      [{ get: () => { throw new Error(SECRET); } }, read(), "get throws, reading a job"],
      [{ get: async () => ({ owner: "fay" }) }, read(), "get answers an object, reading a job"],
      [{ get: fails }, submit(), "get rejects, recording a submission"],
      [{ get: async () => null, put: fails }, submit(), "put rejects, recording a submission"],
      [{ list: fails }, list(), "list rejects, listing"],
      [{ list: async () => ({ jobIds: SECRET }) }, list(), "list answers no page, listing"],
    ]) {
      const res = await proxyOver(broken)(request);
      const text = await res.text();
      assert.equal(res.status, 503, `${what}: ${text}`);
      assert.ok(!text.includes("hunter2") && !text.includes("10.0.0.7"), `${what}: ${text}`);
      assert.match(JSON.parse(text).error, /retry/, what);
    }
  });

  test("a listing of 100 jobs reads them back from the service at most 8 at once, in order", async () => {
    const ids = [];
    for (let i = 0; i < 100; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) => fetch(`${emu.url}/v2/images/generate`, {
        method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY }, body: JSON.stringify({ prompt: `lena ${i + j}`, model: "reve-create" }),
      }).then((r) => r.json()));
      ids.push(...(await Promise.all(batch)).map((r) => r.jobId));
    }
    const store = sharedStore();
    for (const id of ids) await store.put(id, "lena");
    const upstream = recordingFetch();
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", jobStore: store, authorize: () => "lena", fetch: upstream.fetch });
    const res = await p(new Request("https://app.test/api/reve/v2/jobs?limit=100"));
    assert.equal(res.status, 200);
    const { jobs, hasMore } = await res.json();
    assert.deepEqual(jobs.map((j) => j.id), [...ids].reverse(), "newest first, in the record's order");
    assert.equal(hasMore, false);
    assert.equal(upstream.gets, 100);
    assert.ok(upstream.peakGets <= 8, `${upstream.peakGets} reads in flight at once`);
    assert.ok(upstream.peakGets > 1, "the reads still overlap");
  });
});

describe("many users in workerd: two instances of examples/worker sharing one KV", () => {
  let w1, w2, dir;
  before(async () => {
    if (WORKERD_SKIP) return;
    dir = mkdtempSync(join(tmpdir(), "reve-kv-"));
    const bindings = { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url, SESSIONS: "tok-a:alice,tok-b:bob", ALLOW_ANONYMOUS: "false" };
    w1 = await startExampleWorker({ kvNamespaces: ["JOBS"], kvPersist: dir, bindings });
    w2 = await startExampleWorker({ kvNamespaces: ["JOBS"], kvPersist: dir, bindings });
  });
  after(async () => {
    await w1?.stop();
    await w2?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = (w, token, path, init = {}) =>
    w.fetch(`/api/reve${path}`, { ...init, headers: { ...(init.headers ?? {}), cookie: `session=${token}` } });

  test("alice's job is hers on both instances, a 404 for bob on either, and in no listing of his", inWorkerd, async () => {
    const submit = await call(w1, "tok-a", "/v2/images/generate", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "alice in workerd" }),
    });
    assert.equal(submit.status, 202);
    const { jobId } = await submit.json();
    assert.equal((await call(w2, "tok-a", `/v2/jobs/${jobId}`)).status, 200);
    for (const w of [w1, w2]) {
      const foreign = await call(w, "tok-b", `/v2/jobs/${jobId}`);
      const unknown = await call(w, "tok-b", `/v2/jobs/${UNKNOWN}`);
      assert.equal(foreign.status, 404);
      assert.equal(await foreign.text(), await unknown.text());
      for (const query of ["", "?scope=team", "?limit=100"]) {
        const list = await (await call(w, "tok-b", `/v2/jobs${query}`)).json();
        assert.ok(!list.jobs.some((j) => j.id === jobId), query);
      }
    }
    const hers = await (await call(w2, "tok-a", "/v2/jobs")).json();
    assert.deepEqual(hers.jobs.map((j) => j.id), [jobId]);
    assert.equal((await call(w1, "tok-unknown", "/v2/jobs")).status, 401);
  });
});
