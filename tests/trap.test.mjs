// A trap (a panic: a bug in the library) must not poison the process. The module built with
// the test-only export `__trapForTests` (scripts/build.mjs --trap-module, a debug build) traps
// on demand while a call is in flight: that call rejects at once with a typed `internal`
// error, every later call is refused with the same error instead of hanging, and no stray
// exception reaches the host (Node ends a process on one).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { KEY, startEmulator } from "./support/emulator.mjs";

const dir = join(process.env.TEST_OUTPUT ?? "test-output", "trap");
const available = existsSync(join(dir, "trap.js"));
let emu, mod, ApiframeError;
const stray = [];
const record = (e) => stray.push(String(e?.stack ?? e));

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

test("a trap rejects the calls in flight at once, refuses later ones, and throws nothing stray", { skip: !available && "the trap module was not built" }, async () => {
  const client = new mod.ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: 60_000 });
  // Before: the module works.
  assert.ok(Array.isArray((await client.listJobs()).jobs));
  const running = client.run({ prompt: "a long job" }).then(() => "resolved", (e) => e);
  const sleeping = client.waitForJob((await client.generate({ prompt: "another" })).jobId).then(() => "resolved", (e) => e);
  await new Promise((r) => setTimeout(r, 300));

  assert.throws(() => mod.__trapForTests(), WebAssembly.RuntimeError);

  for (const inFlight of [running, sleeping]) {
    const e = await settledWithin(inFlight, 2000, "a call in flight");
    assert.ok(e instanceof ApiframeError, `not an ApiframeError: ${e}`);
    assert.equal(e.code, "internal");
    assert.equal(e.retryable, false);
    assert.match(e.message, /internal error/);
  }
  const later = await settledWithin(client.listJobs().then(() => "resolved", (e) => e), 2000, "a later call");
  assert.equal(later.code, "internal");
  assert.throws(() => new mod.ReveClient({ apiKey: KEY, baseUrl: emu.url }), (e) => e instanceof ApiframeError && e.code === "internal");
  // Timers and answers of the ended calls still arrive: they must end quietly.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(stray, []);
});
