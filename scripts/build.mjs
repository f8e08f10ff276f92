// npm run build: the npm package in dist/. wasm-pack compiles the crate twice (whole, and
// client-only for browsers) and runs wasm-bindgen (--target web); the npm package binaryen's
// wasm-opt shrinks the modules (wasm-pack's own
// download cannot run here and Debian's wasm-opt is too old); the per-runtime entries from js/
// are bundled with the glue into one self-contained module each (one file to resolve and parse
// at start-up instead of three).
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
    // Import and export names shortened to a letter or two, in the module and in its glue:
    // wasm-bindgen's names carry a 16-digit hash each, which gzip cannot shrink (1.3 KB).
    const mapping = JSON.parse(execFileSync(wasmOpt, [wasm, "-o", wasm, "--minify-imports-and-exports-and-modules", ...features], { cwd: root, encoding: "utf8" }));
    renameInGlue(join(dist, `${name}.js`), `./${name}_bg.js`, mapping, readFileSync(wasm));
    rmSync(join(dist, `${name}_bg.wasm.d.ts`), { force: true });
    say(`wasm-opt -Oz, names minified (binaryen from npm): ${name}_bg.wasm ${before} -> ${statSync(wasm).size} bytes`);
  }
}

/** Renames the module's imports and exports in wasm-bindgen's glue as wasm-opt renamed them.
 * Every name must be found where expected, so a change in wasm-bindgen's output fails the
 * build instead of shipping a module that cannot be instantiated. */
function renameInGlue(glueFile, moduleName, mapping, wasmBytes) {
  let glue = readFileSync(glueFile, "utf8");
  const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes)).map((i) => i.module));
  if (modules.size !== 1) throw new Error(`glue: expected one import module, found ${[...modules]}`);
  const replaceOnce = (from, to, what) => {
    const parts = glue.split(from);
    if (parts.length !== 2) throw new Error(`glue: ${what} ${JSON.stringify(from)} found ${parts.length - 1} times`);
    glue = parts.join(to);
  };
  replaceOnce(`${JSON.stringify(moduleName)}: import0`, `${JSON.stringify([...modules][0])}: import0`, "import module");
  for (const [module, from, to] of mapping.imports) {
    if (module !== moduleName) throw new Error(`glue: import ${from} comes from ${module}`);
    replaceOnce(`\n        ${from}: function(`, `\n        ${JSON.stringify(to)}: function(`, "import");
  }
  for (const [from, to] of mapping.exports) {
    glue = glue.replace(new RegExp(`\\bwasm\\.${from}\\b`, "g"), `wasm[${JSON.stringify(to)}]`);
  }
  const left = glue.match(/\bwasm\.[A-Za-z_$][\w$]*/g);
  if (left) throw new Error(`glue: exports not renamed: ${[...new Set(left)]}`);
  writeFileSync(glueFile, glue);
}

// wasm-bindgen marks a parameter with an explicit TypeScript type as required, and declares
// [Symbol.dispose], which type-checks only with lib esnext. Trailing option objects become
// optional; the dispose method stays in the JS but leaves the typings. Each rewrite must
// apply, so a change in wasm-bindgen's output fails the build instead of slipping through.
const dts = join(dist, "apiframe_reve.d.ts");
let types = readFileSync(dts, "utf8");
const rewrite = (pattern, replacement, expected) => {
  const count = (types.match(pattern) ?? []).length;
  if (count !== expected) throw new Error(`typings: ${pattern} matched ${count} times, expected ${expected}`);
  types = types.replace(pattern, replacement);
};
rewrite(/\b(options|params): (ReveClientOptions|GenerateOptions|RequestOptions|WaitOptions|RunOptions|ListJobsParams)([,)])/g, "$1?: $2$3", 7);
rewrite(/^\s*\[Symbol\.dispose\]\(\): void;\n/m, "", 1);
writeFileSync(dts, types);

// Typings as they are; each entry (js/<runtime>.js) bundled with wasm-bindgen's glue and
// errors.js into one minified module. The .wasm stays a file beside it (workerd imports it).
const entries = ["browser.js", "deno.js", "edge.js", "node.js", "node-compat.js", "workerd.js"];
for (const f of readdirSync(join(root, "js"))) copyFileSync(join(root, "js", f), join(dist, f));
for (const entry of entries) {
  await build({
    entryPoints: [join(dist, entry)],
    outfile: join(dist, entry),
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    // Identifiers kept: class and function names stay readable in stacks and consoles.
    minifyWhitespace: true,
    minifySyntax: true,
    external: ["node:*", "*.wasm"],
    banner: { js: `// apiframe-reve (${entry.replace(".js", "")} entry), MIT. Built by scripts/build.mjs from js/${entry} and wasm-bindgen's glue.` },
    logLevel: "warning",
  });
}
for (const glue of ["apiframe_reve.js", "apiframe_reve_client.js", "errors.js"]) rmSync(join(dist, glue));

const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
say(`gzipped: ${modules.map(({ name }) => `${name}_bg.wasm ${gz(`${name}_bg.wasm`)} B`).join(", ")}; ${entries.map((e) => `${e} ${gz(e)} B`).join(", ")}`);
