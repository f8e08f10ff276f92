// A trap (a panic: a bug in the library) must not take the library down. The module built with
// the test-only exports `__trapForTests` and `__trapLaterForTests` (scripts/build-trap-module.mjs,
// a debug build) traps on demand, synchronously or inside an async task, while
// calls are in flight: those calls reject at once with a typed `internal` error, the next call
// works (a fresh instance), a client made before says to make a new one (typed), no stray
// exception or rejection reaches the host (Node ends a process on one), and a hundred traps in
// a row leave memory flat.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { launchChromium } from "./support/chromium.mjs";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(process.env.TEST_OUTPUT ?? "test-output", "trap");
const available = existsSync(join(dir, "trap.js"));
let emu, mod, ApiframeError;
const stray = [];
const record = (e) => stray.push(String(e?.stack ?? e));
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

before(async () => {
  if (!available) return;
  emu = await startEmulator(["--job-ms", "60000"]);
  mod = await import(join(dir, "trap.js"));
  ({ ApiframeError } = await import(join(dir, "errors.js")));
  mod.initSync({ module: readFileSync(join(dir, "trap_bg.wasm")) });
  process.on("uncaughtException", record);
  process.on("unhandledRejection", record);
});
after(async () => {
  process.off("uncaughtException", record);
  process.off("unhandledRejection", record);
  await emu?.stop();
});

