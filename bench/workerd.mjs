// workerd (through miniflare): start-up cost of the package and 1,000 concurrent waits in one
// isolate. workerd's clock stands still while a module evaluates, so start-up is measured from
// outside: cold start to first answer of a Worker that uses the package, minus the same for a
// bare Worker making the same one upstream request (medians of 10).
//
//   cargo build --release -p apiframe-emulator && npm run build && node bench/workerd.mjs
import { spawn } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startWorker } from "../tests/support/workerd.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const emulator = spawn(join(root, "target", "release", "apiframe-emulator"), ["--port", "0", "--job-ms", "300"], { stdio: ["ignore", "pipe", "ignore"] });
const url = (await new Promise((r) => createInterface({ input: emulator.stdout }).once("line", r))).replace("listening on ", "");
const dir = mkdtempSync(join(tmpdir(), "reve-workerd-"));
writeFileSync(join(dir, "bare.mjs"), `export default { async fetch(req, env) {
  const r = await fetch(env.API + "/v2/jobs?limit=1", { headers: { "x-api-key": "afk_local_dev" } });
  return new Response(await r.text());
} };`);
writeFileSync(join(dir, "ours.mjs"), `import { ReveClient } from "apiframe-reve";
export default { async fetch(req, env) {
  const client = new ReveClient({ apiKey: "afk_local_dev", baseUrl: env.API, expectedDurationMs: 300 });
  const n = Number(new URL(req.url).searchParams.get("n") ?? 0);
  if (!n) return Response.json(await client.listJobs({ limit: 1 }));
  const t = Date.now();
  const ids = await Promise.all(Array.from({ length: n }, (_, i) => client.generate({ prompt: "scale " + i }).then((a) => a.jobId)));
  const jobs = await Promise.all(ids.map((id) => client.waitForJob(id)));
  return Response.json({ completed: jobs.filter((j) => j.status === "COMPLETED").length, ms: Date.now() - t });
} };`);
const alias = { "apiframe-reve": join(root, "dist", "workerd.js") };

async function coldStart(file) {
  const t = performance.now();
  const w = await startWorker(join(dir, file), { alias, bindings: { API: url } });
  const res = await w.fetch("/");
  await res.text();
  const ms = performance.now() - t;
  await w.stop();
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = [], ours = [];
for (let i = 0; i < 10; i++) {
  bare.push(await coldStart("bare.mjs"));
  ours.push(await coldStart("ours.mjs"));
}
console.log(`workerd cold start to first answer: bare Worker ${median(bare).toFixed(1)} ms, with apiframe-reve ${median(ours).toFixed(1)} ms, difference ${(median(ours) - median(bare)).toFixed(1)} ms (medians of 10)`);

const w = await startWorker(join(dir, "ours.mjs"), { alias, bindings: { API: url } });
for (let round = 1; round <= 3; round++) {
  const res = await (await w.fetch("/?n=1000")).json();
  console.log(`workerd scale round ${round}: ${res.completed}/1000 completed in ${res.ms} ms in one isolate`);
}
await w.stop();
emulator.kill();
