// npm run build: the npm package in dist/. wasm-pack compiles the crate twice (whole, and
// client-only for browsers) and runs wasm-bindgen (--target web); the npm package binaryen's
// wasm-opt shrinks the modules (wasm-pack's own download cannot run here and Debian's wasm-opt
// is too old); the per-runtime entries from js/ are bundled with the glue into one
// self-contained module each (one file to resolve and parse at start-up instead of three).
// wasm-bindgen's typings are shipped as they come (the types come from the serde types through
// tsify, and optional parameters from `unchecked_optional_param_type`).
// (The trap-test module: scripts/build-trap-module.mjs.)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { makeRecoverable } from "./recoverable-glue.mjs";
import { cargoArgs, cargoEnv } from "./wasm-cargo.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
/** What the entries are bundled from (js/ and the glue), never shipped. */
const stage = join(dist, ".stage");
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", env });
const say = (msg) => console.log(`build: ${msg}`);

for (const arg of process.argv.slice(2)) {
  if (arg === "--dev") continue;
  console.error(arg === "--trap-module" ? "build: --trap-module is now scripts/build-trap-module.mjs DIR" : `build: unknown argument ${arg}`);
  process.exit(2);
}
const profile = process.argv.includes("--dev") ? "--dev" : "--release";
rmSync(dist, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
// Two modules: the whole one for servers and edge runtimes, and a client-only one (no
// createProxyHandler, no webhook verifier: cargo feature "server" off) for the browser entry.
const modules = [
  { name: "apiframe_reve", cargo: [] },
  { name: "apiframe_reve_client", cargo: ["--no-default-features"] },
];
for (const { name, cargo } of modules) {
  const out = join(stage, `.${name}`);
  say(`wasm-pack build ${profile} --target web -- ${[...cargoArgs, ...cargo].join(" ")} (scripts/wasm-cargo.mjs)`);
  run("wasm-pack", ["--quiet", "build", profile, "--target", "web", "--out-dir", out, "--out-name", name, "--no-pack", root, ...cargoArgs, ...cargo], cargoEnv);
  // The glue is bundled into the entries; the module ships; the typings are the whole one's.
  renameSync(join(out, `${name}.js`), join(stage, `${name}.js`));
  renameSync(join(out, `${name}_bg.wasm`), join(dist, `${name}_bg.wasm`));
  if (name === "apiframe_reve") renameSync(join(out, `${name}.d.ts`), join(dist, `${name}.d.ts`));
  rmSync(out, { recursive: true, force: true });
  const glue = join(stage, `${name}.js`);
  writeFileSync(glue, makeRecoverable(readFileSync(glue, "utf8"), `${name}.js`));
  const wasm = join(dist, `${name}_bg.wasm`);
  if (profile === "--release") {
    const before = statSync(wasm).size;
    const features = [
      "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
      "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
    ];
    const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");
    // -Oz twice: the second pipeline finds what the first one's inlining exposed (-0.2 KB
    // gzipped on the client module, -0.3 KB on the whole one, for 1.3 s; a third finds 7 B).
    run(wasmOpt, [wasm, "-o", wasm, "-Oz", "-Oz", "--strip-debug", "--strip-producers", ...features]);
    say(`wasm-opt -Oz -Oz (binaryen from npm): ${name}_bg.wasm ${before} -> ${statSync(wasm).size} bytes`);
  }
}

// Each entry (js/<runtime>.js) bundled with wasm-bindgen's glue and the modules of js/ it
// imports (exports.js: the one export list; errors.js: the ApiframeError class; node-wasm.js,
// web-crypto.js) into one minified module; the .wasm stays a file beside it (workerd imports
// it). node.cjs is the CommonJS build of js/node-require.js. Every entry holds the error class's
// definition, and hands out one class all the same: the first copy to run registers it under a
// global symbol (js/errors.js), and every copy exports what is registered. One module, not two,
// is what an import of the package loads: -0.3 ms of a fresh Node process's import
// (BENCHMARKS.md, issue 31), and one request fewer for a page that loads it unbundled.
const entries = ["browser.js", "deno.js", "edge.js", "edge-light.js", "node.js", "node-compat.js", "workerd.js", "node.cjs"];
/** The modules of js/ that exist only inside the entries' bundles. */
const bundledOnly = new Set(["client-only.js", "durable-job-records.js", "errors.js", "exports.js", "node-require.js", "node-wasm.js", "web-crypto.js"]);
for (const f of readdirSync(join(root, "js"))) {
  if (f.endsWith(".js")) copyFileSync(join(root, "js", f), join(stage, f));
  // The rest ships as written: apiframe-reve/ai, the command line, the hand-written typings.
  if (!entries.includes(f) && !bundledOnly.has(f)) copyFileSync(join(root, "js", f), join(dist, f));
}
// The entries run code at import (they instantiate the module; deno.js is edge.js's import):
// said here, or esbuild would follow package.json's sideEffects, which names ./dist/*.js only,
// and drop what an entry imports only to run.
writeFileSync(join(stage, "package.json"), JSON.stringify({ type: "module", sideEffects: true }));
// The browser entry has the client-only module where the others have the whole one, so
// exports.js's list resolves there to client-only.js (the client glue and its stand-ins).
const clientOnly = {
  name: "client-only",
  setup(b) {
    b.onResolve({ filter: /^\.\/apiframe_reve\.js$/ }, () => ({ path: join(stage, "client-only.js") }));
  },
};
const bundleOptions = {
  bundle: true,
  platform: "neutral",
  target: "es2022",
  // Identifiers kept: class and function names stay readable in stacks and consoles.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ["node:*", "*.wasm", "*.wasm?module"],
  logLevel: "warning",
};
for (const entry of entries) {
  const cjs = entry.endsWith(".cjs");
  const source = cjs ? "node-require.js" : entry;
  await build({
    ...bundleOptions,
    entryPoints: [join(stage, source)],
    outfile: join(dist, entry),
    format: cjs ? "cjs" : "esm",
    plugins: entry === "browser.js" ? [clientOnly] : [],
    // The glue's default wasm path (import.meta.url) is never taken: node.cjs passes the bytes.
    ...(cjs ? { define: { "import.meta.url": "undefined" } } : {}),
    banner: { js: `// apiframe-reve (${entry.replace(/\.c?js$/, "")} entry), MIT. Built by scripts/build.mjs from js/${source} and wasm-bindgen's glue.` },
  });
}
// apiframe-reve/ai imports the package by its own name (each runtime then gets its own entry):
// ai.js as written, and its CommonJS twin.
await build({ ...bundleOptions, entryPoints: [join(root, "js", "ai.js")], outfile: join(dist, "ai.cjs"), format: "cjs", external: ["apiframe-reve"] });
rmSync(stage, { recursive: true, force: true });

// The same typings for `require`: TypeScript reads a .d.cts for CommonJS resolution, and what
// a .d.cts imports must be a .d.cts too (a "./x.js" there names the ES module's typings). Text,
// because neither tsc nor esbuild can write them: tsc emits declarations of sources, and these
// are declarations already (wasm-bindgen's output and hand-written ones); esbuild writes none.
// Only the relative module specifiers change, each to its twin; one without a twin fails here.
const twins = { "./apiframe_reve.js": "./apiframe_reve.cjs", "./errors.js": "./errors.cjs" };
for (const name of ["apiframe_reve", "errors", "index", "ai"]) {
  const text = readFileSync(join(dist, `${name}.d.ts`), "utf8");
  const cts = text.replace(/(\bfrom\s*|\bimport\s*\(\s*)(["'])(\.{1,2}\/[^"']*)\2/g, (_, before, quote, specifier) => {
    if (!twins[specifier]) throw new Error(`${name}.d.ts imports ${specifier}, which has no .d.cts twin`);
    return `${before}${quote}${twins[specifier]}${quote}`;
  });
  writeFileSync(join(dist, `${name}.d.cts`), cts);
}

const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
say(`gzipped: ${modules.map(({ name }) => `${name}_bg.wasm ${gz(`${name}_bg.wasm`)} B`).join(", ")}; ${entries.map((e) => `${e} ${gz(e)} B`).join(", ")}`);
