// What the proxy's tests (tests/proxy-*.test.mjs) drive it with: the emulator and, in front of
// it, examples/worker started in workerd (through miniflare, which does not load on Node 18)
// with alice's session, a job store as an app would write one, a client whose requests go
// through a handler as a browser's would, an upstream fetch that records what the proxy sent,
// and (for webhooks) a local Node http server handing every request to a proxy handler.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiframeError, ReveClient } from "apiframe-reve";
import { KEY, startEmulator } from "./emulator.mjs";

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

/** A job id nobody submitted. */
export const UNKNOWN = "00000000-0000-4000-8000-000000000000";
export const SESSION = "s3ssion-token";
export const ORIGIN = "http://app.test";
/** The options of a test that runs in workerd: skipped where workerd is. */
export const inWorkerd = { skip: WORKERD_SKIP };

/** The test file's emulator and (with `useProxyEmulator({ worker: true })`) example Worker. */
export let emu, worker;

/**
 * Starts the file's emulator (jobs of 300 ms) before its tests and stops it after; with
 * `worker`, also examples/worker in front of it (where workerd runs), which knows alice's
 * session, lets ORIGIN call and keeps owners in Workers KV.
 */
export function useProxyEmulator({ worker: withWorker = false } = {}) {
  before(async () => {
    emu = await startEmulator(["--job-ms", "300"]);
    if (!withWorker) return;
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
}

/** Every request the service has had on its API routes. */
export const upstreamCalls = async () => {
  const { stats } = await emu.stats();
  return stats.generateRequests + stats.jobRequests + stats.listRequests + stats.otherRequests;
};
/** `init` with alice's session cookie, for the example Worker. */
export const withSession = (init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("cookie", `session=${SESSION}`);
  return { ...init, headers };
};
/** A submission of `body` to a handler mounted at the root. */
export const post = (body, init = {}) => new Request("http://proxy.test/v2/images/generate", {
  method: "POST", body, ...init, headers: { "content-type": "application/json", ...init.headers },
});

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

/** Hop-by-hop headers Node's server hands over that a `Request` must not carry. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host"]);

/**
 * A local Node http server on 127.0.0.1 that hands each request to a proxy handler, as an app's
 * server would: `make(webhookUrl)` creates the handler once the server's address (and so the
 * public URL of its webhook route, `path`) is known. Answers are streamed as they come (an
 * event stream too); a caller that goes away aborts its request's `signal` and cancels the
 * answer's body, and is counted in `disconnects()`. Stop it with `close()`.
 */
export async function serveProxy(make, path = "/api/reve/webhook") {
  let handler;
  let disconnects = 0;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k));
    const body = ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks);
    const gone = new AbortController();
    let reader;
    res.on("close", () => {
      if (res.writableFinished) return;
      disconnects++;
      gone.abort();
      reader?.cancel().catch(() => {});
    });
    const response = await handler(new Request(`${url}${req.url}`, { method: req.method, headers, body, signal: gone.signal }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    res.flushHeaders();
    reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // cancelled: the caller went away
    }
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const webhookUrl = `${url}${path}`;
  handler = make(webhookUrl);
  return {
    url, webhookUrl, handler, disconnects: () => disconnects,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/**
 * The events of a Server-Sent Events `response`, as they arrive: `{ id, data }` (`data` parsed
 * as JSON) for each event, `{ comment }` for a comment line; it ends when the stream does.
 */
export async function* serverSentEvents(response) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split("\n");
      if (lines.every((l) => l.startsWith(":"))) {
        yield { comment: lines.join("\n") };
        continue;
      }
      const field = (name) => lines.filter((l) => l.startsWith(`${name}: `)).map((l) => l.slice(name.length + 2));
      yield { id: field("id")[0], data: JSON.parse(field("data").join("\n")) };
    }
  }
}

/** `X-Webhook-Signature` of `body` for `key`, as the service signs (HMAC-SHA256 keyed with SHA-256 of the key). */
export const signWebhook = (key, body) =>
  `sha256=${createHmac("sha256", createHash("sha256").update(key).digest()).update(body).digest("hex")}`;

/**
 * Every event (comments left out) of the job stream `url` answers, to its end, after checking
 * it answered 200 as `text/event-stream`.
 */
export async function streamedEvents(url, init) {
  const res = await fetch(url, init);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  const out = [];
  for await (const e of serverSentEvents(res)) if (!e.comment) out.push(e);
  return out;
}

/** A stream's events: ids rising with none twice, the last one the job COMPLETED. */
export function assertChanges(events) {
  const ids = events.map((e) => Number(e.id));
  assert.deepEqual(ids, [...new Set(ids)].sort((x, y) => x - y), `ids rise, none twice: ${ids}`);
  assert.equal(events.at(-1).data.status, "COMPLETED");
}
