// Pushed and polled waits side by side, in one run (issue 29): JOBS concurrent `run`s through
// the built package (dist/node.js, by the package's own name) against the emulator (release
// build, webhooks on), each through a proxy served on 127.0.0.1 (tests/support's serveProxy):
// one with `webhookUrl` (the client waits on the job's stream), one without (it polls). Counts
// the caller's requests and the proxy's upstream requests per image, and how long after the
// proxy answered the `completed` webhook (pushed) and after the job's `completedAt` (both: the
// service's clock, this machine's) the caller had the job.
//
//   cargo build --release -p apiframe-emulator && npm run build && node bench/pushed-vs-polled.mjs [JOBS=20] [JOB_MS=3000]
import { createProxyHandler, ReveClient } from "apiframe-reve";
import { startEmulator } from "./emulator.mjs";
import { median, quantile } from "./quantile.mjs";
import { recordingFetch, serveProxy } from "../tests/support/proxy-fixtures.mjs";

const jobs = Number(process.argv[2] ?? 20);
const jobMs = Number(process.argv[3] ?? 3000);
const KEY = "afk_local_dev";
const emulator = await startEmulator(["--job-ms", String(jobMs), "--seed", "7"]);

async function measure(pushed) {
  const upstream = recordingFetch();
  const completedHook = new Map();
  const served = await serveProxy((webhookUrl) => {
    const proxy = createProxyHandler({
      apiKey: KEY, upstream: emulator.url, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch,
      ...(pushed ? { webhookUrl } : {}),
    });
    const hookPath = new URL(webhookUrl).pathname;
    return async (request) => {
      const hook = request.method === "POST" && new URL(request.url).pathname === hookPath;
      const body = hook ? await request.clone().json() : undefined;
      const response = await proxy(request);
      if (hook && response.ok && body.event === "completed") completedHook.set(body.jobId, performance.now());
      return response;
    };
  });
  let requests = 0;
  const client = new ReveClient({ baseUrl: `${served.url}/api/reve`, fetch: (url, init) => { requests++; return fetch(url, init); } });
  const late = await Promise.all(Array.from({ length: jobs }, async (_, i) => {
    const job = await client.run({ prompt: `${pushed ? "pushed" : "polled"} ${i}` });
    const at = performance.now();
    return { hook: pushed ? at - completedHook.get(job.id) : NaN, done: Date.now() - Date.parse(job.completedAt) };
  }));
  await served.close();
  return {
    mode: pushed ? "pushed (proxy with webhookUrl: the job's stream)" : "polled (proxy without webhookUrl)",
    caller: requests / jobs,
    upstream: upstream.signals.length / jobs,
    hook: pushed ? `${median(late.map((l) => l.hook)).toFixed(1)} ms / ${quantile(late.map((l) => l.hook), 0.95).toFixed(1)} ms` : "(no webhook)",
    done: `${median(late.map((l) => l.done)).toFixed(0)} ms / ${quantile(late.map((l) => l.done), 0.95).toFixed(0)} ms`,
  };
}

const rows = [await measure(true), await measure(false)];
emulator.stop();
console.log(`| ${jobs} jobs of about ${jobMs} ms, concurrent | caller requests per image | upstream requests per image | at the caller after the proxy answered the completed webhook (median / p95) | after the job's completedAt (median / p95; the service's clock, whole ms) |`);
console.log("|---|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| ${r.mode} | ${r.caller.toFixed(2)} | ${r.upstream.toFixed(2)} | ${r.hook} | ${r.done} |`);
}
