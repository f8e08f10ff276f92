// Cloudflare Workers: a proxy's job records in Durable Objects, for createProxyHandler's
// `jobRecords` when the service's webhook and a caller's event stream land on different
// isolates (which share no memory and no I/O). One object per job (`idFromName(jobId)`) keeps
// the job's record (opaque JSON text from the proxy) and a version in its durable storage,
// applies writes by compare-and-set, and tells the streams subscribed to it (responses it
// holds open) of each change. Each object deletes its storage a day after the job's record was
// opened (a storage alarm), as long as the proxy needs a record. The plain
// `constructor(state, env)` and `fetch(request)` form: no `cloudflare:workers` import, so
// this module bundles anywhere. Exported from the workerd entry only (scripts/build.mjs
// bundles it in).
//
//   wrangler.toml:  [[durable_objects.bindings]] name = "JOB_RECORDS", class_name = "JobRecordsObject"
//                   [[migrations]] tag = "v1", new_sqlite_classes = ["JobRecordsObject"]
//   src/index.js:   export { JobRecordsObject } from "apiframe-reve";
//                   createProxyHandler({ ..., webhookUrl, jobRecords: durableJobRecords(env.JOB_RECORDS) })
import { ApiframeError } from "./errors.js";

/** How long an object keeps its job's record after opening it: a day, as the proxy needs. */
const KEEP_MS = 86_400_000;
/** The origin of the object's routes (any would do: a stub's fetch never leaves Cloudflare). */
const ORIGIN = "https://job-records.internal";
const encoder = new TextEncoder();
/** Reads and merges of one update before it gives up (a proxy's event is then delivered again). */
const MAX_ATTEMPTS = 64;

/**
 * The Durable Object class that keeps one job's record and serves its changes. Bind it in
 * wrangler.toml and re-export it from your Worker's main module; hand its namespace to
 * `durableJobRecords`. `keepMs` (a day) is how long it keeps a record after opening it.
 */
export class JobRecordsObject {
  /** @param {DurableObjectState} state @param {unknown} [_env] the Worker's env (unused) */
  constructor(state, _env) {
    this.storage = state.storage;
    /** The writers of the subscribed streams (each a response held open). */
    this.subscribers = new Set();
    this.keepMs = KEEP_MS;
  }

  /**
   * The object's routes, for `durableJobRecords`: `GET /record` (`{record, version}`, or 404),
   * `PUT /record` (opens it unless it exists), `POST /record?version=N` (writes it if still
   * at version N, else 409; 404 when there is none) and `GET /changes` (a stream with one line
   * per change).
   * @param {Request} request
   */
  async fetch(request) {
    const { pathname, searchParams } = new URL(request.url);
    const method = request.method;
    if (pathname === "/record" && method === "GET") {
      const held = await this.read();
      return held ? Response.json(held) : new Response(null, { status: 404 });
    }
    if (pathname === "/record" && method === "PUT") return this.open(await request.text());
    if (pathname === "/record" && method === "POST") {
      return this.compareAndSet(Number(searchParams.get("version")), await request.text());
    }
    if (pathname === "/changes" && method === "GET") return this.subscribe();
    return new Response(null, { status: 404 });
  }

  /** The record and its version, or null. */
  async read() {
    const held = await this.storage.get(["record", "version"]);
    const record = held.get("record");
    return typeof record === "string" ? { record, version: held.get("version") ?? 0 } : null;
  }

  /** Stores `record` unless one exists (a replayed submission keeps its record); 201 or 200. */
  async open(record) {
    if (await this.read()) return new Response(null, { status: 200 });
    // Nothing runs between that read and this write: the object's input gate holds other
    // events while its storage is read.
    await this.storage.put({ record, version: 1 });
    await this.storage.setAlarm(Date.now() + this.keepMs);
    return new Response(null, { status: 201 });
  }

  /** Writes `record` if the stored version is still `version`, and tells the subscribers. */
  async compareAndSet(version, record) {
    const held = await this.read();
    if (!held) return new Response(null, { status: 404 });
    if (held.version !== version) return new Response(null, { status: 409 });
    const next = held.version + 1;
    await this.storage.put({ record, version: next });
    this.tell(`${next}\n`);
    return new Response(null, { status: 204 });
  }

