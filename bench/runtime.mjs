// Runtime costs in Node against the emulator (release build):
//   start-up: import of dist/node.js (compile + instantiate) and the first call;
//   overhead: 2,000 sequential getJob through the client vs a plain fetch + JSON.parse loop (and
//   the same loop with a per-request AbortController time limit, as the client has);
//   scale: 1,000 concurrent waitForJob (short jobs), three rounds, peak RSS and heap.
//
//   node --expose-gc bench/runtime.mjs
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const KEY = "afk_local_dev";
const emulator = spawn(join(root, "target", "release", "apiframe-emulator"), ["--port", "0", "--job-ms", "300"], { stdio: ["ignore", "pipe", "ignore"] });
const url = (await new Promise((r) => createInterface({ input: emulator.stdout }).once("line", r))).replace("listening on ", "");

const t0 = performance.now();
const { ReveClient } = await import(join(root, "dist", "node.js"));
const imported = performance.now();
const client = new ReveClient({ apiKey: KEY, baseUrl: url, expectedDurationMs: 300 });
const { jobs } = await client.listJobs({ limit: 1 });
const firstCall = performance.now();
console.log(`start-up: import ${(imported - t0).toFixed(1)} ms, first call (listJobs, incl. one HTTP round trip) ${(firstCall - imported).toFixed(1)} ms`);
void jobs;

const { jobId } = await client.generate({ prompt: "overhead" });
const N = 2000;
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
const best = {};
for (let round = 0; round < 5; round++) {
  for (const [name, loop] of Object.entries(loops)) {
    const t = performance.now();
    await loop();
    best[name] = Math.min(best[name] ?? Infinity, performance.now() - t);
  }
}
for (const [name, ms] of Object.entries(best)) {
  console.log(`overhead: ${N} getJob, ${name}: ${ms.toFixed(0)} ms, ratio to plain ${(ms / best.plain).toFixed(3)} (best of 5, interleaved)`);
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
emulator.kill();
