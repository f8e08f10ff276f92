// What the client's tests (tests/client-*.test.mjs) share: one emulator per test file, whose
// jobs take JOB_MS and which is reset before each test, a client of it, and `failure`.
import { after, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ApiframeError, ReveClient } from "apiframe-reve";
import { KEY, startEmulator } from "./emulator.mjs";

export const JOB_MS = 400;

/** The test file's emulator, once `useEmulator()`'s `before` has started it. */
export let emu;

/** Starts the file's emulator before its tests, resets it before each one and stops it after. */
export function useEmulator() {
  before(async () => { emu = await startEmulator(["--job-ms", String(JOB_MS)]); });
  after(() => emu.stop());
  beforeEach(() => emu.reset());
}

export const client = (opts = {}) =>
  new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: JOB_MS, ...opts });

/** Runs `fn`, which must reject with an ApiframeError; returns it. */
export async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof ApiframeError, `not an ApiframeError: ${e}`);
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail("expected a rejection");
}
