// Many processes, one app: two Node processes, each serving createProxyHandler over HTTP on its
// own port, share their job records on a real redis-server (Debian's, started here on a free
// port with nothing saved, stopped after) through examples/redis-job-records.mjs. The service's
// webhooks reach one process; a caller's event stream is served by the other. Against the
// emulator (jobs of 2 s) and its webhook faults.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { assertChanges, streamedEvents } from "./support/proxy-fixtures.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const skip = Number(process.versions.node.split(".")[0]) >= 20 ? false : "ioredis 6 needs Node 20+";

/** A port nobody listens on now. */
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** Starts `command` and resolves once a line of its stdout matches `ready` (with that line). */
function start(command, args, ready) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on("line", (line) => { if (ready.test(line)) { rl.removeAllListeners("line"); resolve({ child, line }); } });
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}`)));
  });
}

const stop = async (child) => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
};

let emu, redis, a, b;
before(async () => {
  if (skip) return;
  const port = await freePort();
  ({ child: redis } = await start("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], /Ready to accept connections/));
  emu = await startEmulator(["--job-ms", "2000"]);
  const proxyProcess = async () => {
    const { child, line } = await start(process.execPath, [join(here, "support", "redis-proxy.mjs"), emu.url, `redis://127.0.0.1:${port}`, KEY], /^http:/);
    return { child, url: line.trim(), gets: async () => (await (await fetch(`${line.trim()}/__upstream-gets`)).json()).gets };
  };
  [a, b] = await Promise.all([proxyProcess(), proxyProcess()]);
});
after(async () => {
  await Promise.all([stop(a?.child), stop(b?.child)]);
  await emu?.stop();
  await stop(redis);
});

/** Submits a job through process `p`: its id and the 202's `Apiframe-Events`. */
async function submit(p) {
  const res = await fetch(`${p.url}/api/reve/v2/images/generate`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "one app, two processes" }),
  });
  assert.equal(res.status, 202);
  return { jobId: (await res.json()).jobId, events: res.headers.get("apiframe-events") };
}

/** Every event of the stream at `path` of process `p`, to its end. */
const streamed = (p, path) => streamedEvents(`${p.url}${path}`);

test("the webhook received by one process moves the stream served by the other", { skip }, async () => {
  const [aGets, bGets] = [await a.gets(), await b.gets()];
  const { jobId, events } = await submit(a);
  assert.equal(events, `/api/reve/v2/jobs/${jobId}/events`);
  const seen = await streamed(b, events);
  assert.ok(seen.length >= 3, `the held job, its progress, its end: ${seen.length} events`);
  assertChanges(seen);
  const { deliveries } = await emu.control("webhooks", undefined, "GET");
  const mine = deliveries.filter((d) => d.jobId === jobId);
  assert.ok(mine.length >= 2 && mine.every((d) => d.url.startsWith(a.url)), "every event went to the first process");
  assert.equal(await b.gets(), bGets, "the second process heard every change through Redis: no upstream GET");
  assert.equal(await a.gets(), aGets);
  const read = await (await fetch(`${b.url}/api/reve/v2/jobs/${jobId}`)).json();
  assert.deepEqual(read, seen.at(-1).data, "a read from the shared record");
});

test("lost events: the other process's stream still ends, looking upstream itself", { skip }, async () => {
  await emu.fault({ kind: "webhook_lost" });
  const { jobId, events } = await submit(a);
  const before = await b.gets();
  const seen = await streamed(b, events);
  assertChanges(seen);
  assert.ok((await b.gets()) > before, "the streaming process looked upstream");
  assert.equal((await (await fetch(`${a.url}/api/reve/v2/jobs/${jobId}`)).json()).status, "COMPLETED", "and recorded it for both");
});

test("jobRecords without its four methods throws, naming the option", async () => {
  const { createProxyHandler, ApiframeError } = await import("apiframe-reve");
  for (const jobRecords of [{ get() {}, open() {}, update() {} }, "redis://localhost", 42]) {
    assert.throws(() => createProxyHandler({ apiKey: KEY, allowAnonymous: true, jobRecords }), (e) => {
      assert.ok(e instanceof ApiframeError);
      assert.equal(e.details.field, "jobRecords");
      assert.match(e.message, /subscribe\(jobId, onChange\)/);
      return true;
    });
  }
});
