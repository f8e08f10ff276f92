// The package in Deno (the npm package `deno` brings the binary): the "deno" export condition,
// with least privilege: read this project, reach the emulator, nothing else.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KEY, startEmulator } from "./support/emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const consumer = join(here, "..");
const deno = join(dirname(createRequire(import.meta.url).resolve("deno/package.json")), "..", ".bin", "deno");
let emu;

before(async () => { emu = await startEmulator(["--job-ms", "300"]); });
after(() => emu?.stop());

test("Deno resolves the deno entry and runs a job, typed errors and webhook checks", async () => {
  const host = new URL(emu.url).host;
  const { stdout } = await promisify(execFile)(
    deno,
    ["run", "--quiet", "--no-prompt", `--allow-read=${consumer}`, `--allow-net=${host}`, join(here, "deno", "smoke.mjs"), emu.url, KEY],
    { cwd: consumer, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }, timeout: 60_000 },
  );
  const out = JSON.parse(stdout.trim().split("\n").at(-1));
  assert.match(out.entry, /node_modules\/apiframe-reve\/dist\/deno\.js$/);
  assert.equal(out.status, "COMPLETED");
  assert.equal(out.urls, 1);
  assert.deepEqual(out.invalid, { isApiframeError: true, code: "invalid_request", field: "reveParams.aspect_ratio" });
  assert.equal(out.verified, true);
});
