// The installed command (`node_modules/.bin/apiframe-reve`), started as a user starts it.
import { spawn } from "node:child_process";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KEY } from "./emulator.mjs";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules", ".bin", "apiframe-reve");

/** The environment of a run against `url`: the key and base URL, and this test's Node first on PATH. */
export const environment = (url, extra = {}) => ({
  ...process.env,
  APIFRAME_API_KEY: KEY,
  APIFRAME_BASE_URL: url,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
  ...extra,
});

/** Starts the installed command; `done` resolves with {code, signal, stdout, stderr}. */
export function startCli(args, { cwd, env }) {
  const child = spawn(BIN, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (d) => { out.stdout += d; });
  child.stderr.setEncoding("utf8").on("data", (d) => { out.stderr += d; });
  const done = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, ...out }));
  });
  return { child, out, done };
}
