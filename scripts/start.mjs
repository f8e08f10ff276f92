// npm start: builds what is missing, then serves the demo page and the local Apiframe
// emulator on one address, with no API key needed.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
const port = process.env.PORT ?? "8787";

run("bash", ["scripts/setup.sh"]);
console.log("start: building the emulator");
run("cargo", ["build", "-p", "apiframe-emulator", "--quiet"]);
if (!existsSync(join(root, "dist", "browser.js")) || process.argv.includes("--rebuild")) run("node", ["scripts/build.mjs"]);

const emulator = spawn(
  join(root, "target", "debug", "apiframe-emulator"),
  ["--port", port, "--www", join(root, "www"), "--mount", `dist=${join(root, "dist")}`, ...process.argv.slice(2).filter((a) => a !== "--rebuild")],
  { stdio: ["ignore", "pipe", "inherit"] },
);
emulator.stdout.on("data", (chunk) => {
  for (const line of String(chunk).split("\n").filter(Boolean)) {
    const url = line.replace(/^listening on /, "");
    console.log(`\n  Demo:     ${url}/\n  API:      ${url}/v2/... (key afk_local_dev)\n  Stop:     Ctrl-C\n`);
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => emulator.kill("SIGTERM"));
emulator.on("exit", (code) => process.exit(code ?? 0));
