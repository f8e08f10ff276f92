// Soak: 10,000 sequential `run` calls against the emulator in fast mode, in one process.
// Reports heap after GC, RSS and Node's active timers every 1,000 runs: none may grow.
//
//   cargo build --release -p apiframe-emulator && npm run build && node --expose-gc bench/soak.mjs [RUNS=10000]
import { ReveClient } from "../dist/node.js";
import { startEmulator } from "./emulator.mjs";

const runs = Number(process.argv[2] ?? 10000);
const emulator = await startEmulator(["--job-ms", "2", "--max-jobs", "2000"]);
const url = emulator.url;
const client = new ReveClient({ apiKey: "afk_local_dev", baseUrl: url, expectedDurationMs: 2, minPollIntervalMs: 1 });

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
console.log("| runs | heap after GC | RSS | active timers | elapsed |");
console.log("|---:|---:|---:|---:|---:|");
const t0 = performance.now();
for (let i = 1; i <= runs; i++) {
  const job = await client.run({ prompt: `soak ${i}`, reveParams: { seed: i } });
  if (job.status !== "COMPLETED") throw new Error(`run ${i}: ${job.status}`);
  if (i % 1000 === 0) {
    globalThis.gc?.();
    const m = process.memoryUsage();
    console.log(`| ${i} | ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB | ${(m.rss / 2 ** 20).toFixed(1)} MiB | ${timers()} | ${((performance.now() - t0) / 1000).toFixed(1)} s |`);
  }
}
emulator.stop();
