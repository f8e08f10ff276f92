// Bundles a Worker as wrangler does (esbuild, the "workerd" export condition, .wasm imports
// kept as CompiledWasm modules) and runs it in workerd through miniflare.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { createServer } from "node:net";

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
 * @param {{bindings?: object, kvNamespaces?: string[], kvPersist?: string, durableObjects?: object, port?: number, alias?: object}} options
 *   `port` makes workerd listen on 127.0.0.1 (0: a free port) so other processes can call it;
 *   `kvPersist`, a folder, keeps KV there, so two Workers given the same one share it;
 *   `durableObjects` binds classes the Worker exports (miniflare's option: `{ BINDING: "Class" }`).
 */
export async function startWorker(entry, { bindings = {}, kvNamespaces, kvPersist, durableObjects, port, alias } = {}) {
  const { root, modules, wasmImports } = typeof entry === "string" ? await bundleWorker(entry, { alias }) : entry;
  const mf = new Miniflare({
    modules,
    modulesRoot: root,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings,
    kvNamespaces,
    durableObjects,
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

/**
 * `count` Workers made from one entry in one workerd, as the isolates of one deployed Worker:
 * each its own script (its own module state: nothing shared in memory), each listening on its
 * own port of 127.0.0.1, with the same `bindings` (or what `bindings(urls)` makes of their URLs,
 * known before they start: a Worker's own public URL is a setting) and KV namespaces, and the Durable Object
 * namespaces of `durableObjects` (`{ BINDING: "Class" }`) defined by the first and bound by
 * all, so every one reaches the same objects.
 * @param {string} entry the Worker's source file ("apiframe-reve" resolves from it)
 * @param {number} count
 * @param {{bindings?: object | ((urls: string[]) => object), kvNamespaces?: string[], durableObjects?: Record<string, string>, alias?: object}} options
 */
export async function startWorkers(entry, count, { bindings = {}, kvNamespaces, durableObjects = {}, alias } = {}) {
  const { root, modules } = await bundleWorker(entry, { alias });
  const names = Array.from({ length: count }, (_, i) => `isolate-${i}`);
  const ports = [];
  for (const _ of names) ports.push(await freePort());
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    workers: names.map((name, i) => ({
      name,
      modules,
      modulesRoot: root,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: typeof bindings === "function" ? bindings(urls) : bindings,
      kvNamespaces,
      durableObjects: Object.fromEntries(Object.entries(durableObjects).map(([binding, className]) => [binding, { className, scriptName: names[0] }])),
      unsafeDirectSockets: [{ host: "127.0.0.1", port: ports[i] }],
    })),
  });
  await mf.ready;
  return { mf, urls, stop: () => mf.dispose() };
}

/** A port of 127.0.0.1 nobody listens on now. */
export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
