// workerd start-up per Worker: what one more Worker that uses the package costs a running
// workerd, against one more bare Worker (the same one upstream request, no package). Measured
// from outside (workerd's clock stands still while a module evaluates) as the slope between a
// workerd of 1 Worker and one of K copies, so the process's own start-up and its noise drop out.
// `bench/workerd.mjs` measures whole cold processes instead.
//
//   cargo build --release -p apiframe-emulator && npm run build && node bench/workerd-startup.mjs [K=20] [rounds=60]
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE } from "../tests/support/workerd.mjs";
import { quantile } from "./quantile.mjs";
import { startEmulator } from "./emulator.mjs";
import { BARE_WORKER, bundleWorkers } from "./workers.mjs";

const K = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 60);
const emulator = await startEmulator(["--job-ms", "300"]);
const url = emulator.url;
const bundles = await bundleWorkers({
  bare: BARE_WORKER,
  imports: `import { ReveClient } from "apiframe-reve";
export default { async fetch(req, env) {
  const r = await fetch(env.API + "/v2/jobs?limit=1", { headers: { "x-api-key": "afk_local_dev" } });
  return new Response(typeof ReveClient + await r.text());
} };`,
  ours: `import { ReveClient } from "apiframe-reve";
export default { async fetch(req, env) {
  const client = new ReveClient({ apiKey: "afk_local_dev", baseUrl: env.API });
  return Response.json(await client.listJobs({ limit: 1 }));
} };`,
});
const kinds = Object.keys(bundles);

/** The Worker's module, made unique to Worker `i`: V8 can share the compiled code of a wasm
 * module among the isolates of a process when its bytes are the same, so each copy gets a
 * custom section of its own (a name, no content) and pays its own compilation, as a Worker on
 * its own would. */
function unshared(module, i) {
  if (module.type !== "CompiledWasm") return module;
  const name = Buffer.from(`copy${i}`);
  const section = Buffer.concat([Buffer.from([0, name.length + 1, name.length]), name]);
  return { ...module, contents: Buffer.concat([module.contents, section]) };
}

/** Starts one workerd with `k` copies of a Worker: ms until it is ready, then until each copy
 * has answered once. */
async function run(kind, k) {
  const { root: modulesRoot, modules } = bundles[kind];
  const t = performance.now();
  const mf = new Miniflare({
    workers: Array.from({ length: k }, (_, i) => ({ name: `w${i}`, modules: modules.map((m) => unshared(m, i)), modulesRoot, compatibilityDate: COMPATIBILITY_DATE, bindings: { API: url } })),
  });
  await mf.ready;
  const ready = performance.now() - t;
  const t2 = performance.now();
  for (let i = 0; i < k; i++) {
    const w = await mf.getWorker(`w${i}`);
    const res = await w.fetch("http://worker.test/");
    if (!res.ok) throw new Error(`${kind}: ${res.status} ${await res.text()}`);
    await res.text();
  }
  const first = performance.now() - t2;
  await mf.dispose();
  return { ready, first };
}

// Per round: each kind of Worker in a workerd of 1 copy and in one of K copies. The slope
// between them, minus the bare Worker's, is what one more Worker costs in a running workerd
// (a cold start on Cloudflare: a new isolate in a process that is already up); the rest is
// paid once per process.
const perWorker = Object.fromEntries(kinds.slice(1).map((k) => [k, { ready: [], first: [], total: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...kinds].reverse() : kinds;
  const slope = {};
  for (const kind of order) {
    const one = await run(kind, 1);
    const many = await run(kind, K);
    slope[kind] = { ready: (many.ready - one.ready) / (K - 1), first: (many.first - one.first) / (K - 1) };
  }
  for (const kind of kinds.slice(1)) {
    const p = perWorker[kind];
    p.ready.push(slope[kind].ready - slope.bare.ready);
    p.first.push(slope[kind].first - slope.bare.first);
    p.total.push(p.ready.at(-1) + p.first.at(-1));
  }
}
const show = (xs) => `${quantile(xs, 0.5).toFixed(2)} (${quantile(xs, 0.25).toFixed(2)} to ${quantile(xs, 0.75).toFixed(2)})`;
console.log(`| one more Worker in a running workerd, minus a bare Worker (ms; median and IQR of ${ROUNDS} rounds, 1 and ${K} Workers a process) | load | first request | total |`);
console.log("|---|---:|---:|---:|");
for (const kind of kinds.slice(1)) {
  const p = perWorker[kind];
  console.log(`| ${kind === "ours" ? "the package imported, a client made, its first listJobs" : "the package imported"} | ${show(p.ready)} | ${show(p.first)} | ${show(p.total)} |`);
}
emulator.stop();
