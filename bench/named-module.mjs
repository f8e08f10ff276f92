// A module kept with names, for twiggy: built as scripts/build.mjs builds the package's (the
// flags of scripts/wasm-cargo.mjs, wasm-bindgen --target web, wasm-opt -Oz -Oz with the same
// features), but not stripped: cargo keeps the name section, and wasm-opt runs with -g.
//
//   node bench/named-module.mjs [client|server] [OUT_DIR]
//   twiggy top -n 40 OUT_DIR/named.wasm; twiggy monos ...; twiggy dominators ...
//
// Prints the gzipped size of the same module stripped (what the package ships), so a step is
// measured and explained by one build. Its own target directory (target/named) keeps the
// release build's cache.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cargoArgs, cargoEnv } from "../scripts/wasm-cargo.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const which = process.argv[2] ?? "client";
if (which !== "client" && which !== "server") {
  console.error("usage: node bench/named-module.mjs [client|server] [OUT_DIR]");
  process.exit(2);
}
const out = process.argv[3] ?? join(root, "target", "named", which);
const targetDir = join(root, "target", "named");
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", env });

mkdirSync(out, { recursive: true });
run("cargo", [
  "build", "--lib", "--release", "--target", "wasm32-unknown-unknown", "--target-dir", targetDir,
  ...cargoArgs, ...(which === "client" ? ["--no-default-features"] : []),
], { ...cargoEnv, CARGO_PROFILE_RELEASE_STRIP: "false", CARGO_PROFILE_RELEASE_DEBUG: "false" });
run("wasm-bindgen", [
  "--target", "web", "--keep-debug", "--out-dir", out, "--out-name", "m",
  join(targetDir, "wasm32-unknown-unknown", "release", "apiframe_reve.wasm"),
]);
const features = [
  "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
];
const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");
const named = join(out, "named.wasm");
const stripped = join(out, "stripped.wasm");
run(wasmOpt, [join(out, "m_bg.wasm"), "-o", named, "-Oz", "-Oz", "-g", "--strip-dwarf", ...features]);
run(wasmOpt, [join(out, "m_bg.wasm"), "-o", stripped, "-Oz", "-Oz", "--strip-debug", "--strip-producers", ...features]);
const size = (f) => readFileSync(f).length;
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
console.log(`named-module (${which}): ${named} ${size(named)} B raw; stripped ${size(stripped)} B raw, ${gz(stripped)} B gzipped`);
