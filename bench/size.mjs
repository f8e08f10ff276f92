// Size: gzipped and brotli bytes of what each entry of apiframe-reve loads (JS and wasm),
// beside what esbuild makes of peer SDKs (bundled, minified, compressed) for the browser.
//
//   npm run build && node bench/size.mjs
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const br = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function bundle(entry, resolveDir, conditions) {
  const out = await build({
    stdin: { contents: entry, resolveDir, loader: "js" },
    bundle: true, minify: true, format: "esm", platform: "browser", write: false, logLevel: "silent",
    conditions, external: ["*.wasm", "node:*"],
  });
  return Buffer.from(out.outputFiles[0].contents);
}

const rows = [];
for (const [name, file, conditions] of [["browser", "browser.js", ["browser"]], ["node", "node.js", ["node"]], ["workerd", "workerd.js", ["workerd", "worker", "browser"]], ["worker, default", "edge.js", ["worker"]]]) {
  const js = await bundle(`export * from ${JSON.stringify(join(dist, file))};`, root, conditions);
  // The module this entry loads (the browser entry has the client-only one).
  const wasmFile = readFileSync(join(dist, file), "utf8").match(/apiframe_reve(_client)?_bg\.wasm/)[0];
  const wasm = readFileSync(join(dist, wasmFile));
  rows.push([`apiframe-reve (${name})`, gz(js), gz(wasm), gz(js) + gz(wasm), br(js) + br(wasm)]);
}

const peersDir = join(root, "bench", ".peers");
const peers = { replicate: "replicate@1", "@fal-ai/client": "@fal-ai/client@1", openai: "openai@6" };
if (!existsSync(join(peersDir, "node_modules", "openai"))) {
  mkdirSync(peersDir, { recursive: true });
  writeFileSync(join(peersDir, "package.json"), JSON.stringify({ private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", ...Object.values(peers)], { cwd: peersDir, stdio: "inherit" });
}
for (const [pkg, spec] of Object.entries(peers)) {
  const version = JSON.parse(readFileSync(join(peersDir, "node_modules", pkg, "package.json"), "utf8")).version;
  const js = await bundle(`export * from ${JSON.stringify(pkg)};`, peersDir, ["browser"]);
  rows.push([`${pkg} ${version} (${spec.split("@").at(-1) ? "min+gzip" : ""})`.replace(" (min+gzip)", ""), gz(js), 0, gz(js), br(js)]);
}

console.log("| package (entry) | JS gzip | wasm gzip | total gzip | total brotli |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, js, w, total, brotli] of rows) console.log(`| ${name} | ${kb(js)} | ${w ? kb(w) : "-"} | ${kb(total)} | ${kb(brotli)} |`);
