// The installed package itself: what the tarball holds and how runtimes resolve it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("apiframe-reve/package.json"));
const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

test("the package resolves from node_modules, not from the source tree", () => {
  assert.match(pkgDir, /test-output\/consumer\/node_modules\/apiframe-reve$/);
});

test("exports name an entry for every runtime and the typings first", () => {
  const entry = manifest.exports["."];
  assert.deepEqual(Object.keys(entry), ["types", "workerd", "deno", "node", "edge-light", "worker", "browser", "default"]);
  // Only the browser entry gets the client-only module; "default" must keep every export.
  assert.equal(entry.default, "./dist/edge.js");
  // Node: the lean entry where require(esm) and process.getBuiltinModule exist, else Node 18's.
  assert.deepEqual(entry.node, { "module-sync": "./dist/node.js", default: "./dist/node-compat.js" });
  const files = Object.values(entry).flatMap((f) => (typeof f === "string" ? [f] : Object.values(f)));
  for (const file of files) assert.ok(readdirSync(join(pkgDir, "dist")).includes(file.replace("./dist/", "")), file);
});

test("this Node resolves the entry it can run, and it loads", async () => {
  const [major, minor] = process.versions.node.split(".").map(Number);
  const moduleSync = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
  const resolved = import.meta.resolve("apiframe-reve");
  assert.ok(resolved.endsWith(moduleSync ? "/dist/node.js" : "/dist/node-compat.js"), resolved);
  const m = await import("apiframe-reve");
  assert.equal(typeof m.ReveClient, "function");
  assert.deepEqual(m.imageUrls({ result: { images: ["https://x/y.png"] } }), ["https://x/y.png"]);
  if (moduleSync) {
    // CommonJS callers: require() of the ES module works (no top-level await in it).
    assert.equal(require("apiframe-reve").ReveClient, m.ReveClient);
  }
});

test("the tarball ships the built files, README and LICENSE, and nothing of the source tree", () => {
  const files = readdirSync(pkgDir).sort();
  assert.deepEqual(files, ["LICENSE", "README.md", "dist", "package.json"]);
  const dist = readdirSync(join(pkgDir, "dist"));
  for (const f of ["apiframe_reve_bg.wasm", "apiframe_reve_client_bg.wasm", "apiframe_reve.d.ts", "errors.d.ts", "index.d.ts", "node.js", "node-compat.js", "browser.js", "workerd.js", "deno.js", "edge.js"]) {
    assert.ok(dist.includes(f), f);
  }
  // Each entry is one self-contained module: the glue and errors.js are bundled into it.
  assert.ok(!dist.includes("apiframe_reve.js") && !dist.includes("errors.js"), dist.join(", "));
  for (const entry of ["node.js", "node-compat.js", "browser.js", "workerd.js", "deno.js", "edge.js"]) {
    const text = readFileSync(join(pkgDir, "dist", entry), "utf8");
    const imports = [...text.matchAll(/\bfrom\s*"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(imports.every((i) => i.startsWith("node:") || i.endsWith(".wasm")), `${entry} imports ${imports}`);
    const modules = new Set(text.match(/apiframe_reve(_client)?_bg\.wasm/g));
    assert.deepEqual([...modules], [entry === "browser.js" ? "apiframe_reve_client_bg.wasm" : "apiframe_reve_bg.wasm"], entry);
  }
});

test("the shipped wasm is optimised: no names section, no debug info", () => {
  const wasm = readFileSync(join(pkgDir, "dist", "apiframe_reve_bg.wasm"));
  const text = wasm.toString("latin1");
  assert.ok(!text.includes(".debug_info"), "debug sections present");
  assert.ok(!text.includes("producers"), "producers section present");
});
