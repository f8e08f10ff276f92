// The installed package itself: what the tarball holds and how runtimes resolve it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("apiframe-reve/package.json"));
const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

test("the package resolves from node_modules, not from the source tree", () => {
  assert.match(pkgDir, /test-output\/consumer\/node_modules\/apiframe-reve$/);
});

test("exports name an entry for every runtime and the typings first", () => {
  const entry = manifest.exports["."];
  assert.deepEqual(Object.keys(entry), ["types", "workerd", "deno", "node", "edge-light", "worker", "browser", "require", "default"]);
  assert.deepEqual(entry.types, { import: "./dist/index.d.ts", require: "./dist/index.d.cts" });
  // Only the browser entry gets the client-only module; "default" must keep every export.
  assert.equal(entry.default, "./dist/edge.js");
  // Node: the lean entry where require(esm) and process.getBuiltinModule exist; else the ES
  // module for import and the CommonJS build for require (Node 18, Jest).
  assert.deepEqual(entry.node, { "module-sync": "./dist/node.js", import: "./dist/node-compat.js", require: "./dist/node.cjs" });
  assert.equal(entry.require, "./dist/node.cjs");
  assert.equal(manifest.main, "./dist/node.cjs");
  // Every entry runs code at load (it instantiates the module): only the typings are pure.
  assert.deepEqual(manifest.sideEffects, ["./dist/*.js", "./dist/*.cjs"]);
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
  const required = require("apiframe-reve");
  if (moduleSync) {
    // CommonJS callers: require() of the ES module works (no top-level await in it).
    assert.equal(required.ReveClient, m.ReveClient);
  } else {
    assert.ok(require.resolve("apiframe-reve").endsWith("/dist/node.cjs"));
  }
  // One ApiframeError class, whichever entry threw: ES module, CommonJS, or both in one app.
  const cjs = require(join(pkgDir, "dist", "node.cjs"));
  assert.equal(cjs.ApiframeError, m.ApiframeError);
  assert.throws(() => new cjs.ReveClient({}), (e) => e instanceof m.ApiframeError && e.code === "invalid_request");
  assert.throws(() => new m.ReveClient({}), (e) => e instanceof required.ApiframeError);
});

