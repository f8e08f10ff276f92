// The fault suite's scenarios, run the same way in Node and inside a Worker (workerd). Each has
// `fault` (queued in the emulator by the test before it runs) and `run`, the client side,
// which returns a JSON-safe record of what happened for the test to check.

/** What a caught error looks like from outside, including every text it can print. */
export function describeError(e, ApiframeError) {
  return {
    isApiframeError: e instanceof ApiframeError,
    isError: e instanceof Error,
    name: e?.name,
    code: e?.code,
    status: e?.status,
    retryable: e?.retryable,
    requestId: e?.requestId,
    jobId: e?.jobId,
    jobStatus: e?.job?.status,
    jobExpired: e?.job?.expired,
    field: e?.details?.field,
    texts: [e?.message, String(e), JSON.stringify(e), e?.stack ?? "", JSON.stringify(e?.details ?? null)],
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Aborts `promise`'s signal after `after` ms and measures from abort() to its rejection. */
async function abortAfter(start, after, ApiframeError) {
  const ac = new AbortController();
  const pending = start(ac.signal);
  await sleep(after);
  const t = Date.now();
  ac.abort(new Error("stopped by the test"));
  try {
    await pending;
    return { resolved: true };
  } catch (e) {
    return { ...describeError(e, ApiframeError), ms: Date.now() - t, cause: e?.cause?.message };
  }
}

export const SCENARIOS = {
  lost_response: {
    fault: { kind: "lost_response", route: "generate" },
    run: async ({ client }) => ({ jobId: (await client.generate({ prompt: "lost answer" })).jobId }),
  },
  rate_limited: {
    fault: { kind: "429", retryAfter: 1, route: "list" },
    run: async ({ client }) => {
      const t = Date.now();
      await client.listJobs({ limit: 1 });
      return { ok: true, ms: Date.now() - t };
    },
  },
  unavailable_beyond_retries: { fault: { kind: "503", count: 3, route: "list" }, expectError: true, run: ({ client }) => client.listJobs() },
  internal_beyond_retries: { fault: { kind: "500", count: 3, route: "list" }, expectError: true, run: ({ client }) => client.listJobs() },
  html_page: { fault: { kind: "html", count: 3, route: "list" }, expectError: true, run: ({ client }) => client.listJobs() },
  malformed_json: { fault: { kind: "malformed", count: 3, route: "list" }, expectError: true, run: ({ client }) => client.listJobs() },
  malformed_submit: { fault: { kind: "malformed", count: 3, route: "generate" }, expectError: true, run: ({ client }) => client.generate({ prompt: "x" }) },
  reset_beyond_retries: { fault: { kind: "reset", count: 3, route: "list" }, expectError: true, run: ({ client }) => client.listJobs() },
  slow_beyond_timeout: {
    fault: { kind: "slow", delayMs: 3000, count: 3, route: "list" },
    expectError: true,
    run: ({ make }) => make({ timeoutMs: 150, maxRetries: 0 }).listJobs(),
  },
  abort_during_request: {
    fault: { kind: "slow", delayMs: 3000, route: "list" },
    run: ({ client, ApiframeError }) => abortAfter((signal) => client.listJobs({}, { signal }), 100, ApiframeError),
  },
  abort_during_backoff: {
    fault: { kind: "429", retryAfter: 30, route: "list" },
    run: ({ client, ApiframeError }) => abortAfter((signal) => client.listJobs({}, { signal }), 200, ApiframeError),
  },
  abort_during_poll_sleep: {
    run: ({ make, ApiframeError }) =>
      abortAfter((signal) => make({ expectedDurationMs: 60_000 }).run({ prompt: "abort me" }, { signal }), 300, ApiframeError),
  },
  job_failed: { fault: { kind: "job_failed" }, expectError: true, run: ({ client }) => client.run({ prompt: "will fail" }) },
  job_cancelled: { fault: { kind: "job_cancelled" }, expectError: true, run: ({ client }) => client.run({ prompt: "will be cancelled" }) },
  expired_outputs: {
    expectError: true,
    run: async ({ client }) => {
      const job = await client.run({ prompt: "expires soon" });
      await sleep(1700);
      return client.waitForJob(job.id);
    },
  },
  hostile_inputs: {
    run: async ({ client, ApiframeError }) => {
      const cyclic = { prompt: "x" };
      cyclic.self = cyclic;
      let deep = { prompt: "x" };
      for (let i = 0; i < 5000; i++) deep = { prompt: "x", nested: deep };
      const inputs = [
        { prompt: "x".repeat(5_000_000) },
        cyclic,
        deep,
        { prompt: "x", reveParams: { seed: Number.NaN, aspect_ratio: "16:9\u0000" } },
        { prompt: "\ud800 lone surrogate" },
        null,
        42,
      ];
      const out = [];
      for (const input of inputs) {
        try {
          await client.generate(input);
          out.push({ sent: true });
        } catch (e) {
          out.push(describeError(e, ApiframeError));
        }
      }
      return { results: out };
    },
  },
  still_usable: {
    run: async ({ client }) => {
      const job = await client.run({ prompt: "after all that", reveParams: { aspect_ratio: "1:1", seed: 1 } });
      return { status: job.status };
    },
  },
};

/** Runs one scenario's client side; errors become records. */
export async function runScenario(name, { ReveClient, ApiframeError }, { baseUrl, apiKey }) {
  const make = (extra = {}) => new ReveClient({ apiKey, baseUrl, maxRetries: 2, expectedDurationMs: 300, minPollIntervalMs: 50, ...extra });
  const client = make();
  try {
    const value = await SCENARIOS[name].run({ client, make, ApiframeError });
    return { ok: true, value: value ?? null };
  } catch (e) {
    return { ok: false, error: describeError(e, ApiframeError) };
  }
}
