// npm run build: the npm package in dist/. wasm-pack compiles the crate twice (whole, and
// client-only for browsers) and runs wasm-bindgen (--target web); the npm package binaryen's
// wasm-opt shrinks the modules (wasm-pack's own download cannot run here and Debian's wasm-opt
// is too old); the per-runtime entries from js/ are bundled with the glue into one
// self-contained module each (one file to resolve and parse at start-up instead of three).
// wasm-bindgen's typings are shipped as they come (the types come from the serde types through
// tsify, and optional parameters from `unchecked_optional_param_type`).
// (The trap-test module: scripts/build-trap-module.mjs.)
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
const say = (msg) => console.log(`build: ${msg}`);

for (const arg of process.argv.slice(2)) {
  if (arg === "--dev") continue;
  console.error(arg === "--trap-module" ? "build: --trap-module is now scripts/build-trap-module.mjs DIR" : `build: unknown argument ${arg}`);
  process.exit(2);
}
const profile = process.argv.includes("--dev") ? "--dev" : "--release";
rmSync(dist, { recursive: true, force: true });
// Two modules: the whole one for servers and edge runtimes, and a client-only one (no
// createProxyHandler, no webhook verifier: cargo feature "server" off) for the browser entry.
const modules = [
  { name: "apiframe_reve", cargo: [] },
  { name: "apiframe_reve_client", cargo: ["--no-default-features"] },
];
for (const { name, cargo } of modules) {
  const out = join(dist, `.${name}`);
  say(`wasm-pack build ${profile} --target web ${cargo.join(" ")}`.trim());
  run("wasm-pack", ["--quiet", "build", profile, "--target", "web", "--out-dir", out, "--out-name", name, "--no-pack", "--", ...cargo]);
  for (const f of readdirSync(out)) {
    if (f.startsWith(name) && (name === "apiframe_reve" || !f.endsWith(".ts"))) renameSync(join(out, f), join(dist, f));
  }
  rmSync(out, { recursive: true, force: true });
  const wasm = join(dist, `${name}_bg.wasm`);
  if (profile === "--release") {
    const before = statSync(wasm).size;
    const features = [
      "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
      "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
    ];
    const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");
    run(wasmOpt, [wasm, "-o", wasm, "-Oz", "--strip-debug", "--strip-producers", ...features]);
    rmSync(join(dist, `${name}_bg.wasm.d.ts`), { force: true });
    say(`wasm-opt -Oz (binaryen from npm): ${name}_bg.wasm ${before} -> ${statSync(wasm).size} bytes`);
  }
}

// Each entry (js/<runtime>.js) bundled with wasm-bindgen's glue into one minified module; the
// .wasm stays a file beside it (workerd imports it), and so does errors.js: one module of the
// ApiframeError class that every entry imports. node.cjs is the CommonJS build of
// js/node-require.js, importing errors.cjs (the CommonJS build of errors.js). Typings as
// wasm-bindgen wrote them, with .d.cts twins for `require`.
const entries = ["browser.js", "deno.js", "edge.js", "edge-light.js", "node.js", "node-compat.js", "workerd.js", "node.cjs"];
for (const f of readdirSync(join(root, "js"))) copyFileSync(join(root, "js", f), join(dist, f));
const errorsModule = (file) => ({
  name: "errors-module",
  setup(b) {
    b.onResolve({ filter: /^\.\/errors\.js$/ }, () => ({ path: `./${file}`, external: true }));
  },
});
const bundleOptions = {
  allowOverwrite: true,
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
    entryPoints: [join(dist, source)],
    outfile: join(dist, entry),
    format: cjs ? "cjs" : "esm",
    plugins: [errorsModule(cjs ? "errors.cjs" : "errors.js")],
    // The glue's default wasm path (import.meta.url) is never taken: node.cjs passes the bytes.
    ...(cjs ? { define: { "import.meta.url": "undefined" } } : {}),
    banner: { js: `// apiframe-reve (${entry.replace(/\.c?js$/, "")} entry), MIT. Built by scripts/build.mjs from js/${source} and wasm-bindgen's glue.` },
  });
}
await build({ ...bundleOptions, entryPoints: [join(root, "js", "errors.js")], outfile: join(dist, "errors.cjs"), format: "cjs" });
// apiframe-reve/ai imports the package by its own name (each runtime then gets its own entry):
// ai.js as written, and its CommonJS twin.
await build({ ...bundleOptions, entryPoints: [join(root, "js", "ai.js")], outfile: join(dist, "ai.cjs"), format: "cjs", external: ["apiframe-reve"] });
for (const glue of ["apiframe_reve.js", "apiframe_reve_client.js", "node-require.js", "node-wasm.js"]) rmSync(join(dist, glue));
// The same typings for `require`: TypeScript reads .d.cts for CommonJS resolution.
for (const [from, to] of [["apiframe_reve.d.ts", "apiframe_reve.d.cts"], ["errors.d.ts", "errors.d.cts"], ["index.d.ts", "index.d.cts"], ["ai.d.ts", "ai.d.cts"]]) {
  writeFileSync(join(dist, to), readFileSync(join(dist, from), "utf8").replaceAll('from "./apiframe_reve.js"', 'from "./apiframe_reve.cjs"').replaceAll('from "./errors.js"', 'from "./errors.cjs"'));
}

const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
say(`gzipped: ${modules.map(({ name }) => `${name}_bg.wasm ${gz(`${name}_bg.wasm`)} B`).join(", ")}; ${entries.map((e) => `${e} ${gz(e)} B`).join(", ")}`);
