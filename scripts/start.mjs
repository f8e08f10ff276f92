// npm start: builds what is missing, then serves the demo page and the local Apiframe
// emulator on one address (no API key needed), and the example edge proxy (examples/worker,
// in workerd through miniflare) on the next port, keeping the emulator's key off the page. The
// proxy's PUBLIC_URL is its own address, so the emulator's webhooks reach it and each job's
// record lives in its Durable Object (JobRecordsObject), as deployed.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
const port = Number(process.env.PORT ?? 8787);

run("bash", ["scripts/setup.sh"]);
console.log("start: building the emulator");
run("cargo", ["build", "-p", "apiframe-emulator", "--quiet"]);
// Rebuild the package when any source is newer than the built module (or there is none).
const newest = (dir) => readdirSync(dir, { recursive: true }).reduce((t, f) => Math.max(t, statSync(join(dir, String(f))).mtimeMs), 0);
const built = join(root, "dist", "apiframe_reve_bg.wasm");
const stale = !existsSync(built) || Math.max(newest(join(root, "src")), newest(join(root, "js")), statSync(join(root, "Cargo.toml")).mtimeMs) > statSync(built).mtimeMs;
if (stale || process.argv.includes("--rebuild")) run("node", ["scripts/build.mjs"]);

const emulator = spawn(
  join(root, "target", "debug", "apiframe-emulator"),
  ["--port", String(port), "--www", join(root, "www"), "--mount", `dist=${join(root, "dist")}`, ...process.argv.slice(2).filter((a) => a !== "--rebuild")],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let proxy;
emulator.stdout.once("data", async (chunk) => {
  const url = String(chunk).trim().replace(/^listening on /, "");
  const { startWorker } = await import("../tests/support/workerd.mjs");
  const proxyUrl = `http://127.0.0.1:${port + 1}`;
  proxy = await startWorker(join(root, "examples", "worker", "src", "index.js"), {
    port: port + 1,
    kvNamespaces: ["JOBS"],
    durableObjects: { JOB_RECORDS: "JobRecordsObject" },
    alias: { "apiframe-reve": join(root, "dist", "workerd.js") },
    bindings: {
      APIFRAME_API_KEY: "afk_local_dev",
      APIFRAME_BASE_URL: url,
      ALLOW_ANONYMOUS: "true",
      ALLOWED_ORIGINS: `${url},http://localhost:${port}`,
      PUBLIC_URL: proxyUrl, // the emulator posts each job's events to its /api/reve/webhook
    },
  });
  console.log(`\n  Demo:     ${url}/\n  API:      ${url}/v2/... (key afk_local_dev)\n  Proxy:    ${proxy.url}/api/reve (examples/worker in workerd, its webhooks at ${proxy.url}/api/reve/webhook; pick "through a proxy" in the page)\n  CLI:      APIFRAME_API_KEY=afk_local_dev APIFRAME_BASE_URL=${url} npx apiframe-reve "a lighthouse" -o out/\n  Stop:     Ctrl-C\n`);
});
const stop = async (code) => {
  // The emulator first: miniflare's own signal handlers may end this process while it disposes.
  emulator.kill("SIGTERM");
  await proxy?.stop().catch(() => {});
  process.exit(code);
};
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stop(0));
emulator.on("exit", (code) => stop(code ?? 0));
