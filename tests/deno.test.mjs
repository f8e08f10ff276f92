// The package in Deno (the npm package `deno` brings the binary): the "deno" export condition,
// with least privilege: read this project, reach the emulator, nothing else.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { reveCapabilities } from "apiframe-reve";
import { KEY, pngSize, startEmulator } from "./support/emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const consumer = join(here, "..");
const deno = join(dirname(createRequire(import.meta.url).resolve("deno/package.json")), "..", ".bin", "deno");
let emu;

before(async () => { emu = await startEmulator(["--job-ms", "300"]); });
after(() => emu?.stop());

test("Deno resolves the deno entry and runs the client: calls, typed errors, an abort, a download, capabilities and webhook checks", async () => {
  const host = new URL(emu.url).host;
  const { stdout } = await promisify(execFile)(
    deno,
    ["run", "--quiet", "--no-prompt", `--allow-read=${consumer}`, `--allow-net=${host}`, join(here, "deno", "smoke.mjs"), emu.url, KEY],
    { cwd: consumer, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }, timeout: 60_000 },
  );
  const out = JSON.parse(stdout.trim().split("\n").at(-1));
  assert.match(out.entry, /node_modules\/apiframe-reve\/dist\/deno\.js$/);

  // generate, then waitForJob, getJob and listJobs all read the same job.
  assert.equal(out.accepted.status, "QUEUED");
  assert.match(out.accepted.jobId, /^[0-9a-f-]{36}$/);
  const id = out.accepted.jobId;
  assert.deepEqual(out.waited, { id, status: "COMPLETED", lastSeen: "COMPLETED", reveParams: { aspect_ratio: "4:3", seed: 2 } });
  assert.deepEqual(out.got, { id, status: "COMPLETED" });
  assert.ok(out.listed.includes(id), JSON.stringify(out.listed));
  const job = await (await fetch(`${emu.url}/v2/jobs/${id}`, { headers: { "x-api-key": KEY } })).json();
  assert.deepEqual(out.urls, job.result.images);
  assert.equal(out.urls.length, 1);

  // downloadImages: the output file's own bytes, a 4:3 PNG.
  const file = new Uint8Array(await (await fetch(out.urls[0])).arrayBuffer());
  assert.equal(out.downloads.length, 1);
  const [image] = out.downloads;
  assert.deepEqual([image.url, image.mediaType, image.isUint8Array], [out.urls[0], "image/png", true]);
  assert.deepEqual(image.signature, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.deepEqual(image.size, [pngSize(file).width, pngSize(file).height]);
  assert.equal(image.size[0] * 3, image.size[1] * 4);
  assert.equal(image.sha256, createHash("sha256").update(file).digest("hex"));

  assert.deepEqual(out.invalid, {
    isApiframeError: true, isError: true, code: "invalid_request", field: "reveParams.aspect_ratio",
    allowed: ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"],
  });
  const { jobId, ...aborted } = out.aborted;
  assert.deepEqual(aborted, { isApiframeError: true, name: "AbortError", code: "aborted", cause: "stopped in Deno" });
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  assert.equal(out.abortedJob, jobId, "the aborted run's job exists");
  assert.deepEqual(out.capabilities, reveCapabilities());
  assert.deepEqual(out.capabilities.models, ["reve-create"]);
  assert.equal(out.capabilities.promptMaxLength, 2000);
  assert.equal(out.verified, true);
});
