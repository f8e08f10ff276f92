// Where the first calls' time goes in Node: fresh processes, each timing, after the import, a
// trivial export call, the first client, `imageUrls`, a refused client, and a second client.
// Run it twice, once with V8's lazy wasm compilation off, to tell compiling from the rest:
//
//   npm run build && node bench/first-calls.mjs [runs=15] && node bench/first-calls.mjs 15 --no-wasm-lazy-compilation
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./quantile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 15);
const flags = process.argv.slice(3);
const dir = mkdtempSync(join(tmpdir(), "reve-first-"));
writeFileSync(join(dir, "empty.mjs"), "export {};\n");
const steps = {
  "imageUrls(null)": "m.imageUrls(null);",
  "first new ReveClient": `new m.ReveClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });`,
  "first imageUrls(job)": `m.imageUrls({ result: { images: ["https://x/y.png"] } });`,
  "first refused client": "try { new m.ReveClient({}); } catch {}",
  "second new ReveClient": `new m.ReveClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });`,
};
writeFileSync(join(dir, "probe.mjs"), `
await import(${JSON.stringify(pathToFileURL(join(dir, "empty.mjs")).href)});
const m = await import(${JSON.stringify(pathToFileURL(join(root, "dist", "node.js")).href)});
const t = [performance.now()];
${Object.values(steps).map((code) => `${code} t.push(performance.now());`).join("\n")}
console.log(JSON.stringify(t.slice(1).map((x, i) => x - t[i])));
`);
const samples = [];
for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, [...flags, join(dir, "probe.mjs")], { encoding: "utf8" })));
console.log(`| step (median of ${runs}${flags.length ? `, ${flags.join(" ")}` : ""}) | ms |`);
console.log("|---|---:|");
Object.keys(steps).forEach((name, i) => console.log(`| ${name} | ${median(samples.map((s) => s[i])).toFixed(2)} |`));
