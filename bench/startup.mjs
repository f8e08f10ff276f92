// Start-up in Node: fresh processes, each timing the package's import (compile + instantiate
// of the wasm included) and its first calls that need no network (a client, and for us
// imageUrls too). Node's own ESM loader start (about 3 ms for any ES module) is paid before
// the clock starts, by importing an empty module; nothing is printed until the end (the first
// console.log loads stdout's stream, about 1.5 ms). Peer SDKs (installed by bench/size.mjs into
// bench/.peers) are timed the same way: import and constructing a client.
//
//   npm run build && node bench/size.mjs >/dev/null && node bench/startup.mjs [runs=25]
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./quantile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 25);
const dir = mkdtempSync(join(tmpdir(), "reve-startup-"));
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

const subjects = [
  ...[["node entry, Node 20.19+/22.12+", "node.js"], ["node-compat entry, older Node", "node-compat.js"]].map(([what, file]) => [
    `apiframe-reve (${what})`, pathToFileURL(join(root, "dist", file)).href, `
    new m.ReveClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
    m.imageUrls({ result: { images: ["https://x/y.png"] } });`]),
];
const peers = join(root, "bench", ".peers", "node_modules");
const peer = (name, file, calls) => {
  if (existsSync(join(peers, name))) subjects.push([name, pathToFileURL(join(peers, name, file)).href, calls]);
};
peer("replicate", "index.js", `new (m.default ?? m.Replicate)({ auth: "k" });`);
peer("openai", "index.mjs", `new m.default({ apiKey: "k" });`);
peer("@fal-ai/client", "src/index.js", `m.fal.config({ credentials: "k" });`);

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
