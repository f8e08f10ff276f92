// Runtime costs in Node against the emulator (release build):
//   start-up: import of dist/node.js (compile + instantiate) and the first call;
//   overhead: sequential getJob through the client vs a plain fetch + JSON.parse loop (and
//   the same loop with a per-request AbortController time limit, as the client has), in wall
//   time and in this process's CPU time;
//   scale: 1,000 concurrent waitForJob (short jobs), three rounds, peak RSS and heap.
//
//   node --expose-gc bench/runtime.mjs
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { quantile } from "./quantile.mjs";
import { startEmulator } from "./emulator.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const KEY = "afk_local_dev";
const emulator = await startEmulator(["--job-ms", "300"]);
const url = emulator.url;

const t0 = performance.now();
const { ReveClient } = await import(join(root, "dist", "node.js"));
const imported = performance.now();
const client = new ReveClient({ apiKey: KEY, baseUrl: url, expectedDurationMs: 300 });
const { jobs } = await client.listJobs({ limit: 1 });
const firstCall = performance.now();
console.log(`start-up: import ${(imported - t0).toFixed(1)} ms, first call (listJobs, incl. one HTTP round trip) ${(firstCall - imported).toFixed(1)} ms`);
void jobs;

const { jobId } = await client.generate({ prompt: "overhead" });
const N = 250;
const headers = { "x-api-key": KEY, accept: "application/json" };
const loops = {
  // What the issue compares against: fetch + JSON.parse, nothing else.
  plain: async () => {
    for (let i = 0; i < N; i++) {
      const res = await fetch(`${url}/v2/jobs/${jobId}`, { headers });
      if (!res.ok) throw new Error(String(res.status));
      JSON.parse(await res.text());
    }
  },
  // The same with an AbortSignal in the request: what any abortable fetch pays (undici's
  // Request follows the signal: its own controller, listeners, a finalizer).
  "plain + signal": async () => {
    for (let i = 0; i < N; i++) {
      const c = new AbortController();
      const res = await fetch(`${url}/v2/jobs/${jobId}`, { headers, signal: c.signal });
      if (!res.ok) throw new Error(String(res.status));
      JSON.parse(await res.text());
    }
  },
  // The same with what the client always does besides: a per-request time limit.
  "plain + timeout": async () => {
    for (let i = 0; i < N; i++) {
      const c = new AbortController();
      const t = setTimeout(() => c.abort(), 60_000);
      try {
        const res = await fetch(`${url}/v2/jobs/${jobId}`, { headers, signal: c.signal });
        if (!res.ok) throw new Error(String(res.status));
        JSON.parse(await res.text());
      } finally {
        clearTimeout(t);
      }
    }
  },
  "apiframe-reve": async () => {
    for (let i = 0; i < N; i++) await client.getJob(jobId);
  },
};
for (const loop of Object.values(loops)) await loop(); // warm every path
// This machine's noise (the emulator shares its 2 cores) swings one long run by +-10 %: many
// short rounds instead, each timing every loop back to back in a rotating order. Reported: the
// ratio of total times (40 x 250 = 10,000 calls a loop), and the median and interquartile range
// of the rounds' own ratios.
const ROUNDS = 40;
const names = Object.keys(loops);
const ratios = Object.fromEntries(names.map((n) => [n, []]));
const totals = Object.fromEntries(names.map((n) => [n, 0]));
// This process's CPU time (user + system) per loop: the emulator's is not in it, so it shows
// what each loop costs the caller's process, with less of the machine's noise than wall time.
const cpu = Object.fromEntries(names.map((n) => [n, 0]));
for (let round = 0; round < ROUNDS; round++) {
  const took = {};
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length];
    const c = process.cpuUsage();
    const t = performance.now();
    await loops[name]();
    took[name] = performance.now() - t;
    const { user, system } = process.cpuUsage(c);
    cpu[name] += user + system;
  }
  for (const n of names) {
    ratios[n].push(took[n] / took.plain);
    totals[n] += took[n];
  }
}
for (const n of names) {
  const r = ratios[n];
  const perCall = (totals[n] / (ROUNDS * N)) * 1000;
  const cpuPerCall = cpu[n] / (ROUNDS * N);
  console.log(`overhead: ${ROUNDS * N} getJob, ${n}: ${perCall.toFixed(0)} µs a call, ratio to plain ${(totals[n] / totals.plain).toFixed(3)} (rounds: median ${quantile(r, 0.5).toFixed(3)}, IQR ${quantile(r, 0.25).toFixed(3)}-${quantile(r, 0.75).toFixed(3)}); this process's CPU ${cpuPerCall.toFixed(0)} µs a call, ratio ${(cpu[n] / cpu.plain).toFixed(3)}`);
}

for (let round = 1; round <= 3; round++) {
  let peakRss = 0;
  const sample = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
  const t = performance.now();
  const ids = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.generate({ prompt: `scale ${round}.${i}` }).then((a) => a.jobId)));
  const done = await Promise.all(ids.map((id) => client.waitForJob(id)));
  clearInterval(sample);
  globalThis.gc?.();
  const m = process.memoryUsage();
  console.log(`scale round ${round}: ${done.filter((j) => j.status === "COMPLETED").length}/1000 completed in ${(performance.now() - t).toFixed(0)} ms, peak RSS ${(peakRss / 2 ** 20).toFixed(1)} MiB, heap after GC ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB`);
}
emulator.stop();
