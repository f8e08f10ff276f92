// workerd (through miniflare): start-up cost of the package and 1,000 concurrent waits in one
// isolate. workerd's clock stands still while a module evaluates, so start-up is measured from
// outside: cold start to first answer of a Worker that uses the package, minus the same for a
// bare Worker making the same one upstream request, both bundled beforehand (the median of 30
// such pairs' differences). A whole process's start-up is noisy (about ±5 ms):
// bench/workerd-startup.mjs measures what one more Worker costs a running workerd instead.
//
//   cargo build --release -p apiframe-emulator && npm run build && node bench/workerd.mjs
import { startWorker } from "../tests/support/workerd.mjs";
import { quantile } from "./quantile.mjs";
import { startEmulator } from "./emulator.mjs";
import { BARE_WORKER, bundleWorkers } from "./workers.mjs";

const emulator = await startEmulator(["--job-ms", "300"]);
const url = emulator.url;
const bundles = await bundleWorkers({
  bare: BARE_WORKER,
  ours: `import { ReveClient } from "apiframe-reve";
export default { async fetch(req, env) {
  const client = new ReveClient({ apiKey: "afk_local_dev", baseUrl: env.API, expectedDurationMs: 300 });
  const n = Number(new URL(req.url).searchParams.get("n") ?? 0);
  if (!n) return Response.json(await client.listJobs({ limit: 1 }));
  const t = Date.now();
  const ids = await Promise.all(Array.from({ length: n }, (_, i) => client.generate({ prompt: "scale " + i }).then((a) => a.jobId)));
  const jobs = await Promise.all(ids.map((id) => client.waitForJob(id)));
  return Response.json({ completed: jobs.filter((j) => j.status === "COMPLETED").length, ms: Date.now() - t });
} };`,
});
async function coldStart(name) {
  const t = performance.now();
  const w = await startWorker(bundles[name], { bindings: { API: url } });
  const res = await w.fetch("/");
  await res.text();
  const ms = performance.now() - t;
  await w.stop();
  return ms;
}
const SAMPLES = 30;
const bare = [], ours = [], diffs = [];
for (let i = 0; i < SAMPLES; i++) {
  // Alternating which goes first, so neither always meets a warmer machine.
  const [a, b] = i % 2 ? ["ours", "bare"] : ["bare", "ours"];
  const took = { [a]: await coldStart(a), [b]: await coldStart(b) };
  bare.push(took.bare);
  ours.push(took.ours);
  diffs.push(took.ours - took.bare);
}
console.log(`workerd cold start to first answer: bare Worker ${quantile(bare, 0.5).toFixed(1)} ms, with apiframe-reve ${quantile(ours, 0.5).toFixed(1)} ms; difference of pairs: median ${quantile(diffs, 0.5).toFixed(1)} ms (IQR ${quantile(diffs, 0.25).toFixed(1)} to ${quantile(diffs, 0.75).toFixed(1)}, ${SAMPLES} pairs)`);

const w = await startWorker(bundles.ours, { bindings: { API: url } });
for (let round = 1; round <= 3; round++) {
  const res = await (await w.fetch("/?n=1000")).json();
  console.log(`workerd scale round ${round}: ${res.completed}/1000 completed in ${res.ms} ms in one isolate`);
}
await w.stop();
emulator.stop();
