// The client in Node: an AbortSignal ends a call at once wherever it is (before sending, in a
// request, in a sleep), and calls aborted in the hundreds leave nothing behind.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ReveClient } from "apiframe-reve";
import { client, emu, failure, useEmulator } from "./support/client-fixtures.mjs";
import { KEY } from "./support/emulator.mjs";
import { listenerCounter, startCountingServer, timerCounter } from "./support/leaks.mjs";

useEmulator();

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
