// A batch against the emulator's real rate limit: 50 prompts through runMany (concurrency 8)
// with --rate-limit 10 (requests per second per key), against 50 sequential run()s on a fresh
// emulator. Reports requests per image, duplicate jobs, requests sent inside a Retry-After
// window (as the client knew of it, from a recording fetch, and as the emulator counted them:
// arrivals inside a window it had announced, which includes requests already on the wire when
// a 429 left), and the wall times.
//
//   cargo build --release -p apiframe-emulator && npm run build && node bench/batch.mjs [PROMPTS=50] [JOB_MS=1000]
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "./emulator.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { ReveClient } = await import(join(root, "dist", "node.js"));
const KEY = "afk_local_dev";
const N = Number(process.argv[2] ?? 50);
const JOB_MS = Number(process.argv[3] ?? 1000);
const RATE = 10;
const prompts = Array.from({ length: N }, (_, i) => ({ prompt: `storyboard panel ${i + 1}` }));

function recordingFetch() {
  const log = [];
  const f = async (url, init = {}) => {
    const e = { sentAt: performance.now() };
    log.push(e);
    const res = await fetch(url, init);
    Object.assign(e, { status: res.status, answeredAt: performance.now(), retryAfterMs: Number(res.headers.get("retry-after") ?? 0) * 1000 });
    return res;
  };
  return { fetch: f, log };
}

const insideWindows = (log) => {
  const windows = log.filter((e) => e.status === 429).map((e) => [e.answeredAt, e.answeredAt + e.retryAfterMs]);
  return log.filter((e) => windows.some(([from, to]) => e.sentAt > from && e.sentAt < to)).length;
};

async function measure(name, go) {
  const emu = await startEmulator(["--job-ms", String(JOB_MS), "--rate-limit", String(RATE), "--seed", "7"]);
  try {
    const rec = recordingFetch();
    const client = new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: JOB_MS, fetch: rec.fetch, maxRetries: 10 });
    const t = performance.now();
    const jobs = await go(client);
    const ms = performance.now() - t;
    const { stats } = await (await fetch(`${emu.url}/__emulator/stats`)).json();
    const ok = jobs.filter(Boolean).length;
    console.log(`${name}: ${ok}/${N} images in ${(ms / 1000).toFixed(1)} s; ${(rec.log.length / ok).toFixed(2)} requests per image ` +
      `(${stats.rateLimited} answered 429); ${stats.jobsCreated - ok} duplicate jobs; sent inside a Retry-After window: ` +
      `${insideWindows(rec.log)} (client's view), ${stats.rateLimitViolations} (emulator's count of arrivals)`);
    return ms;
  } finally {
    emu.stop();
  }
}

const batch = await measure(`runMany, concurrency 8, --rate-limit ${RATE}`, async (c) =>
  (await c.runMany(prompts, { concurrency: 8 })).map((r) => (r.status === "fulfilled" ? r.value : null)));
const sequential = await measure(`${N} sequential run()s`, async (c) => {
  const out = [];
  for (const p of prompts) out.push(await c.run(p).catch(() => null));
  return out;
});
console.log(`wall time: runMany ${(batch / 1000).toFixed(1)} s against ${(sequential / 1000).toFixed(1)} s sequential (${(sequential / batch).toFixed(1)}x faster)`);
