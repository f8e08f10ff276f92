// Start-up in Node: fresh processes, each timing the package's import (resolution by name,
// compile + instantiate of the wasm included) and its first calls that need no network (a
// client, and for us imageUrls too). Every package is imported by its name from one app
// (bench/.peers, where bench/size.mjs installs the peer SDKs; apiframe-reve is linked there to
// this checkout, so `import("apiframe-reve")` takes the package's `exports`, as an app's
// does), after Node's ESM loader has started (about 3 ms for any ES module, paid by importing
// an empty module before the clock starts); nothing is printed until the end (the first
// console.log loads stdout's stream, about 1.5 ms). The node-compat entry, which older Node
// takes, is timed by its file.
//
//   npm run build && node bench/size.mjs >/dev/null && node bench/startup.mjs [runs=25]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./quantile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 25);
const app = join(root, "bench", ".peers");
if (!existsSync(join(app, "node_modules"))) throw new Error("no bench/.peers: run node bench/size.mjs first (it installs the peer SDKs)");
const linked = join(app, "node_modules", "apiframe-reve");
rmSync(linked, { recursive: true, force: true });
symlinkSync(root, linked, "dir");
const dir = join(app, ".startup");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "empty.mjs"), "export {};\n");

const probe = (importTarget, firstCalls) => `
await import(${JSON.stringify(pathToFileURL(join(dir, "empty.mjs")).href)});
const t0 = performance.now();
const m = await import(${JSON.stringify(importTarget)});
const t1 = performance.now();
${firstCalls}
const t2 = performance.now();
console.log(JSON.stringify([t1 - t0, t2 - t1]));
`;

const ours = `
    new m.ReveClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
    m.imageUrls({ result: { images: ["https://x/y.png"] } });`;
const subjects = [
  ["apiframe-reve (by name: the node entry on Node 20.19+/22.12+)", "apiframe-reve", ours],
  ["apiframe-reve (node-compat entry, older Node; by file)", pathToFileURL(join(root, "dist", "node-compat.js")).href, ours],
];
const peer = (name, calls) => {
  if (existsSync(join(app, "node_modules", name))) subjects.push([name, name, calls]);
};
peer("replicate", `new (m.default ?? m.Replicate)({ auth: "k" });`);
peer("openai", `new m.default({ apiKey: "k" });`);
peer("@fal-ai/client", `m.fal.config({ credentials: "k" });`);

console.log(`| package | import (median of ${runs}) | first calls | total |`);
console.log("|---|---:|---:|---:|");
for (const [name, target, calls] of subjects) {
  const script = join(dir, `probe-${subjects.findIndex((s) => s[0] === name)}.mjs`);
  writeFileSync(script, probe(target, calls));
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, [script], { encoding: "utf8" })));
  const imp = median(samples.map((s) => s[0]));
  const first = median(samples.map((s) => s[1]));
  const total = median(samples.map((s) => s[0] + s[1]));
  console.log(`| ${name} | ${imp.toFixed(2)} ms | ${first.toFixed(2)} ms | ${total.toFixed(2)} ms |`);
}
