// Where a getJob call's time goes beyond a plain fetch + JSON.parse: a CPU profile (node:inspector)
// of N sequential getJob calls through the built package (dist/node.js) against the emulator,
// summed by function (self time), beside the same profile of the plain loop. The rows name what
// the client adds: the glue, the module's exports, the transport's guards, undici's signal
// handling. The emulator's own time is not in this process.
//
//   cargo build --release -p apiframe-emulator && node bench/getjob-profile.mjs [N=10000] [ROWS=25]
import { Session } from "node:inspector/promises";
import { startEmulator } from "./emulator.mjs";

const N = Number(process.argv[2] ?? 10_000);
const ROWS = Number(process.argv[3] ?? 25);
const KEY = "afk_local_dev";
const emulator = await startEmulator(["--job-ms", "300"]);
const { ReveClient } = await import("../dist/node.js");
const client = new ReveClient({ apiKey: KEY, baseUrl: emulator.url });
const { jobId } = await client.generate({ prompt: "profile" });
const url = `${emulator.url}/v2/jobs/${jobId}`;
const headers = { "x-api-key": KEY, accept: "application/json" };

const loops = {
  plain: async () => {
    for (let i = 0; i < N; i++) JSON.parse(await (await fetch(url, { headers })).text());
  },
  getJob: async () => {
    for (let i = 0; i < N; i++) await client.getJob(jobId);
  },
};

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
const totals = {};
for (const [name, loop] of Object.entries(loops)) {
  await loop(); // warm
  await session.post("Profiler.start");
  const t0 = performance.now();
  await loop();
  const wall = performance.now() - t0;
  const { profile } = await session.post("Profiler.stop");
  totals[name] = { wall, profile };
}
emulator.stop();

/** Self time per function (µs per call), from a profile's samples. */
function selfTimes({ profile }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const out = new Map();
  for (const [id, us] of dt) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const file = url ? url.replace(/^.*\//, "") : "";
    const key = `${functionName || "(anonymous)"} ${file}${file ? `:${lineNumber + 1}` : ""}`;
    out.set(key, (out.get(key) ?? 0) + us / N);
  }
  return out;
}

const plain = selfTimes(totals.plain);
const ours = selfTimes(totals.getJob);
console.log(`${N} sequential calls: plain fetch + JSON.parse ${(totals.plain.wall * 1000 / N).toFixed(0)} µs/call, getJob ${(totals.getJob.wall * 1000 / N).toFixed(0)} µs/call (${(totals.getJob.wall / totals.plain.wall).toFixed(2)}x)\n`);
console.log("| function (self time) | getJob µs/call | plain µs/call | extra |");
console.log("|---|---:|---:|---:|");
const rows = [...ours].map(([k, us]) => [k, us, plain.get(k) ?? 0]).sort((a, b) => (b[1] - b[2]) - (a[1] - a[2]));
for (const [k, us, p] of rows.slice(0, ROWS)) console.log(`| ${k.replace(/\|/g, "\\|")} | ${us.toFixed(1)} | ${p.toFixed(1)} | ${(us - p).toFixed(1)} |`);
