// What each export weighs, measured by building without it: a copy of this checkout's Rust
// sources (target/without/src-copy) with the export's function deleted (its doc comment, attributes
// and body; LTO then drops every piece of code only it reached, the async bodies its vtables
// held included), built as the package's modules are (scripts/wasm-cargo.mjs' flags,
// wasm-bindgen --target web, wasm-opt -Oz -Oz with the package's features), beside the same build
// of the unchanged copy. The figure is the module's: its wasm, gzip level 9, and the glue
// wasm-bindgen writes for it (not minified, so only its change is printed).
//
//   node bench/without.mjs [client|server|both]
//
// Features inside a shared path (the pushed waits inside a wait's look, idempotencyKeys inside
// runMany) are not exports: BENCHMARKS.md weighs those by the commits that added them.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cargoArgs, cargoEnv } from "../scripts/wasm-cargo.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const which = process.argv[2] ?? "both";
const work = join(root, "target", "without");
const copy = join(work, "src-copy");
const targetDir = join(work, "target");

/** Each variant: a name and the functions it deletes, as [file under src/, function name]. */
const client = [
  ["downloadImages", [["wasm/client.rs", "download_images"]]],
  ["runMany", [["wasm/run_many.rs", "run_many"]]],
  ["watchJob (and JobWatch's next, return)", [["wasm/watch.rs", "watch_job"], ["wasm/watch.rs", "next"], ["wasm/watch.rs", "finish"]]],
  ["listJobs", [["wasm/client.rs", "list_jobs"]]],
  ["waitForJob", [["wasm/client.rs", "wait_for_job"]]],
  ["generate", [["wasm/client.rs", "generate"]]],
  ["imageUrls", [["wasm/client.rs", "image_urls"]]],
  ["reveCapabilities", [["wasm/capabilities.rs", "reve_capabilities"]]],
];
const batch = [["wasm/run_many.rs", "run_many"], ["wasm/watch.rs", "watch_job"], ["wasm/watch.rs", "next"], ["wasm/watch.rs", "finish"]];
client.push(["runMany, watchJob and downloadImages together", [...batch, ["wasm/client.rs", "download_images"]]]);
client.push(["all but the constructor, getJob and run", [
  ...batch, ["wasm/client.rs", "download_images"], ["wasm/client.rs", "list_jobs"], ["wasm/client.rs", "wait_for_job"],
  ["wasm/client.rs", "generate"], ["wasm/client.rs", "image_urls"], ["wasm/capabilities.rs", "reve_capabilities"],
]]);
const server = [
  ["createProxyHandler", [["wasm/proxy/mod.rs", "create_proxy_handler"]]],
  ["verifyWebhook and parseWebhook", [["wasm/webhook.rs", "verify_webhook"], ["wasm/webhook.rs", "parse_webhook"]]],
  ["the AI SDK provider's three", [["wasm/ai_sdk.rs", "ai_client"], ["wasm/ai_sdk.rs", "ai_after_job"], ["wasm/ai_sdk.rs", "ai_image_call"]]],
];

/** `source` without function `name`: from its doc comment and attributes to its closing brace. */
function withoutFn(source, name, file) {
  const at = source.search(new RegExp(`\\bpub fn ${name}\\(`));
  if (at < 0) throw new Error(`bench/without: no \`pub fn ${name}(\` in src/${file}`);
  const lines = source.slice(0, at).split("\n");
  lines.pop(); // the function's own line, up to `pub fn`
  while (lines.length && /^\s*(\/\/\/|#\[)/.test(lines.at(-1))) lines.pop();
  const start = lines.join("\n").length + (lines.length ? 1 : 0);
  let depth = 0;
  for (let i = source.indexOf("{", at); i < source.length; i++) {
    if (source[i] === "{") depth++;
    else if (source[i] === "}" && --depth === 0) return source.slice(0, start) + source.slice(i + 1);
  }
  throw new Error(`bench/without: \`${name}\`'s body in src/${file} has no end`);
}

const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: copy, stdio: ["ignore", "ignore", "inherit"], env });
const features = [
  "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
];

/** Builds the copy as the package's `kind` module; its wasm and glue sizes. */
function build(kind) {
  run("cargo", [
    "build", "--lib", "--release", "--target", "wasm32-unknown-unknown", "--target-dir", targetDir, "--quiet",
    ...cargoArgs, ...(kind === "client" ? ["--no-default-features"] : []),
  ], { ...cargoEnv, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: `${cargoEnv.CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS} -Awarnings` });
  const out = join(work, "out");
  rmSync(out, { recursive: true, force: true });
  run("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "m", join(targetDir, "wasm32-unknown-unknown", "release", "apiframe_reve.wasm")]);
  run(join(root, "node_modules", ".bin", "wasm-opt"), [join(out, "m_bg.wasm"), "-o", join(out, "opt.wasm"), "-Oz", "-Oz", "--strip-debug", "--strip-producers", ...features]);
  const wasm = readFileSync(join(out, "opt.wasm"));
  return { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length, glue: gzipSync(readFileSync(join(out, "m.js")), { level: 9 }).length };
}

function fresh(deletions) {
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  for (const f of ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"]) cpSync(join(root, f), join(copy, f));
  for (const d of ["src", "emulator", "bench/src"]) cpSync(join(root, d), join(copy, d), { recursive: true, filter: (p) => !p.includes("/target") });
  cpSync(join(root, "bench", "Cargo.toml"), join(copy, "bench", "Cargo.toml"));
  for (const [file, name] of deletions) {
    const path = join(copy, "src", file);
    writeFileSync(path, withoutFn(readFileSync(path, "utf8"), name, file));
  }
}

const signed = (n) => (n > 0 ? `+${n}` : `${n}`);
for (const [kind, variants] of [["client", client], ["server", server]]) {
  if (which !== "both" && which !== kind) continue;
  fresh([]);
  const base = build(kind);
  console.log(`\n${kind} module, whole: ${base.raw} B raw, ${base.gzip} B gzipped (glue ${base.glue} B gzipped, not minified)\n`);
  console.log("| built without | wasm raw | wasm gzip | glue gzip |");
  console.log("|---|---:|---:|---:|");
  for (const [name, deletions] of variants) {
    fresh(deletions);
    const s = build(kind);
    console.log(`| ${name} | ${signed(s.raw - base.raw)} B | **${signed(s.gzip - base.gzip)} B** | ${signed(s.glue - base.glue)} B |`);
  }
}
