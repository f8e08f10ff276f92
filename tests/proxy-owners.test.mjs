// Many users, one key: each caller reads and lists only its own jobs, through instances
// sharing a job store in Node and through two example Workers sharing one KV in workerd.
// Driven as apps drive it, against the emulator: in Node (the handler called with Node's own
// Request) and in workerd (examples/worker through miniflare; skipped on Node 18).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProxyHandler } from "apiframe-reve";
import { KEY } from "./support/emulator.mjs";
import {
  clientOf, emu, failure, inWorkerd, recordingFetch, sharedStore, startExampleWorker, UNKNOWN, useProxyEmulator, WORKERD_SKIP,
} from "./support/proxy-fixtures.mjs";

useProxyEmulator();

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
