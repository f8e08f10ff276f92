// The benchmarks' emulator: the release build on a free port, with the given flags
// (`cargo build --release -p apiframe-emulator` first). Resolves with its URL and a stop().
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const binary = join(dirname(fileURLToPath(import.meta.url)), "..", "target", "release", "apiframe-emulator");

/** @param {string[]} args flags after `--port 0`, such as `["--job-ms", "300"]` */
export async function startEmulator(args) {
  const child = spawn(binary, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${binary} exited with ${code}: build it with cargo build --release -p apiframe-emulator`)));
  });
  return { url: line.replace("listening on ", ""), stop: () => child.kill() };
}
