// Bundles a Worker as wrangler does (esbuild, the "workerd" export condition, .wasm imports
// kept as CompiledWasm modules) and runs it in workerd through miniflare.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

export async function startWorker(entry, bindings = {}) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["*.wasm"],
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0].text;
  const wasmImports = [...code.matchAll(/from\s+"(\.\/[^"]+\.wasm)"/g)].map((m) => m[1]);
  const require = createRequire(entry);
  const dist = dirname(require.resolve("apiframe-reve/package.json"));
  const root = "/worker";
  const modules = [{ type: "ESModule", path: `${root}/worker.mjs`, contents: code }];
  for (const spec of new Set(wasmImports)) {
    modules.push({ type: "CompiledWasm", path: join(root, spec), contents: readFileSync(join(dist, "dist", spec)) });
  }
  const mf = new Miniflare({
    modules,
    modulesRoot: root,
    compatibilityDate: "2025-09-01",
    bindings,
  });
  await mf.ready;
  return { mf, wasmImports, fetch: (path, init) => mf.dispatchFetch(`http://worker.test${path}`, init), stop: () => mf.dispose() };
}
