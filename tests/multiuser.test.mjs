// The proxy in a multi-user app: `authorize` names the caller, and each caller reads and lists
// only the jobs it submitted. Two identities (alice, bob) go through two proxy instances that
// share only what the design shares, the job store: in Node, two createProxyHandler instances
// and one store object; in workerd, two instances of examples/worker with one KV on disk.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiframeError, ReveClient, createProxyHandler } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
let emu;

before(async () => { emu = await startEmulator(["--job-ms", "300"]); });
after(() => emu?.stop());

/** A store as an app would write one over its own database: here, plain Maps. */
function sharedStore() {
  const owners = new Map();
  const byOwner = new Map();
  return {
    async get(jobId) { return owners.get(jobId) ?? null; },
    async put(jobId, owner) {
      owners.set(jobId, owner);
      byOwner.set(owner, [jobId, ...(byOwner.get(owner) ?? [])]);
    },
    async list(owner, { limit, cursor }) {
      const all = byOwner.get(owner) ?? [];
      const start = cursor ? Number(cursor) : 0;
      const next = start + limit;
      return { jobIds: all.slice(start, next), cursor: next < all.length ? String(next) : null };
    },
  };
}

/** A client for `user` whose requests go through `handler` (as a browser's would). */
const clientOf = (handler, user) => new ReveClient({
  baseUrl: "https://app.test/api/reve",
  expectedDurationMs: 300,
  fetch: (url, init) => handler(new Request(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), "x-user": user } })),
});

const failure = async (promise) => {
  try { await promise; } catch (e) { assert.ok(e instanceof ApiframeError, String(e)); return e; }
  assert.fail("expected a rejection");
};

describe("two users through two Node proxies sharing one store", () => {
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

  test("an identity that is not a non-empty string is the app's bug: a typed error at the first request", async () => {
    for (const identity of ["", 42, { id: "alice" }]) {
      const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, authorize: () => identity });
      const e = await failure(handler(new Request("https://app.test/v2/jobs")));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, "authorize");
    }
  });

  test("true keeps a single-user app's behaviour: every job of the key is visible", async () => {
    const shared = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", authorize: () => true });
    const { jobs } = await clientOf(shared, "anyone").listJobs({ limit: 100 });
    assert.ok(jobs.length >= 5, `${jobs.length} jobs`);
  });
});

describe("the default store and the proxy's hardening", () => {
  test("without a store, one instance keeps owners in memory", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, prefix: "/api/reve", authorize: (req) => req.headers.get("x-user") ?? false });
    const { jobId } = await clientOf(p, "carol").generate({ prompt: "carol's" });
    assert.equal((await failure(clientOf(p, "dave").getJob(jobId))).code, "not_found");
    assert.deepEqual((await clientOf(p, "carol").listJobs()).jobs.map((j) => j.id), [jobId]);
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

  test("with CORS configured, every answer says Vary: Origin", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true, cors: ["https://app.example"] });
    for (const init of [{}, { headers: { origin: "https://app.example" } }, { headers: { origin: "https://evil.example" } }]) {
      const res = await p(new Request("https://proxy.test/v2/jobs", init));
      assert.match(res.headers.get("vary") ?? "", /origin/i, JSON.stringify(init));
    }
  });
});

describe("two users through two instances of examples/worker sharing one KV", () => {
  let w1, w2, dir;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "reve-kv-"));
    const bindings = { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url, SESSIONS: "tok-a:alice,tok-b:bob", ALLOW_ANONYMOUS: "false" };
    const source = join(here, "..", "examples", "worker", "src", "index.js");
    w1 = await startWorker(source, { kvNamespaces: ["JOBS"], kvPersist: dir, bindings });
    w2 = await startWorker(source, { kvNamespaces: ["JOBS"], kvPersist: dir, bindings });
  });
  after(async () => {
    await w1?.stop();
    await w2?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = (worker, token, path, init = {}) =>
    worker.fetch(`/api/reve${path}`, { ...init, headers: { ...(init.headers ?? {}), cookie: `session=${token}` } });

  test("alice's job is hers on both instances, a 404 for bob on either, and in no listing of his", async () => {
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
