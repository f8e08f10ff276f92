// Checks the poll-schedule simulator against reality: N concurrent jobs through the real
// client (dist/node.js) against the emulator, counting GET /v2/jobs/{id} per job and the delay
// from the job's completedAt (the emulator's clock, this machine's) to the client seeing it.
//
//   node bench/poll-vs-emulator.mjs [JOBS=200] [JOB_MS=15000]
import { ReveClient } from "../dist/node.js";
import { quantile } from "./quantile.mjs";
import { startEmulator } from "./emulator.mjs";

const jobs = Number(process.argv[2] ?? 200);
const jobMs = Number(process.argv[3] ?? 15000);
const emulator = await startEmulator(["--job-ms", String(jobMs), "--seed", "7"]);
const url = emulator.url;

const polls = new Map();
const client = new ReveClient({
  apiKey: "afk_local_dev",
  baseUrl: url,
  fetch: (u, init) => {
    const m = /\/v2\/jobs\/([0-9a-f-]{36})$/.exec(u);
    if (m) polls.set(m[1], (polls.get(m[1]) ?? 0) + 1);
    return fetch(u, init);
  },
});
const results = await Promise.all(Array.from({ length: jobs }, async (_, i) => {
  const job = await client.run({ prompt: `job ${i}` });
  return { requests: polls.get(job.id), delay: Date.now() - Date.parse(job.completedAt) };
}));
emulator.stop();
const stat = (xs) => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, p95: quantile(xs, 0.95) });
const r = stat(results.map((x) => x.requests));
const d = stat(results.map((x) => x.delay));
console.log(`| apiframe-reve against the emulator (${jobs} jobs, --job-ms ${jobMs}) | ${r.mean.toFixed(2)} | ${r.p95} | ${d.mean.toFixed(0)} ms | ${d.p95} ms |`);