/** `promise`, or a failure if it has not settled in `ms` (it hangs). */
const settledWithin = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} hung`)), ms))]);
const internal = (e) => e instanceof ApiframeError && e.code === "internal" && e.retryable === false;
const newClient = () => new mod.ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: 60_000 });

/** Calls in flight: a run polling a long job, a wait asleep, and a request on the wire. */
async function inFlight(client) {
  const running = client.run({ prompt: "a long job" }).then(() => "resolved", (e) => e);
  const sleeping = client.waitForJob((await client.generate({ prompt: "another" })).jobId).then(() => "resolved", (e) => e);
  await emu.fault({ kind: "slow", delayMs: 800, route: "list" });
  const onTheWire = client.listJobs().then(() => "resolved", (e) => e);
  await new Promise((r) => setTimeout(r, 300));
  return [running, sleeping, onTheWire];
}

async function afterTheTrap(calls, oldClient) {
  for (const call of calls) {
    const e = await settledWithin(call, 2000, "a call in flight");
    assert.ok(internal(e), `not a typed internal error: ${e}`);
    assert.match(e.message, /internal error/);
  }
  // The next call works: a fresh instance.
  const fresh = newClient();
  assert.ok(Array.isArray((await fresh.listJobs()).jobs));
  // A client made before the trap says to make a new one, typed (watchJob's call has a return
  // slot on the module's stack: refusing it must leave that stack as it was).
  assert.throws(() => oldClient.listJobs(), (e) => internal(e) && /make a new one/.test(e.message));
  assert.throws(() => oldClient.watchJob("job_x"), (e) => internal(e) && /make a new one/.test(e.message));
  // The fresh instance's data is whole: a message that lists the module's own names reads them.
  await assert.rejects(async () => fresh.listJobs({ bogus: 1 }), (e) => e.code === "invalid_request" && /takes status, model, limit, cursor, scope$/.test(e.message));
  // The dead instance's timers, answers and listeners still arrive: they must end quietly.
  await new Promise((r) => setTimeout(r, 1200));
  assert.deepEqual(stray, []);
  return fresh;
}

test("a trap in a call rejects the calls in flight, and the next call works", { skip: !available && "the trap module was not built" }, async () => {
  const client = newClient();
  assert.ok(Array.isArray((await client.listJobs()).jobs), "before: the module works");
  const calls = await inFlight(client);
  assert.throws(() => mod.__trapForTests(), WebAssembly.RuntimeError);
  await afterTheTrap(calls, client);
});

test("a stack overflow ends as any trap does (its handling gets the stack back first)", { skip: !available && "the trap module was not built" }, async () => {
  const client = newClient();
  const calls = await inFlight(client);
  assert.throws(() => mod.__overflowForTests(), WebAssembly.RuntimeError);
  await afterTheTrap(calls, client);
});

test("a trap inside an async task (a host callback) ends as quietly", { skip: !available && "the trap module was not built" }, async () => {
  const client = newClient();
  const calls = await inFlight(client);
  const trapping = mod.__trapLaterForTests(10).then(() => "resolved", (e) => e);
  await afterTheTrap([...calls, trapping], client);
});

test("a hundred traps in a row: each next call works, memory stays flat", { skip: !available && "the trap module was not built" }, async () => {
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.rss;
  };
  let at10;
  for (let i = 1; i <= 100; i++) {
    const client = newClient();
    const pending = client.listJobs({ limit: 1 });
    await pending;
    assert.throws(() => mod.__trapForTests(), WebAssembly.RuntimeError);
    if (i === 10) {
      await new Promise((r) => setTimeout(r, 50));
      at10 = used();
    }
  }
  assert.ok(Array.isArray((await newClient().listJobs()).jobs));
  await new Promise((r) => setTimeout(r, 50));
  const at100 = used();
  const growth = (at100 - at10) / 1024 / 1024;
  // Each instance's memory is over a megabyte: 90 kept instances would be far over this bound.
  assert.ok(growth < 40, `RSS grew ${growth.toFixed(1)} MiB from trap 10 to trap 100`);
  assert.deepEqual(stray, []);
});

test("in workerd: a trap in a Worker ends its calls, the next call works, the isolate goes on", { skip: !available && "the trap module was not built" }, async () => {
  const worker = await startWorker(join(here, "workerd", "trap-worker.mjs"), {
    bindings: { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url },
    alias: { "apiframe-reve": join(dir, "trap.js"), "apiframe-reve-errors": join(dir, "errors.js") },
  });
  try {
    for (const route of ["/trap", "/trap-later"]) {
      const res = await worker.fetch(route);
      assert.equal(res.status, 200, route);
      const body = await res.json();
      assert.deepEqual(body, { threw: route === "/trap" ? true : null, inFlight: true, trapped: true, nextCallWorks: true }, route);
      const after = await (await worker.fetch("/after")).json();
      assert.deepEqual(after, { stale: true, works: true }, `${route}: after`);
    }
  } finally {
    await worker.stop();
  }
});

test("in Chromium: a trap in a page ends its calls, the next call works, nothing stray", { skip: !available && "the trap module was not built" }, async () => {
  const site = await startEmulator(["--www", join(here, "browser"), "--mount", `trap=${dir}`]);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(`${site.url}/index.html`);
    const out = await page.evaluate(async ({ api, key }) => {
      const stray = [];
      addEventListener("error", (e) => stray.push(String(e.message)));
      addEventListener("unhandledrejection", (e) => stray.push(String(e.reason)));
      const m = await import("/trap/trap.js");
      const { ApiframeError } = await import("/trap/errors.js");
      await m.default({ module_or_path: "/trap/trap_bg.wasm" });
      const internal = (e) => e instanceof ApiframeError && e.code === "internal";
      const make = () => new m.ReveClient({ apiKey: key, baseUrl: api, dangerouslyAllowBrowser: true, expectedDurationMs: 60_000 });
      const results = [];
      for (const later of [false, true]) {
        const client = make();
        await client.listJobs({ limit: 1 });
        const running = client.run({ prompt: "a long job" }).then(() => "resolved", (e) => e);
        await new Promise((r) => setTimeout(r, 200));
        let trapping = Promise.resolve(null);
        if (later) trapping = m.__trapLaterForTests(10).then(() => "resolved", (e) => e);
        else try { m.__trapForTests(); } catch { /* the trap itself throws at the caller */ }
        const [inFlight, trapped] = await Promise.all([running, trapping]);
        const works = Array.isArray((await make().listJobs({ limit: 1 })).jobs);
        let stale = false;
        try { client.listJobs(); } catch (e) { stale = internal(e); }
        results.push({ inFlight: internal(inFlight), trapped: later ? internal(trapped) : true, works, stale });
      }
      await new Promise((r) => setTimeout(r, 1000));
      return { results, stray };
    }, { api: emu.url, key: KEY });
    for (const r of out.results) assert.deepEqual(r, { inFlight: true, trapped: true, works: true, stale: true });
    assert.deepEqual(out.stray, []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await site.stop();
  }
});
