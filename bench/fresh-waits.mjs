// Waits by fresh clients, measured through the built package (dist/node.js) against a stand-in
// of the service written here (a node:http server, not the emulator): each job has a fixed
// length (±5 %, 0-10 % of it queued) and reports no progress, or linear progress in whole
// percents. Every job is waited by a new ReveClient (a command-line run, a serverless function:
// nothing learned), submitted with `run`. Prints looks (GET /v2/jobs/{id}) per job and how late
// the client saw the job done, per case; the same cases the simulator's fixed-length table has.
//
//   node bench/fresh-waits.mjs [JOBS_PER_CASE=12]
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { ReveClient } from "../dist/node.js";

const perCase = Number(process.argv[2] ?? 12);
const CASES = [
  [15_000, "none"], [30_000, "none"], [60_000, "none"],
  [15_000, "linear"], [45_000, "linear"], [60_000, "linear"],
];

const jobs = new Map();
const server = createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (req.method === "POST" && req.url === "/v2/images/generate") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const [length, reports] = JSON.parse(body).prompt.split(" ");
      const total = Number(length) * (0.95 + 0.1 * Math.random());
      const id = randomUUID();
      jobs.set(id, { start: performance.now(), total, queued: total * 0.1 * Math.random(), reports, looks: 0 });
      send(202, { jobId: id, status: "QUEUED" });
    });
    return;
  }
  const id = /^\/v2\/jobs\/([0-9a-f-]{36})$/.exec(req.url)?.[1];
  const job = id && jobs.get(id);
  if (!job) return send(404, { error: "not found" });
  job.looks++;
  const t = performance.now() - job.start;
  if (t >= job.total) {
    job.doneAt ??= job.start + job.total;
    return send(200, { id, status: "COMPLETED", progress: 100, result: { images: ["https://files.example/a.png"] } });
  }
  const processing = t >= job.queued;
  const progress = job.reports === "linear" && processing ? Math.floor((100 * (t - job.queued)) / (job.total - job.queued)) : null;
  send(200, { id, status: processing ? "PROCESSING" : "QUEUED", progress });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const baseUrl = `http://127.0.0.1:${server.address().port}`;

const results = await Promise.all(CASES.map(async ([length, reports]) => {
  const waited = await Promise.all(Array.from({ length: perCase }, async () => {
    const client = new ReveClient({ apiKey: "afk_bench", baseUrl });
    const job = await client.run({ prompt: `${length} ${reports}` }, { timeoutMs: 600_000 });
    const seenAt = performance.now();
    const record = jobs.get(job.id);
    return { looks: record.looks, late: seenAt - (record.start + record.total) };
  }));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    job: `${length / 1000} s, ${reports === "none" ? "no progress" : "linear progress"}`,
    looks: mean(waited.map((w) => w.looks)),
    maxLooks: Math.max(...waited.map((w) => w.looks)),
    late: mean(waited.map((w) => w.late)),
    maxLate: Math.max(...waited.map((w) => w.late)),
  };
}));
server.close();
console.log(`| job (fresh clients, ${perCase} each) | looks mean | max | late mean | max |`);
console.log("|---|---:|---:|---:|---:|");
for (const r of results) {
  console.log(`| ${r.job} | ${r.looks.toFixed(1)} | ${r.maxLooks} | ${r.late.toFixed(0)} ms | ${r.maxLate.toFixed(0)} ms |`);
}
