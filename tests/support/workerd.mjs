// Bundles a Worker as wrangler does (esbuild, the "workerd" export condition, .wasm imports
// kept as CompiledWasm modules) and runs it in workerd through miniflare.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

/** The workerd compatibility date every Worker of the tests and benchmarks runs with. */
export const COMPATIBILITY_DATE = "2025-09-01";

/**
 * Bundles a Worker as wrangler would: its ES module and its .wasm imports.
 * @param {string} entry the Worker's source file; "apiframe-reve" resolves from it
 * @param {{alias?: object}} options
 */
export async function bundleWorker(entry, { alias } = {}) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["*.wasm"],
    alias,
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0].text;
  const wasmImports = [...code.matchAll(/from\s+"(\.\/[^"]+\.wasm)"/g)].map((m) => m[1]);
  const dist = alias?.["apiframe-reve"]
    ? dirname(alias["apiframe-reve"])
    : join(dirname(createRequire(entry).resolve("apiframe-reve/package.json")), "dist");
  const root = "/worker";
  const modules = [{ type: "ESModule", path: `${root}/worker.mjs`, contents: code }];
  for (const spec of new Set(wasmImports)) {
    modules.push({ type: "CompiledWasm", path: join(root, spec), contents: readFileSync(join(dist, spec)) });
  }
  return { root, modules, wasmImports };
}

/**
 * @param {string | {root: string, modules: object[], wasmImports: string[]}} entry the Worker's
 *   source file ("apiframe-reve" resolves from it), or what `bundleWorker` made of one
 * @param {{bindings?: object, kvNamespaces?: string[], kvPersist?: string, port?: number, alias?: object}} options
 *   `port` makes workerd listen on 127.0.0.1 (0: a free port) so other processes can call it;
 *   `kvPersist`, a folder, keeps KV there, so two Workers given the same one share it.
 */
export async function startWorker(entry, { bindings = {}, kvNamespaces, kvPersist, port, alias } = {}) {
  const { root, modules, wasmImports } = typeof entry === "string" ? await bundleWorker(entry, { alias }) : entry;
  const mf = new Miniflare({
    modules,
    modulesRoot: root,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    kvNamespaces,
    ...(kvPersist === undefined ? {} : { kvPersist }),
    ...(port === undefined ? {} : { host: "127.0.0.1", port }),
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  return {
    mf,
    url,
    wasmImports,
    fetch: (path, init) => mf.dispatchFetch(`http://worker.test${path}`, init),
    stop: () => mf.dispose(),
  };
}