  /** A stream of the changes to come, one line (the new version) each, held open. */
  subscribe() {
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    this.subscribers.add(writer);
    writer.closed.catch(() => {}).finally(() => this.subscribers.delete(writer));
    return new Response(readable, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  }

  /** Writes `line` to every subscribed stream; one whose reader went away is forgotten. */
  tell(line) {
    const bytes = encoder.encode(line);
    for (const writer of this.subscribers) {
      writer.write(bytes).catch(() => this.subscribers.delete(writer));
    }
  }

  /** The alarm set at opening: the record's day is over, so the storage is deleted. */
  async alarm() {
    await this.storage.deleteAll();
    for (const writer of this.subscribers) writer.close().catch(() => {});
    this.subscribers.clear();
  }
}

/**
 * createProxyHandler's `jobRecords` on a Durable Object namespace bound to `JobRecordsObject`
 * (`env.JOB_RECORDS`): every isolate of the Worker reads, writes and hears each job's record
 * through its object.
 * @param {DurableObjectNamespace} namespace
 */
export function durableJobRecords(namespace) {
  if (typeof namespace?.idFromName !== "function" || typeof namespace?.get !== "function") {
    throw new ApiframeError(
      "durableJobRecords needs a Durable Object namespace (a binding such as env.JOB_RECORDS, bound to JobRecordsObject in wrangler.toml)",
      { code: "invalid_request" },
    );
  }
  /** The answer of `jobId`'s object to `path`; a stub per call, as no I/O outlives its request. */
  const call = async (jobId, path, init) => {
    const id = namespace.idFromName(String(jobId));
    return namespace.get(id).fetch(`${ORIGIN}${path}`, init);
  };
  const failed = (what, res) => new Error(`jobRecords: the Durable Object answered ${res.status} to ${what}`);
  /** `{record, version}` of `jobId`, or null. */
  const read = async (jobId) => {
    const res = await call(jobId, "/record");
    if (res.status === 404) return null;
    if (!res.ok) throw failed("a read", res);
    const held = await res.json();
    if (typeof held?.record !== "string" || !Number.isInteger(held.version)) throw new Error("jobRecords: a record unlike the object's");
    return held;
  };

  return {
    /** The record of `jobId` (JSON text), or null. */
    async get(jobId) {
      return (await read(jobId))?.record ?? null;
    },

    /** Stores `record` for `jobId` unless it has one. */
    async open(jobId, record) {
      const res = await call(jobId, "/record", { method: "PUT", body: record });
      await res.arrayBuffer();
      if (!res.ok) throw failed("an opening", res);
    },

    /** Atomically: `merge(current)` and, when it returns a string, that written and told. */
    async update(jobId, merge) {
      // Each conflict means another write landed: bounded all the same, so nothing spins.
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const held = await read(jobId);
        if (!held) return;
        const next = merge(held.record);
        if (next === null || next === undefined) return;
        const res = await call(jobId, `/record?version=${held.version}`, { method: "POST", body: String(next) });
        await res.arrayBuffer();
        if (res.status === 409) continue; // another isolate wrote in between: read and merge again
        if (!res.ok) throw failed("a write", res);
        return;
      }
      throw new Error("jobRecords: the record kept changing under this update");
    },

    /** Calls `onChange()` at each change of `jobId`'s record; resolves to the function that stops it. */
    async subscribe(jobId, onChange) {
      const res = await call(jobId, "/changes");
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw failed("a subscription", res);
      }
      const reader = res.body.getReader();
      let stopped = false;
      (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done || stopped) return;
            // One line per change (a chunk may hold several, never a partial one that matters:
            // only the newlines are counted).
            for (const byte of value) if (byte === 10 && !stopped) onChange();
          }
        } catch {
          // The stream broke (the object was reset): the proxy's looks upstream go on.
        }
      })();
      return () => {
        stopped = true;
        reader.cancel().catch(() => {});
      };
    },
  };
}
