// The build's levers, measured one by one: builds the client-only module (the browser entry's)
// and the whole one as scripts/build.mjs does (build-std, scripts/wasm-cargo.mjs's flags,
// wasm-bindgen, binaryen's wasm-opt -Oz -Oz), once per variant, each in a target directory of its
// own under target/levers/, and prints the gzipped (level 9) bytes of each .wasm.
//
//   node bench/size-levers.mjs [VARIANT ...]     (default: every variant below)
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { cargoArgs, cargoEnv } from "../scripts/wasm-cargo.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Each variant adds to the flags scripts/wasm-cargo.mjs sets (-Zshare-generics=n among them
// since it was measured here: "share-generics=y" measures going back).
const VARIANTS = {
  baseline: { flags: "", config: [] },
  "share-generics=y": { flags: "-Zshare-generics=y", config: [] },
  "opt-level s": { flags: "", config: ['profile.release.opt-level="s"'] },
  "opt-level s, deps only": { flags: "", config: ['profile.release.package."*".opt-level="s"'] },
  "opt-level 3, deps only": { flags: "", config: ['profile.release.package."*".opt-level=3'] },
  "inline-threshold low (-Cllvm-args=-inline-threshold=25)": { flags: "-Cllvm-args=-inline-threshold=25", config: [] },
};
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(VARIANTS);
const features = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue"];
const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");

console.log("| variant | client module (browser entry), wasm gzip | whole module, wasm gzip |");
console.log("|---|---:|---:|");
for (const name of chosen) {
  const v = VARIANTS[name];
  if (!v) throw new Error(`unknown variant ${name}: ${Object.keys(VARIANTS).join(", ")}`);
  const dir = join(root, "target", "levers", name.replace(/[^a-z0-9]+/gi, "-"));
  mkdirSync(dir, { recursive: true });
  const env = {
    ...cargoEnv,
    CARGO_TARGET_DIR: dir,
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: `${cargoEnv.CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS} ${v.flags}`.trim(),
  };
  const sizes = [];
  for (const extra of [["--no-default-features"], []]) {
    const config = v.config.flatMap((c) => ["--config", c]);
    execFileSync("cargo", ["build", "--release", "--lib", "--target", "wasm32-unknown-unknown", ...cargoArgs, ...config, ...extra],
      { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
    const out = join(dir, extra.length ? "client" : "whole");
    execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", out, join(dir, "wasm32-unknown-unknown", "release", "apiframe_reve.wasm")], { cwd: root });
    const wasm = join(out, "apiframe_reve_bg.wasm");
    execFileSync(wasmOpt, [wasm, "-o", wasm, "-Oz", "-Oz", "--strip-debug", "--strip-producers", ...features], { cwd: root });
    sizes.push(gzipSync(readFileSync(wasm), { level: 9 }).length);
  }
  console.log(`| ${name} | ${sizes[0]} B | ${sizes[1]} B |`);
}