test("the error class is shared within this release line only: a class another line registered is never reused", () => {
  // Each install of the package registers its class under a global symbol of its line: 1.x
  // under "@1", 0.x under its minor (semver: each 0.x minor is breaking), as package.json says.
  const [major, minor] = manifest.version.split(".");
  const line = major === "0" ? `0.${minor}` : major;
  // A fresh process: other installs registered their classes first (an unversioned one, as
  // 0.1.0 did, and other lines), then this package loads through import and require.
  const script = `
    const others = ["apiframe-reve.ApiframeError", "apiframe-reve.ApiframeError@1", "apiframe-reve.ApiframeError@0.2"]
      .map((key) => { const Other = class ApiframeError extends Error {}; globalThis[Symbol.for(key)] = Other; return Other; });
    const m = await import("apiframe-reve");
    const { createRequire } = await import("node:module");
    const cjs = createRequire(process.cwd() + "/")(${JSON.stringify(join(pkgDir, "dist", "node.cjs"))});
    let thrown;
    try { new m.ReveClient({}); } catch (e) { thrown = e; }
    console.log(JSON.stringify({
      reused: others.some((Other) => Other === m.ApiframeError || thrown instanceof Other),
      registered: globalThis[Symbol.for("apiframe-reve.ApiframeError@${line}")] === m.ApiframeError,
      shared: cjs.ApiframeError === m.ApiframeError,
      isApiframeError: thrown instanceof m.ApiframeError && thrown.code === "invalid_request",
    }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dirname(dirname(pkgDir)), encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), { reused: false, registered: true, shared: true, isApiframeError: true });
});

test("the tarball ships the built files, README and LICENSE, and nothing of the source tree", () => {
  const files = readdirSync(pkgDir).sort();
  assert.deepEqual(files, ["LICENSE", "README.md", "dist", "package.json"]);
  const dist = readdirSync(join(pkgDir, "dist"));
  for (const f of ["apiframe_reve_bg.wasm", "apiframe_reve_client_bg.wasm", "apiframe_reve.d.ts", "apiframe_reve.d.cts", "errors.d.ts", "errors.d.cts", "index.d.ts", "index.d.cts", "node.js", "node-compat.js", "node.cjs", "browser.js", "workerd.js", "deno.js", "edge.js", "edge-light.js"]) {
    assert.ok(dist.includes(f), f);
  }
  // Each entry is one module, the glue and the error class bundled in: importing the package
  // loads that module and its .wasm, nothing else (the class is still one: the registry test).
  assert.ok(!dist.includes("apiframe_reve.js"), dist.join(", "));
  assert.ok(!dist.includes("errors.js") && !dist.includes("errors.cjs"), dist.join(", "));
  for (const entry of ["node.js", "node-compat.js", "browser.js", "workerd.js", "deno.js", "edge.js", "edge-light.js", "node.cjs"]) {
    const text = readFileSync(join(pkgDir, "dist", entry), "utf8");
    const imports = [...text.matchAll(/\bfrom\s*"([^"]+)"|\brequire\("([^"]+)"\)/g)].map((m) => m[1] ?? m[2]);
    assert.ok(imports.every((i) => i.startsWith("node:") || /\.wasm(\?module)?$/.test(i)), `${entry} imports ${imports}`);
    assert.ok(text.includes("apiframe-reve.ApiframeError@"), `${entry} registers the class`);
    const modules = new Set(text.match(/apiframe_reve(_client)?_bg\.wasm/g));
    assert.deepEqual([...modules], [entry === "browser.js" ? "apiframe_reve_client_bg.wasm" : "apiframe_reve_bg.wasm"], entry);
  }
});

test("the Durable Object and its jobRecords are in the workerd entry only, and the typings name them", async () => {
  const m = await import("apiframe-reve");
  assert.equal(m.JobRecordsObject, undefined);
  assert.equal(m.durableJobRecords, undefined);
  for (const entry of ["node.js", "node-compat.js", "browser.js", "deno.js", "edge.js", "edge-light.js", "node.cjs"]) {
    assert.ok(!readFileSync(join(pkgDir, "dist", entry), "utf8").includes("JobRecordsObject"), entry);
  }
  const workerd = readFileSync(join(pkgDir, "dist", "workerd.js"), "utf8");
  assert.match(workerd, /export\s*\{[^}]*\bJobRecordsObject\b[^}]*\}/);
  assert.match(workerd, /export\s*\{[^}]*\bdurableJobRecords\b[^}]*\}/);
  for (const types of ["index.d.ts", "index.d.cts"]) {
    const text = readFileSync(join(pkgDir, "dist", types), "utf8");
    assert.match(text, /export declare class JobRecordsObject\b/, types);
    assert.match(text, /export declare function durableJobRecords\(/, types);
  }
});

test("the Node entries read the .wasm beside themselves when a server bundler rewrote its URL, wherever the process started", () => {
  // As Next.js with Turbopack leaves a route handler: the entry's
  // `new URL("./apiframe_reve_bg.wasm", import.meta.url)` made a public path, not a file, while
  // `import.meta.url` is still the entry's own file. The process starts in a folder with no
  // node_modules: nothing but the entry's own location leads to the module.
  const bundled = mkdtempSync(join(tmpdir(), "reve-bundled-"));
  const elsewhere = mkdtempSync(join(tmpdir(), "reve-cwd-"));
  try {
    for (const f of ["apiframe_reve_bg.wasm"]) copyFileSync(join(pkgDir, "dist", f), join(bundled, f));
    writeFileSync(join(bundled, "package.json"), JSON.stringify({ type: "module" }));
    // node.js needs process.getBuiltinModule (Node 20.16+); node-compat.js runs everywhere.
    const entries = typeof process.getBuiltinModule === "function" ? ["node.js", "node-compat.js"] : ["node-compat.js"];
    for (const entry of entries) {
      const text = readFileSync(join(pkgDir, "dist", entry), "utf8");
      const rewritten = text.replace(/new URL\("\.\/apiframe_reve_bg\.wasm",\s*import\.meta\.url\)/g, 'new URL("/_next/static/media/apiframe_reve_bg.0f1e2d3c.wasm", "http://localhost:3000/")');
      assert.notEqual(rewritten, text, `${entry} names its .wasm by new URL(..., import.meta.url)`);
      writeFileSync(join(bundled, entry), rewritten);
      const script = `const m = await import(${JSON.stringify(pathToFileURL(join(bundled, entry)).href)});
        console.log(typeof m.ReveClient, m.imageUrls({ result: { images: ["https://x/y.png"] } }).length);`;
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: elsewhere, encoding: "utf8" });
      assert.equal(out.trim(), "function 1", entry);
    }
  } finally {
    rmSync(bundled, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("the shipped wasm is optimised: no names section, no debug info", () => {
  const wasm = readFileSync(join(pkgDir, "dist", "apiframe_reve_bg.wasm"));
  const text = wasm.toString("latin1");
  assert.ok(!text.includes(".debug_info"), "debug sections present");
  assert.ok(!text.includes("producers"), "producers section present");
});

test("apiframe-reve/ai resolves for import and require, on the package's own entry", async () => {
  assert.deepEqual(manifest.exports["./ai"], {
    import: { types: "./dist/ai.d.ts", default: "./dist/ai.js" },
    require: { types: "./dist/ai.d.cts", default: "./dist/ai.cjs" },
  });
  const ai = await import("apiframe-reve/ai");
  assert.equal(typeof ai.createApiframe, "function");
  assert.equal(ai.apiframe.image("reve-create").specificationVersion, "v3");
  // It imports the package by name, so it runs on this runtime's entry (one module instance).
  const text = readFileSync(join(pkgDir, "dist", "ai.js"), "utf8");
  assert.deepEqual([...text.matchAll(/\bfrom\s*"([^"]+)"/g)].map((m) => m[1]), ["apiframe-reve"]);
  const cjs = require("apiframe-reve/ai");
  assert.equal(typeof cjs.createApiframe, "function");
  assert.throws(() => cjs.createApiframe({ apiKy: "k" }), (e) => e.code === "invalid_request" && /did you mean "apiKey"/.test(e.message));
});
