// What tests/proxy.test.mjs drives the proxy with: a job store as an app would write one, a
// client whose requests go through a handler as a browser's would, an upstream fetch that
// records what the proxy sent, and examples/worker started in workerd (through miniflare, which
// does not load on Node 18).
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiframeError, ReveClient } from "apiframe-reve";

const here = dirname(fileURLToPath(import.meta.url));

/** The Worker the project ships: createProxyHandler behind a session check, with Workers KV. */
export const EXAMPLE_WORKER = join(here, "..", "..", "examples", "worker", "src", "index.js");

/** Why workerd tests are skipped here, or false: miniflare does not load on Node 18 (which scripts/test.sh also runs). */
export const WORKERD_SKIP = Number(process.versions.node.split(".")[0]) >= 20 ? false : "miniflare (workerd) does not load on Node 18";

/** Starts examples/worker in workerd, or resolves null where workerd is skipped. */
export async function startExampleWorker(options) {
  if (WORKERD_SKIP) return null;
  const { startWorker } = await import("./workerd.mjs");
  return startWorker(EXAMPLE_WORKER, options);
}

/** A store as an app would write one over its own database: here, plain Maps. */
export function sharedStore() {
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
export const clientOf = (handler, user, durationMs = 300) => new ReveClient({
  baseUrl: "https://app.test/api/reve",
  expectedDurationMs: durationMs,
  fetch: (url, init) => handler(new Request(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), "x-user": user } })),
});

/** The ApiframeError `promise` rejects with. */
export const failure = async (promise) => {
  try { await promise; } catch (e) { assert.ok(e instanceof ApiframeError, String(e)); return e; }
  assert.fail("expected a rejection");
};

/**
 * An upstream `fetch` for createProxyHandler that records each request's `init.signal` and
 * counts GETs in flight (from the call until the body has been read), as the service sees them.
 */
export function recordingFetch() {
  const seen = { signals: [], gets: 0, inFlight: 0, peakGets: 0 };
  seen.fetch = async (url, init) => {
    seen.signals.push(init.signal);
    const get = (init.method ?? "GET") === "GET";
    if (get) {
      seen.gets++;
      seen.peakGets = Math.max(seen.peakGets, ++seen.inFlight);
    }
    try {
      const res = await fetch(url, init);
      const text = await res.text();
      return new Response(text, { status: res.status, headers: res.headers });
    } finally {
      if (get) seen.inFlight--;
    }
  };
  return seen;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
