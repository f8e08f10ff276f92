// The Workers the workerd benchmarks start: a bare one that makes one upstream request, and
// their own ones that use the package, each bundled as wrangler would, with "apiframe-reve"
// resolving to this checkout's dist/workerd.js (`npm run build` first).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorker } from "../tests/support/workerd.mjs";

/** The baseline: the same one upstream request as a client's first `listJobs`, no package. */
export const BARE_WORKER = `export default { async fetch(req, env) {
  const r = await fetch(env.API + "/v2/jobs?limit=1", { headers: { "x-api-key": "afk_local_dev" } });
  return new Response(await r.text());
} };`;

const alias = { "apiframe-reve": join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "workerd.js") };

/** Bundles each Worker's source, once and outside any timing (esbuild's time is the build's).
 * @param {Record<string, string>} sources ES module text by name
 * @returns {Promise<Record<string, object>>} what `startWorker` takes, by name */
export async function bundleWorkers(sources) {
  const dir = mkdtempSync(join(tmpdir(), "reve-workerd-"));
  const bundles = {};
  for (const [name, source] of Object.entries(sources)) {
    writeFileSync(join(dir, `${name}.mjs`), source);
    bundles[name] = await bundleWorker(join(dir, `${name}.mjs`), { alias });
  }
  return bundles;
}
