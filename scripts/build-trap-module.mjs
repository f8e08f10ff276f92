// `node scripts/build-trap-module.mjs DIR`: the module built as the package's is (less wasm-opt),
// with the test-only exports `__trapForTests` and `__trapLaterForTests` (cargo feature
// trap-for-tests), in DIR, as
// trap.js (its glue made recoverable as the package's is), trap_bg.wasm and the errors.js its
// glue imports, for tests/trap.test.mjs. Never packed.
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeRecoverable } from "./recoverable-glue.mjs";
import { cargoArgs, cargoEnv } from "./wasm-cargo.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.argv.length !== 3) {
  console.error("usage: node scripts/build-trap-module.mjs DIR");
  process.exit(2);
}
const out = resolve(process.argv[2]);
console.log(`build-trap-module: wasm-pack build --release --target web -- ${cargoArgs.join(" ")} --features trap-for-tests -> ${out}`);
execFileSync("wasm-pack", ["--quiet", "build", "--release", "--target", "web", "--out-dir", out, "--out-name", "trap", "--no-pack", root, ...cargoArgs, "--features", "trap-for-tests"], { cwd: root, stdio: "inherit", env: cargoEnv });
copyFileSync(join(root, "js", "errors.js"), join(out, "errors.js"));
writeFileSync(join(out, "trap.js"), makeRecoverable(readFileSync(join(out, "trap.js"), "utf8"), "trap.js"));
