// The fault suite: every fault the emulator can make, met by the packed package in Node and in
// workerd, with the same scenarios and the same checks. Nothing is lost, nothing crashes, and
// no text the library produces shows the API key.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiframeError, ReveClient } from "apiframe-reve";
import { startEmulator } from "./support/emulator.mjs";
import { SCENARIOS, runScenario } from "./support/fault-scenarios.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = "afk_fault_suite_secret_7d3e91";
const texts = [];

/** Checks per scenario; `r` is what runScenario returned, `d` the emulator stats delta. */
const CHECKS = {
  lost_response: (r, d) => {
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(d.generateRequests, 2, "the lost answer was retried");
    assert.equal(d.jobsCreated, 1, "exactly one job exists");
    assert.equal(d.idempotentReplays, 1, "the retry replayed the first job");
  },
  rate_limited: (r, d) => {
    assert.equal(r.ok, true);
    assert.ok(r.value.ms >= 900, `waited Retry-After: ${r.value.ms} ms`);
    assert.equal(d.listRequests, 2);
  },
  unavailable_beyond_retries: (r, d) => {
    assert.deepEqual([r.error.code, r.error.status, r.error.retryable], ["server", 503, true]);
    assert.match(r.error.requestId, /^req_/);
    assert.equal(d.listRequests, 3, "one attempt and maxRetries (2) retries");
  },
  internal_beyond_retries: (r) => assert.deepEqual([r.error.code, r.error.status, r.error.retryable], ["server", 500, true]),
  html_page: (r) => assert.deepEqual([r.error.code, r.error.status, r.error.isApiframeError], ["server", 502, true]),
  malformed_json: (r) => assert.deepEqual([r.error.code, r.error.status], ["server", 200]),
  malformed_submit: (r, d) => {
    assert.equal(r.error.code, "server");
    assert.equal(d.jobsCreated, 0);
  },
  reset_beyond_retries: (r) => assert.deepEqual([r.error.code, r.error.retryable], ["network", true]),
  slow_beyond_timeout: (r) => assert.deepEqual([r.error.code, r.error.retryable], ["timeout", true]),
  abort_during_request: (r) => abortedQuickly(r),
  abort_during_backoff: (r) => abortedQuickly(r),
  abort_during_poll_sleep: (r) => {
    abortedQuickly(r);
    assert.match(r.value.jobId, /^[0-9a-f-]{36}$/, "run keeps the billed job's id");
  },
  job_failed: (r) => assert.deepEqual([r.error.code, r.error.jobStatus, r.error.retryable, Boolean(r.error.jobId)], ["job_failed", "FAILED", false, true]),
  job_cancelled: (r) => assert.deepEqual([r.error.code, r.error.jobStatus, Boolean(r.error.jobId)], ["job_cancelled", "CANCELLED", true]),
  expired_outputs: (r) => assert.deepEqual([r.error.code, r.error.jobStatus, r.error.jobExpired], ["not_found", "COMPLETED", true]),
  hostile_inputs: (r, d) => {
    assert.equal(r.ok, true);
    for (const item of r.value.results) {
      assert.equal(item.sent, undefined, `refused before sending: ${JSON.stringify(item).slice(0, 200)}`);
      assert.equal(item.code, "invalid_request");
      assert.equal(item.isApiframeError, true);
    }
    assert.equal(d.generateRequests, 0);
  },
  still_usable: (r) => assert.deepEqual(r.value, { status: "COMPLETED" }),
};

function abortedQuickly(r) {
  assert.equal(r.ok, true);
  const v = r.value;
  assert.deepEqual([v.name, v.code, v.isApiframeError, v.cause], ["AbortError", "aborted", true, "stopped by the test"]);
  assert.ok(v.ms < 50, `rejected ${v.ms} ms after abort()`);
}

function collect(r) {
  const push = (x) => x && texts.push(...x.texts);
  push(r.error);
  push(r.value?.texts ? r.value : null);
  for (const item of r.value?.results ?? []) push(item);
  texts.push(...(r.logged ?? []));
}

for (const runtime of ["node", "workerd"]) {
  describe(`faults in ${runtime}`, () => {
    let emu, worker;
    const logged = [];
    const original = { log: console.log, warn: console.warn, error: console.error };

    before(async () => {
      emu = await startEmulator(["--job-ms", "300", "--api-key", SECRET, "--retention-ms", "1500"]);
      if (runtime === "workerd") {
        worker = await startWorker(join(here, "workerd", "faults-worker.mjs"), { bindings: { BASE_URL: emu.url, API_KEY: SECRET } });
      }
    });
    after(async () => {
      await worker?.stop();
      await emu?.stop();
    });

    for (const name of Object.keys(SCENARIOS)) {
      test(name, async () => {
        const before = (await emu.stats()).stats;
        if (SCENARIOS[name].fault) await emu.fault(SCENARIOS[name].fault);
        let r;
        if (runtime === "node") {
          for (const level of Object.keys(original)) console[level] = (...args) => logged.push(args.map(String).join(" "));
          try {
            r = await runScenario(name, { ReveClient, ApiframeError }, { baseUrl: emu.url, apiKey: SECRET });
          } finally {
            Object.assign(console, original);
          }
          r.logged = logged.splice(0);
        } else {
          r = await (await worker.fetch(`/scenario/${name}`)).json();
        }
        await emu.control("faults", undefined, "DELETE");
        const now = (await emu.stats()).stats;
        const delta = Object.fromEntries(Object.keys(now).map((k) => [k, now[k] - before[k]]));
        collect(r);
        if (SCENARIOS[name].expectError) {
          assert.equal(r.ok, false, `expected an error, got ${JSON.stringify(r.value)?.slice(0, 200)}`);
          assert.equal(r.error.isApiframeError, true);
          assert.equal(r.error.isError, true);
        }
        CHECKS[name](r, delta);
      });
    }
  });
}

test("no error text, stack, JSON or log line of the suite shows the API key", () => {
  assert.ok(texts.length > 60, `collected ${texts.length} texts`);
  const leaks = texts.filter((t) => String(t).includes(SECRET));
  assert.deepEqual(leaks, []);
});
